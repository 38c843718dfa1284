"""Every long job (training, LoRA fine-tuning, distillation...) on a background thread a page can poll.

A job's work is a generator: each `next()` does one short piece (a gradient step, loading a
model, one answer) and writes what the page should see on a `Board`. `BackgroundJob` drives it
on a daemon thread; between two pieces it honours pause, resume and stop, waits its turn at the
server-wide `JobGate` (a paused job gives its slot to the queue), and ends the job when its
heartbeat goes stale (the page that polled it is gone), when the browser session has been gone
for GONE_GRACE_SECONDS, or after `max_seconds` holding a slot. Ending early closes the generator,
so its `finally` blocks clean up (the trainer records "stopped", LoRA saves its adapters). When
the generator returns, its value names the end: None is "finished", or a (status, message) pair.

The page never waits for a piece of work: `view()` copies the board under the board's own short
lock, and the thread holds `work_lock` (never needed by `view()`) only while a piece runs; take
it to read the job's model consistently, e.g. to save it while paused.

    >>> board = Board(total=3)
    >>> def count(board):
    ...     for n in range(1, 4):
    ...         board.set(step=n)
    ...         yield
    >>> job = BackgroundJob(count(board), board).start()
    >>> job.join()
    >>> job.view().status, job.view().step
    ('finished', 3)

Every live job is stopped and joined when the interpreter exits (a torch thread killed mid-step
aborts the process). Leaves out the gate's queue (`core/job_gate.py`), the board
(`core/job_board.py`) and what the jobs compute (`training/work.py`, `finetune/lora_work.py`,
`finetune/distill.py`).
"""

from __future__ import annotations

import atexit
import threading
import time
import weakref
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from explain.core import priority
from explain.core.job_board import Board
from explain.core.job_gate import JobGate
from explain.core.limits import MAX_JOB_SECONDS

STALE_SECONDS = 60.0  # with no heartbeat for this long (and no liveness check), the job stops
GONE_GRACE_SECONDS = 15.0  # a browser session reported gone this long ends the job (a reload reconnects)
WAIT_SECONDS = 0.25  # how often a queued or paused job looks again

_LIVE: weakref.WeakSet = weakref.WeakSet()


@dataclass
class JobView:
    """A copy of a job's state for drawing; plain data, safe to keep."""

    status: str  # "new", "queued", "running", "paused", then "finished", "stopped", "stale", "timeout",
    #              "error" or an end the job names itself (training's "diverged")
    message: str  # why the job ended, when it did not finish normally
    step: int  # the board's "step": units of progress done
    total: int  # the board's "total": units planned (0 when unknown)
    phase: str  # the board's "phase": what the job says it is doing ("loading", "comparing"...)
    queue_position: int  # place in the server's queue while "queued"; 0 otherwise
    gate: dict  # {"capacity", "running", "waiting"} of the server-wide gate ({} without one)
    records: dict[str, list] = field(default_factory=dict)  # the board's lists, e.g. "steps", "evals"
    values: dict[str, Any] = field(default_factory=dict)  # the board's values, e.g. "model", "result"

    @property
    def active(self) -> bool:
        """True while the thread is alive and may still change the board."""
        return self.status in ("new", "queued", "running", "paused")


def _outcome(value: Any) -> tuple[str, str]:
    """The end a finished generator returned: None -> ("finished", ""), "x" -> ("x", ""), or (status, message)."""
    if value is None:
        return "finished", ""
    return (value, "") if isinstance(value, str) else (str(value[0]), str(value[1]))


class BackgroundJob:
    """One job's work on a daemon thread; control it with start / pause / resume / stop / heartbeat."""

    def __init__(
        self,
        work: Iterator[Any],
        board: Board | None = None,
        gate: JobGate | None = None,
        max_seconds: float = MAX_JOB_SECONDS,
        stale_after: float = STALE_SECONDS,
        alive: Callable[[], bool] | None = None,
    ) -> None:
        self.work = work  # a generator: one short piece of work per next()
        self.board = board if board is not None else Board()
        self.gate = gate
        self.max_seconds = max_seconds
        self.stale_after = stale_after
        self.alive = alive  # optional: False once the browser session that owns the job is gone
        self.work_lock = threading.Lock()  # held while a piece of work runs (never by view())
        self._stop = threading.Event()
        self._running = threading.Event()  # cleared while paused
        self._running.set()
        self._beat = time.monotonic()
        self._gone_since = 0.0  # when `alive()` first said False
        self._started = 0.0  # when the job first got a slot: the time cap counts from there
        self._status, self._message = "new", ""
        self._thread = threading.Thread(target=self._main, name="background-job", daemon=True)

    def start(self) -> BackgroundJob:
        _LIVE.add(self)
        self._beat = time.monotonic()
        self._thread.start()
        return self

    def pause(self) -> None:
        self._running.clear()

    def resume(self) -> None:
        self._beat = time.monotonic()
        self._running.set()

    def stop(self) -> None:
        self._stop.set()
        self._running.set()

    def heartbeat(self) -> None:
        """Called by the page each time it polls: proof that someone is still watching."""
        self._beat = time.monotonic()

    def join(self, timeout: float | None = None) -> None:
        if self._thread.is_alive():
            self._thread.join(timeout)

    def is_alive(self) -> bool:
        return self._thread.is_alive()

    def _end_reason(self) -> str:
        """'' while the job may go on, else why it must end now."""
        now = time.monotonic()
        if self._stop.is_set():
            return "stopped"
        if self._started and now - self._started > self.max_seconds:
            return "timeout"
        if self.alive is not None and not self.alive():
            self._gone_since = self._gone_since or now  # a reconnecting tab gets a grace period
        else:
            self._gone_since = 0.0
        gone = self._gone_since and now - self._gone_since > GONE_GRACE_SECONDS
        return "stale" if gone or now - self._beat > self.stale_after else ""

    def _has_slot(self) -> bool:
        """True when the job may work now (no gate, or a slot taken); starts the time cap on the first slot."""
        if self.gate is not None and not self.gate.try_enter(id(self)):
            return False
        self._started = self._started or time.monotonic()
        return True

    def _drive(self) -> tuple[str, str]:
        """Run pieces of work until the generator ends or the job must; returns (status, message)."""
        while True:
            reason = self._end_reason()
            if reason:
                return reason, ""
            if not self._running.is_set():
                if self.gate is not None:
                    self.gate.leave(id(self))  # a paused job frees its slot for the queue
                self._status = "paused"
                self._running.wait(WAIT_SECONDS)
                continue
            if not self._has_slot():
                self._status = "queued"
                self._stop.wait(WAIT_SECONDS)
                continue
            self._status = "running"
            priority.job_turn()  # fewer torch threads while a class is active; students' passes first
            try:
                with self.work_lock:
                    next(self.work)
            except StopIteration as end:
                return _outcome(end.value)

    def _main(self) -> None:
        try:
            status, message = self._drive()
            with self.work_lock:
                getattr(self.work, "close", lambda: None)()  # ended early: the job's `finally` runs now
            self._message, self._status = message, status
        except Exception as exc:  # shown on the page; the thread must not die silently
            self._message, self._status = f"{type(exc).__name__}: {exc}", "error"
        finally:
            if self.gate is not None:
                self.gate.leave(id(self))

    def view(self) -> JobView:
        """A copy of the status and the board; never waits for a piece of work."""
        status, message = self._status, self._message  # read first: an ended job's board is complete
        records, values = self.board.copy()
        return JobView(
            status=status,
            message=message,
            step=int(values.get("step", 0)),
            total=int(values.get("total", 0)),
            phase=str(values.get("phase", "")),
            queue_position=self.gate.position(id(self)) if self.gate is not None else 0,
            gate=self.gate.status() if self.gate is not None else {},
            records=records,
            values=values,
        )


@atexit.register
def stop_all(timeout: float = 5.0) -> None:
    """Stop and join every live job (registered at exit: torch aborts if a thread dies mid-step)."""
    jobs = list(_LIVE)
    for job in jobs:
        job.stop()
    for job in jobs:
        job.join(timeout)
