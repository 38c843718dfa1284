"""The embeddings page's vector search and analogies views (the map and similarity are in `ui/embeddings.py`).

Streamlit glue only: widgets with explicit keys, calls into `explain/embeddings/`, figures drawn with
`st.plotly_chart`. Collections and word vectors shared by every session live in `st.cache_resource`.
"""

from __future__ import annotations

import numpy as np
import streamlit as st

from explain.core.display import literal
from explain.core.limits import CHUNK_CHARS, MAX_ITEM_CHARS, MAX_MAP_TOKENS, MAX_QUERY_CHARS, MAX_TEXT_CHARS
from explain.core.loading import LoadedModel
from explain.embeddings import figures as figs
from explain.embeddings.analogies import add_candidates, analogy
from explain.embeddings.index import exact_search
from explain.embeddings.projection import pca_with_extra
from explain.embeddings.search import build_collection, builtin_collection, common_words, passages, search, word_vectors
from explain.embeddings.sentences import embed_texts
from explain.embeddings.token_table import query_vector
from ui.embeddings import neighbour_table, token_set
from ui.figure_cache import cached_figure
from ui.models import get_encoder, get_model
from ui.page import typed_text
from ui.text import localise, num, t
from ui.urlstate import bind, mirror


def _encoder_key(encoder: LoadedModel) -> tuple[str, str, str]:
    """What the vectors depend on beside the texts: another encoder, device or precision gives other vectors."""
    return encoder.name, encoder.device, encoder.dtype_name


@st.cache_resource(show_spinner=False, max_entries=4)
def _collection(texts: tuple[str, ...], encoder_key: tuple, _encoder: LoadedModel):
    return build_collection(_encoder, list(texts))


@st.cache_resource(show_spinner=False, max_entries=2)
def _word_vectors(words: tuple[str, ...], encoder_key: tuple, _encoder: LoadedModel) -> np.ndarray:
    return word_vectors(_encoder, list(words))


def _own_passages() -> list[str]:
    """The visitor's text box, cut into passages by the one chunker ([] with a warning when empty)."""
    limit = MAX_TEXT_CHARS
    st.text_area(t("embeddings.own_text", chars=limit, size=CHUNK_CHARS), key="emb_own", height=160)
    cleaned = typed_text("emb_own", limit)
    if cleaned.truncated:
        st.info(t("embeddings.own_truncated", chars=limit))
    texts = passages(cleaned.text)
    if not texts:
        st.warning(t("embeddings.own_empty"))
    return texts


def _search_results(collection, q: np.ndarray, query: str, matches: list, k: int, encoder_key: tuple) -> None:
    """The top-k table, whether the index agreed with exact search, and the collection on a map."""
    exact = [h.index for h in exact_search(collection.vectors, q, k)]
    st.dataframe(
        {
            "#": list(range(1, len(matches) + 1)),
            t("embeddings.col_cosine"): [num(m.score, ".3f") for m in matches],
            t("embeddings.col_text"): [m.text for m in matches],
        },
        hide_index=True,
        width="stretch",
    )
    agree = "embeddings.exact_agrees" if exact == [m.index for m in matches] else "embeddings.exact_differs"
    st.caption(t("embeddings.search_note", n=len(collection.items)) + " " + t(agree))
    title = t("embeddings.search_map_title")
    names = (t("embeddings.legend_texts"), t("embeddings.legend_topk"), t("embeddings.legend_your_query"))

    def build():
        coords, qpoint = pca_with_extra(collection.vectors, q[None, :])
        highlight = [m.index for m in matches]
        return figs.labelled_map(
            coords, collection.texts, title, highlight=highlight, extra=(qpoint[0], query), names=names
        )

    fig = cached_figure("emb_search_map", (encoder_key, tuple(collection.texts), query, k), build)
    st.plotly_chart(localise(fig), key="emb_search_map")


def search_view() -> None:
    st.markdown(t("embeddings.search_intro"))
    bind("emb_source", "builtin", choices=["builtin", "own"])
    bind("emb_query", "What should I order for dinner?")
    bind("emb_search_k", 5, int, low=1, high=10)
    st.radio(
        t("embeddings.source"),
        ["builtin", "own"],
        key="emb_source",
        horizontal=True,
        format_func={s: t(f"embeddings.src_{s}") for s in ("builtin", "own")}.get,
    )
    texts = list(builtin_collection()) if st.session_state["emb_source"] == "builtin" else _own_passages()
    if not texts:
        return
    c1, c2 = st.columns([4, 1])
    c1.text_input(t("embeddings.query"), key="emb_query", max_chars=MAX_ITEM_CHARS)
    k = c2.slider(t("embeddings.k"), 1, 10, key="emb_search_k")
    mirror("emb_source", "emb_query", "emb_search_k")
    query = typed_text("emb_query", MAX_ITEM_CHARS).text.strip()
    if not query:
        st.info(t("embeddings.query_empty"))
        return
    encoder = get_encoder()
    with st.spinner(t("embeddings.indexing", n=len(texts))):
        collection = _collection(tuple(texts), _encoder_key(encoder), encoder)
    q, matches = search(encoder, collection, query, k)
    _search_results(collection, q, query, matches, k, _encoder_key(encoder))
    st.markdown(t("embeddings.rag_note"))


def _analogy_words() -> tuple[str, str, str, str]:
    cols = st.columns(4)
    for col, (key, default) in zip(cols, [("emb_a", "king"), ("emb_b", "man"), ("emb_c", "woman"), ("emb_x", "queen")]):
        bind(key, default)
        col.text_input(t(f"embeddings.{key}"), key=key, max_chars=MAX_QUERY_CHARS)
    mirror("emb_a", "emb_b", "emb_c", "emb_x")
    return tuple(typed_text(k, MAX_QUERY_CHARS).text.strip() for k in ("emb_a", "emb_b", "emb_c", "emb_x"))


def _analogy_result(title: str, result, expected: str) -> None:
    st.markdown(f"**{title}**")
    if expected and result.succeeded:
        st.success(t("embeddings.analogy_ok", x=literal(expected)))
    elif expected and result.expected_rank:
        st.warning(t("embeddings.analogy_rank", x=literal(expected), r=result.expected_rank))
    elif expected:
        st.warning(t("embeddings.analogy_missing", x=literal(expected)))
    a, b = st.columns(2)
    with a:
        st.caption(t("embeddings.without_inputs"))
        neighbour_table(result.without_inputs)
    with b:
        st.caption(t("embeddings.with_inputs"))
        neighbour_table(result.with_inputs)


def analogy_view() -> None:
    st.markdown(t("embeddings.analogy_intro"))
    a, b, c, x = _analogy_words()
    if not (a and b and c):
        st.info(t("embeddings.analogy_need"))
        return
    words = [w for w in (a, b, c, x) if w]
    lm = get_model()
    with st.spinner(t("embeddings.picking_tokens", n=MAX_MAP_TOKENS)):
        tokens, _, _ = token_set(lm.name, lm.dtype_name, MAX_MAP_TOKENS, lm)
    typed = np.stack([query_vector(lm, w).vector for w in words])  # (W, 576)
    labels, cand = add_candidates(tokens.words, tokens.vectors, words, typed)
    token_result = analogy(*typed[:3], cand, labels, (a, b, c), k=8, expected=x or None)
    encoder = get_encoder()
    common = common_words()
    with st.spinner(t("embeddings.embedding_words", n=len(common))):
        common_vectors = _word_vectors(tuple(common), _encoder_key(encoder), encoder)
    typed = embed_texts(encoder, words)  # (W, 384)
    labels, cand = add_candidates(common, common_vectors, words, typed)
    sent_result = analogy(*typed[:3], cand, labels, (a, b, c), k=8, expected=x or None)
    left, right = st.columns(2)
    with left:
        _analogy_result(t("embeddings.token_space", model=lm.name, n=len(tokens.ids)), token_result, x)
    with right:
        _analogy_result(t("embeddings.sentence_space", n=len(common)), sent_result, x)
    st.caption(t("embeddings.analogy_note"))
