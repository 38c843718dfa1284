"""Batched generation steps: several sessions' decode steps in one padded pass give each what its own step gives."""

import threading
import time
from types import SimpleNamespace

import numpy as np
import torch
from transformers.cache_utils import DynamicCache

from explain.core import decode_batching
from explain.core.analysis import softmax
from explain.core.decode_batching import DecodeBatcher, forward_alone, forward_steps
from explain.core.flight import Busy, Turns
from explain.core.generation import stream
from explain.core.sampling import SamplingConfig

PROMPTS = [
    "The capital of Italy is",
    "Once upon a time, in a small village by the sea, there lived an old fisherman who",
    "Hi",
    "List three colours:",
]
GREEDY = SamplingConfig(temperature=0.0)


def _prefilled(lm, prompts: list[str]) -> list[tuple[int, DynamicCache]]:
    """(greedy next token, cache) after each prompt: the state of a session about to take a decode step."""
    out = []
    for prompt in prompts:
        logits, past = forward_alone(lm, lm.tokenizer(prompt)["input_ids"], None)
        out.append((int(logits.argmax()), past))
    return out


def _compare_with_alone(lm, steps, check) -> None:
    lengths = [past.get_seq_length() for _, past in steps]
    together = forward_steps(lm, steps)
    assert [past.get_seq_length() for _, past in steps] == lengths  # the sessions' caches were not touched
    for (token, past), (logits, cache), n in zip(steps, together, lengths, strict=True):
        alone_logits, alone_cache = forward_alone(lm, [token], past)
        assert cache.get_seq_length() == alone_cache.get_seq_length() == n + 1  # pads stripped
        check(logits, alone_logits, cache, alone_cache)


def test_a_padded_step_matches_each_step_alone_float32(smollm):
    steps = _prefilled(smollm, PROMPTS[:3])  # caches of 6, 19 and 2 positions

    def check(logits, alone_logits, cache, alone_cache):
        np.testing.assert_allclose(logits, alone_logits, atol=2e-4)
        for (k, v, _), (k1, v1, _) in zip(cache, alone_cache, strict=True):
            torch.testing.assert_close(k, k1, atol=1e-4, rtol=1e-4)
            torch.testing.assert_close(v, v1, atol=1e-4, rtol=1e-4)

    _compare_with_alone(smollm, steps, check)
    # every session owns its tensors: no two returned caches share storage
    together = forward_steps(smollm, steps)
    storages = [layer.keys.untyped_storage().data_ptr() for _, cache in together for layer in cache.layers]
    assert len(set(storages)) == len(storages)


def test_a_padded_step_matches_each_step_alone_in_bfloat16(smollm_bf16):
    lm = smollm_bf16

    def check(logits, alone_logits, cache, alone_cache):
        assert np.abs(logits - alone_logits).max() < 0.75  # a few bf16 steps at logits of ~10, after 30 layers
        assert 0.5 * np.abs(softmax(logits) - softmax(alone_logits)).sum() < 0.05  # nearly the same distribution
        assert set(np.argsort(-alone_logits)[:3]) <= set(np.argsort(-logits)[:5])  # same leading candidates

    _compare_with_alone(lm, _prefilled(lm, PROMPTS[:3]), check)


def _greedy_ids(lm, prompt: str, tokens: int) -> list[int]:
    return [s.id for s in stream(lm, lm.tokenizer(prompt)["input_ids"], GREEDY, tokens, stop_ids=set())]


def test_concurrent_greedy_streams_give_the_tokens_each_gives_alone(smollm):
    tokens = 12
    alone = [_greedy_ids(smollm, p, tokens) for p in PROMPTS]
    decoder, out = smollm.decoder, [None] * len(PROMPTS)
    passes, steps = decoder.passes, decoder.steps

    def worker(i: int) -> None:
        out[i] = _greedy_ids(smollm, PROMPTS[i], tokens)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(len(PROMPTS))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert out == alone  # exact tokens, float32
    run_steps = decoder.steps - steps
    assert run_steps == len(PROMPTS) * (tokens - 1)  # every decode step went through the batcher
    assert decoder.passes - passes < run_steps  # fewer passes than steps: some were batched


def _fake_past() -> DynamicCache:
    return DynamicCache(ddp_cache_data=[(torch.zeros(1, 1, 2, 4), torch.zeros(1, 1, 2, 4))])


def _queue_behind_held_lock(batcher: DecodeBatcher, count: int, results: list) -> list[threading.Thread]:
    """Start `count` decode steps while the model's lock is held; return once they have queued."""

    def worker(i: int) -> None:
        try:
            results[i] = batcher.step([i], _fake_past())
        except Exception as exc:  # noqa: BLE001 - the test inspects what each waiter got
            results[i] = exc

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + 10
    while sum(r is not None for r in results) + len(batcher._queue) < count and time.monotonic() < deadline:
        time.sleep(0.01)
    return threads


def test_an_error_in_a_batched_pass_reaches_every_waiter(monkeypatch):
    lm = SimpleNamespace(turns=Turns(threading.RLock()))
    batcher, results = DecodeBatcher(lm), [None] * 3

    def broken(lm, steps):
        raise RuntimeError(f"out of memory in a pass of {len(steps)}")

    monkeypatch.setattr(decode_batching, "forward_steps", broken)
    lm.turns.lock.acquire()
    threads = _queue_behind_held_lock(batcher, 3, results)
    lm.turns.lock.release()
    for thread in threads:
        thread.join(10)
    assert [str(r) for r in results] == ["out of memory in a pass of 3"] * 3
    assert (batcher.passes, batcher.steps) == (1, 3)


def test_the_queue_bound_refuses_steps_beyond_it(monkeypatch):
    lm = SimpleNamespace(turns=Turns(threading.RLock(), limit=2))
    batcher, results = DecodeBatcher(lm), [None] * 4
    monkeypatch.setattr(decode_batching, "forward_steps", lambda lm, steps: [(np.zeros(3), p) for _, p in steps])
    lm.turns.lock.acquire()
    threads = _queue_behind_held_lock(batcher, 4, results)
    refused = [r for r in results if isinstance(r, Busy)]
    lm.turns.lock.release()
    for thread in threads:
        thread.join(10)
    assert len(refused) == 2 and "2 steps are queued" in str(refused[0])
    assert sum(isinstance(r, tuple) for r in results) == 2 and batcher.passes == 1
