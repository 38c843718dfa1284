"""Figures of the scaling sweep and of training costs: held-out loss on log-log axes with the fitted power law.

Builders take `ScalingPoint`s and `SizeEval`s (`training/scaling.py`), fits (`training/power_law.py`)
and cost rows (`training/cost.py`), plus a `labels` dict in the page's language; they return plotly
Figures and never call Streamlit. Leaves out the sweep and the fit themselves.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from explain.core.display import plot_text
from explain.training.power_law import PowerLaw

SIZE_COLOURS = ("#56B4E9", "#009E73", "#E69F00", "#0072B2", "#D55E00")  # Okabe-Ito, smallest model first


def sweep_figure(evals: list, names: list[str], labels: dict) -> go.Figure:
    """Held-out loss against training step, one line per size (`names`: one legend entry each), while the sweep runs."""
    fig = go.Figure()
    for size, name in enumerate(names):
        mine = [e for e in evals if e.size == size]
        fig.add_scatter(x=[e.step for e in mine], y=[e.val_loss for e in mine], mode="lines+markers",
                        name=plot_text(name), line=dict(color=SIZE_COLOURS[size % 5]))  # fmt: skip
    fig.update_layout(xaxis_title=labels["step"], yaxis_title=labels["val"], height=320,
                      margin=dict(t=30, b=40, l=50, r=10), legend=dict(orientation="h", y=1.15))  # fmt: skip
    return fig


def _fit_line(fig: go.Figure, xs: list[float], fit: PowerLaw | None, label: str, col: int) -> None:
    if fit is None:
        return
    grid = np.geomspace(min(xs), max(xs), 30)
    fig.add_scatter(x=grid, y=fit(grid), mode="lines", line=dict(dash="dash", color="#555" if col == 1 else "#000"),
                    name=label, row=1, col=col)  # fmt: skip


def scaling_figure(points: list, evals: list, fits: tuple[PowerLaw | None, PowerLaw | None], labels: dict) -> go.Figure:
    """Two log-log panels: final held-out loss against parameters N; held-out loss during training against
    the compute spent so far, C = 6 N D, one curve per size (the fit runs along their lower envelope).

    `labels` holds the legend of each fitted line ("fit_params", "fit_flops"), its exponent already written.
    """
    fig = make_subplots(rows=1, cols=2, shared_yaxes=True, subplot_titles=(labels["vs_params"], labels["vs_flops"]))
    colours = [SIZE_COLOURS[i % 5] for i in range(len(points))]
    xs = [p.params for p in points]
    fig.add_scatter(x=xs, y=[p.val_loss for p in points], mode="markers", marker=dict(size=11, color=colours),
                    name=labels["points"], row=1, col=1)  # fmt: skip
    _fit_line(fig, xs, fits[0], labels["fit_params"], 1)
    for size in range(len(points)):
        mine = [e for e in evals if e.size == size and e.step > 1]
        fig.add_scatter(x=[e.flops for e in mine], y=[e.val_loss for e in mine], mode="lines+markers", row=1, col=2,
                        marker=dict(size=4), line=dict(color=colours[size]), showlegend=False)  # fmt: skip
    flops = [e.flops for e in evals if e.step > 1] or [1.0]
    _fit_line(fig, flops, fits[1], labels["fit_flops"], 2)
    fig.update_xaxes(type="log", title_text=labels["params"], row=1, col=1)
    fig.update_xaxes(type="log", title_text=labels["flops"], row=1, col=2)
    fig.update_yaxes(type="log", title_text=labels["val"], row=1, col=1)
    fig.update_layout(height=380, margin=dict(t=40, b=40, l=60, r=10), legend=dict(orientation="h", y=-0.2))
    return fig


def cost_figure(rows: list[dict], labels: dict) -> go.Figure:
    """Training FLOPs of each model with published N and D, on a log axis; the chosen one highlighted."""
    shown = [r for r in rows if r.get("flops")]
    colours = ["#D55E00" if r.get("chosen") else "#0072B2" for r in shown]
    fig = go.Figure(go.Bar(x=[plot_text(r["model"]) for r in shown], y=[r["flops"] for r in shown],
                           marker_color=colours))  # fmt: skip
    fig.update_yaxes(type="log", title_text=labels["flops"])
    fig.update_layout(height=320, margin=dict(t=20, b=40, l=60, r=10))
    return fig
