"""Figures of the "What comes next" page, as plotly Figures (never st.*).

Covers the needle grid, the cost of a growing context, the accuracy of the two prompts, a picture
with its patch grid, the vision model's learning curve and its attention over patches. `labels`
carry every word (the page passes them in its language). Leaves out the numbers themselves.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from explain.core.numbers import fmt_number


def needle_grid(grid: list[dict], labels: dict[str, str]) -> go.Figure:
    """Found (1) or not (0) for each length (rows) and depth (columns); `labels`: found, missed, depth, tokens."""
    lengths = sorted({g["tokens"] for g in grid})
    depths = sorted({g["depth"] for g in grid})
    z = [
        [next((float(g["found"]) for g in grid if g["tokens"] == n and g["depth"] == d), None) for d in depths]
        for n in lengths
    ]
    text = [[labels["found"] if v else (labels["missed"] if v == 0 else "") for v in row] for row in z]
    fig = go.Figure(
        go.Heatmap(
            z=z, x=[f"{d:.0%}" for d in depths], y=[str(n) for n in lengths], text=text, texttemplate="%{text}",
            colorscale=[[0, "#f4a6a6"], [1, "#9fd8a4"]], zmin=0, zmax=1, showscale=False, xgap=3, ygap=3,
        )
    )  # fmt: skip
    fig.update_layout(xaxis_title=labels["depth"], yaxis_title=labels["tokens"], height=120 + 50 * len(lengths))
    fig.update_layout(margin={"t": 20}, yaxis_type="category", xaxis_type="category")
    return fig


def cost_figure(tokens: list[int], values: list[float], labels: dict[str, str], formula: list[float] | None = None):
    """One measured cost (ms per new token, or KV-cache MB) against context length; optionally the formula's line."""
    fig = go.Figure(go.Scatter(x=tokens, y=values, mode="lines+markers", name=labels["measured"]))
    if formula is not None:
        fig.add_trace(go.Scatter(x=tokens, y=formula, mode="lines", name=labels["formula"], line={"dash": "dot"}))
    fig.update_layout(xaxis_title=labels["tokens"], yaxis_title=labels["value"], height=300, margin={"t": 20})
    fig.update_yaxes(rangemode="tozero")
    return fig


def accuracy_figure(result: dict, labels: dict[str, str], lang: str = "en") -> go.Figure:
    """Share of correct answers, direct against step by step; `labels`: direct, step, accuracy."""
    values = [result["direct_accuracy"], result["step_accuracy"]]
    fig = go.Figure(
        go.Bar(x=[labels["direct"], labels["step"]], y=values, text=[fmt_number(v, ".0%", lang) for v in values])
    )
    fig.update_layout(yaxis_title=labels["accuracy"], yaxis_range=[0, 1], yaxis_tickformat=".0%", height=280)
    fig.update_layout(margin={"t": 20})
    return fig


def image_figure(image: np.ndarray, patch: int) -> go.Figure:
    """The picture (H, W) in grey, with the patch grid drawn over it and each patch numbered in reading order."""
    h, w = image.shape
    fig = go.Figure(go.Heatmap(z=image, colorscale="gray", showscale=False))
    for k in range(0, h + 1, patch):
        fig.add_shape(type="line", x0=-0.5, x1=w - 0.5, y0=k - 0.5, y1=k - 0.5, line={"color": "#e4572e", "width": 2})
    for k in range(0, w + 1, patch):
        fig.add_shape(type="line", x0=k - 0.5, x1=k - 0.5, y0=-0.5, y1=h - 0.5, line={"color": "#e4572e", "width": 2})
    for i in range((h // patch) * (w // patch)):
        r, c = divmod(i, w // patch)
        fig.add_annotation(x=c * patch, y=r * patch, text=str(i), showarrow=False, font={"color": "#e4572e"})
    fig.update_layout(yaxis_autorange="reversed", height=300, width=300, margin={"t": 10, "b": 10, "l": 10, "r": 10})
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False, scaleanchor="x")
    return fig


def attention_figure(grid: np.ndarray, label: str) -> go.Figure:
    """[CLS]'s attention on each patch, laid out where the patches sit in the picture."""
    fig = go.Figure(go.Heatmap(z=grid, colorscale="Blues", colorbar={"title": label}, texttemplate="%{z:.2f}"))
    fig.update_layout(yaxis_autorange="reversed", height=300, width=360, margin={"t": 10, "b": 10, "l": 10, "r": 10})
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False, scaleanchor="x")
    return fig


def curve_figure(curve: list[tuple[int, float, float]], labels: dict[str, str]) -> go.Figure:
    """Held-out accuracy against training step; `labels`: step, accuracy."""
    fig = go.Figure(go.Scatter(x=[c[0] for c in curve], y=[c[2] for c in curve], mode="lines+markers"))
    fig.update_layout(xaxis_title=labels["step"], yaxis_title=labels["accuracy"], yaxis_range=[0, 1], height=280)
    fig.update_layout(yaxis_tickformat=".0%", margin={"t": 20})
    return fig
