"""Streamlit glue shared by every page that runs a long job: the server-wide gate, starting, the queue message.

Training, LoRA fine-tuning and distillation all wait at the one `JobGate` kept here (one per
server process, `st.cache_resource`), so heavy jobs share one cap. Leaves out each page's job and
what its live panel draws (see ui/training.py, ui/finetune.py, ui/finetune_distill.py).
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

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
