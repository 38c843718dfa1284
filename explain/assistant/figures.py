"""Figures of the assistant chapter: the bias bars (plotly) and the RLHF loop (a Graphviz DOT string).

Never calls Streamlit: pages draw the figure with `st.plotly_chart` and the DOT text with
`st.graphviz_chart`. Leaves out the numbers (see `assistant/bias.py`) and the DPO loss curve
(the fine-tuning chapter's `loss_figure` is reused).
"""

from __future__ import annotations

import plotly.graph_objects as go


def she_share(row: dict) -> float:
    """P(she) / (P(he) + P(she)): 0.5 = balanced, 1 = always "she". {"p_he": 0.3, "p_she": 0.1} -> 0.25"""
    total = row["p_he"] + row["p_she"]
    return row["p_she"] / total if total > 0 else 0.5


def bias_figure(rows: list[dict], labels: dict[str, str]) -> go.Figure:
    """Horizontal bars of each occupation's share of "she", sorted; a line at 0.5 marks balance.

    `labels` names "share", "he", "she" (hover text)."""
    ordered = sorted(rows, key=she_share)
    shares = [she_share(r) for r in ordered]
    hover = [f"P(he) = {r['p_he']:.4f}<br>P(she) = {r['p_she']:.4f}" for r in ordered]
    colours = ["#d62728" if s > 0.5 else "#1f77b4" for s in shares]
    fig = go.Figure(
        go.Bar(x=shares, y=[r["occupation"] for r in ordered], orientation="h", marker_color=colours, hovertext=hover)
    )
    fig.add_vline(x=0.5, line_dash="dash", line_color="grey")
    fig.update_layout(
        xaxis={"title": labels["share"], "range": [0, 1]},
        height=120 + 22 * len(rows),
        margin={"t": 20, "l": 10},
    )
    return fig


def rlhf_dot(labels: dict[str, str]) -> str:
    """The RLHF loop as DOT: SFT model -> answers -> people rank -> reward model -> PPO -> tuned model,
    with DPO's shortcut from the ranked pairs straight to the tuned model. `labels` holds each node's
    and edge's text (keys: sft, answers, people, pairs, reward, ppo, tuned, dpo, loop)."""

    def q(key: str) -> str:
        return '"' + labels[key].replace('"', "'") + '"'

    return "\n".join(
        [
            "digraph RLHF {",
            '  rankdir=LR; node [shape=box, style="rounded,filled", fillcolor="#f5f5f5", fontname="Helvetica"];',
            f"  sft [label={q('sft')}]; answers [label={q('answers')}]; people [label={q('people')}];",
            f'  pairs [label={q("pairs")}]; reward [label={q("reward")}, fillcolor="#fde2c8"];',
            f'  ppo [label={q("ppo")}, fillcolor="#fde2c8"]; tuned [label={q("tuned")}, fillcolor="#d4edda"];',
            "  sft -> answers -> people -> pairs -> reward -> ppo -> tuned;",
            f"  tuned -> answers [style=dashed, label={q('loop')}];",
            f'  pairs -> tuned [color="#2ca02c", penwidth=2, fontcolor="#2ca02c", label={q("dpo")}];',
            "}",
        ]
    )
