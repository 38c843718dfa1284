"""The anatomy chapter's charts: the forward-pass diagram, the residual stream, each layer's share.

Builders take plain data (stage lists, the report dict, listings) and translated labels, and
return plotly figures; nothing here runs the model or calls Streamlit. Every token that
reaches a label goes through `display.plot_text`. Leaves out the page's layout.
"""

from __future__ import annotations

import plotly.graph_objects as go

from explain.anatomy.diagram import Stage
from explain.core.display import plot_text, visible
from explain.core.numbers import fmt_number

BLOCK = "#e8eefc"  # background of the repeated block
BOX = "#ffffff"
SELECTED = "#ffe3b3"
ATTN, MLP, RESID, EMBED = "#0072B2", "#D55E00", "#444444", "#009E73"  # Okabe-Ito


def diagram(
    stages: list[Stage],
    names: dict[str, str],
    values: dict[str, str],
    selected: str,
    block_title: str,
    lang: str = "en",
) -> go.Figure:
    """Boxes left to right, one per stage (name, output shape, live value); the block's stages on a band.

    Each box is also a point of one scatter trace (customdata = stage key), so a click selects it.
    """
    fig = go.Figure()
    xs = list(range(len(stages)))
    _boxes(fig, stages, selected, block_title)
    lines = [(names[s.key], shape_text(s.shape, lang), values.get(s.key, "")) for s in stages]
    labels = [
        f"<b>{_wrap(plot_text(name))}</b><br>{plot_text(size)}<br>{plot_text(value)}" for name, size, value in lines
    ]
    fig.add_trace(
        go.Scatter(
            x=xs, y=[0] * len(xs), mode="markers+text", text=labels, textfont_size=10, marker=dict(size=60, opacity=0),
            customdata=[s.key for s in stages], hoverinfo="text", hovertext=[plot_text(names[s.key]) for s in stages],
        )
    )  # fmt: skip
    fig.update_layout(height=220, margin=dict(l=5, r=5, t=30, b=5), showlegend=False, plot_bgcolor="white")
    fig.update_xaxes(visible=False, range=[-0.55, len(stages) - 0.45])
    fig.update_yaxes(visible=False, range=[-1.3, 1.4])
    return fig


def _wrap(name: str, width: int = 10) -> str:
    """A stage name over two lines when it is wider than a box: 'Final RMSNorm' -> 'Final<br>RMSNorm'."""
    head, _, tail = name.partition(" ")
    return f"{head}<br>{tail}" if len(name) > width and tail else name


def _boxes(fig: go.Figure, stages: list[Stage], selected: str, block_title: str) -> None:
    """The band behind the repeated block, one box per stage, and arrows between boxes."""
    inside = [x for x, s in enumerate(stages) if s.in_block]
    if inside:
        band = dict(x0=inside[0] - 0.5, x1=inside[-1] + 0.5, y0=-1.25, y1=1.05)
        fig.add_shape(type="rect", **band, fillcolor=BLOCK, line_width=0, layer="below")
        middle = (inside[0] + inside[-1]) / 2
        fig.add_annotation(x=middle, y=1.0, text=plot_text(block_title), showarrow=False, yanchor="bottom")
    for x, stage in enumerate(stages):
        colour = SELECTED if stage.key == selected else BOX
        box = dict(x0=x - 0.44, x1=x + 0.44, y0=-0.9, y1=0.85)
        fig.add_shape(type="rect", **box, fillcolor=colour, line_color="#555", layer="below")
        if x:
            arrow = dict(x=x - 0.44, y=0, ax=x - 0.56, ay=0, xref="x", yref="y", axref="x", ayref="y")
            fig.add_annotation(**arrow, showarrow=True, arrowhead=2, text="")


def shape_text(shape: tuple, lang: str = "en") -> str:
    """('T', 49152) -> '(T, 49,152)'; in Italian '(T, 49.152)'."""
    return "(" + ", ".join(fmt_number(d, ",", lang) if isinstance(d, int) else str(d) for d in shape) + ")"


def stream_norms(layers: list[dict], labels: dict[str, str]) -> go.Figure:
    """Per layer: the norm of the stream, and of what attention and the MLP add to it."""
    x = [row["layer"] for row in layers]
    fig = go.Figure()
    for key, colour in (("resid_norm", RESID), ("attn_norm", ATTN), ("mlp_norm", MLP)):
        fig.add_trace(go.Scatter(x=x, y=[row[key] for row in layers], name=labels[key], line_color=colour))
    fig.update_layout(
        height=320, margin=dict(l=60, r=10, t=30, b=10), xaxis_title=labels["layer"], legend_orientation="h"
    )
    fig.update_yaxes(type="log", title=labels["norm"])
    return fig


def layer_shares(layers: list[dict], embedding: float, labels: dict[str, str]) -> go.Figure:
    """Direct logit attribution: one bar per attention and per MLP output, plus the embedding's."""
    x = [row["layer"] for row in layers]
    fig = go.Figure()
    fig.add_trace(go.Bar(x=x, y=[row["dla_attn"] for row in layers], name=labels["dla_attn"], marker_color=ATTN))
    fig.add_trace(go.Bar(x=x, y=[row["dla_mlp"] for row in layers], name=labels["dla_mlp"], marker_color=MLP))
    fig.add_trace(go.Bar(x=[-1], y=[embedding], name=labels["embedding"], marker_color=EMBED))
    fig.update_layout(
        barmode="group",
        height=320,
        margin=dict(l=60, r=10, t=30, b=10),
        xaxis_title=labels["layer"],
        legend_orientation="h",
    )
    fig.update_yaxes(title=labels["logit"])
    return fig


def before_after(before: list[dict], after: list[dict], labels: dict[str, str]) -> go.Figure:
    """Top-5 next tokens before and after an ablation, as paired horizontal bars."""
    names = list(dict.fromkeys(plot_text(visible(c["token"])) for c in [*before, *after]))
    fig = go.Figure()
    for listing, label, colour in ((before, labels["before"], "#999999"), (after, labels["after"], MLP)):
        probs = {plot_text(visible(c["token"])): c["prob"] for c in listing}
        fig.add_trace(
            go.Bar(y=names, x=[probs.get(n, 0.0) for n in names], name=label, orientation="h", marker_color=colour)
        )
    fig.update_layout(barmode="group", height=320, margin=dict(l=60, r=10, t=30, b=10), legend_orientation="h")
    fig.update_yaxes(autorange="reversed", automargin=True)
    fig.update_xaxes(title=labels["prob"], range=[0, 1])
    return fig


def word_scores(tokens: list[str], methods: dict[str, list[float]]) -> go.Figure:
    """One small bar chart per attribution method, tokens on the x axis (scaled per method)."""
    names = [f"{i}:{plot_text(visible(tok))}" for i, tok in enumerate(tokens)]
    fig = go.Figure()
    for title, scores in methods.items():
        peak = max((abs(s) for s in scores), default=1.0) or 1.0
        fig.add_trace(go.Bar(x=names, y=[s / peak for s in scores], name=plot_text(title)))
    fig.update_layout(barmode="group", height=340, margin=dict(l=60, r=10, t=30, b=10), legend_orientation="h")
    fig.update_yaxes(range=[-1.05, 1.05])
    return fig
