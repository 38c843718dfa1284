"""Plotly figures of the embeddings page: the token map, the similarity heatmap, small maps.

Builders take plain arrays and labels and return `plotly.graph_objects.Figure`;
they never call Streamlit. Labels are user or model text: plotly escapes hover
text itself, and we pass it as `text`/`customdata`, never as HTML templates.
Leaves out computing coordinates (`embeddings/projection.py`) and neighbours.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from explain.core.numbers import fmt_number

BASE = "#9aa5b1"  # grey of the ordinary map points
QUERY = "#d55e00"  # Okabe-Ito vermillion: the searched token
NEIGHBOUR = "#0072b2"  # Okabe-Ito blue: its nearest neighbours
MAX_ZOOM_LABELS = 120  # grey words written in a zoomed map at most
# Word groups (months, colours...): Okabe-Ito without the query's and neighbours' colours, plus two darker hues.
GROUP_COLOURS = ["#e69f00", "#009e73", "#cc79a7", "#56b4e9", "#7b3294", "#8c6d31", "#000000", "#b8a000"]
GROUP_LABELS = 3  # words written on the map per group (every group word has its hover label)
LABEL_PLACES = ["top center", "bottom center", "middle right"]  # a group sits tight: its labels go different ways


def _scatter(coords: np.ndarray, **kwargs) -> go.Scatter | go.Scatter3d:
    """A 2D or 3D scatter trace, chosen by the coordinates' width."""
    if coords.shape[1] >= 3:
        return go.Scatter3d(x=coords[:, 0], y=coords[:, 1], z=coords[:, 2], **kwargs)
    return go.Scatter(x=coords[:, 0], y=coords[:, 1], **kwargs)


def _layout(fig: go.Figure, title: str, dims: int, height: int = 620) -> go.Figure:
    axis = dict(showticklabels=False, title="", zeroline=False)
    fig.update_layout(title=title, height=height, margin=dict(l=10, r=10, t=50, b=10), legend=dict(orientation="h"))
    if dims >= 3:
        fig.update_layout(scene=dict(xaxis=axis, yaxis=axis, zaxis=axis))
    else:
        fig.update_xaxes(**axis)
        fig.update_yaxes(**axis)
    return fig


def zoom_box(coords: np.ndarray, centre: int, fraction: float = 0.08) -> tuple[float, float, float, float]:
    """(x0, x1, y0, y1): a square-ish frame around row `centre` of 2D `coords`, `fraction` of the map wide."""
    span = coords.max(axis=0)[:2] - coords.min(axis=0)[:2] + 1e-6
    half = fraction * span
    x, y = coords[centre, 0], coords[centre, 1]
    return float(x - half[0]), float(x + half[0]), float(y - half[1]), float(y + half[1])


def _query_trace(point: np.ndarray, text: str, hovertext: str, name: str) -> go.Scatter | go.Scatter3d:
    """The orange diamond of the query (a token, or a search question), labelled below it."""
    return _scatter(
        np.asarray(point).reshape(1, -1),
        mode="markers+text",
        text=[text],
        hovertext=[hovertext],
        hoverinfo="text",
        textposition="bottom center",
        marker=dict(size=14, color=QUERY, symbol="diamond"),
        name=name,
    )


def _zoom_labels(coords: np.ndarray, words: list[str], centre: int, highlighted: list[int]) -> tuple[list[str], tuple]:
    """Grey labels for the tokens inside the zoom frame around row `centre` (none when too many), and the frame."""
    x0, x1, y0, y1 = zoom_box(coords, centre)
    inside = (coords[:, 0] >= x0) & (coords[:, 0] <= x1) & (coords[:, 1] >= y0) & (coords[:, 1] <= y1)
    label_all = inside.sum() <= MAX_ZOOM_LABELS  # a neighbourhood spread over the whole map: no grey labels
    texts = [w if ok and label_all and i not in highlighted else "" for i, (w, ok) in enumerate(zip(words, inside))]
    return texts, (x0, x1, y0, y1)


def _group_traces(coords: np.ndarray, words: list[str], groups: list[tuple[str, list[int]]]) -> list:
    """One coloured trace per (name, rows) group, its first GROUP_LABELS words written next to the dots."""
    traces = []
    for index, (name, rows) in enumerate(groups):
        if not rows:
            continue
        text = [words[r] if i < GROUP_LABELS else "" for i, r in enumerate(rows)]
        colour = GROUP_COLOURS[index % len(GROUP_COLOURS)]
        traces.append(
            _scatter(coords[np.asarray(rows)], mode="markers+text", text=text, hovertext=[words[r] for r in rows],
                     hoverinfo="text", textposition=[LABEL_PLACES[i % 3] for i in range(len(rows))],
                     textfont=dict(color=colour, size=11),
                     marker=dict(size=7, color=colour, line=dict(width=0.5, color="white")), name=name)
        )  # fmt: skip
    return traces


def query_traces(
    coords: np.ndarray,
    words: list[str],
    query: int | None,
    neighbours: list[int],
    scores: list[float],
    names: tuple[str, str, str],
    zoom: bool = False,
    lang: str = "en",
) -> list:
    """The token map's top layer: the neighbours (blue, labelled with their cosine) and the query (a diamond).

    Drawn last, so `token_map(..., query, neighbours)` equals the map without them plus these traces:
    a page can keep the map of every token and redraw only this layer when the word or k changes.
    """
    traces = []
    if neighbours:
        labels = [f"{words[i]} {fmt_number(s, '.2f', lang)}" for i, s in zip(neighbours, scores)]
        marker = dict(size=9, color=NEIGHBOUR, line=dict(width=1, color="white"))
        traces.append(
            _scatter(coords[np.asarray(neighbours)], mode="markers+text" if zoom else "markers", text=labels,
                     textposition="top center", hoverinfo="text", marker=marker, name=names[2])
        )  # fmt: skip
    if query is not None:
        traces.append(_query_trace(coords[query], words[query], words[query], names[1]))
    return traces


def token_map(
    coords: np.ndarray,
    words: list[str],
    title: str,
    query: int | None = None,
    neighbours: list[int] | None = None,
    scores: list[float] | None = None,
    names: tuple[str, str, str] = ("tokens", "query", "neighbours"),
    zoom: bool = False,
    lang: str = "en",
    groups: list[tuple[str, list[int]]] | None = None,
) -> go.Figure:
    """Every token as a grey dot with its word on hover; word groups in colour; the query and its neighbours on top.

    coords: (N, 2|3); `query` and `neighbours` are row indices; `scores` the
    neighbours' cosine similarities (shown on hover and, when zoomed, as labels).
    `zoom` (2D only) frames the map around the query (or its first neighbour) and
    writes the word of every token inside the frame, so a dense region stays readable;
    neighbours outside the frame are only on the full map. `groups` are (legend name, rows) pairs,
    drawn in GROUP_COLOURS with a few words each; the other tokens then fade further.
    """
    neighbours, groups = neighbours or [], groups or []
    scores = scores or [0.0] * len(neighbours)
    highlighted = neighbours + ([query] if query is not None else [])
    zoom = zoom and coords.shape[1] == 2 and bool(highlighted)
    base_text, frame = None, None
    if zoom:
        labelled = highlighted + [r for _, rows in groups for r in rows[:GROUP_LABELS]]
        base_text, frame = _zoom_labels(coords, words, query if query is not None else neighbours[0], labelled)
    marker = dict(size=4 if coords.shape[1] < 3 else 2, color=BASE, opacity=0.35 if groups else 0.55)
    mode = "markers+text" if zoom else "markers"
    base = _scatter(coords, mode=mode, text=base_text, hovertext=words, hoverinfo="text", marker=marker, name=names[0])
    fig = go.Figure([base])
    fig.update_traces(textfont=dict(color="#6b7785", size=10), textposition="top center")
    fig.add_traces(_group_traces(coords, words, groups))
    fig.add_traces(query_traces(coords, words, query, neighbours, scores, names, zoom, lang))
    fig = _layout(fig, title, coords.shape[1])
    if frame:
        fig.update_xaxes(range=list(frame[:2]))
        fig.update_yaxes(range=list(frame[2:]))
    return fig


def similarity_heatmap(labels: list[str], matrix: np.ndarray, title: str, lang: str = "en") -> go.Figure:
    """(N, N) cosine similarities as a heatmap with the value written in each cell (N <= 40)."""
    short = [label if len(label) <= 40 else label[:39] + "…" for label in labels]
    short = [f"{i + 1}. {s}" for i, s in enumerate(short)] if len(set(short)) < len(short) else short
    text = [[fmt_number(v, ".2f", lang) for v in row] for row in matrix]
    fig = go.Figure(
        go.Heatmap(
            z=matrix,
            x=short,
            y=short,
            text=text,
            texttemplate="%{text}" if len(labels) <= 15 else None,
            zmin=-1 if matrix.min() < 0 else 0,
            zmax=1,
            colorscale="Viridis",
            hovertemplate="%{y} · %{x}: %{z:.3f}<extra></extra>",
        )
    )
    fig.update_layout(title=title, height=max(360, 40 + 32 * len(labels)), margin=dict(l=10, r=10, t=50, b=10))
    fig.update_yaxes(autorange="reversed")
    return fig


def _pad_axes(fig: go.Figure, points: np.ndarray) -> None:
    """Leave room around 2D `points` (N, 2) so the labels at the edges stay on the chart."""
    if len(points) and points.shape[1] == 2:
        lo, hi = points.min(axis=0), points.max(axis=0)
        pad = 0.25 * (hi - lo) + 1e-3
        fig.update_xaxes(range=[lo[0] - pad[0], hi[0] + pad[0]])
        fig.update_yaxes(range=[lo[1] - pad[1] / 2, hi[1] + pad[1] / 2])


def labelled_map(
    coords: np.ndarray,
    labels: list[str],
    title: str,
    highlight: list[int] | None = None,
    extra: tuple[np.ndarray, str] | None = None,
    names: tuple[str, str, str] = ("texts", "top-k", "query"),
) -> go.Figure:
    """A small 2D map with every point labelled; `highlight` rows in blue, `extra` (point, label) in orange.

    Used for the similarity view (a few items) and for the vector search (collection + query).
    """
    short = [label if len(label) <= 32 else label[:31] + "…" for label in labels]
    highlight = highlight or []
    plain = [i for i in range(len(labels)) if i not in set(highlight)]
    fig = go.Figure()
    show_text = len(labels) <= 40
    for rows, colour, name in ((plain, BASE, names[0]), (highlight, NEIGHBOUR, names[1])):
        if rows:
            fig.add_trace(
                _scatter(
                    coords[np.asarray(rows)],
                    mode="markers+text" if show_text or colour == NEIGHBOUR else "markers",
                    text=[short[i] for i in rows],
                    hovertext=[labels[i] for i in rows],
                    hoverinfo="text",
                    textposition="top center",
                    marker=dict(size=9, color=colour),
                    name=name,
                )
            )
    if extra is not None:
        fig.add_trace(_query_trace(extra[0], extra[1][:32], extra[1], names[2]))
    fig = _layout(fig, title, coords.shape[1] if len(coords) else 2, height=480)
    _pad_axes(fig, np.concatenate([coords, np.asarray(extra[0]).reshape(1, -1)]) if extra is not None else coords)
    return fig
