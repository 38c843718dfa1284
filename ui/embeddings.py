"""The embeddings page's token map and similarity views (search and analogies: `ui/embeddings_search.py`).

Streamlit glue only: widgets with explicit keys, calls into `explain/`, figures
drawn with `st.plotly_chart`. Results shared by every session (token sets,
collections) live in `st.cache_resource`; layouts in `explain.embeddings.projection`'s caches.
"""

from __future__ import annotations

import numpy as np
import streamlit as st

from explain.core.display import code_span, literal
from explain.core.limits import MAX_ITEM_CHARS, MAX_ITEMS, MAX_MAP_TOKENS, MAX_QUERY_CHARS, MAX_TSNE
from explain.core.loading import LoadedModel
from explain.embeddings import figures as figs
from explain.embeddings.groups import Group, group_stats, load_groups, with_groups
from explain.embeddings.index import unit_rows
from explain.embeddings.precompute import DEFAULT_MAPS, layout_name
from explain.embeddings.projection import METHODS, ProjectionParams, cached_projection, is_cached, pca, project
from explain.embeddings.search import parse_items, presets
from explain.embeddings.sentences import cosine_matrix, embed_texts
from explain.embeddings.token_table import (
    TokenSet,
    neighbours_in_set,
    neighbours_in_vocabulary,
    query_vector,
    whole_word_tokens,
)
from ui.figure_cache import cached_figure
from ui.models import PRECOMPUTE, get_encoder, get_model
from ui.page import typed_text
from ui.text import language, localise, num, t
from ui.urlstate import bind, mirror

MAP_SIZES = [1000, 2000, 5000, MAX_MAP_TOKENS]


@st.cache_resource(show_spinner=False, max_entries=4)
def token_set(name: str, dtype: str, n: int, _lm: LoadedModel) -> tuple[TokenSet, list[Group], int]:
    """(the map's tokens: `n` whole words plus the group words, the groups with their rows, words before groups)."""
    words = whole_word_tokens(_lm, n)
    groups = load_groups()
    return with_groups(_lm, words, groups), groups, len(words.ids)


def neighbour_table(rows: list[tuple[str, float]]) -> None:
    st.dataframe(
        {t("embeddings.col_token"): [r[0] for r in rows], t("embeddings.col_cosine"): [num(r[1], ".3f") for r in rows]},
        hide_index=True,
        width="stretch",
    )


def _layout(lm: LoadedModel, tokens: TokenSet, params: ProjectionParams, draw) -> np.ndarray:
    """The map's coordinates; a slow first UMAP/t-SNE shows PCA meanwhile, with progress words."""
    name = layout_name(lm)
    if params.method == "pca" or is_cached(name, tokens.vectors, params):
        layout = cached_projection(name, tokens.vectors, params)
        st.caption(t("embeddings.layout_source", source=t(f"embeddings.source_{layout.source}"), s=layout.seconds))
        return layout.coords
    draw(project(tokens.vectors, ProjectionParams(method="pca", dims=params.dims)), t("embeddings.pca_meanwhile"))
    job = PRECOMPUTE.get(lm.name)
    early = job is not None and job.view().active and params in [p for _, p in DEFAULT_MAPS]
    label = t("embeddings.computing_early") if early else t(f"embeddings.computing_{params.method}", n=len(tokens.ids))
    with st.status(label, expanded=False) as status:
        layout = cached_projection(name, tokens.vectors, params)  # joins the background computation if it runs
        status.update(label=t("embeddings.computed", s=layout.seconds), state="complete")
    return layout.coords


def _find_query(lm: LoadedModel, tokens: TokenSet, word: str, k: int) -> tuple:
    """(query vector, its row on the map or None, its k nearest tokens on the map)."""
    query = query_vector(lm, word)
    hits = neighbours_in_set(tokens, query, k)
    rows = np.flatnonzero(tokens.ids == query.token_ids[0]) if len(query.token_ids) == 1 else []
    return query, (int(rows[0]) if len(rows) else None), hits


def _map_inputs() -> tuple[int, str, int, int]:
    """The map's widgets, bound to the URL: (tokens, method, dims, k)."""
    bind("emb_n", 2000, int, MAP_SIZES)
    bind("emb_method", "umap", choices=list(METHODS))
    bind("emb_dims", 2, int, [2, 3])
    bind("emb_word", "book")
    bind("emb_k", 10, int, low=1, high=30)
    c1, c2, c3, c4, c5 = st.columns([2, 2, 1, 2, 2])
    n = c1.select_slider(t("embeddings.n_tokens"), MAP_SIZES, key="emb_n", help=t("embeddings.n_tokens_help"))
    method = c2.selectbox(
        t("embeddings.method"),
        list(METHODS),
        key="emb_method",
        format_func={m: t(f"embeddings.m_{m}") for m in METHODS}.get,
    )
    dims = c3.radio(t("embeddings.dims"), [2, 3], key="emb_dims", horizontal=True, format_func=lambda d: f"{d}D")
    c4.text_input(t("embeddings.word"), key="emb_word", max_chars=MAX_QUERY_CHARS, help=t("embeddings.word_help"))
    k = c5.slider(t("embeddings.k"), 1, 30, key="emb_k")
    mirror("emb_n", "emb_method", "emb_dims", "emb_word", "emb_k")
    return n, method, dims, k


def token_map_view() -> None:
    st.markdown(t("embeddings.map_intro"))
    n, method, dims, k = _map_inputs()
    st.caption(t("embeddings.distortion_note"))
    if method == "tsne" and n > MAX_TSNE:
        st.info(t("embeddings.tsne_bound", n=MAX_TSNE))
        n = MAX_TSNE
    lm = get_model()
    with st.spinner(t("embeddings.picking_tokens", n=n)):
        tokens, groups, n_words = token_set(lm.name, lm.dtype_name, n, lm)
    if n_words < n:
        st.info(t("embeddings.few_words", n=n_words, model=lm.name))
    word = typed_text("emb_word", MAX_QUERY_CHARS).text.strip()
    query, query_row, hits = _find_query(lm, tokens, word, k) if word else (None, None, [])
    placeholder = st.empty()
    titles = (t("embeddings.legend_tokens"), t("embeddings.legend_query"), t("embeddings.legend_neighbours"))
    coloured = [(g.name(language()), g.rows) for g in groups]

    def draw(coords: np.ndarray, title: str, key: str = "emb_map_pca") -> None:
        args = (coords, tokens.words, title, query_row, [h.index for h in hits], [h.score for h in hits], titles)
        extra = dict(lang=language(), groups=coloured)
        cache_key = (lm.name, lm.dtype_name, len(tokens.ids), method, dims, title, key)  # the word and k: below
        main = cached_figure("emb_map", cache_key, lambda: figs.token_map(*args[:3], names=titles, **extra))
        main.add_traces(figs.query_traces(coords, tokens.words, query_row, *args[4:], lang=language()))  # cheap
        cache_key += (word, k)
        with placeholder.container():
            if dims == 3 or not hits:
                st.plotly_chart(localise(main), key=key, width="stretch")
                return
            left, right = st.columns([3, 2])
            left.plotly_chart(localise(main), key=key, width="stretch")
            zoom_title = t("embeddings.zoom_title")
            zoomed = cached_figure(
                "emb_map_zoom", cache_key, lambda: figs.token_map(*args[:2], zoom_title, *args[3:], zoom=True, **extra)
            )
            right.plotly_chart(localise(zoomed), key=f"{key}_zoom", width="stretch")

    coords = _layout(lm, tokens, ProjectionParams(method=method, dims=dims), draw)
    title = t("embeddings.map_title", n=len(tokens.ids), model=lm.name, method=t(f"embeddings.m_{method}"))
    draw(coords, title, key="emb_map")
    if word:
        _query_report(lm, query, query_row, hits, k)
    else:
        st.info(t("embeddings.type_word"))
    _group_report(tokens, groups)


def _group_report(tokens: TokenSet, groups: list[Group]) -> None:
    """How close each coloured group sits, measured in the full space, against a random pair of map tokens."""
    stats = group_stats(tokens, groups)
    lang = language()
    best = max(stats, key=lambda s: s.within - s.baseline)
    within, base = num(best.within, ".2f"), num(best.baseline, ".2f")
    st.markdown(t("embeddings.groups_lead", group=best.group.name(lang), within=within, base=base))
    st.dataframe(
        {
            t("embeddings.col_group"): [s.group.name(lang) for s in stats],
            t("embeddings.col_group_tokens"): [len(s.group.rows) for s in stats],
            t("embeddings.col_within"): [num(s.within, ".3f") for s in stats],
            t("embeddings.col_random"): [num(s.baseline, ".3f") for s in stats],
            t("embeddings.col_about"): [s.group.about.get(lang, s.group.about["en"]) for s in stats],
            t("embeddings.col_left_out"): [", ".join(s.group.left_out) or "—" for s in stats],
        },
        hide_index=True,
        width="stretch",
    )
    st.caption(t("embeddings.groups_note", n=len(tokens.ids)))


def _query_report(lm: LoadedModel, query, query_row, hits, k: int) -> None:
    pieces = " + ".join(code_span(p) for p in query.pieces)
    if len(query.token_ids) > 1:
        st.info(t("embeddings.multi_token", word=literal(query.text), pieces=pieces))
    elif query_row is None:
        st.info(t("embeddings.not_on_map", word=literal(query.text)))
    left, right = st.columns(2)
    with left:
        st.markdown(t("embeddings.neighbours_map", k=k))
        neighbour_table([(h.text, h.score) for h in hits])
    with right:
        st.markdown(t("embeddings.neighbours_vocab", k=k, v=lm.config.vocab_size))
        neighbour_table([(repr(h.text)[1:-1], h.score) for h in neighbours_in_vocabulary(lm, query, k)])
        st.caption(t("embeddings.vocab_note"))


def _set_preset() -> None:
    choice = st.session_state.get("emb_preset")
    if choice in presets():
        st.session_state["emb_items"] = "\n".join(presets()[choice])


def similarity_view() -> None:
    st.markdown(t("embeddings.sim_intro"))
    names = list(presets())
    bind("emb_preset", "book_worm", choices=names)
    bind("emb_items", "\n".join(presets()[st.session_state["emb_preset"]]))
    st.selectbox(
        t("embeddings.preset"),
        names,
        key="emb_preset",
        on_change=_set_preset,
        format_func={p: t(f"embeddings.p_{p}") for p in names}.get,
    )
    st.text_area(t("embeddings.items", n=MAX_ITEMS, c=MAX_ITEM_CHARS), key="emb_items", height=160)
    mirror("emb_preset", "emb_items")
    items, dropped = parse_items(typed_text("emb_items", MAX_ITEMS * (MAX_ITEM_CHARS + 1) * 4).text)
    if dropped:
        st.info(t("embeddings.items_dropped", n=MAX_ITEMS, dropped=dropped))
    if len(items) < 2:
        st.warning(t("embeddings.need_two"))
        return
    encoder = get_encoder()
    with st.spinner(t("embeddings.embedding", n=len(items))):
        vectors = embed_texts(encoder, items)  # (N, 384)
    key = (encoder.name, encoder.dtype_name, tuple(items))
    title = t("embeddings.heatmap_title")
    heat = cached_figure(
        "emb_heat", key, lambda: figs.similarity_heatmap(items, cosine_matrix(vectors), title, language())
    )
    st.plotly_chart(localise(heat), key="emb_heat")
    st.caption(t("embeddings.heatmap_note"))
    title = t("embeddings.sim_map_title")
    plane = cached_figure("emb_sim_map", key, lambda: figs.labelled_map(pca(unit_rows(vectors), 2), items, title))
    st.plotly_chart(localise(plane), key="emb_sim_map")
