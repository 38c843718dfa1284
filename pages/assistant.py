"""From text predictor to assistant: self-supervision, chat template, SFT, DPO, RLHF, memory, bias, cut-off."""

import streamlit as st

from explain.core.limits import BIAS_MAX_TEMPLATE_CHARS, MAX_CHAT_CHARS, REWARD_MAX_QUESTION_CHARS
from ui import assistant as views
from ui import assistant_limits as limits_views
from ui import assistant_prefer as prefer_views
from ui.models import get_encoder, get_model
from ui.page import header
from ui.text import t
from ui.urlstate import bind

TABS = ["selfsup", "base", "sft", "dpo", "rlhf", "memory", "bias", "cutoff"]

header("assistant")
lm = get_model()
if lm.kind != "causal-lm":
    st.warning(t("assistant.needs_causal"))
    st.stop()

bind("as_ss_text", t("assistant.ss_default"))
bind("as_bc_text", t("assistant.bc_default"))
bind("as_rl_question", t("assistant.rl_default"))
bind("as_rl_n", 4, int, low=2, high=8)
bind("as_bias_template", "The {occupation} said that")
bind("as_mem_text", t("assistant.mem_default"))
for key, limit in (
    ("as_bc_text", MAX_CHAT_CHARS),
    ("as_rl_question", REWARD_MAX_QUESTION_CHARS),
    ("as_bias_template", BIAS_MAX_TEMPLATE_CHARS),
):  # a link may carry more than the box takes
    st.session_state[key] = str(st.session_state[key])[:limit]

tabs = st.tabs([t(f"assistant.tab_{name}") for name in TABS])
with tabs[0]:
    views.render_selfsup(lm)
with tabs[1]:
    views.render_base_chat(lm)
with tabs[2]:
    views.render_sft()
with tabs[3]:
    prefer_views.render_dpo()
with tabs[4]:
    prefer_views.render_rlhf(lm, get_encoder)
with tabs[5]:
    views.render_memory(lm)
with tabs[6]:
    limits_views.render_bias(lm)
with tabs[7]:
    limits_views.render_cutoff(lm, get_encoder)
