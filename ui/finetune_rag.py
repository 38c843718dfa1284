"""Streamlit glue for the RAG tab: the collection (lessons or uploads), the question, the answer.

Indexes are cached per collection (`st.cache_resource`, keyed by the documents' text), so a
question only embeds itself. Answers are computed on a button press and kept in session state.
"""

from __future__ import annotations

import streamlit as st

from explain.core.display import literal
from explain.core.limits import MAX_DOCUMENTS, MAX_K, MAX_QUESTION_CHARS, MAX_UPLOAD_BYTES
from explain.core.loading import LoadedModel
from explain.embeddings.chunking import UPLOAD_SUFFIXES, UploadError, check_upload
from explain.finetune import rag
from explain.finetune.figures import scores_figure
from ui.models import get_encoder, get_model
from ui.page import file_upload, show_error, typed_text
from ui.text import language, localise, num, t
from ui.urlstate import bind, mirror

RESULT_KEY = "rag_result"


@st.cache_resource(show_spinner=False, max_entries=4)
def _index(_encoder: LoadedModel, encoder_name: str, documents: tuple[tuple[str, str], ...]) -> rag.RagIndex:
    return rag.build_index(_encoder, dict(documents))


def _uploaded_documents() -> dict[str, str]:
    """The uploaded files that pass the checks; each refused one gets its own message."""
    files = file_upload(
        t("finetune.rag_upload", mb=MAX_UPLOAD_BYTES // 1_000_000, n=MAX_DOCUMENTS),
        type=[s.lstrip(".") for s in UPLOAD_SUFFIXES],
        accept_multiple_files=True,
        key="rag_files",
        max_upload_size=max(1, MAX_UPLOAD_BYTES // 1_000_000),
    )
    if len(files or []) > MAX_DOCUMENTS:
        st.warning(t("finetune.rag_too_many", n=len(files), limit=MAX_DOCUMENTS))
    documents = {}
    for f in (files or [])[:MAX_DOCUMENTS]:
        try:
            documents[f.name] = check_upload(f.name, f.getvalue())
        except UploadError as exc:
            st.warning(literal(str(exc)))
    pasted = typed_text("rag_paste").text
    if pasted.strip():
        documents["pasted.txt"] = pasted
    return documents


def collection() -> dict[str, str] | None:
    """The documents to search, or None when the user chose their own and gave none."""
    bind("rag_mine", False)
    st.toggle(t("finetune.rag_source_mine"), key="rag_mine")
    if not st.session_state["rag_mine"]:
        docs = rag.builtin_documents()
        st.caption(t("finetune.rag_lessons", n=len(docs)))
        return docs
    documents = _uploaded_documents()
    st.text_area(t("finetune.rag_paste"), key="rag_paste", height=100, max_chars=20_000)
    if not documents:
        st.info(t("finetune.rag_need_docs"))
        return None
    return documents


def question_box() -> None:
    examples = [q["question"] for q in rag.seeded_questions()]
    bind("rag_question", examples[0])
    st.selectbox(
        t("finetune.rag_examples"),
        examples,
        key="rag_example",
        index=None,
        placeholder=t("finetune.rag_pick"),
        on_change=lambda: st.session_state.update(rag_question=st.session_state["rag_example"] or ""),
    )
    st.text_input(t("finetune.rag_question", n=MAX_QUESTION_CHARS), key="rag_question", max_chars=MAX_QUESTION_CHARS)
    bind("rag_k", 2, cast=int, low=1, high=MAX_K)
    st.slider(t("finetune.rag_k"), 1, MAX_K, key="rag_k")
    mirror("rag_question", "rag_k", "rag_mine")


def ask(documents: dict[str, str]) -> None:
    question = typed_text("rag_question", MAX_QUESTION_CHARS).text.strip()
    if not question:
        st.warning(t("finetune.rag_empty"))
        return
    encoder, lm = get_encoder(), get_model()
    try:
        with st.spinner(t("finetune.rag_indexing")):
            index = _index(encoder, encoder.name, tuple(sorted(documents.items())))
        with st.spinner(t("finetune.rag_answering")):
            st.session_state[RESULT_KEY] = {
                "question": question,
                **rag.answer(lm, encoder, index, question, k=st.session_state["rag_k"]),
            }
    except UploadError as exc:
        st.warning(literal(str(exc)))
    except Exception as exc:  # never a traceback in the page
        show_error(exc)


def show_result() -> None:
    result = st.session_state.get(RESULT_KEY)
    if not result:
        return
    st.markdown(t("finetune.rag_for", question=literal(result["question"])))
    chunks = result["chunks"]
    st.subheader(t("finetune.rag_chunks"))
    names = [f"{i}. {c['doc']}" for i, c in enumerate(chunks, 1)]
    st.plotly_chart(
        localise(scores_figure([c["score"] for c in chunks], names, t("finetune.rag_score"), language())), key="rag_fig"
    )
    for name, c in zip(names, chunks):
        st.markdown(
            f"**{literal(name)}** · {literal(c['heading'])} · {t('finetune.rag_score')} {num(c['score'], '.2f')}"
        )
        st.markdown(f"> {literal(c['text'])}")
    with st.expander(t("finetune.rag_prompt")):
        st.code(result["prompt"], language=None, wrap_lines=True)
    left, right = st.columns(2)
    left.markdown(f"**{t('finetune.rag_with')}**")
    left.info(literal(result["answer"]) or "…")
    right.markdown(f"**{t('finetune.rag_without')}**")
    right.info(literal(result["answer_without"]) or "…")
    st.caption(t("finetune.rag_seconds", **result["seconds"]))


def render() -> None:
    st.markdown(t("finetune.rag_intro"))
    documents = collection()
    question_box()
    if st.button(t("finetune.rag_ask"), key="rag_ask", type="primary", disabled=documents is None):
        ask(documents)
    show_result()
