"""The fast loader against the Auto classes, float32 attention in bfloat16, and the stamped cache check."""

from __future__ import annotations

import json
import os
import time

import numpy as np
import torch

from explain.attention.recompute import max_difference, record_queries_keys, step_by_step
from explain.core import gguf_cache
from explain.core.analysis import analyze

SENTENCE = "The tallest tower in Paris was built in 1889, and it still draws millions of visitors."


def test_fast_path_logits_and_attention_equal_the_auto_classes_with_eager_attention(smollm):
    from transformers import AutoModelForCausalLM

    folder = gguf_cache.converted_dir("smollm2-135m")
    auto = AutoModelForCausalLM.from_pretrained(folder, dtype=torch.float32, attn_implementation="eager").eval()
    assert smollm.model.config._attn_implementation != "eager"  # ours: the float32 attention function
    ids = torch.tensor([smollm.tokenizer(SENTENCE)["input_ids"]])
    with torch.inference_mode():
        ours = smollm.model(input_ids=ids, output_attentions=True)
        theirs = auto(input_ids=ids, output_attentions=True)
    assert torch.equal(ours.logits, theirs.logits)  # bit for bit, same dtype
    assert all(torch.equal(a, b) for a, b in zip(ours.attentions, theirs.attentions, strict=True))
    assert smollm.model.lm_head.weight is smollm.model.model.embed_tokens.weight  # tied, as from_pretrained ties


def test_attention_is_exact_float32_in_a_bfloat16_model(smollm_bf16):
    assert smollm_bf16.model.model.embed_tokens.weight.dtype == torch.bfloat16
    result = analyze(smollm_bf16, SENTENCE)
    assert result.attentions.dtype == np.float32
    np.testing.assert_allclose(result.attentions.sum(axis=-1), 1.0, atol=1e-5)  # eager bf16 misses by ~1e-2
    qk = record_queries_keys(smollm_bf16, SENTENCE)
    worst = max(
        max_difference(step_by_step(qk, layer, head, pos), result.attentions[layer, head, pos])
        for layer in (0, 13, 29)
        for head in (0, 8)
        for pos in (1, result.n_tokens - 1)
    )
    assert worst < 1e-4


def _fake_copy(tmp_path):
    source = tmp_path / "model.gguf"
    source.write_bytes(b"gguf" * 100)
    folder = tmp_path / "copy"
    folder.mkdir()
    (folder / "model.safetensors").write_bytes(bytes(range(256)) * 8)
    gguf_cache.write_manifest(folder, source)
    past = time.time() - 60
    for path in folder.iterdir():
        os.utime(path, (past, past))
    return folder, source


def test_a_settled_copy_is_hashed_once_across_processes_and_any_write_hashes_it_again(tmp_path, monkeypatch):
    folder, source = _fake_copy(tmp_path)
    hashed = []
    real = gguf_cache.checksum
    monkeypatch.setattr(gguf_cache, "checksum", lambda path: hashed.append(path.name) or real(path))
    assert gguf_cache.is_complete_stamped(folder, source) and hashed == ["model.safetensors"]
    assert json.loads((folder / gguf_cache.VERIFIED).read_text(encoding="utf-8"))
    assert gguf_cache.is_complete_stamped(folder, source) and len(hashed) == 1  # a later process: stat only
    weights = folder / "model.safetensors"
    weights.write_bytes(b"\xff" * weights.stat().st_size)  # same size, new content: its time changed
    assert not gguf_cache.is_complete_stamped(folder, source) and len(hashed) == 2


def test_a_fresh_copy_is_not_stamped_so_a_write_in_the_same_tick_is_still_hashed(tmp_path):
    folder, source = _fake_copy(tmp_path)
    os.utime(folder / "model.safetensors")  # modified just now
    assert gguf_cache.is_complete_stamped(folder, source)
    assert not (folder / gguf_cache.VERIFIED).exists()


def test_a_conversion_stamps_its_own_copy_so_the_next_start_does_not_hash_but_a_later_write_is_caught(
    tmp_path, monkeypatch
):
    source = tmp_path / "model.gguf"
    source.write_bytes(b"gguf" * 100)
    folder = tmp_path / "copy"
    folder.mkdir()
    (folder / "model.safetensors").write_bytes(bytes(range(256)) * 8)  # written just now, like a conversion
    gguf_cache.write_manifest(folder, source)
    gguf_cache.stamp_as_verified(folder)
    hashed = []
    real = gguf_cache.checksum
    monkeypatch.setattr(gguf_cache, "checksum", lambda path: hashed.append(path.name) or real(path))
    assert gguf_cache.is_complete_stamped(folder, source) and hashed == []  # the next process: stat only
    weights = folder / "model.safetensors"
    weights.write_bytes(b"\xff" * weights.stat().st_size)  # same size, new content, written now
    assert not gguf_cache.is_complete_stamped(folder, source) and hashed == ["model.safetensors"]
