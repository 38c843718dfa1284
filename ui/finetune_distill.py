"""Streamlit glue for the distillation tab: the two texts, the two students, their comparison.

Training both students takes about a minute on 2 CPU cores. The button starts it as a background
job (`finetune/distill.py: distill_job`) that waits at the server's one gate with training and
fine-tuning (ui/jobs.py); a live panel polls its progress, so the page never blocks. Finished
comparisons are cached per setting (the runs are seeded, so the same setting gives the same result).
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from explain.core.jobs import JobView
from explain.core.limits import DISTILL_MAX_STEPS, DISTILL_MIN_STEPS
from explain.finetune import distill
from explain.finetune.figures import distill_figure
from explain.training import tiny_gpt
from ui import jobs
from ui.text import localise, num, t
from ui.urlstate import bind

RESULT_KEY = "distill_result"
JOB_KEY = "distill_job"  # the session's BackgroundJob training the two students
STEPS_KEY = "distill_job_steps"  # the step count that job was started with
TEACHER_PARAMETERS = 134_515_008  # SmolLM2-135M, tied embeddings counted once


@st.cache_resource(show_spinner=False)
def _results() -> dict[int, dict]:
    """Finished comparisons by step count, shared by every session (the runs are seeded)."""
    return {}


def texts_section() -> None:
    raw, teacher = distill.raw_corpus(), distill.shipped_teacher_text()
    student = tiny_gpt.estimate_parameters(tiny_gpt.preset("tiny"), len(set(raw + teacher)) + 1)
    left, right = st.columns(2)
    left.metric(t("finetune.di_teacher"), num(TEACHER_PARAMETERS / 1e6, ".1f") + " M")
    right.metric(t("finetune.di_student"), num(student / 1e6, ".2f") + " M")
    st.caption(t("finetune.di_ratio", ratio=round(TEACHER_PARAMETERS / student)))
    st.markdown(t("finetune.di_texts", raw=len(raw), teacher=len(teacher)))
    with st.expander(t("finetune.di_teacher_sample")):
        st.text(teacher[:1500])


def run_button() -> None:
    """The steps slider and the button: a cached result shows at once, else a background job starts."""
    bind("distill_steps", 300, cast=int, low=DISTILL_MIN_STEPS, high=DISTILL_MAX_STEPS)
    st.slider(t("finetune.di_steps"), DISTILL_MIN_STEPS, DISTILL_MAX_STEPS, step=50, key="distill_steps")
    if not st.button(t("finetune.di_run"), key="distill_run", type="primary", disabled=jobs.active(JOB_KEY)):
        return
    steps = int(st.session_state["distill_steps"])
    if steps in _results():
        st.session_state[RESULT_KEY] = _results()[steps]
        return
    st.session_state[STEPS_KEY] = steps
    jobs.start(JOB_KEY, distill.distill_job(distill.DistillConfig(steps=steps), **jobs.options()))


def draw(view: JobView) -> None:
    """Queue place, progress, or the end of the job (its result kept for every session with this setting)."""
    if not jobs.status_line(view) and view.active:
        jobs.progress(view, t("finetune.di_training"))
    elif view.status == "finished":
        _results()[st.session_state[STEPS_KEY]] = st.session_state[RESULT_KEY] = view.values["result"]


def live_panel() -> None:
    """The session's job, redrawn every second while it is active (the shared fragment in ui/jobs.py)."""
    jobs.follow(JOB_KEY, draw, keep=True)


def results() -> None:
    result = st.session_state.get(RESULT_KEY)
    if not result:
        return
    names = {k: t(f"finetune.di_on_{k}") for k in ("raw", "teacher")}
    curves = {names[k]: s["curve"] for k, s in result["students"].items()}
    labels = {"step": t("finetune.ft_plot_step"), "loss": t("finetune.di_plot_loss")}
    st.plotly_chart(localise(distill_figure(curves, labels)), key="distill_fig")
    rows = [
        {
            t("finetune.di_col_student"): names[k],
            t("finetune.di_col_chars"): result["chars"][k],
            t("finetune.di_col_raw"): s["loss_on_raw"],
            t("finetune.di_col_teacher"): s["loss_on_teacher"],
        }
        for k, s in result["students"].items()
    ]
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
    st.caption(t("finetune.di_table_caption"))
    for k, s in result["students"].items():
        st.markdown(f"**{names[k]}**")
        st.text(distill.SAMPLE_PROMPT + s["sample"])


def render() -> None:
    st.markdown(t("finetune.di_intro"))
    if not distill.TEACHER_FILE.is_file():
        st.info(t("finetune.di_missing"))
        return
    texts_section()
    run_button()
    live_panel()
    results()
