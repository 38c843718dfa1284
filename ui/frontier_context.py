"""Streamlit glue for the long-context tab: the needle grid, what a longer context costs, and external memory.

The first paint shows the grid measured when the page was written (assets/frontier/); the button
runs it again on this machine as a background job, one cell at a time, with the grid filling in.
Leaves out the experiment itself (`frontier/needle.py`) and its figures.
"""

from __future__ import annotations

import json

import streamlit as st

from explain.core.jobs import JobView
from explain.core.limits import NEEDLE_MAX_DEPTHS, NEEDLE_MAX_TOKENS
from explain.core.paths import ASSETS
from explain.frontier import figures, needle
from ui import jobs
from ui.models import get_model
from ui.text import localise, num, t

JOB_KEY = "frontier_needle_job"
SHIPPED = ASSETS / "frontier" / "needle_default.json"
LENGTH_CHOICES = [n for n in (256, 512, 1024, 2048, 4096) if n <= NEEDLE_MAX_TOKENS]


@st.cache_data(show_spinner=False)
def shipped() -> dict:
    return json.loads(SHIPPED.read_text(encoding="utf-8")) if SHIPPED.is_file() else {}


def controls() -> None:
    left, right, button = st.columns([3, 2, 2])
    left.multiselect(t("frontier.ctx_lengths"), LENGTH_CHOICES, default=list(needle.DEFAULT_LENGTHS), key="fr_lengths")
    right.slider(t("frontier.ctx_depths"), 1, NEEDLE_MAX_DEPTHS, 3, key="fr_depths")
    lengths = sorted(st.session_state.get("fr_lengths") or [])
    button.write("")
    if button.button(t("frontier.ctx_run"), key="fr_needle_run", type="primary", disabled=not lengths):
        lm = get_model()
        depths = int(st.session_state["fr_depths"])
        jobs.start(JOB_KEY, jobs.board_job(lambda board: needle.needle_work(lm, lengths, depths, board)))


def partial(view: JobView) -> None:
    cells = view.records.get("cells", [])
    if cells:
        grid = [{"tokens": c["tokens"], "depth": c["depth"], "found": c["found"]} for c in cells]
        st.plotly_chart(localise(figures.needle_grid(grid, grid_labels())), key="fr_grid_live")


def grid_labels() -> dict:
    keys = ("found", "missed", "depth", "tokens")
    return {k: t(f"frontier.ctx_{k}") for k in keys}


def formula_text(result: dict) -> str:
    f = result["formula"]
    window = result["max_position_embeddings"]
    return t(
        "frontier.ctx_formula",
        layers=f["layers"], kv_heads=f["kv_heads"], head_size=f["head_size"], bytes=f["bytes_per_value"],
        per_token=num(f["bytes_per_token"], ","), window=num(window, ","),
        full=num(window * f["bytes_per_token"] / 1e6, ",.0f"),
    )  # fmt: skip


def costs(result: dict) -> None:
    tokens = [max(c["tokens"] for c in result["cells"] if c["target"] == n) for n in result["lengths"]]
    per_token = result["formula"]["bytes_per_token"]
    left, right = st.columns(2)
    left.markdown(f"**{t('frontier.ctx_ms_title')}**")
    labels = {"measured": t("frontier.ctx_measured"), "tokens": t("frontier.ctx_tokens")}
    ms = figures.cost_figure(tokens, result["ms_per_token"], {**labels, "value": t("frontier.ctx_ms")})
    left.plotly_chart(localise(ms), key="fr_ms")
    prefill = [max(c["prefill_seconds"] for c in result["cells"] if c["target"] == n) for n in result["lengths"]]
    left.caption(t("frontier.ctx_prefill", seconds=" · ".join(num(s, ".1f") for s in prefill)))
    right.markdown(f"**{t('frontier.ctx_kv_title')}**")
    kv_labels = {**labels, "value": t("frontier.ctx_kv"), "formula": t("frontier.ctx_formula_line")}
    kv = figures.cost_figure(tokens, result["kv_cache_mb"], kv_labels, [n * per_token / 1e6 for n in tokens])
    right.plotly_chart(localise(kv), key="fr_kv")
    st.markdown(formula_text(result))


def results(result: dict, live: bool) -> None:
    if not result:
        return
    st.markdown(t("frontier.ctx_window", window=num(result["max_position_embeddings"], ",")))
    if not live and "seconds" in result:
        load = max(float(x) for x in result.get("loadavg_1min", ["0"]))
        st.caption(t("frontier.ctx_shipped", seconds=num(result["seconds"], ".0f"), load=num(load, ".1f")))
    st.markdown(f"**{t('frontier.ctx_grid_title')}**")
    st.plotly_chart(localise(figures.needle_grid(result["grid"], grid_labels())), key="fr_grid")
    with st.expander(t("frontier.ctx_answers")):
        for c in result["cells"]:
            st.text(f"{c['tokens']} · {c['depth']:.0%} · {c['value']} → {c['answer']}")
    st.markdown(t("frontier.ctx_reading"))
    costs(result)
    st.markdown(t("frontier.ctx_cost_reading"))


def render() -> None:
    st.markdown(t("frontier.ctx_intro"))
    controls()
    jobs.follow(JOB_KEY, jobs.bar(t("frontier.ctx_running"), partial), keep=True)
    live = jobs.finished(JOB_KEY).get("result")
    results(live or shipped(), live=bool(live))
    st.markdown(t("frontier.ctx_memory"))
