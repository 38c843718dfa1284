"""Next-token prediction: the distribution, sampling knobs, generation, logit lens, perplexity, chat, limits."""

import streamlit as st

from explain.core.analysis import analyze
from explain.core.limits import MAX_ANALYSIS_TOKENS, MAX_TEMPERATURE, MAX_TEXT_CHARS, MAX_TOP_K
from explain.core.sampling import SamplingConfig
from ui import next_token as views
from ui import next_token_chat as chat_views
from ui.models import get_model
from ui.page import header, notice_truncated, show_error, typed_text
from ui.text import num, t
from ui.urlstate import bind, mirror

TABS = ["tab_distribution", "tab_generation", "tab_lens", "tab_perplexity", "tab_chat", "tab_limits"]
KEPT_ACROSS_TABS = ["nt_ppl_text", "nt_chat_raw", "nt_auto_n"]  # widget values a hidden tab must not lose

for key in KEPT_ACROSS_TABS:  # re-assigning stops Streamlit from dropping the value of a widget not drawn this run
    if key in st.session_state:
        st.session_state[key] = st.session_state[key]

header("next_token")
lm = get_model()
if lm.kind != "causal-lm":
    st.warning(t("next_token.needs_causal"))
    st.stop()

bind("nt_text", t("next_token.default_prompt"))
bind("nt_temp", 1.0, float, low=0.0, high=MAX_TEMPERATURE)
bind("nt_topk", 0, int, low=0, high=MAX_TOP_K)
bind("nt_topp", 1.0, float, low=0.05, high=1.0)
bind("nt_seed", 0, int, low=0, high=2**31 - 1)
st.text_area(
    t(
        "next_token.prompt",
        tokens=MAX_ANALYSIS_TOKENS,
        chars=num(MAX_TEXT_CHARS, ","),
    ),
    key="nt_text",
    height=80,
)
temp, topk, topp, seed = st.columns(4)
temp.slider(t("next_token.temperature"), 0.0, MAX_TEMPERATURE, step=0.05, key="nt_temp", help=t("next_token.temp_help"))
topk.slider(t("next_token.top_k"), 0, MAX_TOP_K, key="nt_topk", help=t("next_token.topk_help"))
topp.slider(t("next_token.top_p"), 0.05, 1.0, step=0.05, key="nt_topp", help=t("next_token.topp_help"))
seed.number_input(t("next_token.seed"), 0, 2**31 - 1, key="nt_seed", help=t("next_token.seed_help"))
mirror("nt_text", "nt_temp", "nt_topk", "nt_topp", "nt_seed")
config = SamplingConfig(
    st.session_state.nt_temp, st.session_state.nt_topk, st.session_state.nt_topp, st.session_state.nt_seed
)

text = typed_text("nt_text").text


def render_tab(index: int) -> None:
    """Draw tab `index`; only the open tab runs (its forward passes are not free)."""
    if index == 3:
        return views.render_perplexity(lm)
    if index == 4:
        return chat_views.render_chat(lm, config)
    if index == 5:
        return chat_views.render_limits(lm)
    if not text.strip():
        return st.info(t("next_token.empty"))
    with st.spinner(t("next_token.running")):
        analysis = analyze(lm, text)
    if analysis.truncated:
        notice_truncated(analysis.total_tokens, analysis.n_tokens)
    [views.render_distribution, views.render_generation, views.render_lens][index](lm, analysis, config)


tabs = st.tabs([t(f"next_token.{k}") for k in TABS], key="nt_tab", on_change="rerun")
open_tab = next((i for i, tab in enumerate(tabs) if tab.open), 0)
with tabs[open_tab]:
    try:
        render_tab(open_tab)
    except Exception as exc:  # never a traceback in the page
        show_error(exc)
