"""Attention weights in float32 from the model's own queries and keys, whatever the weights' dtype.

Transformers' eager attention rounds the scores q·k/√d to the weights' dtype before the softmax and the
probabilities after it: in bfloat16 a row of 64 weights can miss summing to 1 by 1e-2, and a score
rounded to 8 bits of mantissa moves the step-by-step recomputation off by as much. This module
registers one attention function with `transformers.AttentionInterface` (the hook every Llama-style
and BERT-style model calls) under `ATTENTION`: it upcasts the queries and keys (rotary already
applied, exactly the model's) to float32, adds the mask and softmaxes in float32 and returns those
float32 probabilities; only their product with the values goes back to the weights' dtype, so the
rest of the forward pass is the eager one's. In a float32 model it returns what eager attention does, bit
for bit (tests/core/test_attention_fp32.py, and tests/core/test_fast_load.py on SmolLM2). So one copy of the model
serves every page, in whatever precision the sidebar picked. Leaves out sdpa / flash kernels (they
never return the weights) and KV-cache generation speed (generation uses it too, at the same cost).
"""

from __future__ import annotations

import threading

import torch

ATTENTION = "explain_float32"  # the name models are loaded with (`attn_implementation`)
_REGISTERED = threading.Lock()
_done: set[str] = set()  # names registered in this process


def float32_attention(module, query, key, value, attention_mask, scaling: float, dropout: float = 0.0, **kwargs):
    """Eager attention with float32 scores and probabilities: (output in value's dtype, weights in float32).

    Shapes: query (B, H, T, d), key and value (B, K, S, d) with H = K x groups; weights (B, H, T, S).
    The queries of one key/value head's group are stacked as rows of one matmul ((B, K, groups x T, d)
    against (B, K, S, d)) instead of copying each key and value `groups` times (transformers' repeat_kv):
    the same products, bit for bit, with fewer operations (64-token analysis 87 -> 83 ms, measured).
    """
    batch, heads, queries, size = query.shape
    kv_heads, keys = key.shape[1], key.shape[-2]
    groups = heads // kv_heads  # query head h reads key/value head h // groups, as repeat_kv
    stacked = query.float().reshape(batch, kv_heads, groups * queries, size)
    scores = torch.matmul(stacked, key.float().transpose(2, 3)).view(batch, heads, queries, keys)
    scores.mul_(scaling)
    if attention_mask is not None:
        if attention_mask.dtype == torch.bool:
            scores.masked_fill_(~attention_mask[..., :keys], torch.finfo(torch.float32).min)
        else:
            scores.add_(attention_mask[..., :keys])
    weights = torch.softmax(scores, dim=-1)
    if dropout and module.training:
        weights = torch.nn.functional.dropout(weights, p=dropout)
    mixed = torch.matmul(weights.to(value.dtype).view(batch, kv_heads, groups * queries, keys), value)
    output = mixed.view(batch, heads, queries, value.shape[-1]).transpose(1, 2).contiguous()  # values may be wider
    return output, weights


def register(name: str = ATTENTION, function=None, mask=None) -> str:
    """Make an attention function known to transformers under `name` (once per name and process); returns the name.

    Default: this module's float32 attention with eager's float mask. Other modules register theirs here too
    (`training/bf16_attention.py`), so there is one registration mechanism.
    """
    with _REGISTERED:
        if name not in _done:
            from transformers import AttentionInterface
            from transformers.masking_utils import AttentionMaskInterface, eager_mask

            AttentionInterface.register(name, function or float32_attention)
            AttentionMaskInterface.register(name, mask or eager_mask)
            _done.add(name)
    return name
