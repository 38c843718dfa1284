"""The real models, end to end: tokens, next-token distribution, attention shape and masks."""

import numpy as np
import pytest
import torch

from explain.core.analysis import analyze, softmax, top_candidates
from explain.core.limits import MAX_ANALYSIS_TOKENS
from explain.core.text_input import clean_text


def test_smollm2_tokenizes_the_tallest_building_question(smollm):
    result = analyze(smollm, "What is the tallest building?")
    assert result.ids == [1780, 314, 260, 31469, 2194, 47]
    assert result.tokens == ["What", " is", " the", " tallest", " building", "?"]


def test_smollm2_architecture_is_the_one_the_app_describes(smollm):
    info = smollm.describe()
    assert (info["layers"], info["heads"], info["vocab_size"]) == (30, 9, 49152)
    assert 134_000_000 < info["parameters"] < 135_000_000


def test_next_token_probabilities_form_a_distribution_with_a_sensible_top(smollm):
    result = analyze(smollm, "The capital of France is")
    probs = softmax(result.next_logits)
    assert probs.shape == (49152,)
    assert abs(probs.sum() - 1.0) < 1e-4
    top = top_candidates(smollm, result.next_logits, 5)
    assert top[0]["token"] == " Paris"
    assert [c["prob"] for c in top] == sorted((c["prob"] for c in top), reverse=True)


def test_attention_rows_sum_to_one_and_the_causal_mask_holds(smollm):
    result = analyze(smollm, "The animal didn't cross the street because it was too tired")
    att = result.attentions
    assert att.shape[:2] == (30, 9) and att.shape[2] == att.shape[3] == result.n_tokens
    np.testing.assert_allclose(att.sum(-1), 1.0, atol=1e-4)
    upper = np.triu(np.ones(att.shape[-2:], dtype=bool), k=1)
    assert np.abs(att[..., upper]).max() == 0.0


def test_minilm_attends_both_ways(minilm):
    result = analyze(minilm, "The animal didn't cross the street because it was too tired")
    att = result.attentions
    assert att.shape[:2] == (6, 12)
    assert result.tokens[0] == "[CLS]" and result.tokens[-1] == "[SEP]"
    np.testing.assert_allclose(att.sum(-1), 1.0, atol=1e-4)
    upper = np.triu(np.ones(att.shape[-2:], dtype=bool), k=1)
    assert att[..., upper].max() > 0.1
    assert result.next_logits is None


def test_hidden_states_cover_embeddings_and_every_layer(smollm):
    result = analyze(smollm, "Hello world")
    assert result.hidden_states.shape == (31, result.n_tokens, 576)
    assert result.token_logprobs.shape == (result.n_tokens - 1,)
    assert (result.token_logprobs <= 0).all()


@pytest.mark.parametrize("dtype", [torch.float32, torch.bfloat16])
def test_token_logprobs_by_blocks_equal_one_log_softmax(dtype):
    from explain.core.analysis import LOGPROB_ROWS, token_logprobs_of

    gen = torch.Generator().manual_seed(0)
    tokens = 2 * LOGPROB_ROWS + 5  # two whole blocks and a part
    logits = (4 * torch.randn(tokens, 300, generator=gen)).to(dtype)
    ids = torch.randint(0, 300, (tokens,), generator=gen).tolist()
    oracle = torch.log_softmax(logits.double(), dim=-1)[torch.arange(tokens - 1), ids[1:]]
    np.testing.assert_allclose(token_logprobs_of(logits, ids), oracle.numpy(), atol=2e-6)
    assert token_logprobs_of(logits[:1], ids[:1]).shape == (0,)  # one token: nothing to predict


def test_analysis_is_cached_per_text(smollm):
    first = analyze(smollm, "Caching keeps every page on one forward pass.")
    assert analyze(smollm, "Caching keeps every page on one forward pass.") is first
    assert analyze(smollm, "A different text.") is not first


def test_long_text_is_cut_to_the_stated_bound(smollm):
    result = analyze(smollm, "word " * 2000)
    assert result.truncated and result.n_tokens == MAX_ANALYSIS_TOKENS == result.limit
    assert result.total_tokens >= 2000
    assert result.attentions.shape[-1] == MAX_ANALYSIS_TOKENS


@pytest.mark.parametrize("text", ["🙂🎉 emoji", "東京タワーは高い", "مرحبا بالعالم", "שלום עולם", "a\x00b\x1b[31mc"])
def test_unusual_text_gives_a_bounded_result(smollm, text):
    result = analyze(smollm, clean_text(text).text)  # cleaned where it enters, as every page and the CLI do
    assert result.n_tokens > 0
    assert np.isfinite(result.next_logits).all()
    assert "\x00" not in result.text and "\x1b" not in result.text
