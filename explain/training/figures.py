"""Figures of a training run: loss curves, perplexity / learning rate / speed, attention and embedding snapshots.

Builders take the plain records of `training/trainer.py` and a `labels` dict of the
words to show (the page passes them in its language); they return plotly
Figures and never call Streamlit. Token labels go through `display` (visible
whitespace, escaped). Leaves out the run itself.
"""

from __future__ import annotations

import math

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from explain.core.display import plot_text, visible

MAX_POINTS = 2_000  # a long run's step curve is thinned to this many points before drawing


def thin(xs: list, max_points: int = MAX_POINTS) -> list:
    """Every k-th item so that at most `max_points` remain (the last item always kept).

    >>> thin(list(range(10)), 4)
    [0, 3, 6, 9]
    """
    if len(xs) <= max_points:
        return list(xs)
    stride = math.ceil(len(xs) / max_points)
    kept = list(xs[::stride])
    return kept if kept[-1] is xs[-1] else [*kept, xs[-1]]


def loss_figure(steps: list, evals: list, vocab_size: int, labels: dict) -> go.Figure:
    """Training loss per step, validation loss per evaluation, and the uniform baseline ln(V)."""
    shown = thin(steps)
    fig = go.Figure()
    fig.add_scatter(x=[r.step for r in shown], y=[r.loss for r in shown], name=labels["train"], mode="lines")
    fig.add_scatter(x=[r.step for r in evals], y=[r.val_loss for r in evals], name=labels["val"], mode="lines+markers")
    fig.add_hline(y=math.log(vocab_size), line_dash="dot", line_color="grey", annotation_text=labels["baseline"])
    fig.update_layout(
        xaxis_title=labels["step"], yaxis_title=labels["loss"], height=340, margin=dict(t=30, b=40, l=50, r=10),
        legend=dict(orientation="h", y=1.12),
    )  # fmt: skip
    return fig


def metrics_figure(steps: list, evals: list, labels: dict) -> go.Figure:
    """Three small panels side by side: validation perplexity, learning rate, training tokens per second."""
    fig = make_subplots(rows=1, cols=3, subplot_titles=(labels["perplexity"], labels["lr"], labels["speed"]))
    shown = thin(steps)
    xs = [r.step for r in shown]
    fig.add_scatter(x=[r.step for r in evals], y=[r.perplexity for r in evals], mode="lines+markers", row=1, col=1)
    fig.add_scatter(x=xs, y=[r.lr for r in shown], mode="lines", row=1, col=2)
    fig.add_scatter(x=xs, y=[r.tokens_per_s for r in shown], mode="lines", row=1, col=3)
    fig.update_layout(height=240, showlegend=False, margin=dict(t=40, b=30, l=40, r=10))
    fig.update_xaxes(title_text=labels["step"])
    return fig


def attention_figure(tokens: list[str], attentions: np.ndarray, layer: int, head: int, labels: dict) -> go.Figure:
    """Heatmap of one head: row = the token that looks, column = the token looked at. attentions: (L, H, T, T)."""
    names = [f"{i}:{plot_text(visible(t))}" for i, t in enumerate(tokens)]
    weights = attentions[layer, head]  # (T, T), rows sum to 1, zero above the diagonal
    fig = go.Figure(go.Heatmap(z=weights, x=names, y=names, colorscale="Blues", zmin=0, zmax=1))
    fig.update_yaxes(autorange="reversed", title_text=labels["query"])
    fig.update_xaxes(title_text=labels["key"])
    fig.update_layout(height=420, margin=dict(t=20, b=40, l=60, r=10))
    return fig


def embedding_figure(vocab: list[str], coords: np.ndarray, labels: dict) -> go.Figure:
    """Each token's embedding on the two main axes (PCA): coords (V, 2), one text label per token."""
    text = [plot_text(visible(t)) for t in vocab]
    fig = go.Figure(go.Scatter(x=coords[:, 0], y=coords[:, 1], mode="text", text=text, textfont=dict(size=15)))
    fig.update_layout(
        height=420, xaxis_title=labels["pc1"], yaxis_title=labels["pc2"], margin=dict(t=20, b=40, l=50, r=10)
    )
    return fig
