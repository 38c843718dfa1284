"""Attention on the real models: the hand recomputation against the model's rows, masks, statistics, figures."""

from __future__ import annotations

import json

import numpy as np
import pytest

from explain.attention import figures as figs
from explain.attention import heads as attn
from explain.attention.recompute import (
    QueryKeys,
    UnsupportedModel,
    attention_modules,
    max_difference,
    record_queries_keys,
    step_by_step,
)
from explain.core.analysis import analyze
from explain.core.plain_figure import validation_changes

TEXT = attn.PRONOUN_TEXT


@pytest.fixture(scope="module")
def pronoun(smollm):
    return analyze(smollm, TEXT), record_queries_keys(smollm, TEXT)


@pytest.mark.parametrize("layer", [0, 7, 18, 29])
@pytest.mark.parametrize("head", [0, 4, 8])
def test_recomputation_equals_model_row(pronoun, layer, head):
    result, qk = pronoun
    for position in (0, 1, 8, result.n_tokens - 1):
        steps = step_by_step(qk, layer, head, position)
        assert max_difference(steps, result.attentions[layer, head, position]) < 1e-4
        assert steps.weights.sum() == pytest.approx(1.0, abs=1e-9)
        assert np.all(steps.weights[position + 1 :] == 0.0)  # the causal mask


def test_shapes_and_grouped_query_attention(pronoun):
    result, qk = pronoun
    T = result.n_tokens
    assert qk.queries.shape == (30, 9, T, 64) and qk.keys.shape == (30, 3, T, 64)
    assert qk.groups == 3 and qk.scaling == pytest.approx(1 / 8)
    assert [step_by_step(qk, 3, h, T - 1).kv_head for h in range(9)] == [0, 0, 0, 1, 1, 1, 2, 2, 2]
    assert step_by_step(qk, 3, 0, T - 1).sqrt_d == pytest.approx(8.0)  # d = 64


def _without(qk: QueryKeys, **changes) -> QueryKeys:
    fields = dict(qk.__dict__)
    fields.update(changes)
    return QueryKeys(**fields)


def test_check_fails_without_rotary_or_with_the_wrong_key_head(pronoun):
    """The oracle can fail: skipping rotary, or pairing a query head with another key head, breaks the match."""
    result, qk = pronoun
    layer, head, position = 13, 8, result.n_tokens - 1
    row = result.attentions[layer, head, position]
    no_rotary = _without(qk, queries=qk.raw_queries, keys=qk.raw_keys)
    assert max_difference(step_by_step(no_rotary, layer, head, position), row) > 1e-3
    wrong_group = _without(qk, groups=9)  # every query head would use key head 0
    assert max_difference(step_by_step(wrong_group, layer, head, position), row) > 1e-3


def test_recorded_vectors_are_cached_per_text_and_hooks_removed(smollm, pronoun):
    assert record_queries_keys(smollm, TEXT) is pronoun[1]
    for module in attention_modules(smollm):
        assert not module.q_proj._forward_hooks and not module.k_proj._forward_hooks
        assert not module._forward_pre_hooks


def test_encoder_is_refused_with_a_message(minilm):
    with pytest.raises(UnsupportedModel, match="Llama-style"):
        record_queries_keys(minilm, TEXT)


def test_causal_upper_triangle_is_zero_and_encoder_is_not(smollm, minilm):
    gpt, bert = analyze(smollm, TEXT), analyze(minilm, TEXT)
    upper = np.triu(np.ones((gpt.n_tokens,) * 2, dtype=bool), k=1)
    assert np.all(gpt.attentions[..., upper] == 0.0)
    assert attn.upper_triangle_mass(gpt.attentions) == 0.0
    assert bert.tokens[0] == "[CLS]" and attn.upper_triangle_mass(bert.attentions) > 0.1
    for result in (gpt, bert):
        np.testing.assert_allclose(result.attentions.sum(axis=-1), 1.0, atol=1e-4)


def test_statistics_find_induction_heads(smollm):
    text = attn.PRESETS["induction"]
    words = text.split()
    assert words[: len(words) // 2] == words[len(words) // 2 :]
    result = analyze(smollm, text)
    stats = attn.head_statistics(result.attentions, result.ids)
    assert set(stats) == set(attn.STATISTICS)
    for grid in stats.values():
        assert grid.shape == (30, 9) and np.all(np.isfinite(grid))
    layer, head, value = attn.top_heads(stats["induction"], 1)[0]
    assert value > 0.5 and layer > 0  # a real induction head, needing an earlier layer's previous-token head
    assert stats["previous"].max() > 0.5
    assert 0 <= stats["first"].min() and stats["first"].max() <= 1


def test_statistics_on_a_hand_made_matrix():
    eye = np.eye(3)[None, None]  # every token attends to itself only
    stats = attn.head_statistics(eye, [1, 2, 1])
    assert stats["entropy"][0, 0] == pytest.approx(0.0, abs=1e-9)
    assert stats["previous"][0, 0] == 0.0 and stats["first"][0, 0] == pytest.approx(1 / 3)
    assert attn.induction_targets([5, 6, 7, 5, 6]) == [(3, 1), (4, 2)]
    assert attn.row_entropy(np.full((1, 4), 0.25)).tolist() == [2.0]


def test_preset_scores(smollm):
    result = analyze(smollm, TEXT)
    scores = attn.preset_scores("pronoun", result.attentions, result.tokens, result.ids)
    it, animal = result.tokens.index(" it"), result.tokens.index(" animal")
    layer, head, value = attn.top_heads(scores, 1)[0]
    assert value == pytest.approx(float(result.attentions[layer, head, it, animal]))
    assert attn.preset_scores("custom", result.attentions, result.tokens, result.ids) is None
    assert attn.token_pair_scores(result.attentions, result.tokens, "it", "zebra") is None


def test_head_view_lines():
    layer = np.zeros((2, 3, 3))
    layer[:, :, 0] = 0.99
    layer[:, :, 1] = 0.01
    lines = attn.head_view_lines(layer, [1])
    assert {(ln.query, ln.key, ln.head) for ln in lines} == {(0, 0, 1), (1, 0, 1), (2, 0, 1)}
    assert [ln.query for ln in attn.head_view_lines(layer, [0, 1], query=2)] == [2, 2]


def test_heatmap_at_64_tokens_keeps_every_label_and_escapes():
    tokens = ["<script>alert(1)</script>", " the", " the"] + [f" w{i}" for i in range(61)]
    matrix = np.tril(np.ones((64, 64)))
    matrix /= matrix.sum(axis=1, keepdims=True)
    fig = figs.heatmap(matrix, tokens, "L0 H0")
    trace = fig.data[0]
    assert np.asarray(trace.z).shape == (64, 64)
    assert len(fig.layout.xaxis.ticktext) == 64 and fig.layout.yaxis.ticktext[1] == "·the"
    assert "<script>" not in fig.layout.xaxis.ticktext[0] and "&lt;script&gt;" in fig.layout.xaxis.ticktext[0]
    assert list(trace.customdata[5][2]) == ["·w2", "·the"]  # hover names the query and key tokens of that cell
    masked = figs.heatmap(matrix, tokens, "", ("query", "key"), figs.causal_mask(64))
    assert validation_changes(fig) == [] and validation_changes(masked) == []  # built unvalidated, yet canonical
    assert np.isnan(np.asarray(masked.data[0].z, dtype=float)[0, 1]) and masked.data[1].hoverinfo == "skip"


def test_other_figures(smollm):
    result = analyze(smollm, TEXT)
    n = result.n_tokens
    multiples = figs.small_multiples(result.attentions[3], [str(h) for h in range(9)], masked=figs.causal_mask(n))
    assert len(multiples.data) == 18 and np.isnan(np.asarray(multiples.data[0].z, dtype=float)[0, 1])
    grid = attn.head_statistics(result.attentions, result.ids)["previous"]
    fig = figs.statistic_grid(grid, "previous", (4, 2))
    assert len(fig.data[0].x) == 270 and list(fig.data[1].x) == [2] and list(fig.data[1].y) == [4]
    lines = attn.head_view_lines(result.attentions[5], [0, 3])
    view = figs.head_view(lines, result.tokens, {h: f"head {h}" for h in range(9)})
    drawn = sum(sum(1 for v in trace.x if v == 0) for trace in view.data if trace.mode == "lines")
    assert drawn == len(lines)
    assert len(figs.vector_strip(np.ones((3, 64)), ["q", "k0", "<k1>"]).layout.yaxis.ticktext) == 3
    steps = figs.step_bars(result.tokens, np.zeros(n), np.ones(n) / n, np.ones(n) / n, n - 1)
    assert len(steps.data) == 3


def test_cli_summary(smollm, monkeypatch, capsys):
    from explain.cli import cmd_attention, main

    monkeypatch.setattr(cmd_attention, "load_for_cli", lambda *a: smollm)
    assert main(["attention", TEXT, "--summary", "--statistic", "first", "--json"]) == 0

    out = json.loads(capsys.readouterr().out)
    assert out["layers"] == 30 and out["heads"] == 9 and len(out["grid"]) == 30 and len(out["grid"][0]) == 9
    assert out["top"][0]["value"] == max(max(row) for row in out["grid"])
    assert main(["attention", TEXT, "--layer", "30"]) == 2
