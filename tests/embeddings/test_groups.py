"""Word groups on the token map: their rows, their statistics against a direct cosine, their colours.

Oracle: the mean cosine computed pair by pair with plain numpy (dot product over norms).
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from explain.embeddings.figures import GROUP_LABELS, token_map
from explain.embeddings.groups import Group, group_stats, load_groups, mean_pair_cosine, with_groups
from explain.embeddings.token_table import embedding_matrix, whole_word_tokens


def _direct_mean_cosine(vectors: np.ndarray) -> float:
    pairs = itertools.combinations(range(len(vectors)), 2)
    cosines = [vectors[i] @ vectors[j] / (np.linalg.norm(vectors[i]) * np.linalg.norm(vectors[j])) for i, j in pairs]
    return float(np.mean(cosines))


@pytest.fixture(scope="module")
def grouped(smollm):
    groups = load_groups()
    return with_groups(smollm, whole_word_tokens(smollm, 2000), groups), groups


def test_mean_pair_cosine_matches_pairs_on_random_vectors():
    vectors = np.random.default_rng(0).normal(size=(30, 8))
    assert mean_pair_cosine(vectors) == pytest.approx(_direct_mean_cosine(vectors), abs=1e-9)
    assert np.isnan(mean_pair_cosine(vectors[:1]))


def test_groups_are_data_in_both_languages():
    groups = load_groups()
    assert {g.id for g in groups} >= {"numbers", "months", "days", "colours", "countries", "animals", "family"}
    assert all(set(g.label) == set(g.about) == {"en", "it"} and len(g.words) >= 5 for g in groups)


def test_group_rows_are_the_words_tokens(smollm, grouped):
    tokens, groups = grouped
    matrix = embedding_matrix(smollm)
    assert len(tokens.ids) == len(set(tokens.ids.tolist())) == len(tokens.words)  # no token twice
    for group in groups:
        assert len(group.rows) + len(group.left_out) == len(group.words)
        for row in group.rows:
            assert smollm.tokenizer.decode([int(tokens.ids[row])]) == " " + tokens.words[row]
            np.testing.assert_array_equal(tokens.vectors[row], matrix[tokens.ids[row]])


def test_a_word_in_pieces_is_left_out_and_said_so(smollm):
    group = Group("it", {"en": "x", "it": "x"}, {"en": "", "it": ""}, ["gennaio", "January"])
    with_groups(smollm, whole_word_tokens(smollm, 10), [group])
    assert group.left_out == ["gennaio"] and len(group.rows) == 1


def test_group_statistics_match_a_direct_cosine_computation(grouped):
    tokens, groups = grouped
    stats = group_stats(tokens, groups)
    rng = np.random.default_rng(1)
    pairs = rng.choice(len(tokens.ids), size=(4000, 2))
    pairs = pairs[pairs[:, 0] != pairs[:, 1]]
    a, b = tokens.vectors[pairs[:, 0]], tokens.vectors[pairs[:, 1]]
    sampled = np.mean(np.sum(a * b, axis=1) / (np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1)))
    for stat in stats:
        assert stat.within == pytest.approx(_direct_mean_cosine(tokens.vectors[stat.group.rows]), abs=1e-5)
        assert stat.baseline == pytest.approx(sampled, abs=0.02)  # all pairs vs 4,000 random pairs
        assert stat.within > stat.baseline + 0.2, stat.group.id  # the measurement that chose the groups


def test_token_map_colours_and_labels_groups():
    coords = np.arange(40, dtype=np.float32).reshape(20, 2)
    words = [f"w{i}" for i in range(20)]
    fig = token_map(coords, words, "t", groups=[("months", [1, 2, 3, 4]), ("empty", []), ("days", [5])])
    assert [trace.name for trace in fig.data] == ["tokens", "months", "days"]
    assert list(fig.data[1].hovertext) == ["w1", "w2", "w3", "w4"]
    assert sum(bool(x) for x in fig.data[1].text) == GROUP_LABELS
    assert fig.data[1].marker.color != fig.data[2].marker.color
