"""ELIZA vs LLM: the same message goes to hand-written rules (ELIZA) and to SmolLM2, side by side."""

import streamlit as st

from explain.classroom import eliza
from explain.core.chat import greedy_reply
from explain.core.display import literal
from explain.core.limits import MAX_MESSAGE_CHARS
from explain.core.text_input import clean_text
from ui.models import get_model
from ui.page import header, show_error
from ui.text import language, t

REPLY_TOKENS = 60  # SmolLM2's answer length: a few seconds on a laptop CPU
LOG_KEY = "eliza_log"  # [{"user", "eliza", "rule", "llm"}], this session only


def _queue() -> None:
    """Keep the submitted message until the script body answers it (survives an early rerun)."""
    st.session_state["eliza_pending"] = st.session_state.get("eliza_message", "")


def _clear() -> None:
    st.session_state[LOG_KEY] = []
    st.session_state.pop("eliza_fired", None)


header("eliza")
with st.form("eliza_form", clear_on_submit=True):
    st.text_input(
        t("eliza.message", limit=MAX_MESSAGE_CHARS),
        key="eliza_message",
        max_chars=MAX_MESSAGE_CHARS,
        placeholder=t("eliza.placeholder"),
    )
    st.form_submit_button(t("eliza.send"), type="primary", key="eliza_send", on_click=_queue)
log = st.session_state.setdefault(LOG_KEY, [])
pending = st.session_state.pop("eliza_pending", None)
if pending is not None:
    text = clean_text(pending, MAX_MESSAGE_CHARS).text.strip()
    if not text:
        st.warning(t("eliza.empty"))
    else:
        reply = eliza.respond(text, language(), st.session_state.get("eliza_fired"))
        st.session_state["eliza_fired"] = reply.fired
        entry = {"user": text, "eliza": reply.text, "rule": reply.rule, "llm": None}
        try:
            with st.spinner(t("eliza.thinking")):
                entry["llm"] = greedy_reply(get_model(), [{"role": "user", "content": text}], REPLY_TOKENS)
        except Exception as exc:  # the model failing must not lose ELIZA's answer
            show_error(exc)
        log.append(entry)

left, right = st.columns(2)
left.subheader(t("eliza.eliza_side"))
left.caption(t("eliza.eliza_how"))
right.subheader(t("eliza.llm_side"))
right.caption(t("eliza.llm_how", tokens=REPLY_TOKENS))
for entry in reversed(log[-10:]):
    user = literal(entry["user"])
    with left.container(border=True):
        st.markdown(f"🧑 {user}")
        st.markdown(f"🤖 {literal(entry['eliza'])}")
        st.caption(t("eliza.rule", rule=entry["rule"]))
    with right.container(border=True):
        st.markdown(f"🧑 {user}")
        st.markdown(f"🤖 {literal(entry['llm'] or '—')}")
if log:
    st.button(t("eliza.clear"), key="eliza_clear", on_click=_clear)
with st.expander(t("eliza.rules_title")):
    script = eliza.load_script(language())
    st.dataframe(
        [
            {"rule": r.id, "rank": r.rank, "if": " | ".join(p.pattern for p in r.patterns), "then": r.replies[0]}
            for r in script.rules
        ],
        hide_index=True,
        width="stretch",
    )
st.markdown(t("eliza.lesson"))
