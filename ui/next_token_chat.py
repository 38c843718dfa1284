"""The next-token page's last two tabs: a chat through the template, and the limits corner.

Streamlit glue only; the distribution, generation, logit lens and perplexity tabs are in
`ui/next_token.py`.
"""

from __future__ import annotations

import streamlit as st

from explain.core import chat
from explain.core.display import literal, token_chips_html
from explain.core.limits import MAX_CHAT_CHARS, MAX_CHAT_TURNS
from explain.core.loading import LoadedModel
from explain.core.sampling import SamplingConfig
from explain.next_token import hallucination
from ui.next_token import set_flag
from ui.page import typed_text
from ui.text import t

CHAT_REPLY_TOKENS = 100  # bound of one streamed reply


# --- chat ---------------------------------------------------------------------------------------------------------


def _chat_submitted() -> None:
    """chat_input callback: file the (cleaned, bounded) question; the script then streams the answer."""
    text = typed_text("nt_chat_input", MAX_CHAT_CHARS).text
    history = st.session_state.setdefault("nt_chat", [])
    if text.strip():
        history.append({"role": "user", "content": text})
        del history[:-MAX_CHAT_TURNS]


def render_chat(lm: LoadedModel, config: SamplingConfig) -> None:
    st.markdown(t("next_token.chat_explain", turns=MAX_CHAT_TURNS, tokens=CHAT_REPLY_TOKENS, chars=MAX_CHAT_CHARS))
    history: list[dict] = st.session_state.setdefault("nt_chat", [])
    left, right = st.columns([3, 1])
    show_raw = left.toggle(t("next_token.chat_raw"), key="nt_chat_raw")
    right.button(t("next_token.chat_clear"), key="nt_chat_clear", disabled=not history, on_click=history.clear)
    for message in history:
        with st.chat_message(message["role"]):
            st.text(message["content"])
    if history and history[-1]["role"] == "user":  # a question waiting for its answer
        with st.chat_message("assistant"):
            reply = st.write_stream(chat.stream_reply(lm, history, config, CHAT_REPLY_TOKENS))
        history.append({"role": "assistant", "content": reply if isinstance(reply, str) else "".join(reply)})
    st.chat_input(
        t("next_token.chat_placeholder"), key="nt_chat_input", max_chars=MAX_CHAT_CHARS, on_submit=_chat_submitted
    )
    if show_raw:
        messages = history or [{"role": "user", "content": t("next_token.chat_example")}]
        st.caption(t("next_token.chat_raw_caption"))
        st.html(token_chips_html(chat.template_tokens(lm, messages)))


# --- limits -------------------------------------------------------------------------------------------------------


@st.cache_resource
def _answer_store() -> dict:
    """Greedy answers are deterministic: keep them for every session, keyed by (model, device, dtype, question)."""
    return {}


def render_limits(lm: LoadedModel) -> None:
    st.markdown(t("next_token.limits_explain", tokens=hallucination.ANSWER_TOKENS))
    store = _answer_store()
    keys = [(lm.name, lm.device, lm.dtype_name, q.key) for q in hallucination.QUESTIONS]
    answers = [store.get(k) for k in keys]
    if any(a is None for a in answers):
        st.button(t("next_token.limits_run"), key="nt_limits_run", icon="❓", on_click=set_flag, args=("nt_limits_go",))
        if not st.session_state.pop("nt_limits_go", False):
            return
        bar = st.progress(0.0, text=t("next_token.limits_running"))
        for n, (key, question) in enumerate(zip(keys, hallucination.QUESTIONS)):
            answers[n] = answers[n] or hallucination.ask(lm, question)
            store[key] = answers[n]
            bar.progress((n + 1) / len(keys), text=t("next_token.limits_running"))
        bar.empty()
    for answer in answers:
        with st.container(border=True):
            st.markdown(f"**{t('next_token.limits_question')}** {literal(answer['prompt'])}")
            left, right = st.columns(2)
            left.markdown(f"**{t('next_token.limits_model')}**")
            left.text(answer["answer"])
            right.markdown(f"**{t('next_token.limits_truth')}**")
            right.text(t(f"next_token.truth_{answer['key']}", truth=answer["truth"]))
            st.caption(t(f"next_token.why_{answer['key']}"))
