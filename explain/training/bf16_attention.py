"""The attention of bf16 training steps on a CPU: the scale and the causal mask inside the matmul, one softmax.

Under CPU autocast, transformers' eager attention makes five passes over the largest tensor of a step, the
(B, H, T, T) scores: the matmul (bf16), times the scale (bf16), plus the float32 mask (which promotes the
scores to float32), a float32 softmax, and a cast back to bf16; the backward pass retraces each of them. Here
`torch.baddbmm` adds the mask and applies the scale within the matmul, and the softmax reads and writes bf16
(it computes each row in float32 inside and rounds once, where eager rounds its float32 result once): two passes.
The mask of a training batch (causal, no padding) is never built: the mask function is transformers' sdpa one,
which returns None when causality alone is enough, and a (1, T, S) causal bias is kept per shape. A padded
batch's boolean mask is honoured as given. Same maths as eager attention; the rounding differs within bf16's
(tests/training/test_bf16_attention.py compares outputs and gradients with transformers' eager function).
Measured (2 cores, Trainer.step, same batches, medians of 12 steps, interleaved): 1 M preset 130 -> 120 ms,
5 M 331 -> 318 ms. Leaves out the choice of when to use it (see `training/precision.py`).
"""

from __future__ import annotations

import torch

from explain.core.attention_fp32 import register
from explain.core.cache import LRU

ATTENTION = "explain_bf16_train"  # the name `precision.prepare` gives models for CPU bf16 steps
_causal_biases = LRU(8)  # (T, S, dtype, device) -> (1, T, S): 0 where a query may look, the dtype's minimum elsewhere


def causal_bias(queries: int, keys: int, dtype: torch.dtype, device: torch.device) -> torch.Tensor:
    """(1, T, S) additive mask of upper-left causal attention (query i sees keys 0..i), as sdpa's `is_causal`.

    >>> causal_bias(2, 2, torch.float32, torch.device("cpu"))[0, 0, 1].item() < -1e38
    True
    """
    key = (queries, keys, dtype, str(device))
    return _causal_biases.get_or_compute(
        key,
        lambda: torch.full((queries, keys), torch.finfo(dtype).min, dtype=dtype, device=device).triu(1)[None],
    )


def bf16_train_attention(module, query, key, value, attention_mask, scaling: float, dropout: float = 0.0, **kwargs):
    """(output (B, T, H, d) in value's dtype, weights (B, H, T, S)); query (B, H, T, d), key/value (B, K, S, d)."""
    groups = getattr(module, "num_key_value_groups", 1)
    if groups > 1:
        key, value = key.repeat_interleave(groups, dim=1), value.repeat_interleave(groups, dim=1)
    batch, heads, queries, size = query.shape
    keys = key.shape[-2]
    q = query.reshape(batch * heads, queries, size)
    k_t = key.reshape(batch * heads, keys, size).transpose(1, 2)
    if attention_mask is None:  # sdpa_mask found causality enough (one query, or as many queries as keys)
        if getattr(module, "is_causal", True) and queries > 1:
            bias = causal_bias(queries, keys, q.dtype, q.device)
            scores = torch.baddbmm(bias, q, k_t, alpha=scaling)
        else:
            scores = torch.bmm(q, k_t) * scaling
    else:  # a boolean (B, 1, T, S) mask: padding in the batch
        allowed = attention_mask[..., :keys].expand(batch, heads, queries, keys).reshape(batch * heads, queries, keys)
        scores = (torch.bmm(q, k_t) * scaling).masked_fill(~allowed, torch.finfo(q.dtype).min)
    weights = torch.softmax(scores, dim=-1)
    weights = torch.nn.functional.dropout(weights, p=dropout, training=module.training)
    value_size = value.shape[-1]  # values may be wider than queries and keys
    output = torch.bmm(weights, value.reshape(batch * heads, keys, value_size))
    output = output.view(batch, heads, queries, value_size).transpose(1, 2).contiguous()
    return output, weights.view(batch, heads, queries, keys)


def register_bf16_train() -> str:
    """Make `ATTENTION` known to transformers (with sdpa's mask function: None when causality suffices)."""
    from transformers.masking_utils import sdpa_mask

    return register(ATTENTION, bf16_train_attention, sdpa_mask)
