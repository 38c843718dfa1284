"""The residual stream taken apart: what the embedding, each attention and each MLP add to it.

One forward pass of the real model with forward hooks on its own modules (never a copy of
its code) records, in float32, the embedding lookup's output, the output of every layer's
attention (after `o_proj`) and MLP (after `down_proj`), and the stream that enters the final
norm. In a pre-norm decoder (Llama, SmolLM2) each block only *adds* to the stream, so

    embedding + Σ attention outputs + Σ MLP outputs == the final pre-norm hidden state

and `reconstruction_max_abs` measures how far that holds (float32 rounding only).
Covers Llama-style decoders (`model.model.embed_tokens`, `layers[i].self_attn`, `.mlp`,
`model.model.norm`). Leaves out what the pieces mean for the prediction (see `dla.py`)
and single neurons (see `neurons.py`).

Shapes (T tokens, L layers, D width):
    embedding  (T, D)     the looked-up token vectors (no positions: rotary acts inside attention)
    attn       (L, T, D)  what attention writes into the stream at each layer
    mlp        (L, T, D)  what the MLP writes
    final_pre  (T, D)     the stream entering the final norm (read by a hook, not summed)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from explain.anatomy.diagram import decoder_parts
from explain.core.analysis import encode
from explain.core.limits import MAX_ANATOMY_TOKENS
from explain.core.loading import LoadedModel
from explain.core.text_input import require_nonempty


@dataclass
class Stream:
    ids: list[int]  # token ids, length T
    tokens: list[str]  # each token decoded on its own
    embedding: np.ndarray  # (T, D) float32
    attn: np.ndarray  # (L, T, D) float32, attention output of each layer
    mlp: np.ndarray  # (L, T, D) float32, MLP output of each layer
    final_pre: np.ndarray  # (T, D) float32, the hooked input of the final norm
    logits: np.ndarray  # (1, V) float32, the model's scores at the last position only
    truncated: bool  # True when the text had more than `limit` tokens
    total_tokens: int  # tokens in the whole text

    @property
    def n_tokens(self) -> int:
        return len(self.ids)

    @property
    def next_logits(self) -> np.ndarray:
        """(V,) the model's own scores for the token after the last one."""
        return self.logits[-1]

    def resid(self, layer: int) -> np.ndarray:
        """(T, D) the stream after `layer` (-1: the embedding alone), rebuilt as a sum of parts."""
        return self.embedding + self.attn[: layer + 1].sum(0) + self.mlp[: layer + 1].sum(0)

    def reconstruction_max_abs(self) -> float:
        """max |embedding + Σ attn + Σ mlp − final_pre| over every position and dimension."""
        return float(np.abs(self.resid(self.attn.shape[0] - 1) - self.final_pre).max())


def _first(output):
    """A module's main output: attention returns (output, weights), the MLP a tensor."""
    return output[0] if isinstance(output, tuple) else output


def _hooks(lm: LoadedModel, store: dict) -> list:
    parts = decoder_parts(lm)
    handles = [parts.embed.register_forward_hook(lambda m, i, o: store.__setitem__("embedding", o))]
    for layer, block in enumerate(parts.layers):
        for name, module in (("attn", block.self_attn), ("mlp", block.mlp)):
            keep = store[name].__setitem__
            handles.append(module.register_forward_hook(lambda m, i, o, n=layer, keep=keep: keep(n, _first(o))))
    handles.append(parts.norm.register_forward_pre_hook(lambda m, args: store.__setitem__("final_pre", args[0])))
    return handles


def _numpy(t: torch.Tensor) -> np.ndarray:
    return t[0].detach().float().cpu().numpy()


def run_stream(lm: LoadedModel, ids: list[int]) -> dict[str, np.ndarray]:
    """One hooked forward pass over `ids`; the recorded parts as float32 numpy arrays.

    The hooks live only inside the model's lock, so no other session's pass triggers them.
    """
    store: dict = {"attn": {}, "mlp": {}}
    with lm.lock:
        handles = _hooks(lm, store)
        try:
            with torch.inference_mode():
                out = lm.model(input_ids=torch.tensor([ids], device=lm.device), logits_to_keep=1)
        finally:
            for handle in handles:
                handle.remove()
    n_layers = len(store["attn"])
    return {
        "embedding": _numpy(store["embedding"]),
        "attn": np.stack([_numpy(store["attn"][n]) for n in range(n_layers)]),
        "mlp": np.stack([_numpy(store["mlp"][n]) for n in range(n_layers)]),
        "final_pre": _numpy(store["final_pre"]),
        "logits": _numpy(out.logits),
    }


def record_stream(lm: LoadedModel, text: str, limit: int = MAX_ANATOMY_TOKENS) -> Stream:
    """The decomposed residual stream of `text` (its first `limit` tokens), cached per text."""
    cleaned = require_nonempty(text)
    return lm.results.get_or_compute(("anatomy_stream", cleaned, limit), lambda: _stream(lm, cleaned, limit))


def _stream(lm: LoadedModel, text: str, limit: int) -> Stream:
    all_ids = encode(lm, text)
    ids = all_ids[:limit]
    parts = run_stream(lm, ids)
    tokens = [lm.tokenizer.decode([i]) for i in ids]
    return Stream(ids, tokens, **parts, truncated=len(all_ids) > limit, total_tokens=len(all_ids))


def norms(stream: Stream, position: int) -> dict[str, np.ndarray]:
    """Per layer at `position`: ‖stream after the layer‖, ‖attention output‖, ‖MLP output‖, each (L,)."""
    added = stream.attn[:, position] + stream.mlp[:, position]  # (L, D)
    resid = stream.embedding[position] + np.cumsum(added, axis=0)  # (L, D)
    return {
        "resid": np.linalg.norm(resid, axis=-1),
        "attn": np.linalg.norm(stream.attn[:, position], axis=-1),
        "mlp": np.linalg.norm(stream.mlp[:, position], axis=-1),
    }
