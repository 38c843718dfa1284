"""Streamlit glue for the fine-tuning tab: the server-wide slot, the session's job, the live panel.

The job (`FinetuneJob`) lives in `st.session_state`; the slot that allows one fine-tuning at a
time on the whole server is a non-blocking semaphore in `st.cache_resource`. The live panel is a
fragment that re-runs every second while the job runs and redraws from a copy of its state.
"""

from __future__ import annotations

import threading

import pandas as pd
import streamlit as st

from explain.core.display import escape
from explain.finetune import lora as ft
from explain.finetune.figures import loss_figure
from explain.finetune.job import FinetuneJob, JobSpec
from ui.finetune_rag import literal
from ui.session import alive_check
from ui.text import localise, t

JOB_KEY = "ft_job"
WAS_RUNNING_KEY = "ft_was_running"
COMPARE_COUNT = 4  # held-out questions both models answer
POLL_SECONDS = 1.0


@st.cache_resource(show_spinner=False)
def slot() -> threading.Semaphore:
    """One fine-tuning at a time per server: it needs its own model copy and all the CPU."""
    return threading.Semaphore(1)


@st.cache_data(show_spinner=False)
def dialogues() -> tuple[list, list]:
    return ft.split_dialogues(ft.read_dialogues())


def start(preset: str, dtype: str, adapter: str = "") -> bool:
    """Start a job if the server's slot is free; False when another session is fine-tuning."""
    job = st.session_state.get(JOB_KEY)
    if job is not None and job.running():
        return True
    gate = slot()
    if not gate.acquire(blocking=False):
        return False
    train, held = dialogues()
    base = ft.PRESETS[preset]
    config = ft.FinetuneConfig(
        **{**vars(base), "dtype": dtype, "device": st.session_state.get("device_choice", "auto")}
    )
    spec = JobSpec(config, train, held[:COMPARE_COUNT], adapter=adapter, save_as=f"pizza-{preset}", alive=alive_check())
    st.session_state[JOB_KEY] = FinetuneJob(spec, on_finish=gate.release).start()
    st.session_state[WAS_RUNNING_KEY] = True
    return True


def dataset_section() -> None:
    train, held = dialogues()
    st.markdown(t("finetune.ft_data", train=len(train), held=len(held)))
    with st.expander(t("finetune.ft_data_examples")):
        rows = [{"user": d[0]["content"], "assistant": d[1]["content"]} for d in train[:12]]
        st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")


def _status(state: dict, steps: int) -> None:
    phase = state["phase"]
    history = state["history"]
    if phase == "error":
        st.error(t("finetune.ft_error", detail=escape(state["error"])[:300]))
    elif phase in ("waiting", "loading"):
        st.info(t("finetune.ft_loading"))
    elif phase == "training" and history:
        last = history[-1]
        st.progress(
            min(last["step"] / steps, 1.0),
            text=t(
                "finetune.ft_progress",
                step=last["step"],
                steps=steps,
                loss=last["loss"],
                eta=int(last["eta_seconds"]),
                spent=int(last["elapsed"]),
            ),
        )
    elif phase == "training":
        st.info(t("finetune.ft_first_step"))
    elif phase == "comparing":
        st.info(t("finetune.ft_comparing", done=len(state["rows"]), total=COMPARE_COUNT))
    elif phase in ("done", "stopped"):
        st.success(t(f"finetune.ft_{phase}", steps=len(history)))
    if state["model"]:
        st.caption(t("finetune.ft_model", **state["model"]))
    if state["saved"]:
        st.caption(t("finetune.ft_saved", path=escape(state["saved"])))


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


def draw(job: FinetuneJob) -> None:
    state = job.snapshot()
    _status(state, job.spec.config.steps)
    if state["history"]:
        labels = {k: t(f"finetune.ft_plot_{k}") for k in ("loss", "mean", "step")}
        st.plotly_chart(localise(loss_figure(state["history"], labels)), key="ft_fig_loss")
    comparison(state["rows"])
    if st.session_state.get(WAS_RUNNING_KEY) and not job.running():
        st.session_state[WAS_RUNNING_KEY] = False
        st.rerun()  # the job just ended: redraw the page (buttons) and stop polling


def live_panel() -> None:
    """The fragment: polls every POLL_SECONDS while the session's job runs, else draws once."""
    job = st.session_state.get(JOB_KEY)
    if job is None:
        return

    @st.fragment(run_every=POLL_SECONDS if job.running() else None)
    def panel() -> None:
        draw(st.session_state[JOB_KEY])

    panel()


def controls() -> None:
    job = st.session_state.get(JOB_KEY)
    running = job is not None and job.running()
    left, right = st.columns(2)
    left.toggle(t("finetune.ft_preset_full", steps=ft.PRESETS["full"].steps), key="ft_long")
    left.caption(t("finetune.ft_preset_quick", steps=ft.PRESETS["quick"].steps))
    right.selectbox(
        t("finetune.ft_dtype"), ["auto", "float32", "bfloat16"], key="ft_dtype", help=t("finetune.ft_dtype_help")
    )
    b1, b2 = st.columns(2)
    if b1.button(t("finetune.ft_start"), key="ft_start", disabled=running, type="primary"):
        if start("full" if st.session_state["ft_long"] else "quick", st.session_state["ft_dtype"]):
            st.rerun()
        st.warning(t("finetune.busy"))
    if b2.button(t("finetune.ft_stop"), key="ft_stop", disabled=not running):
        job.stop()


def saved_section() -> None:
    names = ft.saved_adapters()
    st.subheader(t("finetune.ft_saved_title"))
    if not names:
        st.caption(t("finetune.ft_no_saved"))
        return
    st.selectbox(t("finetune.ft_saved_pick"), names, key="ft_saved_pick")
    job = st.session_state.get(JOB_KEY)
    if st.button(t("finetune.ft_reload"), key="ft_reload", disabled=job is not None and job.running()):
        if start("quick", st.session_state.get("ft_dtype", "auto"), adapter=st.session_state["ft_saved_pick"]):
            st.rerun()
        st.warning(t("finetune.busy"))
