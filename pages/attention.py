"""Attention: the real weights of every layer and head, found, drawn and recomputed by hand."""

import streamlit as st

from explain.attention import heads as attn
from explain.core.analysis import analyze
from explain.core.limits import MAX_ANALYSIS_TOKENS, MAX_TEXT_CHARS, MAX_VIEW_TOKENS
from explain.core.text_input import EmptyTextError
from ui import attention as views
from ui.models import get_model
from ui.page import header, notice_truncated, typed_text
from ui.text import t
from ui.urlstate import bind, mirror

PRESET_KEYS = [*attn.PRESETS, "custom"]


# Callbacks read with .get: they run before the page binds its keys, and a client that sends only
# the widget it changed (the load test, a crafted one) must not turn a keystroke into a traceback.
def _on_preset() -> None:
    preset = st.session_state.get("attn_preset")
    if preset in attn.PRESETS:
        st.session_state["attn_text"] = attn.PRESETS[preset]


def _on_text() -> None:
    if st.session_state.get("attn_text") != attn.PRESETS.get(st.session_state.get("attn_preset")):
        st.session_state["attn_preset"] = "custom"


header("attention")
bind("attn_preset", "pronoun", choices=PRESET_KEYS)
bind("attn_text", attn.PRESETS.get(st.session_state["attn_preset"], attn.PRONOUN_TEXT))
bind("attn_view", "heatmap", choices=views.VIEWS)
bind("attn_layer", 0, cast=int, low=0)
bind("attn_head", 0, cast=int, low=0)
bind("attn_stat", "previous", choices=list(attn.STATISTICS))

left, right = st.columns([1, 2])
left.selectbox(
    t("attention.preset"),
    PRESET_KEYS,
    key="attn_preset",
    on_change=_on_preset,
    format_func={k: t(f"attention.preset_{k}") for k in PRESET_KEYS}.get,  # a dict: the labels of this run's language
)
right.text_area(
    t("attention.text_label"),
    key="attn_text",
    height=80,
    max_chars=MAX_TEXT_CHARS,
    on_change=_on_text,
    help=t("attention.text_help", chars=MAX_TEXT_CHARS, limit=MAX_ANALYSIS_TOKENS),
)
lm = get_model()  # any precision: attention weights are float32 (core/attention_fp32.py), the check holds to 1e-4
try:
    with st.spinner(t("attention.computing")):
        result = analyze(lm, typed_text("attn_text").text)
except EmptyTextError:
    st.warning(t("attention.empty_text"))
    st.stop()

if result.truncated:
    notice_truncated(result.total_tokens, result.n_tokens)
caption = t("attention.tokens_info", n=result.n_tokens, limit=MAX_ANALYSIS_TOKENS)
if result.n_tokens > MAX_VIEW_TOKENS:
    caption += " " + t("attention.view_cut", shown=MAX_VIEW_TOKENS, n=result.n_tokens)
st.caption(caption)

views.view_panel(lm, result)  # a fragment: the view, layer and head rerun only their panel
mirror("attn_preset", "attn_text")
