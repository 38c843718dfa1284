"""Streamlit glue for the assistant chapter's limits: bias measured, and the knowledge cut-off with RAG's fix.

Both run the shared models behind a button; the cut-off answers are greedy, hence deterministic,
and kept for every session (`st.cache_resource`). Leaves out the other tabs (see ui/assistant.py,
ui/assistant_prefer.py).
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from explain.assistant import bias, cutoff
from explain.assistant.figures import bias_figure, she_share
from explain.core.display import literal
from explain.core.limits import BIAS_MAX_TEMPLATE_CHARS
from explain.core.loading import LoadedModel
from ui.page import show_error, typed_text
from ui.text import localise, num, t


def render_bias(lm: LoadedModel) -> None:
    st.markdown(t("assistant.bias_explain", n=len(bias.OCCUPATIONS)))
    st.text_input(t("assistant.bias_template"), key="as_bias_template", max_chars=BIAS_MAX_TEMPLATE_CHARS)
    if not st.button(t("assistant.bias_run"), key="as_bias_run", icon="⚖️"):
        st.caption(t("assistant.bias_it"))
        return
    template = typed_text("as_bias_template", BIAS_MAX_TEMPLATE_CHARS).text
    try:
        with st.spinner(t("assistant.working")):
            rows = bias.measure(lm, bias.check_template(template))
    except ValueError as exc:
        show_error(exc)
        return
    labels = {"share": t("assistant.bias_share")}
    st.plotly_chart(localise(bias_figure(rows, labels)), key="as_bias_fig")
    most = max(rows, key=she_share)
    least = min(rows, key=she_share)
    st.markdown(
        t(
            "assistant.bias_summary",
            most=literal(most["occupation"]),
            most_share=num(she_share(most) * 100, ".0f"),
            least=literal(least["occupation"]),
            least_share=num(she_share(least) * 100, ".0f"),
        )
    )
    st.markdown(t("assistant.bias_where"))
    st.caption(t("assistant.bias_it"))


@st.cache_resource
def _answer_store() -> dict:
    """Greedy answers with and without retrieval, keyed by (model, device, dtype, question, day)."""
    return {}


def render_cutoff(lm: LoadedModel, get_encoder: Callable[[], LoadedModel]) -> None:
    """`get_encoder` is called only when the questions are asked (the retrieval half needs it)."""
    st.markdown(t("assistant.cut_explain"))
    questions = cutoff.questions()
    store = _answer_store()
    keys = [(lm.name, lm.device, lm.dtype_name, q.key, q.truth) for q in questions]
    if any(k not in store for k in keys):
        if not st.button(t("assistant.cut_run"), key="as_cut_run", icon="📅"):
            return
        encoder = get_encoder()
        bar = st.progress(0.0, text=t("assistant.working"))
        for n, (key, question) in enumerate(zip(keys, questions)):
            store[key] = store.get(key) or cutoff.ask(lm, encoder, question)
            bar.progress((n + 1) / len(keys), text=t("assistant.working"))
        bar.empty()
    for key in keys:
        answer = store[key]
        with st.container(border=True):
            st.markdown(f"**{t('assistant.cut_question')}** {literal(answer['prompt'])}")
            cols = st.columns(3)
            cols[0].caption(t("assistant.cut_without"))
            cols[0].text(answer["answer_without"] or "…")
            cols[1].caption(t("assistant.cut_with"))
            cols[1].text(answer["answer"] or "…")
            cols[2].caption(t("assistant.cut_truth"))
            cols[2].text(answer["truth"])
    st.page_link("pages/finetune.py", label=t("assistant.cut_link"), icon="🔎")
