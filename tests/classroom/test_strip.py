"""The live strip: its data against the shared analysis pass, its links, and the home page and tour under AppTest."""

from __future__ import annotations

import re

import numpy as np
import pytest

from explain.classroom.strip import (
    TOP_K,
    build_strip,
    chapter_links,
    default_head,
    fit_tiny_map,
    map_word,
    sentences,
)
from explain.classroom.tour_figures import tiny_map
from explain.core.analysis import analyze, top_candidates
from explain.core.limits import MAX_STRIP_CHARS
from explain.embeddings.token_table import embedding_matrix, whole_word_tokens
from tests.apptest import app_test


@pytest.fixture(scope="module")
def tiny(smollm):
    return fit_tiny_map(whole_word_tokens(smollm, 300).vectors)


def test_strip_is_the_shared_pass(smollm, tiny):
    text = sentences("en")[0]
    strip = build_strip(smollm, text, tiny, *default_head())
    result = analyze(smollm, text)
    assert strip.tokens == result.tokens and strip.ids == result.ids
    np.testing.assert_array_equal(strip.attention, result.attentions[strip.layer, strip.head])
    np.testing.assert_allclose(strip.attention.sum(axis=1), 1.0, atol=1e-5)  # rows sum to 1
    assert strip.candidates == top_candidates(smollm, result.next_logits, TOP_K)
    assert strip.candidates[0]["token"] == " Paris"
    rows = embedding_matrix(smollm)[strip.ids]  # SmolLM2's first hidden state is the embedding rows
    np.testing.assert_allclose(strip.points, tiny.place(rows), atol=1e-4)


def test_strip_clamps_the_head_and_bounds_the_text(smollm, tiny):
    strip = build_strip(smollm, "word " * 200, tiny, 99, -3)
    assert (strip.layer, strip.head) == (smollm.config.num_hidden_layers - 1, 0)
    assert len(strip.text) <= MAX_STRIP_CHARS


def test_links_carry_the_text_through_each_page_key(smollm, tiny):
    strip = build_strip(smollm, "The capital of France is", tiny, 16, 0)
    links = chapter_links(strip)
    assert links["tokenization"]["tok_text"] == links["attention"]["attn_text"] == links["next_token"]["nt_text"]
    assert links["embeddings"]["emb_word"] == "France" and links["attention"]["attn_layer"] == "16"
    assert map_word([" 1", ",", " é"]) == ""


def test_examples_exist_in_both_languages():
    assert all(0 < len(s) <= MAX_STRIP_CHARS for lang in ("en", "it") for s in sentences(lang))


def test_tiny_map_escapes_token_labels():
    fig = tiny_map(np.zeros((3, 2)), np.ones((2, 2)), ["<b>", " x"])
    assert list(fig.data[1].text) == ["&lt;b&gt;", "·x"]


def _charts(at) -> int:
    return sum(getattr(e, "type", "") == "plotly_chart" for e in at.main)


@pytest.mark.parametrize("lang", ["en", "it"])
def test_home_shows_the_strip(lang):
    at = app_test(lang=lang)
    assert not at.exception and not at.error
    assert _charts(at) == 3  # tiny map, attention, next-token bars
    assert 'class="tok"' in at.html[0].proto.body  # the token chips
    assert at.query_params["strip_text"] == sentences(lang)[0]  # a shared link opens the same strip
    at.button(key="strip_another").click().run()
    assert at.text_input(key="strip_text").value == sentences(lang)[1] and not at.exception


def test_home_strip_escapes_and_handles_empty_text():
    at = app_test(query={"strip_text": "<script>alert(1)</script>", "strip_layer": "999"})
    assert not at.exception and not at.error
    chips = re.findall(r'#111">(.*?)</span>', at.html[0].proto.body)  # each token escaped in its own chip
    assert "".join(chips) == "&lt;script&gt;alert(1)&lt;/script&gt;" and "<script" not in at.html[0].proto.body
    at.text_input(key="strip_text").set_value("   ").run()
    assert not at.exception and at.warning


def test_tour_opens_with_the_strip():
    at = app_test("pages/tour.py", lang="it")
    assert not at.exception and _charts(at) >= 3 and at.text_input(key="strip_text").value
