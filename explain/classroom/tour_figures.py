"""The tour's small next-token chart (its attention and similarity charts are the full pages' builders).

Each builder returns a plotly Figure from plain arrays and never calls Streamlit.
Colour scales are sequential and colour-blind safe (cividis, one hue for bars),
and every value is in the hover text. Leaves out the full-size views of the
attention and next-token pages.
"""

from __future__ import annotations

import plotly.graph_objects as go

from explain.core.display import visible
from explain.core.numbers import fmt_number

BAR_COLOUR = "#0072B2"  # Okabe-Ito blue


def candidates_bar(candidates: list[dict], x_title: str = "probability", lang: str = "en") -> go.Figure:
    """Horizontal bars of [{"token", "prob"}], most likely at the top."""
    names = [repr(visible(c["token"])) for c in candidates]
    probs = [c["prob"] for c in candidates]
    fig = go.Figure(
        go.Bar(
            x=probs,
            y=names,
            orientation="h",
            marker_color=BAR_COLOUR,
            text=[fmt_number(p, ".1%", lang) for p in probs],
            textposition="outside",
        )
    )
    fig.update_yaxes(autorange="reversed")
    fig.update_xaxes(title=x_title, range=[0, max(probs + [0.01]) * 1.25], tickformat=".0%")
    fig.update_layout(height=60 + 32 * len(names), margin={"t": 10, "l": 10, "r": 10, "b": 40})
    return fig
