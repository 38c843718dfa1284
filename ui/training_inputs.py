"""The training page's inputs: which text, which model size, with their bounds and messages.

Widgets only (keys start with `train_`); what they choose is returned as plain
data for `explain.training.trainer`. Leaves out the run and its live panel (see ui/training.py).
"""

from __future__ import annotations

import streamlit as st

from explain.core.limits import MAX_PARAMETERS, MIN_CORPUS_CHARS, OWN_TEXT_CHARS, TRAIN_MAX_CORPUS_BYTES
from explain.training import corpora, tiny_gpt
from ui.page import file_upload
from ui.text import language, num, t

OWN = "own"


def _on_preset() -> None:
    cfg = tiny_gpt.PRESETS[st.session_state["train_preset"]]
    for key, value in (
        ("layers", cfg.n_layer),
        ("heads", cfg.n_head),
        ("width", cfg.n_embd),
        ("context", cfg.block_size),
    ):
        st.session_state[f"train_{key}"] = value


def choose_text(locked: bool) -> tuple[str, str, str] | None:
    """(label, text, prompt) of the chosen corpus, or None with a message saying what is wrong."""
    names = [c.name for c in corpora.list_corpora()] + [OWN]
    titles = {c.name: c.title[language()] for c in corpora.list_corpora()} | {OWN: t("training.own_text")}
    choice = st.radio(
        t("training.corpus"), names, format_func=titles.get, horizontal=True, key="train_corpus", disabled=locked
    )
    if choice != OWN:
        info = corpora.corpus_info(choice)
        st.caption(info.description[language()])
        return choice, corpora.load_corpus(choice), info.prompt
    upload = file_upload(
        t("training.upload", mb=TRAIN_MAX_CORPUS_BYTES // 1_000_000),
        type=["txt"],
        key="train_upload",
        max_upload_size=TRAIN_MAX_CORPUS_BYTES // 1_000_000,
        disabled=locked,
    )
    pasted = st.text_area(
        t("training.paste", chars=OWN_TEXT_CHARS),
        max_chars=OWN_TEXT_CHARS,
        key="train_own_text",
        height=120,
        disabled=locked,
    )
    try:
        text = corpora.validate_text(upload.getvalue() if upload is not None else pasted)
    except corpora.CorpusError as exc:
        st.warning(t(f"training.corpus_{exc.code}", min=MIN_CORPUS_CHARS, mb=TRAIN_MAX_CORPUS_BYTES // 1_000_000))
        return None
    return (upload.name if upload is not None else t("training.own_text")), text, ""


def choose_model(vocab_size: int, locked: bool) -> tiny_gpt.TinyGPTConfig:
    st.selectbox(
        t("training.preset"),
        list(tiny_gpt.PRESETS),
        key="train_preset",
        on_change=_on_preset,
        format_func={p: t(f"training.preset_{p}") for p in tiny_gpt.PRESETS}.get,
        disabled=locked,
    )
    if "train_layers" not in st.session_state:
        _on_preset()
    with st.expander(t("training.customise")):
        c = st.columns(4)
        c[0].number_input(t("training.layers"), *tiny_gpt.LAYER_RANGE, key="train_layers", disabled=locked)
        c[1].number_input(t("training.heads"), *tiny_gpt.HEAD_RANGE, key="train_heads", disabled=locked)
        c[2].number_input(t("training.width"), *tiny_gpt.WIDTH_RANGE, step=16, key="train_width", disabled=locked)
        c[3].number_input(t("training.context"), *tiny_gpt.CONTEXT_RANGE, step=16, key="train_context", disabled=locked)
    s = st.session_state
    cfg = tiny_gpt.TinyGPTConfig(s["train_layers"], s["train_heads"], s["train_width"], s["train_context"])
    params = tiny_gpt.estimate_parameters(cfg, vocab_size)
    st.caption(t("training.params", params=num(params, ","), vocab=vocab_size, max=num(MAX_PARAMETERS, ",")))
    return cfg
