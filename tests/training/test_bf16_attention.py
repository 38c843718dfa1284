"""The bf16 training attention against transformers' eager attention (the oracle), forward and backward."""

from __future__ import annotations

import types

import pytest
import torch
from transformers.masking_utils import causal_mask_function, eager_mask, sdpa_mask
from transformers.models.llama.modeling_llama import eager_attention_forward

from explain.training.bf16_attention import bf16_train_attention, causal_bias

B, H, K, T, D = 3, 4, 2, 9, 8  # batch, query heads, key/value heads (2 groups), tokens, head size


def _inputs(dtype, seed=0):
    gen = torch.Generator().manual_seed(seed)
    shapes = ((B, H, T, D), (B, K, T, D), (B, K, T, D))
    return [torch.randn(s, generator=gen).to(dtype).requires_grad_() for s in shapes]


def _module(groups=H // K):
    return types.SimpleNamespace(num_key_value_groups=groups, is_causal=True, training=True)


def _both(dtype, ours_mask, eager_mask_):
    """(ours, eager): each (output, weights, grads of q, k, v) for the same inputs and a fixed upstream gradient."""
    results = []
    for fn, mask in ((bf16_train_attention, ours_mask), (eager_attention_forward, eager_mask_)):
        q, k, v = _inputs(dtype)
        out, weights = fn(_module(), q, k, v, mask, scaling=D**-0.5)
        upstream = torch.linspace(-1, 1, out.numel()).reshape(out.shape).to(dtype)
        (out.float() * upstream.float()).sum().backward()
        results.append((out.float(), weights.float(), q.grad.float(), k.grad.float(), v.grad.float()))
    return results


def _causal_masks(padding=None):
    kwargs = dict(batch_size=B, q_length=T, kv_length=T, attention_mask=padding)
    return sdpa_mask(**kwargs), eager_mask(**kwargs, mask_function=causal_mask_function)


def test_float32_equals_eager_forward_and_backward():
    ours_mask, oracle_mask = _causal_masks()
    assert ours_mask is None  # a training batch's causal mask is never built
    ours, eager = _both(torch.float32, ours_mask, oracle_mask)
    for a, b in zip(ours, eager, strict=True):
        torch.testing.assert_close(a, b, rtol=1e-5, atol=1e-6)
    assert torch.allclose(ours[1].sum(-1), torch.ones(B, H, T))
    assert ours[1][0, 0, 0, 1:].abs().max() == 0  # the first token sees only itself


def test_bfloat16_within_bf16_rounding_of_eager():
    ours, eager = _both(torch.bfloat16, *_causal_masks())
    for a, b in zip(ours, eager, strict=True):
        torch.testing.assert_close(a, b, rtol=0.02, atol=0.02)
    ours32, _ = _both(torch.float32, *_causal_masks())
    error_ours = (ours[0] - ours32[0]).abs().mean()
    error_eager = (eager[0] - ours32[0]).abs().mean()
    assert error_ours <= 1.5 * error_eager  # no less exact than eager's own bf16


def test_padding_mask_is_honoured():
    padding = torch.ones(B, T, dtype=torch.bool)
    padding[1, :3] = False  # row 1 is left-padded: its first three keys must get no weight
    ours_mask, oracle_mask = _causal_masks(padding)
    assert ours_mask is not None and ours_mask.dtype == torch.bool
    ours, eager = _both(torch.float32, ours_mask, oracle_mask)
    torch.testing.assert_close(ours[0][0], eager[0][0], rtol=1e-5, atol=1e-6)
    assert ours[1][1, :, 3:, :3].abs().max() == 0
    torch.testing.assert_close(ours[1][1, :, 3:], eager[1][1, :, 3:], rtol=1e-5, atol=1e-6)


def test_one_query_sees_every_key_and_bias_is_cached():
    q, k, v = _inputs(torch.float32)
    out, weights = bf16_train_attention(_module(), q[:, :, -1:], k, v, None, scaling=D**-0.5)
    assert weights.shape == (B, H, 1, T) and (weights > 0).all()  # a decode step: no causal cut
    first = causal_bias(5, 5, torch.bfloat16, torch.device("cpu"))
    assert causal_bias(5, 5, torch.bfloat16, torch.device("cpu")) is first
    assert first.shape == (1, 5, 5) and first[0].diagonal().abs().max() == 0


def test_trainer_model_uses_it_under_bf16_and_generates():
    from explain.training import precision, tiny_gpt

    model = tiny_gpt.build_model(tiny_gpt.preset("tiny"), vocab_size=40, seed=0)
    precision.prepare(model, "cpu", "bf16")
    assert model.config._attn_implementation == "explain_bf16_train"
    ids = torch.randint(0, 40, (2, 12), generator=torch.Generator().manual_seed(0))
    with torch.no_grad():
        reference = model(input_ids=ids).logits  # float32 outside autocast
        model.set_attn_implementation("eager")
        eager = model(input_ids=ids).logits
    torch.testing.assert_close(reference, eager, rtol=1e-5, atol=1e-5)
    model.set_attn_implementation("explain_bf16_train")
    out = model.generate(ids[:, :4], max_new_tokens=5, do_sample=False)  # KV cache: one query at a time
    model.set_attn_implementation("eager")
    assert torch.equal(out, model.generate(ids[:, :4], max_new_tokens=5, do_sample=False))


@pytest.mark.parametrize("groups", [1, 2])
def test_groups_repeat_keys(groups):
    gen = torch.Generator().manual_seed(1)
    q, k, v = (torch.randn(B, heads, T, D, generator=gen) for heads in (H, H // groups, H // groups))
    ours = bf16_train_attention(_module(groups), q, k, v, None, scaling=0.3)[0]
    oracle = eager_attention_forward(_module(groups), q, k, v, _causal_masks()[1], scaling=0.3)[0]
    torch.testing.assert_close(ours, oracle, rtol=1e-5, atol=1e-6)


def test_values_of_another_width_than_queries():
    gen = torch.Generator().manual_seed(2)
    q, k = torch.randn(B, H, T, D, generator=gen), torch.randn(B, H, T, D, generator=gen)
    v = torch.randn(B, H, T, 2 * D, generator=gen)
    ours = bf16_train_attention(_module(1), q, k, v, None, scaling=D**-0.5)[0]
    oracle = eager_attention_forward(_module(1), q, k, v, _causal_masks()[1], scaling=D**-0.5)[0]
    assert ours.shape == (B, T, H, 2 * D)
    torch.testing.assert_close(ours, oracle, rtol=1e-5, atol=1e-6)
