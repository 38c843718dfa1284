"""Anatomy: one forward pass of the real model as one picture, with its numbers, parts and knock-outs."""

import streamlit as st

from explain.anatomy.diagram import UnsupportedModel, model_shape
from explain.anatomy.dla import UnknownToken, logits_at
from explain.anatomy.report import anatomy_report
from explain.anatomy.stream import record_stream
from explain.anatomy.upcast import float32_view
from explain.core.analysis import softmax
from explain.core.display import literal, visible
from explain.core.limits import MAX_ANATOMY_TOKENS, MAX_TARGET_CHARS, MAX_TEXT_CHARS
from ui import anatomy as views
from ui import anatomy_tools as tools
from ui.models import get_model
from ui.page import header, notice_truncated, show_error, typed_text
from ui.text import t
from ui.urlstate import bind, mirror

TABS = ["tab_stream", "tab_neurons", "tab_attribution", "tab_ablation"]

header("anatomy")
bind("an_text", t("anatomy.default_text"))
bind("an_target", "")
bind("an_pos", -1, cast=int)
bind("an_layer", 23, cast=int)
st.text_area(
    t("anatomy.text_label"), key="an_text", height=68, max_chars=MAX_TEXT_CHARS,
    help=t("anatomy.text_help", chars=MAX_TEXT_CHARS, limit=MAX_ANATOMY_TOKENS),
)  # fmt: skip
lm = float32_view(get_model())  # float32 arithmetic on the shared weights: the decomposition is checked to 1e-4
text = typed_text("an_text").text
if not text.strip():
    st.warning(t("anatomy.empty"))
    st.stop()
try:
    shape = model_shape(lm)
    with st.spinner(t("anatomy.computing")):
        stream = record_stream(lm, text)
except UnsupportedModel as exc:
    st.warning(literal(str(exc)))
    st.stop()
if stream.truncated:
    notice_truncated(stream.total_tokens, stream.n_tokens)

n = stream.n_tokens
if not 0 <= st.session_state["an_pos"] < n:  # a new text, or a link's position beyond it: the last token
    st.session_state["an_pos"] = n - 1
st.session_state["an_layer"] = min(max(st.session_state["an_layer"], 0), shape.layers - 1)
pos_col, layer_col, target_col = st.columns([2, 1, 2])
position = pos_col.selectbox(t("anatomy.position"), list(range(n)), key="an_pos",
                             format_func=lambda p: f"{p}: {visible(stream.tokens[p])}")  # fmt: skip
layer = layer_col.selectbox(t("anatomy.layer"), list(range(shape.layers)), key="an_layer")
target_col.text_input(t("anatomy.target"), key="an_target", placeholder=t("anatomy.target_top"),
                      help=t("anatomy.target_help"), max_chars=MAX_TARGET_CHARS)  # fmt: skip
mirror("an_text", "an_target", "an_pos", "an_layer")
try:
    report = anatomy_report(lm, text, position, typed_text("an_target", MAX_TARGET_CHARS).text or None)
except UnknownToken as exc:
    st.warning(t("anatomy.target_bad", detail=literal(str(exc))))
    report = anatomy_report(lm, text, position)

probs = softmax(logits_at(lm, stream, position))
stage = views.diagram(shape, report, stream, layer, probs)
views.stage_detail(lm, stage, shape, report, stream, layer, text)
views.gpt2_box(shape)

tabs = st.tabs([t(f"anatomy.{k}") for k in TABS], key="an_tab", on_change="rerun")
open_tab = next((i for i, tab in enumerate(tabs) if tab.open), 0)
with tabs[open_tab]:
    try:
        if open_tab == 0:
            views.stream_tab(report)
        elif open_tab == 1:
            tools.neurons_tab(lm, stream, layer, position)
        elif open_tab == 2:
            tools.attribution_tab(lm, stream, report["target"])
        else:
            tools.ablation_tab(lm, shape, stream, report["target"], layer)
    except Exception as exc:  # never a traceback in the page
        show_error(exc)
