"""Figures of the mixture-of-experts run: both loss curves, each expert's share of the load, the routing of a sentence.

Builders take plain records (`training/moe_run.py`) or routes (`training/routing.py`) and a
`labels` dict of words in the page's language; figures are plotly, the routing grid is an HTML
table whose tokens go through `core/display` (escaped, whitespace visible). Never calls Streamlit.
Leaves out the run itself.
"""

from __future__ import annotations

import plotly.graph_objects as go
from plotly.subplots import make_subplots

from explain.core.display import escape, visible
from explain.training.figures import thin

# One colour per expert (up to 16), light enough to read dark text on: Okabe-Ito first, then pastels.
EXPERT_COLOURS = (
    "#9ecae1", "#fdd0a2", "#a1d99b", "#fcbba1", "#dadaeb", "#fde68a", "#c7e9c0", "#f7c6dc",
    "#bcbddc", "#d9d9d9", "#fdae6b", "#9ebcda", "#c6dbef", "#e5f5e0", "#fee0d2", "#efedf5",
)  # fmt: skip
LINE_COLOURS = {"moe": "#0072B2", "dense": "#D55E00"}  # Okabe-Ito blue and vermilion


def loss_pair_figure(records: dict, labels: dict) -> go.Figure:
    """Training loss (thin line) and held-out loss (markers) of the MoE and the dense model, on one axis."""
    fig = go.Figure()
    for name in ("moe", "dense"):
        steps = thin(records.get(f"{name}_steps", []), 600)
        evals = records.get(f"{name}_evals", [])
        colour = LINE_COLOURS[name]
        fig.add_scatter(x=[r.step for r in steps], y=[r.loss for r in steps], mode="lines", opacity=0.35,
                        line=dict(color=colour, width=1), name=f"{labels[name]} · {labels['train']}")  # fmt: skip
        fig.add_scatter(x=[r.step for r in evals], y=[r.val_loss for r in evals], mode="lines+markers",
                        line=dict(color=colour, width=2), name=f"{labels[name]} · {labels['val']}")  # fmt: skip
    fig.update_layout(
        xaxis_title=labels["step"], yaxis_title=labels["loss"], height=360, margin=dict(t=30, b=40, l=50, r=10),
        legend=dict(orientation="h", y=1.15),
    )  # fmt: skip
    return fig


def load_figure(loads: list, labels: dict) -> go.Figure:
    """Each expert's share of the tokens over training, one panel per layer; a dotted line at 1/E (balanced)."""
    n_layers, n_experts = loads[-1].load.shape
    fig = make_subplots(rows=1, cols=n_layers, shared_yaxes=True,
                        subplot_titles=[f"{labels['layer']} {i}" for i in range(n_layers)])  # fmt: skip
    xs = [r.step for r in loads]
    for layer in range(n_layers):
        for e in range(n_experts):
            fig.add_scatter(
                x=xs, y=[r.load[layer, e] for r in loads], mode="lines", stackgroup=f"l{layer}",
                line=dict(width=0.5, color=EXPERT_COLOURS[e]), fillcolor=EXPERT_COLOURS[e],
                name=f"{labels['expert']} {e}", legendgroup=str(e), showlegend=layer == 0, row=1, col=layer + 1,
            )  # fmt: skip
        for k in range(1, n_experts):
            fig.add_hline(y=k / n_experts, line_dash="dot", line_color="#555", line_width=1, row=1, col=layer + 1)
    fig.update_yaxes(range=[0, 1], title_text=labels["share"], row=1, col=1)
    fig.update_xaxes(title_text=labels["step"])
    fig.update_layout(height=320, margin=dict(t=40, b=40, l=50, r=10), legend=dict(orientation="h", y=-0.25))
    return fig


def aux_figure(loads: list, top_k: int, labels: dict) -> go.Figure:
    """The load-balancing loss over training, with its floor k (every expert equally loaded and equally likely)."""
    fig = go.Figure(go.Scatter(x=[r.step for r in loads], y=[r.aux_loss for r in loads], mode="lines+markers"))
    fig.add_hline(y=top_k, line_dash="dot", line_color="grey", annotation_text=labels["balanced"])
    fig.update_layout(xaxis_title=labels["step"], yaxis_title=labels["aux"], height=260,
                      margin=dict(t=20, b=40, l=50, r=10))  # fmt: skip
    return fig


def _cell(experts: list[int], label: str) -> str:
    """One token in one layer: its text on the colour of its first expert, the k experts' numbers below."""
    colour = EXPERT_COLOURS[experts[0] % len(EXPERT_COLOURS)]
    dots = "".join(
        f'<span style="background:{EXPERT_COLOURS[e % len(EXPERT_COLOURS)]};border:1px solid #888;'
        f'border-radius:3px;padding:0 3px;margin:0 1px;font-size:0.75em">{e}</span>'
        for e in experts
    )
    return (
        f'<td title="{escape(label)}" style="background:{colour};padding:2px 4px;text-align:center;'
        f'border:1px solid #fff;color:#111"><div style="font-family:monospace">{escape(visible(label))}</div>'
        f"<div>{dots}</div></td>"
    )


def routing_html(routes: list[dict], labels: dict) -> str:
    """A table: one row per layer, one column per token; each cell coloured by the expert that weighs most."""
    if not routes:
        return ""
    n_layers = len(routes[0]["experts"])
    rows = []
    for layer in range(n_layers):
        cells = "".join(_cell(r["experts"][layer], r["token"]) for r in routes)
        head = f'<th style="padding:2px 6px;text-align:left;white-space:nowrap">{escape(labels["layer"])} {layer}</th>'
        rows.append(f"<tr>{head}{cells}</tr>")
    return (
        '<div style="overflow-x:auto"><table style="border-collapse:collapse;font-size:0.95em">'
        + "".join(rows)
        + "</table></div>"
    )


def legend_html(n_experts: int, labels: dict) -> str:
    """The expert colours as a row of labelled swatches."""
    swatches = "".join(
        f'<span style="background:{EXPERT_COLOURS[e]};border-radius:3px;padding:1px 6px;margin:2px;'
        f'display:inline-block;color:#111">{escape(labels["expert"])} {e}</span>'
        for e in range(n_experts)
    )
    return f"<div>{swatches}</div>"
