"""Streamlit glue for preference tuning (DPO, a background job) and RLHF's reward model (best-of-n).

The DPO job (`assistant/dpo_work.py`) lives in `st.session_state` and waits at the server's one
gate with training and fine-tuning (ui/jobs.py); its panel is the shared polling fragment. The
reward model is trained once per server (`st.cache_resource`, a few seconds). Leaves out the other
tabs (see ui/assistant.py, ui/assistant_limits.py).
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import streamlit as st

from explain.assistant import pairs as pairs_mod
from explain.assistant.dpo import DpoConfig
from explain.assistant.dpo_work import DpoSpec, dpo_job
from explain.assistant.figures import rlhf_dot
from explain.assistant.reward import RewardModel, best_of_n, ranking_accuracy, train_reward_model
from explain.core.display import literal
from explain.core.jobs import JobView
from explain.core.limits import PREFER_MAX_BYTES, REWARD_MAX_N, REWARD_MAX_QUESTION_CHARS
from explain.core.loading import LoadedModel
from explain.finetune.figures import loss_figure
from ui import jobs
from ui.page import file_upload, show_error, typed_text
from ui.text import localise, num, t

JOB_KEY = "as_dpo_job"
COMPARE_COUNT = 3  # held-out prompts both models answer after training


@st.cache_data(show_spinner=False)
def builtin_pairs() -> list[dict]:
    return pairs_mod.read_pairs()


def chosen_pairs() -> tuple[list[dict], str]:
    """(pairs, name) from the upload when there is one, else the built-in set; PairsError for a bad file."""
    upload = st.session_state.get("as_dpo_file")
    if upload is None:
        return builtin_pairs(), "pizza"
    return pairs_mod.parse_pairs(upload.getvalue(), upload.name), upload.name


def data_section() -> list[dict] | None:
    st.markdown(t("assistant.dpo_explain"))
    file_upload(t("assistant.dpo_upload", kb=PREFER_MAX_BYTES // 1000), type=["jsonl"], key="as_dpo_file")
    try:
        pairs, name = chosen_pairs()
    except pairs_mod.PairsError as exc:
        show_error(exc)
        return None
    train, held = pairs_mod.split_pairs(pairs)
    st.caption(t("assistant.dpo_data", name=literal(name), train=len(train), held=len(held)))
    with st.expander(t("assistant.dpo_examples")):
        st.dataframe(pd.DataFrame(pairs[:10]), hide_index=True, width="stretch")
    return pairs


def start(pairs: list[dict]) -> None:
    if jobs.active(JOB_KEY):
        return
    train, held = pairs_mod.split_pairs(pairs)
    config = DpoConfig(device=st.session_state.get("device_choice", "auto"))
    prompts = [p["prompt"] for p in held[:COMPARE_COUNT]]
    jobs.start(JOB_KEY, dpo_job(DpoSpec(config, train, held, prompts), **jobs.options()))


def controls(pairs: list[dict]) -> None:
    running = jobs.active(JOB_KEY)
    left, right = st.columns(2)
    if left.button(
        t("assistant.dpo_start", steps=DpoConfig().steps), key="as_dpo_start", disabled=running, type="primary"
    ):
        start(pairs)
        st.rerun()
    if right.button(t("assistant.dpo_stop"), key="as_dpo_stop", disabled=not running):
        st.session_state[JOB_KEY].stop()


def _status(view: JobView) -> None:
    """One line for the job's state (queued, loading, measuring, training, comparing, finished, stopped or failed),
    then the model it tunes."""
    if not jobs.status_line(view, "assistant.dpo_error"):
        _state(view)
    if view.values.get("model"):
        st.caption(t("assistant.dpo_model", **view.values["model"]))


def _state(view: JobView) -> None:
    if view.status == "finished":
        st.success(t("assistant.dpo_done"))
    elif not view.active:
        st.warning(t("assistant.dpo_stopped"))
    else:
        st.info(t(f"assistant.dpo_phase_{view.phase or 'loading'}", step=view.step, steps=view.total))


def _measures(values: dict) -> None:
    before, after = values.get("before"), values.get("after")
    if not before:
        return
    cols = st.columns(2)
    acc_after = num(after["accuracy"] * 100, ".0f") + "%" if after else "…"
    margin_after = num(after["margin"], "+.1f") if after else "…"
    cols[0].metric(
        t("assistant.dpo_accuracy"),
        acc_after,
        help=t("assistant.dpo_accuracy_help"),
        delta=t("assistant.dpo_before", value=num(before["accuracy"] * 100, ".0f") + "%"),
        delta_color="off",
    )
    cols[1].metric(
        t("assistant.dpo_margin"),
        margin_after,
        help=t("assistant.dpo_margin_help"),
        delta=t("assistant.dpo_before", value=num(before["margin"], "+.1f")),
        delta_color="off",
    )
    if "base_unchanged" in values:
        good = values["base_unchanged"]
        (st.success if good else st.error)(t("assistant.dpo_unchanged" if good else "assistant.dpo_changed"))


def draw(view: JobView) -> None:
    _status(view)
    _measures(view.values)
    if view.records.get("history"):
        labels = {k: t(f"assistant.dpo_plot_{k}") for k in ("loss", "mean", "step")}
        st.plotly_chart(localise(loss_figure(view.records["history"], labels)), key="as_dpo_fig")
    for row in view.records.get("rows", []):
        st.markdown(f"**{t('assistant.dpo_prompt')}** {literal(row['prompt'])}")
        left, right = st.columns(2)
        left.caption(t("assistant.dpo_col_base"))
        left.text(row["base"] or "…")
        right.caption(t("assistant.dpo_col_tuned"))
        right.text(row["tuned"] or "…")


def render_dpo() -> None:
    pairs = data_section()
    if pairs is None:
        return
    controls(pairs)
    jobs.follow(JOB_KEY, draw)


# --- RLHF and the reward model ------------------------------------------------------------------------


@st.cache_resource(show_spinner=False)
def reward_model(_encoder: LoadedModel, encoder_key: str) -> tuple[RewardModel, float]:
    """The reward model trained on the built-in training pairs, and its held-out ranking accuracy."""
    train, held = pairs_mod.split_pairs(pairs_mod.read_pairs())
    model = train_reward_model(_encoder, train)
    return model, ranking_accuracy(model, _encoder, held)


def render_rlhf(lm: LoadedModel, get_encoder: Callable[[], LoadedModel]) -> None:
    """`get_encoder` is called only when best-of-n runs, so a visit that never ranks loads no encoder."""
    st.markdown(t("assistant.rl_explain"))
    keys = ("sft", "answers", "people", "pairs", "reward", "ppo", "tuned", "dpo", "loop")
    st.graphviz_chart(rlhf_dot({k: t(f"assistant.rl_node_{k}") for k in keys}))
    st.markdown(t("assistant.rl_dpo_skips"))
    st.text_input(t("assistant.rl_question"), key="as_rl_question", max_chars=REWARD_MAX_QUESTION_CHARS)
    st.slider(t("assistant.rl_n"), 2, REWARD_MAX_N, key="as_rl_n")
    if not st.button(t("assistant.rl_run"), key="as_rl_run", icon="🎯"):
        return
    question = typed_text("as_rl_question", REWARD_MAX_QUESTION_CHARS).text
    if not question.strip():
        st.info(t("assistant.ss_empty"))
        return
    encoder = get_encoder()
    with st.spinner(t("assistant.rl_training")):
        model, accuracy = reward_model(encoder, f"{encoder.name}/{encoder.device}")
    st.markdown(t("assistant.rl_model", accuracy=num(accuracy * 100, ".0f")))
    with st.spinner(t("assistant.working")):
        ranked = best_of_n(model, lm, encoder, question, st.session_state["as_rl_n"])
    for rank, candidate in enumerate(ranked, 1):
        with st.container(border=True):
            label = t("assistant.rl_best" if rank == 1 else "assistant.rl_rank", rank=rank)
            st.markdown(f"**{label}** · {t('assistant.rl_reward')} {num(candidate['reward'], '+.2f')}")
            st.text(candidate["text"] or "…")
