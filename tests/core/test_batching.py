"""Batched analysis: several texts in one padded pass give each text what its own pass gives."""

import threading
import time

import numpy as np
import pytest

from explain.core.analysis import analyze, encode, softmax
from explain.core.batching import Slice, forward_batch

TEXTS = ["The capital of Italy is", "A much longer sentence, with commas and a few more words, ends here", "Hi"]


def _alone(lm, ids) -> Slice:
    return forward_batch(lm, [ids])[0]


def _close(a: Slice, b: Slice, atol: float) -> None:
    np.testing.assert_allclose(a.attentions, b.attentions, atol=atol)
    np.testing.assert_allclose(a.hidden_states, b.hidden_states, atol=atol * 10, rtol=1e-3)
    if a.logits is not None:
        np.testing.assert_allclose(a.logits.float().numpy(), b.logits.float().numpy(), atol=atol * 10, rtol=1e-3)


@pytest.mark.parametrize("which", ["smollm", "minilm"])
def test_a_padded_batch_matches_each_text_alone_float32(which, request):
    lm = request.getfixturevalue(which)
    ids = [encode(lm, text) for text in TEXTS]
    for together, ids_b in zip(forward_batch(lm, ids), ids, strict=True):
        n = len(ids_b)
        assert together.attentions.shape[-2:] == (n, n) and together.hidden_states.shape[1] == n
        _close(together, _alone(lm, ids_b), atol=1e-4)
        np.testing.assert_allclose(together.attentions.sum(-1), 1.0, atol=1e-4)  # rows still sum to 1


def test_a_padded_batch_matches_each_text_alone_in_bfloat16(smollm, smollm_bf16):
    from explain.core.analysis import analyze
    from ui.attention import _key

    lm = smollm_bf16
    ids = [encode(lm, text) for text in TEXTS]
    for together, ids_b in zip(forward_batch(lm, ids), ids, strict=True):
        a, b = together.logits[-1].float().numpy(), _alone(lm, ids_b).logits[-1].float().numpy()  # (V,)
        assert np.abs(a - b).max() < 0.75  # a few bf16 steps at logits of ~10, after 30 layers of rounding
        pa, pb = softmax(a), softmax(b)
        assert 0.5 * np.abs(pa - pb).sum() < 0.05  # the distributions a student sees: nearly the same
        assert set(np.argsort(-b)[:3]) <= set(np.argsort(-a)[:5])  # same leading candidates
    # the same text in two precisions gives other numbers, so a figure cached for one must not serve the other
    in_bf16, in_fp32 = analyze(lm, TEXTS[0]), analyze(smollm, TEXTS[0])
    assert (in_bf16.dtype, in_fp32.dtype) == ("bfloat16", "float32")
    assert _key(in_bf16, 0) != _key(in_fp32, 0)


def test_concurrent_distinct_analyses_share_passes_and_match_sequential(smollm):
    texts = [f"Student {i} asks what comes after the number {i}" for i in range(6)]
    passes, out = smollm.batcher.passes, [None] * len(texts)
    smollm.lock.acquire()  # a pass is running: the six texts queue up behind it

    def worker(i: int) -> None:
        out[i] = analyze(smollm, texts[i])

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(len(texts))]
    for thread in threads:
        thread.start()
    time.sleep(0.5)
    smollm.lock.release()
    for thread in threads:
        thread.join(60)
    assert smollm.batcher.passes - passes < len(texts)  # fewer passes than texts: they were batched
    for text, result in zip(texts, out, strict=True):
        alone = _alone(smollm, encode(smollm, text))
        np.testing.assert_allclose(result.next_logits, alone.logits[-1].float().numpy(), atol=1e-3)
        assert result.attentions.shape[-1] == len(result.ids)
