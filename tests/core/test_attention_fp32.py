"""The float32 attention function against transformers' eager attention (the oracle), GQA and masks included."""

from __future__ import annotations

import types

import pytest
import torch
from transformers.models.llama.modeling_llama import eager_attention_forward

from explain.core.attention_fp32 import float32_attention

B, H, T, D = 2, 6, 7, 16


def _inputs(kv_heads: int, dtype=torch.float32):
    gen = torch.Generator().manual_seed(kv_heads)
    return [torch.randn(B, heads, T, D, generator=gen).to(dtype) for heads in (H, kv_heads, kv_heads)]


def _float_mask(dtype=torch.float32):
    allowed = torch.ones(B, 1, T, T, dtype=torch.bool).tril()
    allowed[1, :, :, :2] = False  # the second text is left-padded by two tokens
    allowed[1, :, :2, :2] = torch.eye(2, dtype=torch.bool)  # (pads see themselves, so no row is empty)
    return allowed, torch.zeros(allowed.shape, dtype=dtype).masked_fill(~allowed, torch.finfo(dtype).min)


@pytest.mark.parametrize("kv_heads", [H, 2])  # one key/value head per query head, and groups of 3
def test_float32_model_equals_eager_bit_for_bit(kv_heads):
    module = types.SimpleNamespace(num_key_value_groups=H // kv_heads, training=False)
    q, k, v = _inputs(kv_heads)
    allowed, mask = _float_mask()
    ours = float32_attention(module, q, k, v, mask, scaling=D**-0.5)
    theirs = eager_attention_forward(module, q, k, v, mask, scaling=D**-0.5)
    assert torch.equal(ours[0], theirs[0]) and torch.equal(ours[1], theirs[1])
    as_bool = float32_attention(module, q, k, v, allowed, scaling=D**-0.5)  # a boolean mask means the same
    assert torch.equal(as_bool[1], ours[1])
    assert ours[1][1, :, 2:, :2].abs().max() == 0  # padding gets no weight


def test_bfloat16_inputs_give_float32_weights_that_sum_to_one():
    module = types.SimpleNamespace(num_key_value_groups=3, training=False)
    q, k, v = _inputs(2, torch.bfloat16)
    output, weights = float32_attention(module, q, k, v, _float_mask(torch.bfloat16)[1], scaling=D**-0.5)
    assert weights.dtype == torch.float32 and output.dtype == torch.bfloat16 and output.shape == (B, T, H, D)
    torch.testing.assert_close(weights.sum(-1), torch.ones(B, H, T), rtol=0, atol=1e-6)
    exact = eager_attention_forward(module, *(x.float() for x in (q, k, v)), _float_mask()[1], scaling=D**-0.5)[1]
    torch.testing.assert_close(weights, exact, rtol=0, atol=1e-6)  # the model's own q and k, float32 softmax


def test_values_of_another_width_than_queries():
    """Some models (DeepSeek's latent attention) give values another head size than queries and keys."""
    module = types.SimpleNamespace(num_key_value_groups=3, training=False)
    q, k, _ = _inputs(2)
    v = torch.randn(B, 2, T, 24, generator=torch.Generator().manual_seed(5))
    ours = float32_attention(module, q, k, v, _float_mask()[1], scaling=D**-0.5)
    theirs = eager_attention_forward(module, q, k, v, _float_mask()[1], scaling=D**-0.5)
    assert ours[0].shape == (B, T, H, 24) and torch.equal(ours[0], theirs[0])
