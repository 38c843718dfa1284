"""Embeddings: the token table on a map, word and sentence similarity, vector search, analogies."""

import streamlit as st

from ui import embeddings as views
from ui import embeddings_search as search_views
from ui.page import header
from ui.text import t
from ui.urlstate import bind, mirror

VIEWS = {"map": views.token_map_view, "similarity": views.similarity_view, "search": search_views.search_view,
         "analogy": search_views.analogy_view}  # fmt: skip

header("embeddings")
bind("emb_view", "map", choices=list(VIEWS))
st.segmented_control(
    t("embeddings.view"),
    list(VIEWS),
    key="emb_view",
    format_func={v: t(f"embeddings.view_{v}") for v in VIEWS}.get,
    required=True,
)
mirror("emb_view")


@st.fragment
def view_panel(name: str) -> None:
    """The chosen view: its own widgets (map size, method, word, k, texts) rerun only this panel, not the page."""
    VIEWS[name]()


view_panel(st.session_state.get("emb_view") or "map")
