"""Streamlit glue for the live training page: the session's run, its live panel, saving the model.

The run (a `BackgroundJob` from `training/work.py`) and its trainer live in `st.session_state`,
one per browser session, so they survive moving to other pages; the gate that caps concurrent
jobs is the server's one (ui/jobs.py). The live panel is a fragment that re-runs every second
while the run is active, beats the run's heartbeat and redraws from a copy of its board.
Leaves out the widgets (see pages/training.py).
"""

from __future__ import annotations

import streamlit as st

from explain.core.display import escape, literal
from explain.core.jobs import BackgroundJob, JobView
from explain.core.limits import MAX_JOB_SECONDS
from explain.training import figures as plots
from explain.training.trainer import TrainConfig, Trainer
from explain.training.work import training_job
from ui import jobs
from ui.text import localise, num, t

RUN_KEY = "train_run"  # the session's BackgroundJob
TRAINER_KEY = "train_trainer"  # the Trainer it runs (its model is saved from here)
INFO_KEY = "train_run_info"  # what it trains on: corpus label, model config, split
MAX_SAMPLES_SHOWN = 12  # the timeline shows this many samples, evenly spread, first and newest always


def current() -> BackgroundJob | None:
    return st.session_state.get(RUN_KEY)


def start(trainer: Trainer, info: dict) -> None:
    """Replace the session's run with a new one on `trainer`, start it and redraw the page."""
    reset()
    st.session_state[TRAINER_KEY], st.session_state[INFO_KEY] = trainer, info
    jobs.start(RUN_KEY, training_job(trainer, **jobs.options()))


def reset() -> None:
    jobs.stop(RUN_KEY)
    st.session_state.pop(TRAINER_KEY, None)
    st.session_state.pop(INFO_KEY, None)


def plot_labels() -> dict:
    keys = ("train", "val", "baseline", "step", "loss", "perplexity", "lr", "speed", "query", "key", "pc1", "pc2")
    return {k: t(f"training.plot_{k}") for k in keys}


def status_message(view: JobView) -> None:
    """The run's state in one coloured line (busy queue, paused, finished, stopped with its reason)."""
    steps = view.records.get("steps", [])
    last = steps[-1] if steps else None
    if jobs.status_line(view, "training.status_error"):
        return
    if view.status == "diverged" and last is not None:
        st.error(t("training.status_diverged", step=last.step, loss=num(last.loss, ".3g"), lr=num(last.lr, ".3g")))
    elif view.status in ("finished", "stopped", "stale", "timeout", "paused", "running", "new"):
        text = t(f"training.status_{view.status}", step=view.step, max_steps=view.total, minutes=MAX_JOB_SECONDS // 60)
        (st.success if view.status == "finished" else st.info)(text)


def metrics_row(view: JobView) -> None:
    steps, evals = view.records.get("steps", []), view.records.get("evals", [])
    last = steps[-1] if steps else None
    last_eval = evals[-1] if evals else None
    cols = st.columns(5)
    cols[0].metric(t("training.m_step", max_steps=num(view.total, ",")), num(view.step, ","))
    cols[1].metric(t("training.m_loss"), num(last.loss, ".3f") if last else "–")
    cols[2].metric(t("training.m_val"), num(last_eval.val_loss, ".3f") if last_eval else "–")
    cols[3].metric(t("training.m_ppl"), num(last_eval.perplexity, ".2f") if last_eval else "–")
    cols[4].metric(t("training.m_speed"), num(last.tokens_per_s, ",.0f") if last else "–")


def sample_timeline(view: JobView) -> None:
    """Every sample so far, oldest first, so one reads gibberish turning into words."""
    st.subheader(t("training.samples_title"))
    samples = view.records.get("samples", [])
    if not samples:
        st.caption(t("training.samples_none"))
        return
    st.caption(t("training.samples_caption", prompt=escape(samples[0].prompt).replace("\n", "↵")))
    rows = []
    for rec in plots.thin(samples, MAX_SAMPLES_SHOWN):
        text = escape(rec.text).replace("\n", '<span style="color:#999">↵</span>')  # one line per sample
        rows.append(
            f'<div style="display:flex;gap:.6em;margin-bottom:.3em"><span style="color:#666;min-width:5.5em">'
            f'{t("training.step")} {rec.step}</span><span style="font-family:monospace;background:#f6f6f6;'
            f'padding:2px 6px;border-radius:4px;color:#111;word-break:break-all">{text}</span></div>'
        )
    st.html("".join(rows))


def snapshots(view: JobView) -> None:
    """Attention of one head and the embedding map at a chosen checkpoint."""
    st.subheader(t("training.snap_title"))
    taken = view.records.get("snapshots", [])
    if not taken:
        st.caption(t("training.snap_none"))
        return
    steps = [s.step for s in taken]
    # A new slider each time a checkpoint arrives (the key counts them), showing the newest one unless
    # the user pinned an older one: a fresh widget is the reliable way to move a slider the browser holds.
    key = f"train_snap_step_{len(steps)}"
    pinned = st.session_state.get("train_snap_pinned")
    value = pinned if pinned in steps else steps[-1]

    def pin() -> None:
        picked = st.session_state[key]
        st.session_state["train_snap_pinned"] = None if picked == steps[-1] else picked

    chosen = st.select_slider(t("training.snap_step"), steps, value=value, key=key, on_change=pin)
    snap = taken[steps.index(chosen)] if chosen in steps else taken[-1]
    n_layers, n_heads = snap.attentions.shape[:2]
    c1, c2, _ = st.columns([1, 1, 3])
    layer = c1.selectbox(t("training.layer"), list(range(n_layers)), key="train_snap_layer")
    head = c2.selectbox(t("training.head"), list(range(n_heads)), key="train_snap_head")
    left, right = st.columns(2)
    labels = plot_labels()
    left.caption(t("training.snap_attention"))
    left.plotly_chart(
        localise(
            plots.attention_figure(
                snap.tokens, snap.attentions, min(layer, n_layers - 1), min(head, n_heads - 1), labels
            )
        ),
        key="train_fig_attn",
    )
    right.caption(t("training.snap_embedding"))
    right.plotly_chart(localise(plots.embedding_figure(snap.vocab, snap.embedding_2d, labels)), key="train_fig_emb")


def draw(view: JobView) -> None:
    """Everything that changes while training: status, numbers, charts, samples, snapshots."""
    info = st.session_state.get(INFO_KEY, {})
    status_message(view)
    metrics_row(view)
    jobs.progress(view)
    labels = plot_labels()
    steps, evals = view.records.get("steps", []), view.records.get("evals", [])
    if steps:
        vocab = info.get("vocab_size", 2)
        st.plotly_chart(localise(plots.loss_figure(steps, evals, vocab, labels)), key="train_fig_loss")
        st.plotly_chart(localise(plots.metrics_figure(steps, evals, labels)), key="train_fig_metrics")
    sample_timeline(view)
    snapshots(view)


def live_panel() -> None:
    """The fragment: polls every POLL_SECONDS while the session's run is active, else draws once; the page
    reruns when the run ends (its buttons and the save section catch up)."""
    jobs.follow(RUN_KEY, draw)


def default_config(**fields) -> TrainConfig:
    """The page's TrainConfig: the sidebar's device, evaluations and samples often enough to watch."""
    device = st.session_state.get("device_choice", "auto")
    return TrainConfig(device=device, **fields)


def keep_section(run: BackgroundJob | None) -> None:
    """Save the session's model (once it is paused or over) so every page's model selector lists it."""
    if run is None or run.view().status in ("queued", "running", "new"):
        return
    st.subheader(t("training.keep_title"))
    name = st.text_input(t("training.save_name"), max_chars=40, key="train_save_name", placeholder="pizza-1")
    if st.button(t("training.save"), key="train_save"):
        from explain.training import tiny_gpt

        info = st.session_state.get(INFO_KEY, {})
        view, trainer = run.view(), st.session_state[TRAINER_KEY]
        evals = view.records.get("evals", [])
        meta = {**info, "steps": view.step, "val_loss": evals[-1].val_loss if evals else None}
        try:
            with run.work_lock:
                saved = tiny_gpt.save_trained(trainer.model, trainer.data.tokenizer, name, meta)
            st.success(t("training.saved", name=saved))
        except ValueError as exc:
            st.warning(t("training.bad_name", detail=literal(str(exc))))


@st.cache_resource(show_spinner=False, max_entries=4)
def _load_saved(name: str, stamp: float):
    """A saved tiny model for generating in this page; `stamp` (the file's mtime) reloads a re-saved one."""
    from explain.core import registry
    from explain.training import tiny_gpt

    return tiny_gpt.load(registry.trained_models_dir() / name.removeprefix(registry.TRAINED_PREFIX))


def saved_models_section() -> None:
    """Pick a saved tiny model, see what it was trained on, and let it write from a prompt."""
    from explain.core import registry
    from explain.training.probes import generate

    names = registry.trained_model_names()
    with st.expander(t("training.saved_title", n=len(names))):
        if not names:
            st.caption(t("training.saved_none"))
            return
        st.caption(t("training.saved_hint"))
        name = st.selectbox(t("training.saved_pick"), names, key="train_saved_pick")
        folder = registry.trained_models_dir() / name.removeprefix(registry.TRAINED_PREFIX)
        model, tokenizer, meta = _load_saved(name, (folder / "model.safetensors").stat().st_mtime)
        st.caption(t("training.saved_meta", corpus=literal(str(meta.get("corpus", "?"))), steps=meta.get("steps", "?"),
                     params=num(sum(p.numel() for p in model.parameters()), ",")))  # fmt: skip
        prompt = st.text_input(t("training.prompt", chars=200), max_chars=200, key="train_saved_prompt")
        if st.button(t("training.generate"), key="train_generate"):
            import torch

            text = generate(model, tokenizer, prompt, 200, 0.8, torch.Generator().manual_seed(0))
            st.html(
                '<div style="font-family:monospace;white-space:pre-wrap;background:#f6f6f6;padding:4px 6px;color:#111">'
                f"<b>{escape(prompt)}</b>{escape(text)}</div>"
            )
