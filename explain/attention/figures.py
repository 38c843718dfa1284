"""Plotly figures of attention: one head's heatmap, a layer's heads, the layers x heads grid, the head view.

Builders take numpy arrays and token strings and return `go.Figure`s; they never
call Streamlit. Token labels go through `explain.core.display` (visible whitespace,
HTML-escaped, since plotly reads a few HTML tags in labels). Axes are numeric
positions with token tick labels, because plotly merges equal category labels
and a text often repeats a token. Leaves out computing anything.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from plotly.colors import get_colorscale
from plotly.subplots import make_subplots

from explain.attention.heads import Line
from explain.core.display import plot_text, visible
from explain.core.plain_figure import plain_figure

SCALE = "Blues"  # sequential colour scale for weights 0..1
SCALE_STOPS = get_colorscale(SCALE)  # its stops, as plotly's validation would expand the name (plain_figure)
HEAD_COLOURS = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#D55E00", "#56B4E9", "#7B3294", "#8C6D31", "#1B9E77"]


def labels(tokens: list[str]) -> list[str]:
    """Tick labels safe for plotly: ' the' -> '·the'; '<b>' -> '&lt;b&gt;'."""
    return [plot_text(visible(t)) for t in tokens]


def _hover_grid(tokens: list[str]) -> np.ndarray:
    """(T, T, 2) customdata: [query label, key label] for every cell."""
    names = np.array(labels(tokens), dtype=object)
    T = len(tokens)
    return np.stack([np.repeat(names[:, None], T, axis=1), np.repeat(names[None, :], T, axis=0)], axis=-1)


MASKED_COLOUR = "#c8c8c8"  # colour of masked cells (weight forced to exactly 0)


def causal_mask(T: int) -> np.ndarray:
    """(T, T) True above the diagonal: the cells a causal model is not allowed to use."""
    return np.triu(np.ones((T, T), dtype=bool), k=1)


def heatmap(
    matrix: np.ndarray,
    tokens: list[str],
    title: str = "",
    axis_titles: tuple[str, str] = ("", ""),
    masked: np.ndarray | None = None,
) -> go.Figure:
    """One head: rows = query tokens (top to bottom), columns = key tokens, exact weight on hover.

    `matrix` is (T, T); `masked` (T, T) bool cells are drawn flat grey without hover
    (the causal mask). Sized so that 64 tokens keep one readable label per row.
    """
    T = len(tokens)
    ticks = list(range(T))
    z = np.where(masked, np.nan, matrix) if masked is not None else matrix
    data = [
        {
            "type": "heatmap",
            "z": z,
            "x": ticks,
            "y": ticks,
            "zmin": 0,
            "zmax": 1,
            "colorscale": SCALE_STOPS,
            "hoverongaps": False,
            "customdata": _hover_grid(tokens),
            "hovertemplate": "%{customdata[0]} → %{customdata[1]}<br>%{z:.4f}<extra></extra>",
        }
    ]
    if masked is not None:  # the masked cells in flat grey, as a second layer without hover or colour bar
        grey = [[0, MASKED_COLOUR], [1, MASKED_COLOUR]]
        cells = np.where(masked, 1.0, np.nan)
        data.append({"type": "heatmap", "z": cells, "x": ticks, "y": ticks, "colorscale": grey, "showscale": False,
                     "hoverinfo": "skip"})  # fmt: skip
    font = {"size": 10 if T > 30 else 12}
    axis = {"tickmode": "array", "tickvals": ticks, "ticktext": labels(tokens), "tickfont": font, "showgrid": False,
            "zeroline": False}  # fmt: skip
    top = (40 if title else 0) + (20 if axis_titles[1] else 0) + 60
    layout = {
        "xaxis": {**axis, "tickangle": -60, "side": "top", "title": {"text": axis_titles[1]}, "range": [-0.5, T - 0.5]},
        "yaxis": {**axis, "range": [T - 0.5, -0.5], "title": {"text": axis_titles[0]}},
        "title": {"text": title},
        "height": max(360, min(1100, 15 * T + 140)),
        "plot_bgcolor": "white",
        "margin": {"l": 10, "r": 10, "t": top, "b": 10},
    }
    return plain_figure(data, layout)  # ~6x faster than go.Heatmap + update_*axes: students retype often


def small_multiples(
    layer: np.ndarray, titles: list[str], columns: int = 3, masked: np.ndarray | None = None
) -> go.Figure:
    """Every head of one layer as a small heatmap without labels: (H, T, T) -> a grid of H panels.

    `masked` (T, T) bool cells show grey (the causal mask), as in `heatmap`.
    """
    heads, T = layer.shape[0], layer.shape[-1]
    rows = -(-heads // columns)
    fig = make_subplots(rows=rows, cols=columns, subplot_titles=titles, horizontal_spacing=0.03, vertical_spacing=0.06)
    grey = [[0, MASKED_COLOUR], [1, MASKED_COLOUR]]
    for h in range(heads):
        z = np.where(masked, np.nan, layer[h]) if masked is not None else layer[h]
        place = dict(row=h // columns + 1, col=h % columns + 1)
        hover = "%{y} → %{x}: %{z:.3f}<extra></extra>"
        fig.add_trace(go.Heatmap(z=z, coloraxis="coloraxis", hoverongaps=False, hovertemplate=hover), **place)
        if masked is not None:
            cells = np.where(masked, 1.0, np.nan)
            fig.add_trace(go.Heatmap(z=cells, colorscale=grey, showscale=False, hoverinfo="skip"), **place)
    fig.update_yaxes(range=[T - 0.5, -0.5], showticklabels=False, showgrid=False, zeroline=False)
    fig.update_xaxes(range=[-0.5, T - 0.5], showticklabels=False, showgrid=False, zeroline=False)
    fig.update_layout(
        coloraxis=dict(colorscale=SCALE, cmin=0, cmax=1),
        plot_bgcolor="white",
        height=260 * rows,
        margin=dict(l=10, r=10, t=40, b=10),
    )
    return fig


def statistic_grid(grid: np.ndarray, statistic_label: str, selected: tuple[int, int] | None = None) -> go.Figure:
    """The layers x heads grid of one statistic, as square markers (so a click selects one head).

    `grid` is (L, H). Markers rather than a heatmap because plotly selection events
    work on scatter points; `customdata` carries (layer, head) for the page.
    """
    L, H = grid.shape
    layer_index, head_index = np.meshgrid(np.arange(L), np.arange(H), indexing="ij")
    fig = go.Figure(
        go.Scatter(
            x=head_index.ravel(),
            y=layer_index.ravel(),
            mode="markers",
            marker=dict(
                symbol="square",
                size=17,
                color=grid.ravel(),
                colorscale="Viridis",
                colorbar=dict(title=dict(text=statistic_label, side="top"), orientation="h", y=-0.08, thickness=10),
                line=dict(width=0),
            ),
            customdata=np.stack([layer_index.ravel(), head_index.ravel()], axis=-1),
            hovertemplate="layer %{y}, head %{x}<br>" + statistic_label + ": %{marker.color:.3f}<extra></extra>",
        )
    )
    if selected is not None:
        fig.add_trace(
            go.Scatter(
                x=[selected[1]],
                y=[selected[0]],
                mode="markers",
                marker=dict(symbol="square-open", size=21, color="#D55E00", line=dict(width=3)),
                hoverinfo="skip",
            )
        )
    fig.update_xaxes(title="head", side="top", tickmode="linear", dtick=1, range=[-0.6, H - 0.4])
    fig.update_yaxes(title="layer", range=[L - 0.5, -0.5], tickmode="linear", dtick=1 if L <= 12 else 2)
    fig.update_layout(height=max(300, 19 * L + 140), showlegend=False, margin=dict(l=10, r=10, t=20, b=10))
    fig.update_layout(dragmode=False, clickmode="event+select")
    return fig


def _bin_lines(lines: list[Line], bins: int) -> dict[tuple[int, int], list[Line]]:
    """Group lines by (head, opacity bin): one plotly trace per group keeps 4,000 lines fast to draw."""
    groups: dict[tuple[int, int], list[Line]] = {}
    for line in lines:
        level = min(bins - 1, int(line.weight * bins))
        groups.setdefault((line.head, level), []).append(line)
    return groups


def head_view(lines: list[Line], tokens: list[str], head_names: dict[int, str], bins: int = 8) -> go.Figure:
    """BertViz-style: tokens in two columns, a line from each query (left) to each key (right), opacity = weight."""
    T = len(tokens)
    fig = go.Figure()
    for (head, level), group in sorted(_bin_lines(lines, bins).items()):
        xs, ys = [], []
        for line in group:
            xs += [0, 1, None]
            ys += [line.query, line.key, None]
        fig.add_trace(
            go.Scatter(
                x=xs,
                y=ys,
                mode="lines",
                line=dict(color=HEAD_COLOURS[head % len(HEAD_COLOURS)], width=2),
                opacity=(level + 1) / bins,
                hoverinfo="skip",
                name=head_names[head],
                legendgroup=str(head),
                showlegend=False,
            )
        )
    for head in sorted({line.head for line in lines}):  # one legend entry per head
        colour = HEAD_COLOURS[head % len(HEAD_COLOURS)]
        fig.add_trace(
            go.Scatter(x=[None], y=[None], mode="lines", line=dict(color=colour, width=4), name=head_names[head])
        )
    names = labels(tokens)
    for x, anchor in ((0, "right"), (1, "left")):
        fig.add_trace(
            go.Scatter(
                x=[x] * T,
                y=list(range(T)),
                mode="text+markers",
                text=names,
                textposition=f"middle {'left' if anchor == 'right' else 'right'}",
                marker=dict(size=5, color="#444"),
                hovertemplate="%{text}<extra></extra>",
                showlegend=False,
            )
        )
    fig.update_xaxes(visible=False, range=[-0.7, 1.7])
    fig.update_yaxes(visible=False, autorange="reversed")
    fig.update_layout(height=max(300, 18 * T + 80), margin=dict(l=10, r=10, t=30, b=10), legend=dict(orientation="h"))
    return fig


def step_bars(
    tokens: list[str],
    scaled: np.ndarray,
    ours: np.ndarray,
    model: np.ndarray,
    position: int,
    names: tuple[str, str] = ("ours", "model"),
) -> go.Figure:
    """Two panels for one query: the scaled scores q·k/√d (masked ones left out), and our weights vs the model's.

    `names` labels the two weight series in the legend (the page passes its language's words).
    """
    T = len(tokens)
    x = list(range(T))
    visible_scores = np.where(np.arange(T) <= position, scaled, np.nan)
    fig = make_subplots(
        rows=2, cols=1, shared_xaxes=True, vertical_spacing=0.08, subplot_titles=("q·k / √d", "softmax")
    )
    fig.add_trace(go.Bar(x=x, y=visible_scores, marker_color="#0072B2", name="q·k/√d"), row=1, col=1)
    fig.add_trace(go.Bar(x=x, y=ours, marker_color="#E69F00", name=names[0]), row=2, col=1)
    fig.add_trace(
        go.Scatter(
            x=x, y=model, mode="markers", marker=dict(color="#000", symbol="line-ew-open", size=14), name=names[1]
        ),
        row=2,
        col=1,
    )
    fig.update_xaxes(tickmode="array", tickvals=x, ticktext=labels(tokens), tickangle=-60, row=2, col=1)
    fig.update_layout(height=460, margin=dict(l=10, r=10, t=30, b=10), legend=dict(orientation="h", y=1.12))
    return fig


def vector_strip(vectors: np.ndarray, row_labels: list[str]) -> go.Figure:
    """Vectors as coloured rows (query on top, then keys): (n, d) -> heatmap with a diverging scale.

    `row_labels` are plain text (escaped here).
    """
    limit = float(np.abs(vectors).max()) or 1.0
    fig = go.Figure(
        go.Heatmap(
            z=vectors,
            y=list(range(len(row_labels))),
            colorscale="RdBu",
            zmin=-limit,
            zmax=limit,
            hovertemplate="dim %{x}: %{z:.3f}<extra></extra>",
        )
    )
    ticks = list(range(len(row_labels)))
    fig.update_yaxes(
        tickmode="array", tickvals=ticks, ticktext=[plot_text(r) for r in row_labels], autorange="reversed"
    )
    fig.update_layout(height=max(160, 16 * len(row_labels) + 80), margin=dict(l=10, r=10, t=10, b=30))
    return fig
