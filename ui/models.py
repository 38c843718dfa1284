"""Models shared by every browser session: loaded once per process, used read-only.

`st.cache_resource` keeps one copy of each (name, device, dtype); the forward
pass is serialised by the LoadedModel's own lock, so concurrent sessions queue
instead of failing. The first load of SmolLM2 converts its GGUF (~20 s) with a
progress bar; later loads take a fraction of a second. Loading the default causal LM in the
sidebar's precision also starts the background job that lays out the default token maps
(`explain/embeddings/precompute.py`), so the embeddings page finds them ready.
"""

from __future__ import annotations

import os

import streamlit as st

from explain.core import gguf_cache, memory, registry
from explain.core.device import dtype_name, pick_device, pick_dtype
from explain.core.jobs import BackgroundJob
from explain.core.loading import LoadedModel, ModelUnavailable, load_model
from explain.embeddings.precompute import precompute_job
from ui.text import t

LOADED: dict[str, dict] = {}  # name -> describe(), for the sidebar; process-wide like the cache
PRECOMPUTE: dict[str, BackgroundJob | None] = {}  # name -> its default maps' layout job (embeddings/precompute.py)


def _precompute_on() -> bool:
    """False when LLM_EXPLAINER_PRECOMPUTE=0 (the test suite: its pages must not start a 2,000-token UMAP each)."""
    return os.environ.get("LLM_EXPLAINER_PRECOMPUTE", "1") != "0"


@st.cache_resource(show_spinner=False, max_entries=6)
def _cached_model(name: str, device: str, dtype: str) -> LoadedModel:
    lm = load_model(name, device=device, dtype=dtype)
    LOADED[name] = lm.describe()
    if name == registry.DEFAULT_CAUSAL_LM and dtype == dtype_name(pick_dtype(device)) and _precompute_on():
        PRECOMPUTE[name] = precompute_job(lm)  # the default UMAP maps, in the background (None: already on disk)
    memory.settle()  # the model's objects live as long as the process: full collections skip them from now on
    return lm


def convert_with_progress() -> None:
    """Convert SmolLM2's GGUF before loading, drawing a progress bar while it runs."""
    source = registry.smollm2_gguf_path()
    if source is None or gguf_cache.is_complete_once(gguf_cache.converted_dir(registry.DEFAULT_CAUSAL_LM), source):
        return
    bar = st.progress(0.0, text=t("common.converting"))
    gguf_cache.ensure_converted(registry.DEFAULT_CAUSAL_LM, source, lambda f, m: bar.progress(f, text=m))
    bar.empty()


def selected_causal_lm() -> str:
    return st.session_state.get("model_name") or registry.DEFAULT_CAUSAL_LM


def get_model(name: str | None = None, dtype: str | None = None) -> LoadedModel:
    """The loaded model `name` (default: the sidebar's causal LM); stops the page with a message if unavailable.

    `dtype` overrides the sidebar's precision (the anatomy pages need none: they compute in float32 on this
    copy's weights, `explain/anatomy/upcast.py`). "auto" is resolved
    before the cache is asked, so "auto" and the precision it stands for share one copy of the model.
    """
    name = name or selected_causal_lm()
    device = st.session_state.get("device_choice", "auto")
    dtype = dtype or st.session_state.get("dtype_choice", "auto")
    try:
        device = pick_device(device)
        dtype = dtype_name(pick_dtype(device, dtype))
        if name == registry.DEFAULT_CAUSAL_LM:
            convert_with_progress()
        with st.spinner(t("common.loading_model", name=name)):
            return _cached_model(name, device, dtype)
    except (ModelUnavailable, ValueError) as exc:
        st.error(str(exc))
        st.stop()
        raise  # unreachable: st.stop raises


def get_encoder() -> LoadedModel:
    return get_model(registry.DEFAULT_ENCODER)
