"""Figures built from plain dicts (core/plain_figure.py) must be what plotly's validation would have made."""

import pytest

from explain.classroom.tour_figures import candidates_bar, compact
from explain.core.plain_figure import plain_figure, validation_changes


def test_validation_changes_finds_a_spec_that_is_not_canonical():
    fig = plain_figure([{"type": "bar", "x": [1, 2]}], {"title": "A title", "height": 300})
    assert validation_changes(fig) == ["layout.title"]  # plotly would make it {"text": "A title"}
    with pytest.raises(ValueError):  # a value plotly would refuse is refused when checked
        validation_changes(plain_figure([{"type": "bar", "orientation": "sideways"}], {}))
    fine = plain_figure([{"type": "bar", "x": [1, 2], "marker": {"color": "red"}}], {"title": {"text": "A title"}})
    assert validation_changes(fine) == []


def test_next_token_bars_are_canonical_and_formatted_per_language():
    candidates = [{"token": " Rome", "prob": 0.62}, {"token": "<b>", "prob": 0.125}]
    fig = candidates_bar(candidates, "probabilità", "it")
    assert validation_changes(fig) == [] and validation_changes(compact(candidates_bar(candidates))) == []
    assert list(fig.data[0].text) == ["62,0%", "12,5%"] and list(fig.data[0].y) == ["'·Rome'", "'&lt;b&gt;'"]
    assert fig.layout.xaxis.range[1] == 0.62 * 1.25 and fig.layout.height == 60 + 32 * 2
