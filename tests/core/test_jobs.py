"""The one background-job runner: pieces of work, pause and stop, the shared gate's queue, and a page that never waits.

Fake jobs (sleeps and counters, no torch) so the whole file runs in a few seconds.
"""

from __future__ import annotations

import time

import pytest

from explain.core.job_board import Board
from explain.core.job_gate import JobGate, max_runs_from_env
from explain.core.jobs import BackgroundJob, JobView


def wait_until(condition, timeout: float = 10.0) -> None:
    end = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < end, "timed out"
        time.sleep(0.01)


def counting(board: Board, n: int, seconds: float = 0.0, cleanup: list | None = None, end=None):
    """n pieces of `seconds` each, recording each on the board; `cleanup` learns whether the job was closed."""
    try:
        for i in range(1, n + 1):
            time.sleep(seconds)
            board.append("pieces", i)
            board.set(step=i)
            yield
    finally:
        if cleanup is not None:
            cleanup.append("closed")
    return end


def job_of(n: int, seconds: float = 0.0, gate: JobGate | None = None, **options) -> tuple[BackgroundJob, list]:
    board, cleanup = Board(total=n), []
    return BackgroundJob(counting(board, n, seconds, cleanup), board, gate, **options), cleanup


def test_a_job_runs_to_its_end_and_the_view_is_plain_data():
    job, cleanup = job_of(5)
    job.start().join(5)
    view = job.view()
    assert isinstance(view, JobView) and view.status == "finished" and not view.active
    assert view.step == view.total == 5 and view.records["pieces"] == [1, 2, 3, 4, 5] and cleanup == ["closed"]
    view.records["pieces"].append(99)  # a copy: the job's board is untouched
    assert job.view().records["pieces"] == [1, 2, 3, 4, 5]


@pytest.mark.parametrize("end, expected", [(None, ("finished", "")), ("diverged", ("diverged", "")),
                                           (("diverged", "too high"), ("diverged", "too high"))])  # fmt: skip
def test_the_generator_return_value_names_the_end(end, expected):
    board = Board()
    job = BackgroundJob(counting(board, 2, end=end), board).start()
    job.join(5)
    assert (job.view().status, job.view().message) == expected


def test_an_error_is_a_status_with_its_message_not_a_dead_thread():
    def failing(board):
        yield
        raise FloatingPointError("The loss became NaN")

    job = BackgroundJob(failing(Board())).start()
    job.join(5)
    assert job.view().status == "error" and job.view().message == "FloatingPointError: The loss became NaN"


def pause_resume_stop(job, still: float, join: float) -> None:
    """Start `job`, pause it (no step for `still` seconds), resume it, stop it: the one check every job passes."""
    job.start()
    wait_until(lambda: job.view().step >= 3)
    job.pause()
    wait_until(lambda: job.view().status == "paused")
    paused_at = job.view().step
    time.sleep(still)
    assert job.view().step == paused_at
    job.resume()
    wait_until(lambda: job.view().step > paused_at)
    job.stop()
    job.join(join)
    assert not job.is_alive() and job.view().status == "stopped" and not job.view().active


def test_pause_resume_and_stop_between_pieces_and_stop_runs_the_jobs_cleanup():
    job, cleanup = job_of(10_000, 0.005)
    pause_resume_stop(job, still=0.1, join=5)
    assert cleanup == ["closed"]


@pytest.mark.parametrize("options, status", [({"stale_after": 0.2}, "stale"), ({"max_seconds": 0.2}, "timeout")])
def test_a_job_nobody_watches_or_that_runs_too_long_ends(options, status):
    job, cleanup = job_of(10_000, 0.01, **options)
    job.start().join(10)
    assert job.view().status == status and job.view().step < 10_000 and cleanup == ["closed"]


def test_a_closed_tab_ends_the_job_after_the_grace_period(monkeypatch):
    from explain.core import jobs

    monkeypatch.setattr(jobs, "GONE_GRACE_SECONDS", 0.2)
    job, _ = job_of(10_000, 0.01, alive=lambda: False, stale_after=1000)
    job.start().join(10)
    assert job.view().status == "stale"


def test_one_gate_queues_jobs_of_any_kind_first_come_and_says_their_place():
    gate = JobGate(1)
    first, _ = job_of(10_000, 0.01, gate=gate)
    second, _ = job_of(2, gate=gate)
    third, third_cleanup = job_of(2, gate=gate)
    first.start()
    wait_until(lambda: first.view().status == "running")
    second.start()
    wait_until(lambda: second.view().status == "queued")
    third.start()
    wait_until(lambda: third.view().queue_position == 2)
    assert second.view().queue_position == 1 and third.view().gate == {"capacity": 1, "running": 1, "waiting": 2}
    third.stop()  # leaving the queue never runs the job
    third.join(5)
    assert third.view().status == "stopped" and third_cleanup == [] and second.view().queue_position == 1
    first.stop()
    second.join(5)
    assert second.view().status == "finished" and gate.status() == {"capacity": 1, "running": 0, "waiting": 0}


def slowest_poll(job, polls: int, gap: float) -> float:
    """The longest a page's poll (view + heartbeat) took, over `polls` polls `gap` seconds apart."""
    slowest = 0.0
    for _ in range(polls):
        began = time.perf_counter()
        job.view()
        job.heartbeat()
        slowest = max(slowest, time.perf_counter() - began)
        time.sleep(gap)
    return slowest


def test_the_view_never_waits_for_a_long_piece_of_work():
    """Issue 21: the page froze while its own run trained. Each piece here takes 0.3 s; polls take far less."""
    job, _ = job_of(10_000, 0.3)
    job.start()
    wait_until(lambda: job.view().status == "running")
    slowest = slowest_poll(job, polls=40, gap=0.02)
    job.stop()
    job.join(5)
    assert slowest < 0.05, slowest


@pytest.mark.parametrize("raw, expected", [(None, 1), ("3", 3), ("0", 1), ("99", 16), ("many", 1)])
def test_the_cap_comes_from_the_environment(monkeypatch, raw, expected):
    if raw is None:
        monkeypatch.delenv("LLM_EXPLAINER_MAX_TRAINING_RUNS", raising=False)
    else:
        monkeypatch.setenv("LLM_EXPLAINER_MAX_TRAINING_RUNS", raw)
    assert max_runs_from_env() == expected
