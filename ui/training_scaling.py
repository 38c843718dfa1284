"""Streamlit glue for the scaling tab: the sweep's settings, its background job, the live curves and the log-log fit.

The sweep (`training/scaling.py`) is one `BackgroundJob` at the server's one gate (ui/jobs.py), kept in
`st.session_state`; a fragment polls it once a second while it runs. Leaves out the page layout (pages/scale.py).
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from explain.core.jobs import JobView
from explain.core.limits import SCALING_SIZES_RANGE
from explain.core.numbers import fmt_number
from explain.training import corpora, scaling, scaling_figures
from explain.training.power_law import fit_power_law
from ui import jobs
from ui.page import show_error
from ui.text import language, localise, num, t

JOB_KEY = "scaling_job"
SWEEP_KEY = "scaling_sweep"
TOKEN_CHOICES = (50_000, 100_000, 200_000, 400_000, 800_000)  # within SCALING_TOKENS_RANGE


def formatter(spec: str):
    """num() for a widget's format_func, its language fixed now (AppTest calls it outside the script run)."""
    lang = language()
    return lambda value: fmt_number(value, spec, lang)


def _labels() -> dict:
    keys = ("step", "val", "vs_params", "vs_flops", "params", "flops", "points")
    return {k: t(f"scale.sc_plot_{k}") for k in keys}


def settings(locked: bool) -> dict:
    low, high = SCALING_SIZES_RANGE
    names = [c.name for c in corpora.list_corpora()]
    titles = {c.name: c.title[language()] for c in corpora.list_corpora()}
    c = st.columns(4)
    corpus = c[0].selectbox(t("scale.corpus"), names, index=names.index(scaling.DEFAULT_CORPUS),
                            format_func=titles.get, key="sc_corpus", disabled=locked)  # fmt: skip
    sizes = c[1].number_input(t("scale.sc_sizes", low=low, high=high), low, high, scaling.DEFAULT_SIZES,
                              key="sc_sizes", disabled=locked)  # fmt: skip
    tokens = c[2].select_slider(t("scale.sc_tokens"), TOKEN_CHOICES, value=scaling.DEFAULT_TOKENS, key="sc_tokens",
                                format_func=formatter(","), disabled=locked)  # fmt: skip
    seed = c[3].number_input(t("scale.seed"), 0, 9999, 0, key="sc_seed", disabled=locked)
    return {"corpus": corpus, "sizes": int(sizes), "tokens": int(tokens), "seed": int(seed)}


def size_names(params: list[int]) -> list[str]:
    return [t("scale.sc_size", params=num(n, ",")) for n in params]


def controls() -> None:
    job = st.session_state.get(JOB_KEY)
    locked = job is not None and job.view().active
    chosen = settings(locked)
    text = corpora.load_corpus(chosen["corpus"])
    try:
        sweep = scaling.ScalingSweep(text, chosen["sizes"], chosen["tokens"], chosen["seed"],
                                     device=st.session_state.get("device_choice", "auto"))  # fmt: skip
    except ValueError as exc:
        show_error(exc)
        return
    flops = sum(scaling.training_flops(n, sweep.steps * scaling.BATCH * 64) for n in sweep.params)
    st.caption(t("scale.sc_plan", sizes=", ".join(num(n, ",") for n in sweep.params), steps=num(sweep.steps, ","),
                 tokens=num(sweep.steps * scaling.BATCH * 64, ","), flops=num(flops, ".2e")))  # fmt: skip
    left, right, _ = st.columns([1, 1, 4])
    if left.button(t("scale.start"), type="primary", key="sc_start", disabled=locked):
        st.session_state[SWEEP_KEY] = sweep
        jobs.start(JOB_KEY, scaling.scaling_job(sweep, **jobs.options()))
    if right.button(t("scale.stop"), key="sc_stop", disabled=not locked):
        job.stop()
        job.join(10)
        st.rerun()


def results(points: list, evals: list) -> None:
    """The log-log figure with both fits, the exponents and the table of points."""
    frontier = scaling.compute_frontier(evals)
    fits = (
        fit_power_law([p.params for p in points], [p.val_loss for p in points]),
        fit_power_law([e.flops for e in frontier], [e.val_loss for e in frontier]),
    )
    labels = _labels() | {
        "fit_params": t("scale.sc_fit", exponent=num(fits[0].exponent, ".3f")),
        "fit_flops": t("scale.sc_fit", exponent=num(fits[1].exponent, ".3f")),
    }
    st.plotly_chart(localise(scaling_figures.scaling_figure(points, evals, fits, labels)), key="sc_fig_loglog")
    st.markdown(t("scale.sc_exponents", n=num(fits[0].exponent, ".3f"), c=num(fits[1].exponent, ".3f"),
                  r2=num(fits[0].r2, ".2f")))  # fmt: skip
    rows = [{t("scale.sc_col_params"): num(p.params, ","), t("scale.sc_col_tokens"): num(p.tokens, ","),
             t("scale.sc_col_flops"): num(p.flops, ".2e"), t("scale.sc_col_loss"): num(p.val_loss, ".3f")}
            for p in points]  # fmt: skip
    st.dataframe(pd.DataFrame(rows), hide_index=True)


def draw(view: JobView) -> None:
    sweep = st.session_state.get(SWEEP_KEY)
    if not jobs.status_line(view, "scale.sc_failed", failures=("diverged", "error")):
        st.caption(t(f"scale.status_{view.status}", step=num(view.step, ","), total=num(view.total, ","))
                   + (" · " + t("scale.sc_phase", phase=view.phase) if view.phase and view.active else ""))  # fmt: skip
    jobs.progress(view)
    if sweep is not None and view.records.get("evals"):
        fig = scaling_figures.sweep_figure(view.records["evals"], size_names(sweep.params), _labels())
        st.plotly_chart(localise(fig), key="sc_fig_sweep")
    points = view.records.get("points", [])
    if len(points) >= 2:
        results(points, view.records.get("evals", []))


def live_panel() -> None:
    jobs.follow(JOB_KEY, draw)
