"""The tour's small charts: attention weights, similarities, next-token probabilities.

Each builder returns a plotly Figure from plain arrays and never calls Streamlit.
Colour scales are sequential and colour-blind safe (cividis, one hue for bars),
and every value is in the hover text. Leaves out the full-size views of the
attention and next-token pages.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from explain.display import visible

BAR_COLOUR = "#0072B2"  # Okabe-Ito blue


def _labels(tokens: list[str]) -> list[str]:
    """Unique axis labels: plotly merges equal category names, so repeated tokens get their position."""
    return [f"{i}:{visible(tok)}" for i, tok in enumerate(tokens)]


def attention_heatmap(weights: np.ndarray, tokens: list[str]) -> go.Figure:
    """One head's attention, weights (T, T): row = the token looking, column = the token looked at."""
    labels = _labels(tokens)
    fig = go.Figure(
        go.Heatmap(
            z=weights,
            x=labels,
            y=labels,
            colorscale="Cividis",
            zmin=0.0,
            zmax=1.0,
            hovertemplate="%{y} → %{x}: %{z:.3f}<extra></extra>",
        )
    )
    fig.update_yaxes(autorange="reversed")
    fig.update_layout(height=420, margin={"t": 20, "l": 10, "r": 10, "b": 10})
    return fig


def similarity_heatmap(matrix: np.ndarray, labels: list[str]) -> go.Figure:
    """Cosine similarities (N, N) between the texts in `labels`, numbers written in the cells."""
    fig = go.Figure(
        go.Heatmap(
            z=matrix,
            x=labels,
            y=labels,
            colorscale="Cividis",
            zmin=-0.2,
            zmax=1.0,
            text=np.round(matrix, 2),
            texttemplate="%{text}",
            hovertemplate="%{y} ~ %{x}: %{z:.3f}<extra></extra>",
        )
    )
    fig.update_yaxes(autorange="reversed")
    fig.update_layout(height=380, margin={"t": 20, "l": 10, "r": 10, "b": 10})
    return fig


def candidates_bar(candidates: list[dict], x_title: str = "probability") -> go.Figure:
    """Horizontal bars of [{"token", "prob"}], most likely at the top."""
    names = [repr(visible(c["token"])) for c in candidates]
    probs = [c["prob"] for c in candidates]
    fig = go.Figure(
        go.Bar(
            x=probs,
            y=names,
            orientation="h",
            marker_color=BAR_COLOUR,
            text=[f"{p:.1%}" for p in probs],
            textposition="outside",
        )
    )
    fig.update_yaxes(autorange="reversed")
    fig.update_xaxes(title=x_title, range=[0, max(probs + [0.01]) * 1.25], tickformat=".0%")
    fig.update_layout(height=60 + 32 * len(names), margin={"t": 10, "l": 10, "r": 10, "b": 40})
    return fig
