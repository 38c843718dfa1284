"""Training live: a tiny GPT learns a text in the background while its loss falls and its samples turn into words."""

import streamlit as st

from explain import corpora, tiny_gpt
from explain.char_tokenizer import MAX_CHARS
from explain.training import LR_CHOICES, MAX_STEPS, trainer_for_text
from ui import training as live
from ui.page import header, show_error
from ui.text import language, t

OWN = "own"
OWN_TEXT_CHARS = 200_000  # pasted text; files may be up to corpora.MAX_CORPUS_BYTES


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
    upload = st.file_uploader(
        t("training.upload", mb=corpora.MAX_CORPUS_BYTES // 1_000_000),
        type=["txt"],
        key="train_upload",
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
        st.warning(
            t(f"training.corpus_{exc.code}", min=corpora.MIN_CORPUS_CHARS, mb=corpora.MAX_CORPUS_BYTES // 1_000_000)
        )
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
    st.caption(t("training.params", params=f"{params:,}", vocab=vocab_size, max=f"{tiny_gpt.MAX_PARAMETERS:,}"))
    return cfg


header("training")
run = live.current()
locked = run is not None and run.view().active
data_col, model_col = st.columns(2)
with data_col:
    st.subheader(t("training.data_title"))
    chosen = choose_text(locked)
    if chosen:
        split = corpora.split_summary(chosen[1])
        st.caption(
            t(
                "training.split",
                chars=f"{split['chars']:,}",
                train=f"{split['train_chars']:,}",
                val=f"{split['val_chars']:,}",
            )
        )
with model_col:
    st.subheader(t("training.model_title"))
    vocab_size = min(len(set(chosen[1])), MAX_CHARS) + 1 if chosen else 64
    model_cfg = choose_model(vocab_size, locked)
    c = st.columns(4)
    steps = c[0].number_input(
        t("training.steps", max=f"{MAX_STEPS:,}"), 10, MAX_STEPS, 500, step=50, key="train_steps", disabled=locked
    )
    lr = c[1].select_slider(
        t("training.lr"), LR_CHOICES, value=3e-3, key="train_lr", disabled=locked, help=t("training.lr_help")
    )
    batch = c[2].selectbox(t("training.batch"), [8, 16, 32, 64], index=2, key="train_batch", disabled=locked)
    seed = c[3].number_input(t("training.seed"), 0, 9999, 0, key="train_seed", disabled=locked)

problems = model_cfg.problems()
if problems:
    st.warning(t("training.bad_model", detail="; ".join(problems)))
buttons = st.columns(4)
if buttons[0].button(
    t("training.start"), type="primary", key="train_start", disabled=locked or not chosen or bool(problems)
):
    config = live.default_config(
        max_steps=int(steps),
        learning_rate=lr,
        batch_size=batch,
        seed=int(seed),
        sample_prompt=chosen[2],
        eval_every=25,
        sample_every=25,
        snapshot_every=100,
    )
    try:
        with st.spinner(t("training.building")):
            trainer = trainer_for_text(chosen[1], model_cfg, config)
        live.start(
            trainer,
            {
                "corpus": chosen[0],
                "vocab_size": trainer.data.vocab_size,
                "model": model_cfg.as_dict(),
                "params": tiny_gpt.count_parameters(trainer.model),
            },
        )
        st.rerun()
    except ValueError as exc:
        show_error(exc)
paused = run is not None and run.view().status == "paused"
if buttons[1].button(t("training.resume" if paused else "training.pause"), key="train_pause", disabled=not locked):
    run.resume() if paused else run.pause()
    st.rerun()
if buttons[2].button(t("training.stop"), key="train_stop", disabled=not locked):
    run.stop()
    run.join(10)
    st.rerun()
if buttons[3].button(t("training.reset"), key="train_reset", disabled=run is None):
    live.reset()
    st.rerun()

with st.expander(t("training.explain_title")):
    st.markdown(t("training.explain_body"))
live.live_panel()
live.keep_section(live.current())
live.saved_models_section()
