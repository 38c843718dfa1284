"""Plotly figures built from plain dicts, skipping plotly's property-by-property validation.

Why: building a 20-token attention heatmap through `go.Heatmap(...)` and `update_xaxes(...)` costs
about 13 ms of Python, holding the interpreter lock, for every chart of every rerun; the same figure
from dicts costs about 2 ms. With thirty students' reruns sharing one lock on a 2-core laptop, the
charts they see on every keystroke are built this way (profile in the closing note of issue 13).
The price: nothing checks the spec, so it must already be in plotly's canonical form (a title as
{"text": ...}, numbers as numbers). `validation_changes` says what plotly's validation would change;
the tests of each builder built this way assert it is nothing. Leaves out drawing (the pages do).
"""

from __future__ import annotations

import json

import plotly.graph_objects as go
import plotly.io as pio


def plain_figure(data: list[dict], layout: dict) -> go.Figure:
    """A Figure holding `data` (trace dicts, each with its "type") and `layout` exactly as given."""
    return go.Figure({"data": data, "layout": layout}, _validate=False)


def validation_changes(fig: go.Figure) -> list[str]:
    """The top-level keys of the traces and layout that plotly's own validation would rewrite; [] = canonical."""
    mine = json.loads(pio.to_json(fig, validate=False))
    checked = json.loads(pio.to_json(go.Figure(fig.to_dict()), validate=False))
    changes = [
        f"layout.{k}"
        for k in set(mine["layout"]) | set(checked["layout"])
        if mine["layout"].get(k) != checked["layout"].get(k)
    ]
    for i, (a, b) in enumerate(zip(mine["data"], checked["data"], strict=True)):
        changes += [f"data[{i}].{k}" for k in set(a) | set(b) if a.get(k) != b.get(k)]
    return sorted(changes)
