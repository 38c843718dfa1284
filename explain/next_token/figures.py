"""Figures for the next-token page: the reshaped distribution, the logit-lens grid, surprisal colours.

Builders return plotly Figures (or plain colour lists) and never call Streamlit,
so tests can inspect `fig.data`. Leaves out the numbers themselves (see
`core/sampling.py`, `next_token/logit_lens.py`, `next_token/perplexity.py`).
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from explain.core.analysis import top_ids
from explain.core.display import plot_text, visible
from explain.core.numbers import fmt_number
from explain.core.sampling import Shaped
from explain.next_token.logit_lens import LensGrid

KEPT, DROPPED, MODEL = "#0072B2", "#D55E00", "#bbbbbb"  # Okabe-Ito blue / vermillion, grey for T = 1
MAX_SURPRISAL = 10.0  # nats at which the surprisal colour saturates (p ≈ 0.00005)


def distribution_figure(
    shaped: Shaped, model_probs: np.ndarray, labels: dict[int, str], k: int, names: dict[str, str], lang: str = "en"
) -> go.Figure:
    """Horizontal bars for the k most likely tokens: the model's own probability (grey) and the shaped one,
    blue when kept, vermillion when cut by top-k / top-p. `names` gives the legend words
    ("model", "kept", "dropped"); `labels` maps token id -> decoded text."""
    order = top_ids(model_probs, k)[::-1]  # most likely at the top
    y = [f"{plot_text(visible(labels[int(i)]))}  ({int(i)})" for i in order]
    colours = [KEPT if shaped.kept[i] else DROPPED for i in order]
    fig = go.Figure()
    fig.add_bar(y=y, x=model_probs[order], orientation="h", name=names["model"], marker_color=MODEL)
    fig.add_bar(
        y=y,
        x=shaped.probs[order],
        orientation="h",
        name=names["shaped"],
        marker_color=colours,
        text=[
            fmt_number(p, ".1%", lang) if kept else names["dropped"]
            for p, kept in zip(shaped.probs[order], shaped.kept[order])
        ],
        textposition="outside",
        showlegend=False,
    )
    for name, colour in ((names["shaped"], KEPT), (names["dropped"], DROPPED)):  # legend entries only
        fig.add_scatter(
            x=[None], y=[None], mode="markers", marker=dict(color=colour, symbol="square", size=10), name=name
        )
    fig.update_layout(
        barmode="group",
        height=max(300, 34 * len(order) + 80),
        margin=dict(l=10, r=10, t=30, b=10),
        xaxis=dict(
            tickformat=".0%", range=[0, min(1.15, float(max(model_probs[order].max(), shaped.probs.max())) * 1.25)]
        ),
        legend=dict(orientation="h", y=1.05),
    )
    return fig


def lens_figure(grid: LensGrid, layer_label: str, position_label: str, lang: str = "en") -> go.Figure:
    """Heatmap layers (rows, 0 = embeddings at the bottom) × positions, coloured by the top token's
    probability, each cell labelled with that top token."""
    x = [f"{p}: {plot_text(visible(t))}" for p, t in zip(grid.positions, grid.tokens)]
    y = [str(layer) for layer in range(grid.top_probs.shape[0])]
    text = [[plot_text(visible(t)[:10]) for t in row] for row in grid.top_tokens]
    hover = [
        [
            f"{position_label} {x[j]}<br>{layer_label} {i}<br>→ {text[i][j]} "
            + fmt_number(grid.top_probs[i, j], ".1%", lang)
            for j in range(len(x))
        ]
        for i in range(len(y))
    ]
    fig = go.Figure(
        go.Heatmap(
            z=grid.top_probs,
            x=x,
            y=y,
            text=text,
            texttemplate="%{text}",
            textfont=dict(size=10),
            hovertext=hover,
            hoverinfo="text",
            colorscale="Blues",
            zmin=0,
            zmax=1,
            colorbar=dict(tickformat=".0%"),
        )
    )
    fig.update_layout(
        height=max(420, 22 * len(y) + 120),
        margin=dict(l=10, r=10, t=10, b=10),
        xaxis=dict(title=position_label, side="top", tickangle=-45),
        yaxis=dict(title=layer_label, dtick=1),
    )
    return fig


def surprisal_colours(nll: np.ndarray) -> list[str]:
    """Background colour per surprisal (nats): pale green (expected) to deep red (surprising)."""
    colours = []
    for value in np.clip(np.asarray(nll, dtype=float) / MAX_SURPRISAL, 0.0, 1.0):
        r = int(220 + 35 * value)
        g = int(245 - 175 * value)
        b = int(220 - 150 * value)
        colours.append(f"#{r:02x}{g:02x}{b:02x}")
    return colours


def perplexity_bars(names: list[str], values: list[float], axis_title: str, lang: str = "en") -> go.Figure:
    """One bar per compared text, its perplexity on a log axis (shuffled text can be 100× worse)."""
    fig = go.Figure(
        go.Bar(
            x=names,
            y=values,
            text=[fmt_number(v, ",.1f", lang) for v in values],
            textposition="outside",
            marker_color=[KEPT, DROPPED, "#009E73", "#CC79A7"][: len(values)],
        )
    )
    fig.update_layout(
        height=320, margin=dict(l=10, r=10, t=10, b=10), yaxis=dict(type="log", dtick=1, title=axis_title)
    )
    return fig
