"""The four views of the embeddings page: token map, similarity, vector search, analogies.

Streamlit glue only: widgets with explicit keys, calls into `explain/`, figures
drawn with `st.plotly_chart`. Results shared by every session (token sets,
collections) live in `st.cache_resource`; layouts in `explain.embeddings.projection`'s caches.
"""

from __future__ import annotations

import numpy as np
import streamlit as st

from explain.core.display import escape
from explain.core.loading import LoadedModel
from explain.core.text_input import clean_text
from explain.embeddings import figures as figs
from explain.embeddings.analogies import add_candidates, analogy
from explain.embeddings.index import exact_search
from explain.embeddings.projection import ProjectionParams, cached_projection, is_cached, pca, pca_with_extra, project
from explain.embeddings.search import (
    CHUNK_CHARS,
    MAX_CHUNKS,
    MAX_ITEM_CHARS,
    MAX_ITEMS,
    build_collection,
    builtin_collection,
    common_words,
    parse_items,
    presets,
    search,
    split_chunks,
    word_vectors,
)
from explain.embeddings.sentences import cosine_matrix, embed_texts
from explain.embeddings.token_table import (
    MAX_MAP_TOKENS,
    MAX_QUERY_CHARS,
    TokenSet,
    neighbours_in_set,
    neighbours_in_vocabulary,
    query_vector,
    whole_word_tokens,
)
from ui.models import get_encoder, get_model
from ui.text import t
from ui.urlstate import bind, mirror

MAP_SIZES = [1000, 2000, 5000, MAX_MAP_TOKENS]
METHODS = ["umap", "pca", "tsne"]
MAX_TSNE = 5000  # t-SNE beyond this takes minutes on a laptop CPU


@st.cache_resource(show_spinner=False, max_entries=4)
def _token_set(name: str, dtype: str, n: int, _lm: LoadedModel) -> TokenSet:
    return whole_word_tokens(_lm, n)


@st.cache_resource(show_spinner=False, max_entries=4)
def _collection(texts: tuple[str, ...], _encoder: LoadedModel):
    return build_collection(_encoder, list(texts))


@st.cache_resource(show_spinner=False, max_entries=2)
def _word_vectors(words: tuple[str, ...], _encoder: LoadedModel) -> np.ndarray:
    return word_vectors(_encoder, list(words))


def _clean(key: str, limit: int) -> str:
    return clean_text(st.session_state.get(key, ""), limit=limit).text


def _neighbour_table(rows: list[tuple[str, float]]) -> None:
    st.dataframe(
        {t("embeddings.col_token"): [r[0] for r in rows], t("embeddings.col_cosine"): [round(r[1], 3) for r in rows]},
        hide_index=True,
        width="stretch",
    )


def _layout(lm: LoadedModel, tokens: TokenSet, params: ProjectionParams, draw) -> np.ndarray:
    """The map's coordinates; a slow first UMAP/t-SNE shows PCA meanwhile, with progress words."""
    name = f"{lm.name}-{lm.dtype_name}"
    if params.method == "pca" or is_cached(name, tokens.vectors, params):
        layout = cached_projection(name, tokens.vectors, params)
        st.caption(t("embeddings.layout_source", source=t(f"embeddings.source_{layout.source}"), s=layout.seconds))
        return layout.coords
    draw(project(tokens.vectors, ProjectionParams(method="pca", dims=params.dims)), t("embeddings.pca_meanwhile"))
    with st.status(t(f"embeddings.computing_{params.method}", n=len(tokens.ids)), expanded=False) as status:
        layout = cached_projection(name, tokens.vectors, params)
        status.update(label=t("embeddings.computed", s=layout.seconds), state="complete")
    return layout.coords


def token_map_view() -> None:
    st.markdown(t("embeddings.map_intro"))
    bind("emb_n", 2000, int, MAP_SIZES)
    bind("emb_method", "umap", choices=METHODS)
    bind("emb_dims", 2, int, [2, 3])
    bind("emb_word", "book")
    bind("emb_k", 10, int)
    c1, c2, c3, c4, c5 = st.columns([2, 2, 1, 2, 2])
    n = c1.select_slider(t("embeddings.n_tokens"), MAP_SIZES, key="emb_n", help=t("embeddings.n_tokens_help"))
    method = c2.selectbox(
        t("embeddings.method"), METHODS, key="emb_method", format_func=lambda m: t(f"embeddings.m_{m}")
    )
    dims = c3.radio(t("embeddings.dims"), [2, 3], key="emb_dims", horizontal=True, format_func=lambda d: f"{d}D")
    c4.text_input(t("embeddings.word"), key="emb_word", max_chars=MAX_QUERY_CHARS, help=t("embeddings.word_help"))
    k = c5.slider(t("embeddings.k"), 1, 30, key="emb_k")
    mirror("emb_n", "emb_method", "emb_dims", "emb_word", "emb_k")
    st.caption(t("embeddings.distortion_note"))
    if method == "tsne" and n > MAX_TSNE:
        st.info(t("embeddings.tsne_bound", n=MAX_TSNE))
        n = MAX_TSNE
    lm = get_model()
    with st.spinner(t("embeddings.picking_tokens", n=n)):
        tokens = _token_set(lm.name, lm.dtype_name, n, lm)
    if len(tokens.ids) < n:
        st.info(t("embeddings.few_words", n=len(tokens.ids), model=lm.name))
    word = _clean("emb_word", MAX_QUERY_CHARS).strip()
    query_row, hits = None, []
    if word:
        query = query_vector(lm, word)
        hits = neighbours_in_set(tokens, query, k)
        if len(query.token_ids) == 1:
            rows = np.flatnonzero(tokens.ids == query.token_ids[0])
            query_row = int(rows[0]) if len(rows) else None
    placeholder = st.empty()
    titles = (t("embeddings.legend_tokens"), t("embeddings.legend_query"), t("embeddings.legend_neighbours"))

    def draw(coords: np.ndarray, title: str, key: str = "emb_map_pca") -> None:
        args = (coords, tokens.words, title, query_row, [h.index for h in hits], [h.score for h in hits], titles)
        with placeholder.container():
            if dims == 3 or not hits:
                st.plotly_chart(figs.token_map(*args), key=key, width="stretch")
                return
            left, right = st.columns([3, 2])
            left.plotly_chart(figs.token_map(*args), key=key, width="stretch")
            zoomed = figs.token_map(*args[:2], t("embeddings.zoom_title"), *args[3:], zoom=True)
            right.plotly_chart(zoomed, key=f"{key}_zoom", width="stretch")

    coords = _layout(lm, tokens, ProjectionParams(method=method, dims=dims), draw)
    title = t("embeddings.map_title", n=len(tokens.ids), model=lm.name, method=t(f"embeddings.m_{method}"))
    draw(coords, title, key="emb_map")
    if not word:
        st.info(t("embeddings.type_word"))
        return
    _query_report(lm, query, query_row, hits, k)


def _query_report(lm: LoadedModel, query, query_row, hits, k: int) -> None:
    pieces = " + ".join(f"`{escape(p)}`" for p in query.pieces)
    if len(query.token_ids) > 1:
        st.info(t("embeddings.multi_token", word=escape(query.text), pieces=pieces))
    elif query_row is None:
        st.info(t("embeddings.not_on_map", word=escape(query.text)))
    left, right = st.columns(2)
    with left:
        st.markdown(t("embeddings.neighbours_map", k=k))
        _neighbour_table([(h.text, h.score) for h in hits])
    with right:
        st.markdown(t("embeddings.neighbours_vocab", k=k, v=lm.config.vocab_size))
        _neighbour_table([(repr(h.text)[1:-1], h.score) for h in neighbours_in_vocabulary(lm, query, k)])
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
        format_func=lambda p: t(f"embeddings.p_{p}"),
    )
    st.text_area(t("embeddings.items", n=MAX_ITEMS, c=MAX_ITEM_CHARS), key="emb_items", height=160)
    mirror("emb_preset", "emb_items")
    items, dropped = parse_items(_clean("emb_items", MAX_ITEMS * (MAX_ITEM_CHARS + 1) * 4))
    if dropped:
        st.info(t("embeddings.items_dropped", n=MAX_ITEMS, dropped=dropped))
    if len(items) < 2:
        st.warning(t("embeddings.need_two"))
        return
    encoder = get_encoder()
    with st.spinner(t("embeddings.embedding", n=len(items))):
        vectors = embed_texts(encoder, items)  # (N, 384)
    matrix = cosine_matrix(vectors)
    st.plotly_chart(figs.similarity_heatmap(items, matrix, t("embeddings.heatmap_title")), key="emb_heat")
    st.caption(t("embeddings.heatmap_note"))
    coords = pca(vectors / np.linalg.norm(vectors, axis=1, keepdims=True), 2)
    st.plotly_chart(figs.labelled_map(coords, items, t("embeddings.sim_map_title")), key="emb_sim_map")


def search_view() -> None:
    st.markdown(t("embeddings.search_intro"))
    bind("emb_source", "builtin", choices=["builtin", "own"])
    bind("emb_query", "What should I order for dinner?")
    bind("emb_search_k", 5, int)
    st.radio(
        t("embeddings.source"),
        ["builtin", "own"],
        key="emb_source",
        horizontal=True,
        format_func=lambda s: t(f"embeddings.src_{s}"),
    )
    texts = list(builtin_collection())
    if st.session_state["emb_source"] == "own":
        limit = MAX_CHUNKS * CHUNK_CHARS
        st.text_area(
            t("embeddings.own_text", chars=limit, chunks=MAX_CHUNKS, size=CHUNK_CHARS), key="emb_own", height=160
        )
        cleaned = clean_text(st.session_state.get("emb_own", ""), limit=limit)
        if cleaned.truncated:
            st.info(t("embeddings.own_truncated", chars=limit))
        texts = split_chunks(cleaned.text)
        if not texts:
            st.warning(t("embeddings.own_empty"))
            return
    c1, c2 = st.columns([4, 1])
    c1.text_input(t("embeddings.query"), key="emb_query", max_chars=MAX_ITEM_CHARS)
    k = c2.slider(t("embeddings.k"), 1, 10, key="emb_search_k")
    mirror("emb_source", "emb_query", "emb_search_k")
    query = _clean("emb_query", MAX_ITEM_CHARS).strip()
    if not query:
        st.info(t("embeddings.query_empty"))
        return
    encoder = get_encoder()
    with st.spinner(t("embeddings.indexing", n=len(texts))):
        collection = _collection(tuple(texts), encoder)
    q, matches = search(encoder, collection, query, k)
    exact = [h.index for h in exact_search(collection.vectors, q, k)]
    st.dataframe(
        {
            "#": list(range(1, len(matches) + 1)),
            t("embeddings.col_cosine"): [round(m.score, 3) for m in matches],
            t("embeddings.col_text"): [m.text for m in matches],
        },
        hide_index=True,
        width="stretch",
    )
    agree = "embeddings.exact_agrees" if exact == [m.index for m in matches] else "embeddings.exact_differs"
    st.caption(t("embeddings.search_note", n=len(texts)) + " " + t(agree))
    coords, qpoint = pca_with_extra(collection.vectors, q[None, :])
    fig = figs.labelled_map(
        coords,
        collection.texts,
        t("embeddings.search_map_title"),
        highlight=[m.index for m in matches],
        extra=(qpoint[0], query),
        names=(t("embeddings.legend_texts"), t("embeddings.legend_topk"), t("embeddings.legend_your_query")),
    )
    st.plotly_chart(fig, key="emb_search_map")
    st.markdown(t("embeddings.rag_note"))


def _analogy_words() -> tuple[str, str, str, str]:
    cols = st.columns(4)
    for col, (key, default) in zip(cols, [("emb_a", "king"), ("emb_b", "man"), ("emb_c", "woman"), ("emb_x", "queen")]):
        bind(key, default)
        col.text_input(t(f"embeddings.{key}"), key=key, max_chars=MAX_QUERY_CHARS)
    mirror("emb_a", "emb_b", "emb_c", "emb_x")
    return tuple(_clean(k, MAX_QUERY_CHARS).strip() for k in ("emb_a", "emb_b", "emb_c", "emb_x"))


def _analogy_result(title: str, result, expected: str) -> None:
    st.markdown(f"**{title}**")
    if expected and result.succeeded:
        st.success(t("embeddings.analogy_ok", x=escape(expected)))
    elif expected and result.expected_rank:
        st.warning(t("embeddings.analogy_rank", x=escape(expected), r=result.expected_rank))
    elif expected:
        st.warning(t("embeddings.analogy_missing", x=escape(expected)))
    a, b = st.columns(2)
    with a:
        st.caption(t("embeddings.without_inputs"))
        _neighbour_table(result.without_inputs)
    with b:
        st.caption(t("embeddings.with_inputs"))
        _neighbour_table(result.with_inputs)


def analogy_view() -> None:
    st.markdown(t("embeddings.analogy_intro"))
    a, b, c, x = _analogy_words()
    if not (a and b and c):
        st.info(t("embeddings.analogy_need"))
        return
    words = [w for w in (a, b, c, x) if w]
    lm = get_model()
    with st.spinner(t("embeddings.picking_tokens", n=MAX_MAP_TOKENS)):
        tokens = _token_set(lm.name, lm.dtype_name, MAX_MAP_TOKENS, lm)
    typed = np.stack([query_vector(lm, w).vector for w in words])  # (W, 576)
    labels, cand = add_candidates(tokens.words, tokens.vectors, words, typed)
    token_result = analogy(*typed[:3], cand, labels, (a, b, c), k=8, expected=x or None)
    encoder = get_encoder()
    common = common_words()
    with st.spinner(t("embeddings.embedding_words", n=len(common))):
        common_vectors = _word_vectors(tuple(common), encoder)
    typed = embed_texts(encoder, words)  # (W, 384)
    labels, cand = add_candidates(common, common_vectors, words, typed)
    sent_result = analogy(*typed[:3], cand, labels, (a, b, c), k=8, expected=x or None)
    left, right = st.columns(2)
    with left:
        _analogy_result(t("embeddings.token_space", model=lm.name, n=len(tokens.ids)), token_result, x)
    with right:
        _analogy_result(t("embeddings.sentence_space", n=len(common)), sent_result, x)
    st.caption(t("embeddings.analogy_note"))
