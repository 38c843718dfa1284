"""The sidebar: language, model, device and precision, and what is loaded."""

from __future__ import annotations

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from explain.core import registry
from explain.core.device import DTYPE_CHOICES, available_devices
from explain.core.i18n import LANGUAGES
from ui.models import LOADED
from ui.text import language, t
from ui.urlstate import bind, mirror

OTHER = "__other__"


def _model_picker() -> None:
    options = [registry.DEFAULT_CAUSAL_LM, *registry.trained_model_names(), OTHER]
    bind("model_pick", registry.DEFAULT_CAUSAL_LM)
    if st.session_state["model_pick"] not in options:
        st.session_state["model_hub_id"] = st.session_state["model_pick"]
        st.session_state["model_pick"] = OTHER
    labels = {o: o for o in options} | {OTHER: t("common.other_model")}  # built now: AppTest formats later
    st.selectbox(t("common.model"), options, key="model_pick", format_func=labels.get)
    chosen = st.session_state["model_pick"]
    if chosen == OTHER:
        hub_id = st.text_input(
            t("common.hub_id"), key="model_hub_id", max_chars=96, placeholder="gpt2, Qwen/Qwen2.5-0.5B ..."
        ).strip()
        chosen = hub_id or registry.DEFAULT_CAUSAL_LM
    st.session_state["model_name"] = chosen


def render() -> DeltaGenerator:
    """Draw the sidebar; return the slot that `show_loaded` fills once the page has loaded its models."""
    with st.sidebar:
        language()
        st.selectbox("🌐 Language / Lingua", list(LANGUAGES), key="lang", format_func=LANGUAGES.get)
        _model_picker()
        st.selectbox(t("common.device"), ["auto", *available_devices()], key="device_choice")
        st.selectbox(
            t("common.precision"), list(DTYPE_CHOICES[:3]), key="dtype_choice", help=t("common.precision_help")
        )
        loaded_slot = st.empty()
    mirror("lang")
    if st.session_state.get("model_pick") != registry.DEFAULT_CAUSAL_LM:
        st.query_params["model_pick"] = st.session_state["model_name"]
    elif "model_pick" in st.query_params:
        del st.query_params["model_pick"]
    return loaded_slot


def show_loaded(slot: DeltaGenerator) -> None:
    """What is loaded, with device and load time; drawn after the page so its first load shows at once."""
    with slot.container():
        for info in LOADED.values():
            st.caption(t("common.loaded_info", **info))
        if not LOADED:
            st.caption(t("common.nothing_loaded"))
