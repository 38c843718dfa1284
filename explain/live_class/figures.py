"""The projector's charts: quiz answers per question (right and wrong, stacked), students per step,
and the next tokens the model predicted for the class's sentences.

Each builder takes the plain dicts of `report.py` and returns a plotly Figure; it never calls
Streamlit. Labels that come from students or the model are escaped (`plot_text`); colours are
Okabe-Ito (blue for right, vermillion for wrong), readable by colour-blind viewers. Leaves out the
report itself and every word (labels are passed in, in the page's language).
"""

from __future__ import annotations

import plotly.graph_objects as go

from explain.core.display import plot_text, visible

RIGHT = "#0072B2"  # Okabe-Ito blue
WRONG = "#D55E00"  # Okabe-Ito vermillion
STEP_COLOUR = "#009E73"  # Okabe-Ito bluish green


def _layout(fig: go.Figure, rows: int) -> go.Figure:
    fig.update_layout(height=80 + 36 * max(rows, 1), margin={"t": 10, "l": 10, "r": 10, "b": 40}, plot_bgcolor="white")
    return fig


def answers_figure(answers: list[dict], labels: dict[str, str]) -> go.Figure:
    """Per question (a row, tour order top down): right answers, then wrong ones, stacked.

    `answers` is `report.answer_summary(...)`; `labels` has "right", "wrong" and "count" (axis title),
    and one label per question id (falling back to the id).
    """
    names = [plot_text(labels.get(a["question"], a["question"])) for a in answers]
    right = [a["correct"] for a in answers]
    wrong = [a["answered"] - a["correct"] for a in answers]
    fig = go.Figure(
        [
            go.Bar(y=names, x=right, name=labels["right"], orientation="h", marker_color=RIGHT, text=right),
            go.Bar(y=names, x=wrong, name=labels["wrong"], orientation="h", marker_color=WRONG, text=wrong),
        ]
    )
    fig.update_layout(
        barmode="stack", legend={"orientation": "h", "y": 1.02, "yanchor": "bottom", "traceorder": "normal"}
    )
    fig.update_yaxes(autorange="reversed")
    fig.update_xaxes(title=labels["count"], dtick=1 if max([*right, *wrong, 1]) < 10 else None)
    return _layout(fig, len(answers))


def steps_figure(steps: dict[int, int], n_steps: int, labels: dict[str, str]) -> go.Figure:
    """Students on each step 1..n_steps (steps nobody is on show as zero)."""
    counts = [steps.get(i, 0) for i in range(1, n_steps + 1)]
    fig = go.Figure(go.Bar(x=list(range(1, n_steps + 1)), y=counts, marker_color=STEP_COLOUR, text=counts))
    fig.update_xaxes(title=labels["step"], dtick=1)
    fig.update_yaxes(title=labels["count"], rangemode="tozero")
    fig.update_layout(height=240, margin={"t": 10, "l": 10, "r": 10, "b": 40}, plot_bgcolor="white")
    return fig


def next_tokens_figure(next_tokens: list[dict], x_title: str) -> go.Figure:
    """Horizontal bars of [{"token", "count"}], the most predicted at the top; whitespace made visible."""
    names = [plot_text(repr(visible(row["token"]))) for row in next_tokens]
    counts = [row["count"] for row in next_tokens]
    fig = go.Figure(go.Bar(x=counts, y=names, orientation="h", marker_color=RIGHT, text=counts))
    fig.update_yaxes(autorange="reversed")
    fig.update_xaxes(title=x_title, dtick=1 if max([*counts, 1]) < 10 else None)
    return _layout(fig, len(names))
