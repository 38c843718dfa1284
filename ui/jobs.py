"""Streamlit glue shared by every page that runs a long job: the server-wide gate, starting, following, results.

Training, LoRA fine-tuning, distillation, DPO and the frontier experiments all wait at the one
`JobGate` kept here (one per server process, `st.cache_resource`), so heavy jobs share one cap.
Every job panel goes the same way: `start` a job under a session key, `follow` it in a polling
fragment that draws its `status_line` (queue place or error) and whatever the panel draws, and,
when it ends, rerun the page once (with `keep`, its result stays in the session: `finished`).
Leaves out each page's job and what its panel draws (see ui/training.py, ui/finetune.py,
ui/frontier_context.py).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import streamlit as st

from explain.core.display import literal
from explain.core.job_board import Board
from explain.core.job_gate import JobGate, max_runs_from_env
from explain.core.jobs import STALE_SECONDS, BackgroundJob, JobView
from explain.core.limits import MAX_JOB_SECONDS
from ui.session import alive_check
from ui.text import t

POLL_SECONDS = 1.0  # how often a live panel redraws while its job is active


@st.cache_resource(show_spinner=False)
def gate() -> JobGate:
    """One per server process: at most LLM_EXPLAINER_MAX_TRAINING_RUNS heavy jobs run at once."""
    return JobGate(max_runs_from_env())


def options() -> dict:
    """`BackgroundJob` options for a job started by this browser session: the gate and how it notices a closed tab.

    With a liveness check the job may keep going while the user visits other pages; without one
    (AppTest) a panel silent for STALE_SECONDS ends it.
    """
    alive = alive_check()
    return {"gate": gate(), "alive": alive, "stale_after": MAX_JOB_SECONDS if alive else STALE_SECONDS}


def replace(key: str, job: BackgroundJob) -> BackgroundJob:
    """Stop the session's previous job under `key`, keep `job` there and start it."""
    stop(key)
    st.session_state[key] = job
    return job.start()


def stop(key: str, wait: float = 10.0) -> None:
    """Stop and forget the session's job under `key` (if any)."""
    job = st.session_state.pop(key, None)
    if job is not None:
        job.stop()
        job.join(wait)


def queue_message(view: JobView) -> None:
    """ "You are number N": the same warning on every page while a job waits for the server."""
    st.warning(t("jobs.busy", position=view.queue_position, **view.gate))


def active(key: str) -> bool:
    """True while the session's job under `key` is queued, running or paused."""
    job = st.session_state.get(key)
    return job is not None and job.view().active


def live_panel(key: str, draw: Callable[[BackgroundJob], None]) -> None:
    """The session's job under `key` drawn in a fragment that polls every POLL_SECONDS while the job is
    active, and draws once when it is not (the page's own reruns then redraw it)."""
    job = st.session_state.get(key)
    if job is None:
        return

    @st.fragment(run_every=POLL_SECONDS if job.view().active else None)
    def panel() -> None:
        live = st.session_state.get(key)
        if live is not None:
            draw(live)

    panel()


# ---- start, follow, keep the result: what every job panel does around its own drawing ------------


def board_job(work: Callable[[Board], Iterator[None]]) -> BackgroundJob:
    """A job running `work(board)` on a fresh board, with this session's options (gate, liveness)."""
    board = Board()
    return BackgroundJob(work(board), board, **options())


def start(key: str, job: BackgroundJob) -> None:
    """Make `job` the session's job under `key` (stopping the previous one), start it and redraw the page."""
    replace(key, job)
    st.session_state[f"{key}_was_running"] = True
    st.rerun()


def status_line(view: JobView, failed: str = "common.error", failures: tuple[str, ...] = ("error",)) -> bool:
    """The line every job panel shows first: "you are number N" while queued, or the text `failed` with
    why the job ended when its status is in `failures`. True when it drew one (the panel draws no other)."""
    if view.status == "queued":
        queue_message(view)
    elif view.status in failures:
        st.error(t(failed, detail=literal(view.message[:300])))
    else:
        return False
    return True


def progress(view: JobView, text: str | None = None) -> None:
    """The job's progress bar: step out of total (empty while the total is unknown)."""
    st.progress(min(view.step / max(view.total, 1), 1.0), text=text)


def bar(label: str, partial: Callable[[JobView], None] | None = None) -> Callable[[JobView], None]:
    """A `draw` for `follow` that shows only the status line, then, while the job runs, a progress bar
    labelled "label (step/total)" and `partial(view)` (results so far)."""

    def draw(view: JobView) -> None:
        if not status_line(view) and view.active:
            progress(view, f"{label} ({view.step}/{view.total})")
            if partial:
                partial(view)

    return draw


def follow(key: str, draw: Callable[[JobView], None], keep: bool = False) -> None:
    """The session's job under `key`, redrawn by `draw(view)` every POLL_SECONDS while it is active.

    Each poll beats the job's heartbeat. With `keep`, a finished job's board lists and values are kept in
    the session (read them with `finished(key)`) and the job is forgotten. The first poll that sees the
    job ended reruns the whole page once, so its buttons and results catch up and the polling stops.
    """
    flag = f"{key}_was_running"
    job = st.session_state.get(key)
    if job is not None and job.view().active:
        st.session_state[flag] = True

    def panel(job: BackgroundJob) -> None:
        job.heartbeat()
        view = job.view()
        draw(view)
        if keep and view.status == "finished":
            st.session_state[f"{key}_values"] = {**view.records, **view.values}
            st.session_state.pop(key, None)
        if st.session_state.get(flag) and not view.active:
            st.session_state[flag] = False
            st.rerun()  # the job just ended: redraw the page with its result and stop polling

    live_panel(key, panel)


def finished(key: str) -> dict:
    """The board values of the session's last finished job kept under `key` ({} before one finished)."""
    return st.session_state.get(f"{key}_values") or {}
