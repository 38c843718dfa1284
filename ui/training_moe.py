"""Streamlit glue for the mixture-of-experts tab: the settings, the paired run, its live panel and the routing view.

The paired run (`training/moe_run.py`) is one `BackgroundJob` at the server's one gate (ui/jobs.py),
kept in `st.session_state` with its models, so it survives visits to other pages. The panel polls
once a second while the job is active; the routing of the user's sentence is read from the MoE
model under the job's `work_lock` (at most one step's wait), so it changes as the model learns.
Leaves out the page layout (see pages/scale.py).
"""

from __future__ import annotations

import streamlit as st

from explain.core.jobs import BackgroundJob, JobView
from explain.core.limits import MOE_EXPERTS_RANGE, MOE_MAX_SENTENCE_CHARS, MOE_MAX_STEPS
from explain.core.numbers import fmt_number
from explain.training import corpora, moe, moe_figures
from explain.training.moe_run import BATCH, DEFAULT_CORPUS, DEFAULT_STEPS, paired_job, paired_run, route
from ui import jobs
from ui.page import show_error, typed_text
from ui.text import language, localise, num, t
from ui.urlstate import bind

JOB_KEY = "moe_job"  # the session's BackgroundJob
RUN_KEY = "moe_pair"  # its PairedRun (models, trainers, tracker)


def formatter(spec: str):
    """num() for a widget's format_func, its language fixed now (AppTest calls it outside the script run)."""
    lang = language()
    return lambda value: fmt_number(value, spec, lang)


def _labels() -> dict:
    keys = ("moe", "dense", "train", "val", "step", "loss", "layer", "expert", "share", "aux", "balanced")
    return {k: t(f"scale.moe_plot_{k}") for k in keys}


def settings(locked: bool) -> dict:
    """The corpus, E, k, the balancing weight, the steps and the seed, bounded like the CLI."""
    low, high = MOE_EXPERTS_RANGE
    bind("moe_experts", 4, cast=int, low=low, high=high)
    bind("moe_top_k", 2, cast=int, low=1, high=high)
    names = [c.name for c in corpora.list_corpora()]
    titles = {c.name: c.title[language()] for c in corpora.list_corpora()}
    c = st.columns(3) + st.columns(3)
    corpus = c[0].selectbox(t("scale.corpus"), names, index=names.index(DEFAULT_CORPUS), format_func=titles.get,
                            key="moe_corpus", disabled=locked)  # fmt: skip
    experts = c[3].number_input(t("scale.moe_experts", low=low, high=high), low, high, key="moe_experts",
                                disabled=locked)  # fmt: skip
    top_k = c[4].number_input(t("scale.moe_top_k"), 1, high, key="moe_top_k", disabled=locked)
    aux = c[5].selectbox(t("scale.moe_aux"), moe.AUX_CHOICES, index=1, key="moe_aux", disabled=locked,
                         format_func=formatter("g"), help=t("scale.moe_aux_help"))  # fmt: skip
    steps = c[1].number_input(t("scale.moe_steps", max=num(MOE_MAX_STEPS, ",")), 20, MOE_MAX_STEPS, DEFAULT_STEPS,
                              step=50, key="moe_steps", disabled=locked)  # fmt: skip
    seed = c[2].number_input(t("scale.seed"), 0, 9999, 0, key="moe_seed", disabled=locked)
    cfg = moe.MoEConfig(n_experts=int(experts), top_k=int(top_k), aux_coef=float(aux))
    return {"corpus": corpus, "cfg": cfg, "steps": int(steps), "seed": int(seed)}


@st.cache_data(show_spinner=False, max_entries=64)
def _sizes(cfg: moe.MoEConfig, vocab_size: int) -> tuple[int, int, int]:
    """(total, active, dense) parameters, counted on freshly built models."""
    m, d = moe.build_moe(cfg, vocab_size), moe.build_dense(cfg, vocab_size)
    return moe.count_total(m), moe.count_active(m), moe.count_total(d)


def sizes_caption(cfg: moe.MoEConfig, vocab_size: int) -> None:
    total, active, dense = _sizes(cfg, vocab_size)
    st.caption(t("scale.moe_sizes", total=num(total, ","), active=num(active, ","), dense=num(dense, ","),
                 experts=cfg.n_experts, k=cfg.top_k, width=cfg.expert_width,
                 dense_width=cfg.top_k * cfg.expert_width))  # fmt: skip


def controls() -> None:
    job = st.session_state.get(JOB_KEY)
    locked = job is not None and job.view().active
    chosen = settings(locked)
    cfg = chosen["cfg"]
    problems = cfg.problems()
    if problems:
        st.warning(t("scale.moe_bad", detail="; ".join(problems)))
        return
    text = corpora.load_corpus(chosen["corpus"])
    sizes_caption(cfg, min(len(set(text)), 512) + 1)
    left, right, _ = st.columns([1, 1, 4])
    if left.button(t("scale.start"), type="primary", key="moe_start", disabled=locked):
        from explain.training.trainer import TrainConfig

        config = TrainConfig(max_steps=chosen["steps"], batch_size=BATCH, eval_every=max(1, chosen["steps"] // 20),
                             sample_every=0, snapshot_every=0, seed=chosen["seed"],
                             device=st.session_state.get("device_choice", "auto"))  # fmt: skip
        try:
            pair = paired_run(text, cfg, config)
        except ValueError as exc:
            show_error(exc)
            return
        st.session_state[RUN_KEY] = pair
        jobs.start(JOB_KEY, paired_job(pair, **jobs.options()))
    if right.button(t("scale.stop"), key="moe_stop", disabled=not locked):
        job.stop()
        job.join(10)
        st.rerun()


def _status(view: JobView) -> None:
    if not jobs.status_line(view, "scale.moe_failed", failures=("diverged", "error")):
        st.caption(t(f"scale.status_{view.status}", step=num(view.step, ","), total=num(view.total, ",")))


def routing_view(job: BackgroundJob, pair, view) -> None:
    """A sentence, each token in each layer coloured by the experts the router sends it to.

    While the run trains, the routing of the run's sentence recorded at its latest evaluation; once it is
    paused or over, the visitor's own sentence, read from the model under the job's lock.
    """
    if view.active and view.status != "paused":
        routes = view.values.get("routing") or []
        if not routes:  # queued, or before the first evaluation
            return
        st.caption(t("scale.moe_routing_live", step=num(view.values.get("routing_step", 0), ",")))
    else:
        st.text_input(t("scale.moe_sentence", chars=MOE_MAX_SENTENCE_CHARS), max_chars=MOE_MAX_SENTENCE_CHARS,
                      key="moe_sentence", placeholder=pair.sentence)  # fmt: skip
        sentence = typed_text("moe_sentence", MOE_MAX_SENTENCE_CHARS).text
        with job.work_lock:  # the model is not changing while we read it
            routes = route(pair, sentence)
    labels = _labels()
    st.html(moe_figures.legend_html(pair.moe_cfg.n_experts, labels) + moe_figures.routing_html(routes, labels))
    st.caption(t("scale.moe_routing_caption", k=pair.moe_cfg.top_k, experts=pair.moe_cfg.n_experts))


def draw(view: JobView) -> None:
    pair = st.session_state.get(RUN_KEY)
    _status(view)
    jobs.progress(view)
    labels = _labels()
    if view.records.get("moe_evals"):
        st.plotly_chart(localise(moe_figures.loss_pair_figure(view.records, labels)), key="moe_fig_loss")
    loads = [r for r in view.records.get("load", []) if r.load.size]
    if loads:
        st.markdown(t("scale.moe_load_title"))
        st.plotly_chart(localise(moe_figures.load_figure(loads, labels)), key="moe_fig_load")
        st.plotly_chart(localise(moe_figures.aux_figure(loads, pair.moe_cfg.top_k, labels)), key="moe_fig_aux")
        st.caption(t("scale.moe_aux_caption", coef=num(pair.moe_cfg.aux_coef, "g"), k=pair.moe_cfg.top_k))
    if pair is not None:
        st.markdown(t("scale.moe_routing_title"))
        routing_view(st.session_state[JOB_KEY], pair, view)


def live_panel() -> None:
    jobs.follow(JOB_KEY, draw)
