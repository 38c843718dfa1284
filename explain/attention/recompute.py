"""One row of attention recomputed by hand: query, keys, q·k, /√d, causal mask, softmax.

The queries and keys are recorded with forward hooks on the real model's
`q_proj` / `k_proj` layers, rotary position embeddings are applied with the
model's own `apply_rotary_pos_emb` and the (cos, sin) its rotary module
produced, and grouped-query attention is followed the way the model does it
(SmolLM2: 9 query heads share 3 key/value heads, so query head h reads key
head h // 3). The result is compared with the model's own attention row.

Covers Llama-style decoders (SmolLM2 and the app's trained models: modules
`model.layers[i].self_attn` with `q_proj`, `k_proj`, rotary cos/sin passed as
`position_embeddings`). Leaves out values and the output projection (the row of
weights is the whole story here), and other architectures (GPT-2's fused
`c_attn`, BERT), for which `UnsupportedModel` says so.

Shapes (T tokens, H query heads, K key/value heads, d head width):
    queries (L, H, T, d)  after rotary embedding; `raw_queries` before it
    keys    (L, K, T, d)  after rotary embedding; `raw_keys` before it
"""

from __future__ import annotations

import sys
from dataclasses import dataclass

import numpy as np
import torch

from explain.core.analysis import encode
from explain.core.limits import MAX_ANALYSIS_TOKENS
from explain.core.loading import LoadedModel
from explain.core.text_input import require_nonempty


class UnsupportedModel(ValueError):
    """A model whose attention this module cannot take apart; the message names what it supports."""


@dataclass
class QueryKeys:
    queries: np.ndarray  # (L, H, T, d) float32, rotary applied
    keys: np.ndarray  # (L, K, T, d) float32, rotary applied
    raw_queries: np.ndarray  # (L, H, T, d) float32, straight out of q_proj
    raw_keys: np.ndarray  # (L, K, T, d) float32, straight out of k_proj
    scaling: float  # what the model multiplies q·k by: 1/√d
    groups: int  # query heads per key/value head (3 in SmolLM2)


def attention_modules(lm: LoadedModel) -> list:
    """The self-attention module of each layer, or UnsupportedModel for non-Llama-style models."""
    inner = getattr(lm.model, "model", None)
    layers = getattr(inner, "layers", None)
    if layers is None or not all(hasattr(layer, "self_attn") for layer in layers):
        raise UnsupportedModel(f"The step-by-step view needs a Llama-style model (SmolLM2); '{lm.name}' is not one.")
    modules = [layer.self_attn for layer in layers]
    if not all(hasattr(m, "q_proj") and hasattr(m, "k_proj") for m in modules):
        raise UnsupportedModel(f"'{lm.name}' has no separate q_proj/k_proj layers to record.")
    return modules


def _rotary_function(module):
    """The `apply_rotary_pos_emb` of the module's own modeling file (never a copy of it)."""
    function = getattr(sys.modules[type(module).__module__], "apply_rotary_pos_emb", None)
    if function is None:
        raise UnsupportedModel(f"{type(module).__name__} has no apply_rotary_pos_emb to reuse.")
    return function


def _heads(flat: torch.Tensor, d: int) -> torch.Tensor:
    """(1, T, n*d) -> (1, n, T, d): the split into heads the model does inside attention."""
    return flat.view(1, flat.shape[1], -1, d).transpose(1, 2)


def _record(lm: LoadedModel, ids: list[int], modules: list) -> list[dict]:
    """Run the model once with hooks; per layer: q_proj, k_proj outputs and the (cos, sin) it received.

    The hooks live only inside the model's lock, so another session's forward pass
    on the shared model can neither trigger them nor be slowed by them.
    """
    captured: list[dict] = [{} for _ in modules]
    with lm.lock:
        handles = []
        for store, module in zip(captured, modules):
            handles.append(module.q_proj.register_forward_hook(lambda m, i, o, s=store: s.__setitem__("q", o)))
            handles.append(module.k_proj.register_forward_hook(lambda m, i, o, s=store: s.__setitem__("k", o)))
            handles.append(
                module.register_forward_pre_hook(
                    lambda m, a, kw, s=store: s.__setitem__("rope", kw.get("position_embeddings")), with_kwargs=True
                )
            )
        try:
            with torch.inference_mode():
                lm.model(input_ids=torch.tensor([ids], device=lm.device))
        finally:
            for handle in handles:
                handle.remove()
    return captured


def _numpy(x: torch.Tensor) -> np.ndarray:
    return x[0].detach().float().cpu().numpy()


def record_queries_keys(lm: LoadedModel, text: str, limit: int = MAX_ANALYSIS_TOKENS) -> QueryKeys:
    """Queries and keys of every layer for `text` (first `limit` tokens), cached per text like `analyze`."""
    cleaned = require_nonempty(text)
    return lm.results.get_or_compute(("queries_keys", cleaned, limit), lambda: _queries_keys(lm, cleaned, limit))


def _queries_keys(lm: LoadedModel, text: str, limit: int) -> QueryKeys:
    modules = attention_modules(lm)
    rotate = _rotary_function(modules[0])
    d = modules[0].head_dim
    captured = _record(lm, encode(lm, text)[:limit], modules)
    parts: dict[str, list] = {"q": [], "k": [], "rq": [], "rk": []}
    with torch.inference_mode():
        for store in captured:
            q, k = _heads(store["q"], d), _heads(store["k"], d)
            cos, sin = store["rope"]
            q_rot, k_rot = rotate(q, k, cos, sin)
            for name, tensor in (("q", q_rot), ("k", k_rot), ("rq", q), ("rk", k)):
                parts[name].append(_numpy(tensor))
    return QueryKeys(
        *(np.stack(parts[n]) for n in ("q", "k", "rq", "rk")),
        float(modules[0].scaling),
        int(modules[0].num_key_value_groups),
    )


@dataclass
class Steps:
    layer: int  # layer index, from 0
    head: int  # query head index
    kv_head: int  # the key/value head it shares (grouped-query attention)
    position: int  # the query token's position t
    query: np.ndarray  # (d,) the query vector, rotary applied
    keys: np.ndarray  # (T, d) every key vector of that key/value head, rotary applied
    dots: np.ndarray  # (T,) q·k_j
    scaled: np.ndarray  # (T,) q·k_j / √d
    masked: np.ndarray  # (T,) scaled, with -inf for j > t (causal mask)
    weights: np.ndarray  # (T,) softmax of `masked`: the attention row
    dots_without_rotary: np.ndarray  # (T,) q·k_j before rotary embedding, to show what position adds
    sqrt_d: float  # √d, d = head width


def step_by_step(qk: QueryKeys, layer: int, head: int, position: int, causal: bool = True) -> Steps:
    """Every intermediate number of attention row `position` in (layer, head).

    Done in float64 on the recorded float32 vectors, so it is a reference for the
    model's float32 arithmetic rather than a copy of it.
    """
    kv_head = head // qk.groups
    query = qk.queries[layer, head, position].astype(np.float64)  # (d,)
    keys = qk.keys[layer, kv_head].astype(np.float64)  # (T, d)
    dots = keys @ query  # (T,)
    scaled = dots * qk.scaling
    masked = scaled.copy()
    if causal:
        masked[position + 1 :] = -np.inf
    shifted = np.exp(masked - masked.max())
    weights = shifted / shifted.sum()
    raw = qk.raw_keys[layer, kv_head].astype(np.float64) @ qk.raw_queries[layer, head, position].astype(np.float64)
    sqrt_d = 1 / qk.scaling  # the model multiplies by scaling = 1/√d
    return Steps(layer, head, kv_head, position, query, keys, dots, scaled, masked, weights, raw, sqrt_d)


def max_difference(steps: Steps, model_row: np.ndarray) -> float:
    """Largest |ours - model's| over one attention row: the check shown on the page."""
    return float(np.max(np.abs(steps.weights - np.asarray(model_row, dtype=np.float64))))
