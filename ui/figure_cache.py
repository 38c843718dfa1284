"""Figures built from cached results, kept as plain specs so a rerun or another session skips the build.

Why: a chart whose inputs did not change is rebuilt on every rerun, and plotly's property-by-property
validation holds the interpreter lock while it does: the attention page's layer view (nine heatmaps)
costs about 100 ms of Python, the embeddings map about 20 ms, each rerun, each student. Thirty
students on the same preset text ask for the same figures.

How: `cached_figure(name, key, build)` keeps `build().to_dict()` in `st.cache_data`, keyed by
the figure's name, `key` (everything the figure depends on: model, cleaned text, view values)
and the page's language (titles and number formats differ), and returns a new Figure from that
dict without validation (`explain.core.plain_figure`; the dict came out of plotly, so it is already
canonical). `st.cache_data` unpickles a fresh copy on every call, so a session that changes its
figure (`localise` sets the separators) never changes another's. Only builds measured above ~2 ms
come through here; cheap ones (the plain-dict heatmap) are built directly.
Leaves out the results themselves (`explain.core.analysis`, `st.cache_data` in each view).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable

import plotly.graph_objects as go
import streamlit as st

from explain.core.limits import MAX_CACHED_FIGURES
from explain.core.plain_figure import plain_figure
from ui.text import language


@st.cache_data(show_spinner=False, max_entries=MAX_CACHED_FIGURES)
def _spec(name: str, key: Hashable, lang: str, _build: Callable[[], go.Figure]) -> dict:
    """The figure as plotly's own dict; `_build` (not hashed) runs only on a miss."""
    return _build().to_dict()


def cached_figure(name: str, key: Hashable, build: Callable[[], go.Figure]) -> go.Figure:
    """The figure `build()` would return, from the cache when (name, key, language) was built before.

    `key` must hold every input of `build` besides the language, as small values (names, text, numbers):
    it is hashed on every call.
    """
    spec = _spec(name, key, language(), build)
    return plain_figure(spec["data"], spec["layout"])
