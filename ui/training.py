"""Streamlit glue for the live training page: the server-wide gate, the session's run, the live panel.

The run (a `BackgroundRun`) lives in `st.session_state`, one per browser
session, so it survives moving to other pages; the gate that caps concurrent
runs is one per server (`st.cache_resource`). The live panel is a fragment that
re-runs every second while the run is active, beats the run's heartbeat and
redraws from a copy of its history. Leaves out the widgets (see pages/training.py).
"""

from __future__ import annotations

import streamlit as st

from explain.core.display import escape
from explain.core.jobs import MAX_RUN_SECONDS, STALE_SECONDS, BackgroundRun, RunGate, RunView, max_runs_from_env
from explain.training import figures as plots
from explain.training.trainer import TrainConfig, Trainer
from ui.session import alive_check
from ui.text import localise, num, t

RUN_KEY = "train_run"  # the session's BackgroundRun
INFO_KEY = "train_run_info"  # what it trains on: corpus label, model config, split
WAS_ACTIVE_KEY = "train_was_active"  # lets the panel notice the end of a run and redraw the whole page
POLL_SECONDS = 1.0
MAX_SAMPLES_SHOWN = 12  # the timeline shows this many samples, evenly spread, first and newest always


@st.cache_resource(show_spinner=False)
def gate() -> RunGate:
    """One per server process: at most LLM_EXPLAINER_MAX_TRAINING_RUNS runs train at once."""
    return RunGate(max_runs_from_env())


def current() -> BackgroundRun | None:
    return st.session_state.get(RUN_KEY)


def start(trainer: Trainer, info: dict) -> None:
    """Replace the session's run with a new one on `trainer` and start it."""
    reset()
    alive = alive_check()
    # With a liveness check the run may keep going while the user visits other pages;
    # without one (tests) a silent panel for STALE_SECONDS ends it.
    run = BackgroundRun(trainer, gate(), stale_after=MAX_RUN_SECONDS if alive else STALE_SECONDS, alive=alive)
    st.session_state[RUN_KEY], st.session_state[INFO_KEY] = run, info
    st.session_state[WAS_ACTIVE_KEY] = True
    run.start()


def reset() -> None:
    run = st.session_state.pop(RUN_KEY, None)
    st.session_state.pop(INFO_KEY, None)
    if run is not None:
        run.stop()
        run.join(10)


def plot_labels() -> dict:
    keys = ("train", "val", "baseline", "step", "loss", "perplexity", "lr", "speed", "query", "key", "pc1", "pc2")
    return {k: t(f"training.plot_{k}") for k in keys}


def status_message(view: RunView) -> None:
    """The run's state in one coloured line (busy queue, paused, finished, stopped with its reason)."""
    last = view.steps[-1] if view.steps else None
    if view.status == "queued":
        st.warning(t("training.busy", position=view.queue_position, **view.gate))
    elif view.status == "diverged" and last is not None:
        st.error(t("training.status_diverged", step=last.step, loss=num(last.loss, ".3g"), lr=num(last.lr, ".3g")))
    elif view.status == "error":
        st.error(t("training.status_error", detail=escape(view.message)[:300]))
    elif view.status in ("finished", "stopped", "stale", "timeout", "paused", "running", "new"):
        text = t(
            f"training.status_{view.status}", step=view.step, max_steps=view.max_steps, minutes=MAX_RUN_SECONDS // 60
        )
        (st.success if view.status == "finished" else st.info)(text)


def metrics_row(view: RunView) -> None:
    last = view.steps[-1] if view.steps else None
    last_eval = view.evals[-1] if view.evals else None
    cols = st.columns(5)
    cols[0].metric(t("training.m_step", max_steps=num(view.max_steps, ",")), num(view.step, ","))
    cols[1].metric(t("training.m_loss"), num(last.loss, ".3f") if last else "–")
    cols[2].metric(t("training.m_val"), num(last_eval.val_loss, ".3f") if last_eval else "–")
    cols[3].metric(t("training.m_ppl"), num(last_eval.perplexity, ".2f") if last_eval else "–")
    cols[4].metric(t("training.m_speed"), num(last.tokens_per_s, ",.0f") if last else "–")


def sample_timeline(view: RunView) -> None:
    """Every sample so far, oldest first, so one reads gibberish turning into words."""
    st.subheader(t("training.samples_title"))
    if not view.samples:
        st.caption(t("training.samples_none"))
        return
    st.caption(t("training.samples_caption", prompt=escape(view.samples[0].prompt).replace("\n", "↵")))
    rows = []
    for rec in plots.thin(view.samples, MAX_SAMPLES_SHOWN):
        text = escape(rec.text).replace("\n", '<span style="color:#999">↵</span>')  # one line per sample
        rows.append(
            f'<div style="display:flex;gap:.6em;margin-bottom:.3em"><span style="color:#666;min-width:5.5em">'
            f'{t("training.step")} {rec.step}</span><span style="font-family:monospace;background:#f6f6f6;'
            f'padding:2px 6px;border-radius:4px;color:#111;word-break:break-all">{text}</span></div>'
        )
    st.html("".join(rows))


def snapshots(view: RunView, vocab_size: int) -> None:
    """Attention of one head and the embedding map at a chosen checkpoint."""
    st.subheader(t("training.snap_title"))
    if not view.snapshots:
        st.caption(t("training.snap_none"))
        return
    steps = [s.step for s in view.snapshots]
    # A new slider each time a checkpoint arrives (the key counts them), showing the newest one unless
    # the user pinned an older one: a fresh widget is the reliable way to move a slider the browser holds.
    key = f"train_snap_step_{len(steps)}"
    pinned = st.session_state.get("train_snap_pinned")
    value = pinned if pinned in steps else steps[-1]

    def pin() -> None:
        picked = st.session_state[key]
        st.session_state["train_snap_pinned"] = None if picked == steps[-1] else picked

    chosen = st.select_slider(t("training.snap_step"), steps, value=value, key=key, on_change=pin)
    snap = view.snapshots[steps.index(chosen)] if chosen in steps else view.snapshots[-1]
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


def draw(run: BackgroundRun) -> None:
    """Everything that changes while training: status, numbers, charts, samples, snapshots."""
    run.heartbeat()
    view = run.view()
    info = st.session_state.get(INFO_KEY, {})
    status_message(view)
    metrics_row(view)
    st.progress(min(view.step / max(view.max_steps, 1), 1.0))
    labels = plot_labels()
    vocab = info.get("vocab_size", 2)
    if view.steps:
        st.plotly_chart(localise(plots.loss_figure(view.steps, view.evals, vocab, labels)), key="train_fig_loss")
        st.plotly_chart(localise(plots.metrics_figure(view.steps, view.evals, labels)), key="train_fig_metrics")
    sample_timeline(view)
    snapshots(view, vocab)
    if st.session_state.get(WAS_ACTIVE_KEY) and not view.active:
        st.session_state[WAS_ACTIVE_KEY] = False
        st.rerun()  # the run just ended: redraw the whole page (buttons, save) and stop polling


def live_panel() -> None:
    """The fragment: polls every POLL_SECONDS while the session's run is active, else draws once."""
    run = current()
    if run is None:
        return
    active = run.view().active
    st.session_state[WAS_ACTIVE_KEY] = active or st.session_state.get(WAS_ACTIVE_KEY, False)

    @st.fragment(run_every=POLL_SECONDS if active else None)
    def panel() -> None:
        live = current()
        if live is not None:
            draw(live)

    panel()


def default_config(**fields) -> TrainConfig:
    """The page's TrainConfig: the sidebar's device, evaluations and samples often enough to watch."""
    device = st.session_state.get("device_choice", "auto")
    return TrainConfig(device=device, **fields)


def keep_section(run: BackgroundRun | None) -> None:
    """Save the session's model (once it is paused or over) so every page's model selector lists it."""
    if run is None or run.view().status in ("queued", "running", "new"):
        return
    st.subheader(t("training.keep_title"))
    name = st.text_input(t("training.save_name"), max_chars=40, key="train_save_name", placeholder="pizza-1")
    if st.button(t("training.save"), key="train_save"):
        from explain.training import tiny_gpt

        info = st.session_state.get(INFO_KEY, {})
        view = run.view()
        meta = {**info, "steps": view.step, "val_loss": view.evals[-1].val_loss if view.evals else None}
        try:
            with run.lock:
                saved = tiny_gpt.save_trained(run.trainer.model, run.trainer.data.tokenizer, name, meta)
            st.success(t("training.saved", name=saved))
        except ValueError as exc:
            st.warning(t("training.bad_name", detail=escape(str(exc))))


@st.cache_resource(show_spinner=False, max_entries=4)
def _load_saved(name: str, stamp: float):
    """A saved tiny model for generating in this page; `stamp` (the file's mtime) reloads a re-saved one."""
    from explain.core import registry
    from explain.training import tiny_gpt

    return tiny_gpt.load(registry.trained_models_dir() / name.removeprefix(registry.TRAINED_PREFIX))


def saved_models_section() -> None:
    """Pick a saved tiny model, see what it was trained on, and let it write from a prompt."""
    from explain.core import registry
    from explain.training.trainer import generate

    names = registry.trained_model_names()
    with st.expander(t("training.saved_title", n=len(names))):
        if not names:
            st.caption(t("training.saved_none"))
            return
        st.caption(t("training.saved_hint"))
        name = st.selectbox(t("training.saved_pick"), names, key="train_saved_pick")
        folder = registry.trained_models_dir() / name.removeprefix(registry.TRAINED_PREFIX)
        model, tokenizer, meta = _load_saved(name, (folder / "model.safetensors").stat().st_mtime)
        st.caption(t("training.saved_meta", corpus=escape(str(meta.get("corpus", "?"))), steps=meta.get("steps", "?"),
                     params=num(sum(p.numel() for p in model.parameters()), ",")))  # fmt: skip
        prompt = st.text_input(t("training.prompt", chars=200), max_chars=200, key="train_saved_prompt")
        if st.button(t("training.generate"), key="train_generate"):
            import torch

            text = generate(model, tokenizer, prompt, 200, 0.8, torch.Generator().manual_seed(0))
            st.html(
                '<div style="font-family:monospace;white-space:pre-wrap;background:#f6f6f6;padding:4px 6px;color:#111">'
                f"<b>{escape(prompt)}</b>{escape(text)}</div>"
            )
