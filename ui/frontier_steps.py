"""Streamlit glue for the step-by-step tab: accuracy and tokens of the two prompts, and every transcript.

The first paint shows the run measured when the page was written (assets/frontier/reason_<lang>.json,
in the page's language); the button answers the whole set again on this machine as a background
job (minutes on a laptop CPU), kept on disk per setting. Leaves out the experiment itself
(`frontier/reasoning.py`) and its figure.
"""

from __future__ import annotations

import json

import pandas as pd
import streamlit as st

from explain.core.limits import REASON_DIRECT_TOKENS, REASON_STEP_TOKENS
from explain.core.paths import ASSETS
from explain.frontier import figures, problems, reasoning
from ui import jobs
from ui.models import get_model
from ui.text import language, localise, num, t

JOB_KEY = "frontier_reason_job"


@st.cache_data(show_spinner=False)
def shipped(lang: str) -> dict:
    path = ASSETS / "frontier" / f"reason_{lang}.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}


def run_button(lang: str) -> None:
    count = len(problems.load())
    st.caption(t("frontier.st_bounds", count=count, direct=REASON_DIRECT_TOKENS, step=REASON_STEP_TOKENS))
    if st.button(t("frontier.st_run"), key="fr_reason_run", type="primary"):
        lm = get_model()
        jobs.start(JOB_KEY, jobs.board_job(lambda board: reasoning.reason_work(lm, lang, count, board)))


def table(result: dict, lang: str) -> None:
    texts = {p.id: p.text[lang] for p in problems.load()}
    by_id: dict[str, dict] = {}
    for a in result["answers"]:
        by_id.setdefault(a["id"], {})[a["mode"]] = a
    mark = {True: "✅", False: "❌"}
    rows = [
        {
            t("frontier.st_col_problem"): texts.get(pid, pid),
            t("frontier.st_col_answer"): pair["direct"]["expected"],
            t("frontier.direct"): f"{mark[pair['direct']['correct']]} {pair['direct']['extracted']}",
            t("frontier.step"): f"{mark[pair['step']['correct']]} {pair['step']['extracted']}",
        }
        for pid, pair in by_id.items()
        if "direct" in pair and "step" in pair
    ]
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")


def transcripts(result: dict, lang: str) -> None:
    texts = {p.id: p.text[lang] for p in problems.load()}
    with st.expander(t("frontier.st_transcripts")):
        for a in result["answers"]:
            st.markdown(f"**{a['id']} · {t('frontier.' + a['mode'])}** — {texts.get(a['id'], '')}")
            st.text(a["reply"])


def results(result: dict, live: bool, lang: str) -> None:
    if not result:
        st.info(t("frontier.st_none"))
        return
    if not live and "seconds" in result:
        st.caption(t("frontier.st_shipped", seconds=num(result["seconds"] / 60, ".0f")))
    left, right = st.columns([2, 3])
    labels = {"direct": t("frontier.direct"), "step": t("frontier.step"), "accuracy": t("frontier.st_accuracy")}
    left.plotly_chart(localise(figures.accuracy_figure(result, labels, lang)), key="fr_acc")
    right.metric(t("frontier.st_tokens_direct"), num(result["tokens_direct"], ".1f"))
    right.metric(t("frontier.st_tokens_step"), num(result["tokens_step"], ".1f"))
    st.markdown(
        t(
            "frontier.st_result",
            n=result["problems"],
            direct=num(result["direct_accuracy"], ".0%"),
            step=num(result["step_accuracy"], ".0%"),
        )
    )
    table(result, lang)
    transcripts(result, lang)


def render() -> None:
    lang = language()
    st.markdown(t("frontier.st_intro"))
    run_button(lang)
    jobs.follow(JOB_KEY, jobs.bar(t("frontier.st_running")), keep=True)
    live = jobs.finished(JOB_KEY).get("result")
    results(live or shipped(lang), live=bool(live), lang=lang)
    st.markdown(t("frontier.st_reading"))
