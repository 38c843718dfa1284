"""What each layer adds to the prediction: direct logit attribution through the frozen final norm.

The logit of a token t at position p is  W_U[t] · norm(x)  with x the stream entering the final
norm. For RMSNorm, norm(x) = g ⊙ x · s with s = 1 / √(mean(x²) + ε). Freezing s at its real
value for this x makes the map linear, so with x = embedding + Σ attn + Σ mlp the logit splits
exactly into one term per part:  (g ⊙ part · s) · W_U[t]. The terms sum to the model's logit
(up to float32 rounding; a test holds it to 1e-3 relative). For LayerNorm the mean is removed
from each part first (also linear) and the bias is reported as its own term.
Leaves out indirect effects (a part changing what later layers do: see `ablation.py`).

Shapes (L layers, D width): dla_attn (L,), dla_mlp (L,), from parts at one position (D,).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from explain.anatomy.diagram import decoder_parts
from explain.anatomy.stream import Stream
from explain.core.loading import LoadedModel


class UnknownToken(ValueError):
    """A target that is not exactly one token of the model's vocabulary."""


@dataclass
class Attribution:
    target_id: int  # the token whose logit is explained
    target: str  # that token decoded
    logit: float  # the model's own logit for it (from the forward pass)
    embedding: float  # the embedding's share
    attn: np.ndarray  # (L,) each attention output's share
    mlp: np.ndarray  # (L,) each MLP output's share
    bias: float  # the final norm's bias share (0 for RMSNorm)
    scale: float  # the frozen 1/√(mean(x²) + ε) (or 1/σ for LayerNorm)

    @property
    def total(self) -> float:
        return float(self.embedding + self.attn.sum() + self.mlp.sum() + self.bias)


def target_id(lm: LoadedModel, token: str) -> int:
    """The id of `token` if it is exactly one token (mind the leading space: ' Paris'), else UnknownToken."""
    ids = lm.tokenizer(token, add_special_tokens=False)["input_ids"]
    if len(ids) != 1:
        pieces = [lm.tokenizer.decode([i]) for i in ids]
        raise UnknownToken(
            f"'{token[:40]}' is {len(ids)} tokens {pieces[:8]}, not one: pick a single token "
            "(words inside a sentence usually start with a space, e.g. ' Paris')."
        )
    return int(ids[0])


def _norm_parts(lm: LoadedModel) -> tuple[np.ndarray, np.ndarray, float, bool]:
    norm = decoder_parts(lm).norm
    gain = norm.weight.detach().float().cpu().numpy()
    bias = getattr(norm, "bias", None)
    bias = np.zeros_like(gain) if bias is None else bias.detach().float().cpu().numpy()
    eps = float(getattr(norm, "variance_epsilon", getattr(norm, "eps", 1e-5)))
    return gain, bias, eps, "RMS" not in type(norm).__name__


def unembedding_row(lm: LoadedModel, token_id: int) -> np.ndarray:
    """(D,) the row of the LM head that scores `token_id` (the embedding row when tied)."""
    return decoder_parts(lm).head.weight[token_id].detach().float().cpu().numpy()


def attribute_logit(lm: LoadedModel, stream: Stream, position: int, token_id: int) -> Attribution:
    """Split the logit of `token_id` at `position` into embedding + each attention + each MLP (+ bias)."""
    gain, bias, eps, layer_norm = _norm_parts(lm)
    x = stream.final_pre[position].astype(np.float64)  # (D,)
    centre = (lambda v: v - v.mean(-1, keepdims=True)) if layer_norm else (lambda v: v)
    spread = centre(x)
    scale = 1.0 / np.sqrt((spread**2).mean() + eps)
    w = unembedding_row(lm, token_id).astype(np.float64) * gain * scale  # (D,)

    def share(part: np.ndarray) -> np.ndarray:
        return centre(part.astype(np.float64)) @ w

    logits = _model_logit(lm, stream, position, token_id)
    return Attribution(
        token_id,
        lm.tokenizer.decode([token_id]),
        logits,
        float(share(stream.embedding[position])),
        share(stream.attn[:, position]),
        share(stream.mlp[:, position]),
        float(bias @ unembedding_row(lm, token_id)),
        float(scale),
    )


def _model_logit(lm: LoadedModel, stream: Stream, position: int, token_id: int) -> float:
    """The model's own logit: its final norm and head applied to the hooked pre-norm stream."""
    return float(logits_at(lm, stream, position)[token_id])


def logits_at(lm: LoadedModel, stream: Stream, position: int) -> np.ndarray:
    """(V,) the model's scores for the token after `position`: its final norm and head on the hooked stream.

    Kept per (tokens, position), read-only: a page rerun asks three times, and each asks the whole head.
    """
    key = ("anatomy_logits", tuple(stream.ids), position)
    return lm.results.get_or_compute(key, lambda: _logits_at(lm, stream, position))


def _logits_at(lm: LoadedModel, stream: Stream, position: int) -> np.ndarray:
    parts = decoder_parts(lm)
    x = torch.as_tensor(stream.final_pre[position], device=lm.device, dtype=lm.dtype)
    with lm.lock, torch.inference_mode():
        logits = parts.head(parts.norm(x)).float().cpu().numpy()
    logits.setflags(write=False)
    return logits


def top_token(lm: LoadedModel, stream: Stream, position: int) -> int:
    """The model's most likely next token after `position`."""
    return int(logits_at(lm, stream, position).argmax())
