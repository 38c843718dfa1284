"""The KV cache: the formula read from the loaded config equals the bytes of the real past_key_values."""

import pytest
import torch

from explain.frontier import decode, kv_cache


def test_formula_for_smollm2_in_both_number_formats():
    config = {"num_hidden_layers": 30, "num_key_value_heads": 3, "num_attention_heads": 9, "hidden_size": 576}
    assert kv_cache.head_size(config) == 64  # no head_dim: hidden / heads
    assert kv_cache.bytes_per_token(config, 2) == 2 * 30 * 3 * 64 * 2 == 23_040
    assert kv_cache.formula(config, torch.float32)["bytes_per_token"] == 46_080


@pytest.mark.parametrize("tokens", [7, 40])
def test_the_real_cache_equals_the_formula(smollm, tokens):
    cfg = smollm.config
    formula = kv_cache.formula(cfg, smollm.dtype)
    assert (formula["layers"], formula["kv_heads"]) == (cfg.num_hidden_layers, cfg.num_key_value_heads)
    ids = list(range(1000, 1000 + tokens))
    with torch.inference_mode():
        cache = smollm.model(torch.tensor([ids]), use_cache=True).past_key_values
    assert kv_cache.measured_bytes(cache) == tokens * formula["bytes_per_token"]
    out = decode.greedy(smollm, ids, 3)  # the timed loop measures the same cache
    assert out.kv_bytes == tokens * formula["bytes_per_token"] and out.prompt_tokens == tokens
