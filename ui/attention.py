"""The attention page's views, one function each; logic and figures come from explain/.

Each view takes the Analysis of the page's text plus the chosen layer and head, and draws with
Streamlit. `view_panel` (an `st.fragment`) holds the pickers and the chosen view: changing one reruns
only the panel. Figures costing over ~2 ms come from `ui.figure_cache`. Nothing here computes attention.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from explain.attention import figures as figs
from explain.attention import heads as attn
from explain.attention.recompute import UnsupportedModel, max_difference, record_queries_keys, step_by_step
from explain.core.analysis import Analysis, analyze
from explain.core.display import literal, visible
from explain.core.limits import MAX_VIEW_TOKENS
from explain.core.loading import LoadedModel
from ui.figure_cache import cached_figure
from ui.models import get_encoder
from ui.text import localise, t
from ui.urlstate import mirror

TOLERANCE = 1e-4  # largest |ours - model| the step-by-step check accepts
VIEWS = ["heatmap", "grid", "layer", "head_view", "steps", "causal"]


def select_head(layer: int, head: int) -> None:
    """Button callback: open (layer, head) in the selectors."""
    st.session_state["attn_layer"], st.session_state["attn_head"] = layer, head


def on_grid_select() -> None:
    """Chart callback: a click on a square of the grid selects that head (x = head, y = layer)."""
    points = st.session_state.get("attn_grid_chart", {}).get("selection", {}).get("points", [])
    if points and "x" in points[0] and "y" in points[0]:
        select_head(int(points[0]["y"]), int(points[0]["x"]))


def _view_tokens(result: Analysis) -> int:
    return min(result.n_tokens, MAX_VIEW_TOKENS)


def _mask(causal: bool, n: int):
    """The grey triangle for a causal model, nothing for an encoder."""
    return figs.causal_mask(n) if causal else None


def _key(result: Analysis, *view) -> tuple:
    """The figure cache's key: the analysed text (model, precision, text, bound) plus the view's own values."""
    return (result.model, result.dtype, result.text, result.limit, *view)


@st.fragment
def view_panel(lm: LoadedModel, result: Analysis) -> None:
    """The view, layer and head pickers and the chosen view: a change reruns only this panel."""
    layers, heads = result.attentions.shape[:2]
    causal = lm.kind == "causal-lm"  # draws the masked triangle grey
    st.session_state["attn_layer"] = min(max(st.session_state["attn_layer"], 0), layers - 1)
    st.session_state["attn_head"] = min(max(st.session_state["attn_head"], 0), heads - 1)
    view = st.segmented_control(
        t("attention.view"),
        VIEWS,
        key="attn_view",
        format_func={v: t(f"attention.view_{v}") for v in VIEWS}.get,
        required=True,
    )
    col_layer, col_head, _ = st.columns([1, 1, 3])
    locked = view == "causal"  # that view averages every layer and head
    layer = col_layer.selectbox(t("attention.layer"), list(range(layers)), key="attn_layer", disabled=locked)
    head = col_head.selectbox(t("attention.head"), list(range(heads)), key="attn_head", disabled=locked)
    draw = {
        "heatmap": lambda: heatmap_view(result, layer, head, st.session_state["attn_preset"], causal),
        "grid": lambda: grid_view(result, layer, head, causal),
        "layer": lambda: layer_view(result, layer, causal),
        "head_view": lambda: head_view(result, layer, head),
        "steps": lambda: steps_view(lm, result, layer, head),
    }
    draw.get(view, lambda: causal_view(lm, get_encoder(), result.text))()
    mirror("attn_view", "attn_layer", "attn_head", "attn_stat")


def heatmap_view(result: Analysis, layer: int, head: int, preset: str, causal: bool) -> None:
    n = _view_tokens(result)
    matrix = result.attentions[layer, head, :n, :n]
    title = t("attention.heatmap_title", layer=layer, head=head)
    axes = (t("attention.axis_query"), t("attention.axis_key"))
    st.plotly_chart(
        localise(figs.heatmap(matrix, result.tokens[:n], title, axes, _mask(causal, n))), key="attn_heatmap"
    )
    st.caption(t("attention.heatmap_caption"))
    scores = attn.preset_scores(preset, result.attentions, result.tokens, result.ids)
    if scores is None:
        return
    st.markdown(t(f"attention.hint_{preset}", first=visible(result.tokens[0])))
    columns = st.columns(3)
    for column, (lay, hd, value) in zip(columns, attn.top_heads(scores, 3)):
        label = t("attention.hint_button", layer=lay, head=hd, value=value)
        column.button(label, key=f"attn_hint_{lay}_{hd}", on_click=select_head, args=(lay, hd))


def grid_view(result: Analysis, layer: int, head: int, causal: bool) -> None:
    statistic = st.radio(
        t("attention.statistic"),
        attn.STATISTICS,
        key="attn_stat",
        horizontal=True,
        format_func={s: t(f"attention.stat_{s}") for s in attn.STATISTICS}.get,
    )
    st.caption(t("attention.stat_help"))
    left, right = st.columns([1, 1])
    with left:
        title = t(f"attention.stat_{statistic}")

        def build():
            grid = attn.head_statistics(result.attentions, result.ids)[statistic]
            return figs.statistic_grid(grid, title, (layer, head))

        fig = cached_figure("attn_grid", _key(result, statistic, layer, head), build)
        st.plotly_chart(localise(fig), key="attn_grid_chart", on_select=on_grid_select, selection_mode="points")
        st.caption(t("attention.grid_caption"))
    with right:
        n = _view_tokens(result)
        title = t("attention.heatmap_title", layer=layer, head=head)
        matrix = result.attentions[layer, head, :n, :n]
        fig = figs.heatmap(matrix, result.tokens[:n], title, masked=_mask(causal, n))
        st.plotly_chart(localise(fig), key="attn_grid_hm")


def layer_view(result: Analysis, layer: int, causal: bool) -> None:
    n = _view_tokens(result)
    heads = result.attentions.shape[1]
    titles = [t("attention.head") + f" {h}" for h in range(heads)]
    fig = cached_figure(
        "attn_layer",
        _key(result, layer, causal),
        lambda: figs.small_multiples(result.attentions[layer, :, :n, :n], titles, masked=_mask(causal, n)),
    )
    st.plotly_chart(localise(fig), key="attn_layer_fig")
    st.caption(t("attention.layer_caption", heads=heads, layer=layer))


def head_view(result: Analysis, layer: int, head: int) -> None:
    n = _view_tokens(result)
    heads = list(range(result.attentions.shape[1]))
    if "attn_hv_heads" not in st.session_state or not set(st.session_state["attn_hv_heads"]) <= set(heads):
        st.session_state["attn_hv_heads"] = [head]
    left, right = st.columns([3, 1])
    chosen = left.multiselect(t("attention.head_view_heads", layer=layer), heads, key="attn_hv_heads")
    names = {None: t("attention.all_tokens"), **{q: f"{q}: {visible(result.tokens[q])}" for q in range(n)}}
    if st.session_state.get("attn_hv_query") not in names:
        st.session_state["attn_hv_query"] = None
    query = right.selectbox(t("attention.head_view_query"), list(names), key="attn_hv_query", format_func=names.get)
    head_names = {h: t("attention.head") + f" {h}" for h in heads}

    def build():
        lines = attn.head_view_lines(result.attentions[layer, :, :n, :n], chosen, query=query)
        return figs.head_view(lines, result.tokens[:n], head_names)

    fig = cached_figure("attn_head_view", _key(result, layer, tuple(chosen), query), build)
    st.plotly_chart(localise(fig), key="attn_head_view")
    st.caption(t("attention.head_view_caption"))


def _steps_table(result: Analysis, steps, model_row: np.ndarray) -> pd.DataFrame:
    mask = ["0" if np.isfinite(m) else "−∞" for m in steps.masked]
    return pd.DataFrame(
        {
            t("attention.col_position"): range(result.n_tokens),
            t("attention.col_token"): [visible(tok) for tok in result.tokens],
            t("attention.col_dot"): steps.dots,
            t("attention.col_scaled"): steps.scaled,
            t("attention.col_mask"): mask,
            t("attention.col_weight"): steps.weights,
            t("attention.col_model"): model_row,
            t("attention.col_raw"): steps.dots_without_rotary,
        }
    )


def _query_position(result: Analysis) -> int:
    """The position whose row is recomputed (default: the last token, which sees the whole text)."""
    T = result.n_tokens
    if not 0 <= st.session_state.get("attn_query", -1) < T:
        st.session_state["attn_query"] = T - 1
    return st.selectbox(
        t("attention.steps_query"),
        list(range(T)),
        key="attn_query",
        format_func=lambda q: f"{q}: {visible(result.tokens[q])}",
    )


def _steps_intro(qk, steps, layer: int, head: int) -> None:
    kv = steps.kv_head
    st.markdown(
        t(
            "attention.steps_intro",
            layer=layer,
            head=head,
            heads=qk.queries.shape[1],
            kv_heads=qk.keys.shape[1],
            kv_head=kv,
            first_head=kv * qk.groups,
            last_head=kv * qk.groups + qk.groups - 1,
            d=steps.query.shape[0],
        )
    )


def _steps_vectors(result: Analysis, steps, position: int, key: tuple) -> None:
    """Step 1: the query and the keys it is compared with, as coloured strips."""
    st.markdown(t("attention.steps_1"))
    shown = min(position + 1, MAX_VIEW_TOKENS - 1)
    first_key = position + 1 - shown
    if first_key > 0:
        st.caption(t("attention.steps_keys_cut", shown=shown))
    vectors = np.vstack([steps.query[None, :], steps.keys[first_key : position + 1]])
    row_labels = [f"q {position}: {visible(result.tokens[position])}"] + [
        f"k {j}: {visible(result.tokens[j])}" for j in range(first_key, position + 1)
    ]
    fig = cached_figure("attn_vectors", key, lambda: figs.vector_strip(vectors, row_labels))
    st.plotly_chart(localise(fig), key="attn_vectors")


def _steps_formula(result: Analysis, steps) -> None:
    """Step 2: the formula, worked through for the key that gets the most weight."""
    st.markdown(t("attention.steps_2"))
    st.latex(
        r"w_j=\operatorname{softmax}_j\!\left(\frac{q_t\cdot k_j}{\sqrt{d}}+m_{tj}\right),\quad "
        r"m_{tj}=\begin{cases}0 & j\le t\\-\infty & j>t\end{cases}"
    )
    best = int(np.argmax(steps.weights))
    st.markdown(
        t(
            "attention.steps_example",
            token=visible(result.tokens[best]),
            j=best,
            dot=steps.dots[best],
            d=steps.query.shape[0],
            sqrt_d=steps.sqrt_d,
            scaled=steps.scaled[best],
            weight=steps.weights[best],
        )
    )


def _steps_check(result: Analysis, steps, layer: int, head: int, position: int) -> None:
    """Our row beside the model's: bars, the full table, and the largest difference."""
    model_row = result.attentions[layer, head, position]
    n = _view_tokens(result)
    labels = (t("attention.col_weight"), t("attention.col_model"))
    bars = cached_figure(
        "attn_bars",
        _key(result, layer, head, position),
        lambda: figs.step_bars(result.tokens[:n], steps.scaled[:n], steps.weights[:n], model_row[:n], position, labels),
    )
    st.plotly_chart(localise(bars), key="attn_bars")
    st.caption(t("attention.steps_table"))
    st.dataframe(_steps_table(result, steps, model_row), hide_index=True, height=320)
    diff = max_difference(steps, model_row)
    if diff <= TOLERANCE:
        st.success(t("attention.steps_check_ok", diff=diff, total=float(steps.weights.sum())))
    else:
        st.error(t("attention.steps_check_bad", diff=diff))


def steps_view(lm: LoadedModel, result: Analysis, layer: int, head: int) -> None:
    try:
        with st.spinner(t("attention.recording")):
            qk = record_queries_keys(lm, result.text)
    except UnsupportedModel as exc:
        st.info(t("attention.steps_unsupported", detail=literal(str(exc))))
        return
    position = _query_position(result)
    steps = step_by_step(qk, layer, head, position)
    _steps_intro(qk, steps, layer, head)
    _steps_vectors(result, steps, position, _key(result, layer, head, position))
    _steps_formula(result, steps)
    _steps_check(result, steps, layer, head, position)


def causal_view(lm: LoadedModel, encoder: LoadedModel, text: str) -> None:
    st.markdown(t("attention.causal_intro"))
    columns = st.columns(2)
    for column, model, label in ((columns[0], lm, "causal_gpt"), (columns[1], encoder, "causal_bert")):
        causal = model.kind == "causal-lm"
        result = analyze(model, text)
        n = _view_tokens(result)
        mean = result.attentions[:, :, :n, :n].mean(axis=(0, 1))  # (T, T) average over layers and heads
        with column:
            st.markdown(f"**{t('attention.' + label)}**")
            st.plotly_chart(
                localise(figs.heatmap(mean, result.tokens[:n], masked=_mask(causal, n))), key=f"attn_{label}"
            )
            st.markdown(t("attention.causal_upper", value=attn.upper_triangle_mass(result.attentions)))
    st.markdown(t("attention.causal_explain"))
