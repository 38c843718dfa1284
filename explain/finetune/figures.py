"""Figures of the fine-tuning, RAG and distillation tabs, as plotly Figures (never st.*).

Covers the LoRA loss curve, the retrieval scores and the distillation comparison. Leaves out
the numbers themselves (see `finetune/lora.py`, `finetune/rag.py`, `finetune/distill.py`).
"""

from __future__ import annotations

import plotly.graph_objects as go

from explain.core.numbers import fmt_number


def loss_figure(history: list[dict], labels: dict[str, str]) -> go.Figure:
    """Training loss per step: raw points and a running mean over 5 steps.

    `history` is [{"step", "loss", ...}]; `labels` names "loss", "mean", "step".
    """
    steps = [h["step"] for h in history]
    losses = [h["loss"] for h in history]
    smooth = [sum(losses[max(0, i - 4) : i + 1]) / len(losses[max(0, i - 4) : i + 1]) for i in range(len(losses))]
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=steps, y=losses, mode="markers", name=labels["loss"], opacity=0.5))
    fig.add_trace(go.Scatter(x=steps, y=smooth, mode="lines", name=labels["mean"]))
    fig.update_layout(xaxis_title=labels["step"], yaxis_title=labels["loss"], height=320, margin={"t": 30})
    return fig


def scores_figure(scores: list[float], names: list[str], label: str, lang: str = "en") -> go.Figure:
    """Horizontal bars of the retrieved chunks' cosine similarities, best on top."""
    fig = go.Figure(
        go.Bar(x=scores[::-1], y=names[::-1], orientation="h", text=[fmt_number(s, ".2f", lang) for s in scores[::-1]])
    )
    fig.update_layout(xaxis_title=label, xaxis_range=[0, 1], height=80 + 40 * len(scores), margin={"t": 20})
    return fig


def distill_figure(curves: dict[str, list[tuple[int, float]]], labels: dict[str, str]) -> go.Figure:
    """Validation loss against step for each student; `curves` maps a name to [(step, loss)]."""
    fig = go.Figure()
    for name, points in curves.items():
        fig.add_trace(go.Scatter(x=[p[0] for p in points], y=[p[1] for p in points], mode="lines+markers", name=name))
    fig.update_layout(xaxis_title=labels["step"], yaxis_title=labels["loss"], height=320, margin={"t": 30})
    return fig
