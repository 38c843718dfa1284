"""Training live: a tiny GPT learns a text in the background while its loss falls and its samples turn into words."""

import streamlit as st

from explain.core.limits import MAX_CHAR_VOCAB, TRAIN_MAX_STEPS
from explain.training import corpora, tiny_gpt
from explain.training.trainer import LR_CHOICES, trainer_for_text
from ui import training as live
from ui.page import header, show_error
from ui.text import num, t
from ui.training_inputs import choose_model, choose_text

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
                chars=num(split["chars"], ","),
                train=num(split["train_chars"], ","),
                val=num(split["val_chars"], ","),
            )
        )
with model_col:
    st.subheader(t("training.model_title"))
    vocab_size = min(len(set(chosen[1])), MAX_CHAR_VOCAB) + 1 if chosen else 64
    model_cfg = choose_model(vocab_size, locked)
    c = st.columns(4)
    steps = c[0].number_input(
        t("training.steps", max=num(TRAIN_MAX_STEPS, ",")),
        10,
        TRAIN_MAX_STEPS,
        500,
        step=50,
        key="train_steps",
        disabled=locked,
    )
    lr = c[1].select_slider(
        t("training.lr"),
        LR_CHOICES,
        value=3e-3,
        key="train_lr",
        disabled=locked,
        help=t("training.lr_help"),
        format_func=lambda lr: num(lr, "g"),  # 0,003 on Italian pages
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
        )  # reruns the page
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
