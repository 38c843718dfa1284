"""Streamlit glue shared by the three experiments of the "What comes next" page: starting and following a job.

Each experiment runs on the one background-job runner (`core/jobs.py`, `ui/jobs.py`): the button
starts a job, a live panel polls its board every second, and the finished result is kept in the
session under the experiment's key. Leaves out what each tab draws (ui/frontier_context.py,
ui/frontier_steps.py, ui/frontier_images.py).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import streamlit as st

from explain.core.display import literal
from explain.core.job_board import Board
from explain.core.jobs import BackgroundJob, JobView
from ui import jobs
from ui.text import t


def start(key: str, work: Callable[[Board], Iterator[None]]) -> None:
    """Start `work(board)` as the session's job under `key` and redraw the page."""
    board = Board()
    jobs.replace(key, BackgroundJob(work(board), board, **jobs.options()))
    st.session_state[f"{key}_was_running"] = True
    st.rerun()


def follow(key: str, label: str, partial: Callable[[JobView], None] | None = None) -> None:
    """The job under `key` while it runs (queue place, progress bar, `partial` results); when it has
    finished, its board's lists and values are kept in st.session_state[f"{key}_values"]."""

    def draw(job: BackgroundJob) -> None:
        job.heartbeat()
        view = job.view()
        if view.status == "queued":
            jobs.queue_message(view)
        elif view.active:
            st.progress(min(view.step / max(view.total, 1), 1.0), text=f"{label} ({view.step}/{view.total})")
            if partial:
                partial(view)
        elif view.status == "error":
            st.error(t("common.error", detail=literal(view.message[:300])))
        elif view.status == "finished":
            st.session_state[f"{key}_values"] = {**view.records, **view.values}
            st.session_state.pop(key, None)
        if st.session_state.get(f"{key}_was_running") and not view.active:
            st.session_state[f"{key}_was_running"] = False
            st.rerun()  # the job just ended: redraw the tab with its result and stop polling

    jobs.live_panel(key, draw)


def finished(key: str) -> dict:
    """The board values of the session's last finished job under `key` ({} before one finished)."""
    return st.session_state.get(f"{key}_values") or {}
