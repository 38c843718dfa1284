"""Needle in a haystack on the real SmolLM2: found at a short length, the haystack built as asked."""

import pytest

from explain.core.chat import chat_ids
from explain.frontier import needle


def test_depths_and_the_found_rule():
    assert needle.depths(1) == [0.5] and needle.depths(5) == [0.0, 0.25, 0.5, 0.75, 1.0]
    assert needle.found("It is 7 342.", 7342) and needle.found("The secret number is 7342", 7342)
    assert not needle.found("The number is 7343.", 7342)


@pytest.mark.parametrize("depth, first", [(0.0, True), (1.0, False)])
def test_the_haystack_holds_the_needle_where_asked_and_is_about_the_length(smollm, depth, first):
    text = needle.haystack(smollm, 300, depth, 5189)
    assert text.count("5189") == 1 and text.startswith("The secret number") == first
    prompt = chat_ids(smollm, [{"role": "user", "content": f"{text}\n\n{needle.QUESTION}"}])
    assert 270 <= len(prompt) <= 300


def test_found_at_a_short_length_and_the_summary_measures_the_cache(smollm):
    result = needle.run(smollm, [160], 1)
    cell = result["cells"][0]
    assert cell["found"], cell["answer"]  # SmolLM2 reads it back from ~160 tokens
    assert result["grid"] == [{"tokens": cell["tokens"], "depth": 0.5, "found": True}]
    assert result["kv_cache_mb"] == [round(cell["tokens"] * result["formula"]["bytes_per_token"] / 1e6, 3)]
    assert result["max_position_embeddings"] == smollm.config.max_position_embeddings == 8192
    assert result["ms_per_token"][0] > 0


@pytest.mark.parametrize(
    "lengths, depths, message",
    [([32], 1, "between 64 and 4,096"), ([128] * 7, 1, "1 to 6 lengths"), ([128], 9, "between 1 and 5")],
)
def test_a_plan_beyond_the_bounds_is_refused(lengths, depths, message):
    with pytest.raises(ValueError, match=message):
        needle.check_plan(lengths, depths, 8192)
