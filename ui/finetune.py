"""Streamlit glue for the fine-tuning tab: the session's LoRA job, its live panel, saved adapters.

The job (a `BackgroundJob` running `finetune/lora_work.py`) lives in `st.session_state`; it waits
at the server's one gate with training and distillation (ui/jobs.py), so a second visitor is
queued and told their place. The live panel is a fragment that re-runs every second while the
job is active and redraws from a copy of its board. Leaves out the widgets' layout (see pages/finetune.py).
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from explain.core.display import literal
from explain.core.jobs import JobView
from explain.finetune import adapters
from explain.finetune import data as ft_data
from explain.finetune import lora as ft
from explain.finetune.figures import loss_figure
from explain.finetune.lora_work import LoraSpec, lora_job
from ui import jobs
from ui.text import localise, t

JOB_KEY = "ft_job"
COMPARE_COUNT = 4  # held-out questions both models answer


@st.cache_data(show_spinner=False)
def dialogues() -> tuple[list, list]:
    return ft_data.split_dialogues(ft_data.read_dialogues())


def start(preset: str, dtype: str, adapter: str = "") -> None:
    """Start a job in this session (it waits in the server's queue when another job holds the slot)."""
    if jobs.active(JOB_KEY):
        return
    train, held = dialogues()
    base = ft.PRESETS[preset]
    config = ft.FinetuneConfig(
        **{**vars(base), "dtype": dtype, "device": st.session_state.get("device_choice", "auto")}
    )
    spec = LoraSpec(config, train, held[:COMPARE_COUNT], adapter=adapter, save_as=f"pizza-{preset}")
    jobs.start(JOB_KEY, lora_job(spec, **jobs.options()))


def dataset_section() -> None:
    train, held = dialogues()
    st.markdown(t("finetune.ft_data", train=len(train), held=len(held)))
    with st.expander(t("finetune.ft_data_examples")):
        rows = [{"user": d[0]["content"], "assistant": d[1]["content"]} for d in train[:12]]
        st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")


def _progress(view: JobView) -> None:
    """The training phase: a progress bar once the first step is done."""
    history = view.records.get("history", [])
    if not history:
        st.info(t("finetune.ft_first_step"))
        return
    last = history[-1]
    text = t(
        "finetune.ft_progress",
        step=last["step"],
        steps=view.total,
        loss=last["loss"],
        eta=int(last["eta_seconds"]),
        spent=int(last["elapsed"]),
    )
    st.progress(min(last["step"] / max(view.total, 1), 1.0), text=text)


def _status(view: JobView) -> None:
    """One line for the job's state (queued, loading, training, comparing, finished, stopped or failed),
    then the model it tunes and where it saved the adapters."""
    if not jobs.status_line(view, "finetune.ft_error"):
        _state(view)
    if view.values.get("model"):
        st.caption(t("finetune.ft_model", **view.values["model"]))
    if view.values.get("saved"):
        st.caption(t("finetune.ft_saved", path=literal(view.values["saved"])))


def _state(view: JobView) -> None:
    steps = len(view.records.get("history", []))
    if view.status == "finished":
        st.success(t("finetune.ft_done", steps=steps))
    elif not view.active:
        st.success(t("finetune.ft_stopped", steps=steps))
    elif view.phase == "training":
        _progress(view)
    elif view.phase == "comparing":
        st.info(t("finetune.ft_comparing", done=len(view.records.get("rows", [])), total=COMPARE_COUNT))
    else:
        st.info(t("finetune.ft_loading"))


def comparison(rows: list[dict]) -> None:
    """Held-out questions: the base answer, the fine-tuned answer and the dataset's reference."""
    if not rows:
        return
    st.subheader(t("finetune.ft_compare_title"))
    st.caption(t("finetune.ft_compare_caption"))
    for row in rows:
        st.markdown(f"**{t('finetune.ft_col_user')}:** {literal(row['user'])}")
        for column, key in zip(st.columns(3), ("base", "finetuned", "reference")):
            column.caption(t(f"finetune.ft_col_{key}"))
            column.markdown(literal(row[key]) or "…")


def draw(view: JobView) -> None:
    _status(view)
    if view.records.get("history"):
        labels = {k: t(f"finetune.ft_plot_{k}") for k in ("loss", "mean", "step")}
        st.plotly_chart(localise(loss_figure(view.records["history"], labels)), key="ft_fig_loss")
    comparison(view.records.get("rows", []))


def live_panel() -> None:
    """The session's job, redrawn every second while it is active (the shared fragment in ui/jobs.py)."""
    jobs.follow(JOB_KEY, draw)


def controls() -> None:
    job = st.session_state.get(JOB_KEY)
    running = jobs.active(JOB_KEY)
    left, right = st.columns(2)
    left.toggle(t("finetune.ft_preset_full", steps=ft.PRESETS["full"].steps), key="ft_long")
    left.caption(t("finetune.ft_preset_quick", steps=ft.PRESETS["quick"].steps))
    right.selectbox(
        t("finetune.ft_dtype"), ["auto", "float32", "bfloat16"], key="ft_dtype", help=t("finetune.ft_dtype_help")
    )
    b1, b2 = st.columns(2)
    if b1.button(t("finetune.ft_start"), key="ft_start", disabled=running, type="primary"):
        start("full" if st.session_state["ft_long"] else "quick", st.session_state["ft_dtype"])
        st.rerun()
    if b2.button(t("finetune.ft_stop"), key="ft_stop", disabled=not running):
        job.stop()


def saved_section() -> None:
    names = adapters.saved_adapters()
    st.subheader(t("finetune.ft_saved_title"))
    if not names:
        st.caption(t("finetune.ft_no_saved"))
        return
    st.selectbox(t("finetune.ft_saved_pick"), names, key="ft_saved_pick")
    if st.button(t("finetune.ft_reload"), key="ft_reload", disabled=jobs.active(JOB_KEY)):
        start("quick", st.session_state.get("ft_dtype", "auto"), adapter=st.session_state["ft_saved_pick"])
        st.rerun()
