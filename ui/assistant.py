"""Streamlit glue for the assistant chapter's first tabs: self-supervision, base vs assistant, SFT, memory.

Each function draws one tab from `explain/assistant/`; model work is behind a button except the
self-supervision table (one forward pass). Leaves out preference tuning and the reward model (see
ui/assistant_prefer.py) and bias and cut-off (see ui/assistant_limits.py).
"""

from __future__ import annotations

import json

import pandas as pd
import streamlit as st

from explain.assistant import base_chat, memory, selfsup
from explain.core.display import code_span, token_chips_html, visible
from explain.core.limits import MAX_CHAT_CHARS, MAX_CHAT_TURNS, SELFSUP_MAX_TOKENS
from explain.core.loading import LoadedModel
from ui import finetune as ft_view
from ui.page import notice_truncated, show_error, typed_text
from ui.text import num, t


def render_selfsup(lm: LoadedModel) -> None:
    st.markdown(t("assistant.ss_explain"))
    st.text_area(t("assistant.ss_text", tokens=SELFSUP_MAX_TOKENS), key="as_ss_text", height=80)
    text = typed_text("as_ss_text").text
    if not text.strip():
        st.info(t("assistant.ss_empty"))
        return
    result = selfsup.training_pairs(lm, text)
    if result["truncated"]:
        notice_truncated(len(lm.tokenizer(text)["input_ids"]), SELFSUP_MAX_TOKENS)
    if not result["rows"]:
        st.info(t("assistant.ss_one_token"))
        return
    table = pd.DataFrame(
        {
            t("assistant.ss_col_context"): [visible(r["context"]) for r in result["rows"]],
            t("assistant.ss_col_target"): [visible(r["target"]) for r in result["rows"]],
            t("assistant.ss_col_loss"): [num(r["loss"], ".2f") for r in result["rows"]],
        }
    )
    st.dataframe(table, hide_index=True, width="stretch")
    st.markdown(t("assistant.ss_mean", n=len(result["rows"]), loss=num(result["mean_loss"], ".2f")))


def _side(column, title: str, part: dict) -> None:
    column.markdown(f"**{title}**")
    column.caption(t("assistant.bc_tokens", n=len(part["tokens"])))
    column.html(token_chips_html(part["tokens"]))
    column.markdown(t("assistant.bc_reply"))
    column.text(part["reply"] or "…")


def render_base_chat(lm: LoadedModel) -> None:
    st.markdown(t("assistant.bc_explain"))
    st.text_input(t("assistant.bc_prompt"), key="as_bc_text", max_chars=MAX_CHAT_CHARS)
    if not st.button(t("assistant.bc_run"), key="as_bc_run", icon="▶"):
        return
    text = typed_text("as_bc_text", MAX_CHAT_CHARS).text
    if not text.strip():
        st.info(t("assistant.ss_empty"))
        return
    with st.spinner(t("assistant.working")):
        result = base_chat.side_by_side(lm, text)
    left, right = st.columns(2)
    _side(left, t("assistant.bc_raw"), result["raw"])
    _side(right, t("assistant.bc_chat"), result["chat"])
    st.caption(t("assistant.bc_caption"))


def render_sft() -> None:
    st.markdown(t("assistant.sft_explain"))
    train, _held = ft_view.dialogues()
    st.code("\n".join(json.dumps({"messages": d}, ensure_ascii=False) for d in train[:3]), language="json")
    st.page_link("pages/finetune.py", label=t("assistant.sft_link"), icon="🍕")


def _questions() -> list[str]:
    lines = typed_text("as_mem_text", MAX_CHAT_CHARS * 3).text.splitlines()
    return [line.strip()[:MAX_CHAT_CHARS] for line in lines if line.strip()][: MAX_CHAT_TURNS // 2]


def render_memory(lm: LoadedModel) -> None:
    st.markdown(t("assistant.mem_explain"))
    st.text_area(t("assistant.mem_questions", n=MAX_CHAT_TURNS // 2), key="as_mem_text", height=100)
    if not st.button(t("assistant.mem_run"), key="as_mem_run", icon="💬"):
        return
    questions = _questions()
    if not questions:
        st.info(t("assistant.ss_empty"))
        return
    try:
        with st.spinner(t("assistant.working")):
            result = memory.chat_and_fingerprint(lm, questions)
    except Exception as exc:  # a model error: a message, not a traceback
        show_error(exc)
        return
    for message in result["messages"]:
        with st.chat_message(message["role"]):
            st.text(message["content"])
    same = result["before"] == result["after"]
    st.markdown(t("assistant.mem_before", sha=code_span(result["before"])))
    st.markdown(t("assistant.mem_after", sha=code_span(result["after"])))
    (st.success if same else st.error)(t("assistant.mem_same" if same else "assistant.mem_differs"))
    context = result["context"]
    numbers = {k: num(v, ",") for k, v in context.items()}
    st.progress(min(1.0, context["used"] / context["window"]), text=t("assistant.mem_context", **numbers))
    st.caption(t("assistant.mem_caption"))
