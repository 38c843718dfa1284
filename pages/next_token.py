"""Next-token prediction: the distribution, sampling knobs, generation, logit lens, perplexity, chat, limits."""

import streamlit as st

from explain.core.analysis import analyze
from explain.core.limits import MAX_ANALYSIS_TOKENS, MAX_TEXT_CHARS
from explain.core.sampling import SamplingConfig
from ui import next_token as views
from ui import next_token_chat as chat_views
from ui.models import get_model
from ui.page import header, notice_truncated, show_error, typed_text
from ui.text import num, t
from ui.urlstate import bind, mirror

TABS = ["tab_distribution", "tab_generation", "tab_lens", "tab_perplexity", "tab_chat", "tab_limits"]
KEPT_ACROSS_TABS = ["nt_ppl_text", "nt_chat_raw", "nt_auto_n"]  # widget values a hidden tab must not lose

header("next_token")
lm = get_model()
if lm.kind != "causal-lm":
    st.warning(t("next_token.needs_causal"))
    st.stop()

bind("nt_text", t("next_token.default_prompt"))
st.text_area(
    t(
        "next_token.prompt",
        tokens=MAX_ANALYSIS_TOKENS,
        chars=num(MAX_TEXT_CHARS, ","),
    ),
    key="nt_text",
    height=80,
)
mirror("nt_text")
text = typed_text("nt_text").text


def render_tab(lm, text: str, index: int, config: SamplingConfig) -> None:
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


@st.fragment
def knobs_and_tabs(lm, text: str) -> None:
    """The sampling knobs and the open tab: moving a knob or switching tab reruns only this, not the text box."""
    for key in KEPT_ACROSS_TABS:  # re-assigning stops Streamlit from dropping the value of a widget not drawn
        if key in st.session_state:
            st.session_state[key] = st.session_state[key]
    config = views.sampling_knobs()
    tabs = st.tabs([t(f"next_token.{k}") for k in TABS], key="nt_tab", on_change="rerun")
    open_tab = next((i for i, tab in enumerate(tabs) if tab.open), 0)
    with tabs[open_tab]:
        try:
            render_tab(lm, text, open_tab, config)
        except Exception as exc:  # never a traceback in the page
            show_error(exc)


knobs_and_tabs(lm, text)
