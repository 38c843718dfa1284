"""The tour's and the live strip's small charts: next-token bars, the tiny token map, a compact frame.

The attention and similarity charts are the full pages' builders, made compact with `compact`.

Each builder returns a plotly Figure from plain arrays and never calls Streamlit.
Colour scales are sequential and colour-blind safe (cividis, one hue for bars),
and every value is in the hover text. Leaves out the full-size views of the
attention and next-token pages.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from explain.core.display import plot_text, visible
from explain.core.numbers import fmt_number
from explain.core.plain_figure import plain_figure

BAR_COLOUR = "#0072B2"  # Okabe-Ito blue
FAINT = "#c5ccd3"  # the reference tokens behind the sentence on the tiny map


def candidates_bar(candidates: list[dict], x_title: str = "probability", lang: str = "en") -> go.Figure:
    """Horizontal bars of [{"token", "prob"}], most likely at the top."""
    names = [plot_text(repr(visible(c["token"]))) for c in candidates]  # a token can be "<b>": plotly reads tags
    probs = [c["prob"] for c in candidates]
    bars = {"type": "bar", "x": probs, "y": names, "orientation": "h", "marker": {"color": BAR_COLOUR},
            "text": [fmt_number(p, ".1%", lang) for p in probs], "textposition": "outside"}  # fmt: skip
    layout = {
        "yaxis": {"autorange": "reversed", "automargin": True},  # long token labels push the margin, not get cut
        "xaxis": {"title": {"text": x_title}, "range": [0, max(probs + [0.01]) * 1.25], "tickformat": ".0%"},
        "height": 60 + 32 * len(names),
        "margin": {"t": 10, "l": 10, "r": 10, "b": 40},
    }
    return plain_figure([bars], layout)  # every student's keystroke draws one: see core/plain_figure.py


def compact(fig: go.Figure, height: int = 260) -> go.Figure:
    """A figure fitted into one small cell of the strip: short, thin margins, no colour bar or legend."""
    fig.update_layout(height=height, margin={"t": 30, "l": 10, "r": 10, "b": 10}, showlegend=False)
    fig.update_traces(showscale=False, selector={"type": "heatmap"})
    return fig


def tiny_map(background: np.ndarray, points: np.ndarray, tokens: list[str], title: str = "") -> go.Figure:
    """The sentence's tokens (T, 2) as labelled dots over faint reference tokens (N, 2), no axes.

    Labels are user text: whitespace made visible and markup escaped (`plot_text`).
    """
    names = [plot_text(visible(tok)) for tok in tokens]
    fig = go.Figure(
        [
            go.Scatter(x=background[:, 0], y=background[:, 1], mode="markers", hoverinfo="skip",
                       marker={"size": 3, "color": FAINT}),
            go.Scatter(x=points[:, 0], y=points[:, 1], mode="markers+text", text=names, hovertext=names,
                       hoverinfo="text", textposition="top center", marker={"size": 8, "color": BAR_COLOUR}),
        ]
    )  # fmt: skip
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    fig.update_layout(title={"text": title, "font": {"size": 13}}, plot_bgcolor="white")
    return compact(fig)
