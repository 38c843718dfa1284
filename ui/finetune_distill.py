"""Streamlit glue for the distillation tab: the two texts, the two students, their comparison.

Training both students takes about a minute on 2 CPU cores; it runs on a button press, under the
same server-wide slot as fine-tuning, with a progress bar, and the result is cached per setting
(the runs are seeded, so the same setting gives the same result).
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from explain.finetune import distill
from explain.finetune.figures import distill_figure
from explain.training import tiny_gpt
from ui.finetune import slot
from ui.page import show_error
from ui.text import localise, num, t
from ui.urlstate import bind

RESULT_KEY = "distill_result"
TEACHER_PARAMETERS = 134_515_008  # SmolLM2-135M, tied embeddings counted once


@st.cache_resource(show_spinner=False)
def _results() -> dict[int, dict]:
    """Finished comparisons by step count, shared by every session (the runs are seeded)."""
    return {}


def _compare(steps: int) -> dict:
    done = _results()
    if steps not in done:
        bar = st.progress(0.0, text=t("finetune.di_training"))
        done[steps] = distill.compare_students(
            distill.raw_corpus(),
            distill.shipped_teacher_text(),
            distill.DistillConfig(steps=steps),
            progress=lambda f: bar.progress(min(f, 1.0), text=t("finetune.di_training")),
        )
        bar.empty()
    return done[steps]


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
    bind("distill_steps", 300, cast=int)
    st.slider(t("finetune.di_steps"), 50, 1000, step=50, key="distill_steps")
    if not st.button(t("finetune.di_run"), key="distill_run", type="primary"):
        return
    gate = slot()
    if not gate.acquire(blocking=False):
        st.warning(t("finetune.busy"))
        return
    try:
        st.session_state[RESULT_KEY] = _compare(int(st.session_state["distill_steps"]))
    except Exception as exc:  # never a traceback in the page
        show_error(exc)
    finally:
        gate.release()


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
    results()
