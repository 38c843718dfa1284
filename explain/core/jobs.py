"""Running a `Trainer` in a background thread that a web page can poll, pause, resume and stop.

A `BackgroundRun` owns one daemon thread, a stop event, a pause flag, a lock
and the run's history (lists of records the trainer's callbacks append to). The
page never waits for it: it reads `view()` (a copy taken under the lock) and
redraws. The thread never touches Streamlit. It ends itself when the run is
over, when asked, when its heartbeat goes stale (the page that polled it is
gone), or when it has lived `max_seconds`. A server-wide `RunGate` caps how many
runs train at once; the others wait in a first-come queue and can say their place.
Every live run is stopped and joined when the interpreter exits (a torch thread
killed mid-step aborts the process). Leaves out the training itself (see `training/trainer.py`).
"""

from __future__ import annotations

import atexit
import os
import threading
import time
import weakref
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from explain.training.trainer import Trainer

MAX_RUNS_ENV = "LLM_EXPLAINER_MAX_TRAINING_RUNS"
DEFAULT_MAX_RUNS = 1  # concurrent runs per server: the CPU is shared by everyone
MAX_RUN_SECONDS = 30 * 60  # a run's thread never lives longer than this, paused or not
STALE_SECONDS = 60.0  # with no heartbeat for this long (and no liveness check), the run stops

GONE_GRACE_SECONDS = 15.0  # a browser session reported gone this long ends the run

_LIVE: weakref.WeakSet = weakref.WeakSet()


def max_runs_from_env() -> int:
    """The server-wide cap on concurrent runs: LLM_EXPLAINER_MAX_TRAINING_RUNS (1..16), default 1."""
    try:
        value = int(os.environ.get(MAX_RUNS_ENV, DEFAULT_MAX_RUNS))
    except ValueError:
        value = DEFAULT_MAX_RUNS
    return min(max(value, 1), 16)


class RunGate:
    """At most `capacity` runs train at once; the rest wait first-come, first-served."""

    def __init__(self, capacity: int) -> None:
        self.capacity = capacity
        self._lock = threading.Lock()
        self._running: set[int] = set()
        self._queue: deque[int] = deque()

    def try_enter(self, run_id: int) -> bool:
        """Take a slot for `run_id` if one is free and it is first in the queue (or the queue is empty)."""
        with self._lock:
            if run_id in self._running:
                return True
            first = not self._queue or self._queue[0] == run_id
            if len(self._running) < self.capacity and first:
                if self._queue and self._queue[0] == run_id:
                    self._queue.popleft()
                self._running.add(run_id)
                return True
            if run_id not in self._queue:
                self._queue.append(run_id)
            return False

    def leave(self, run_id: int) -> None:
        """Give the slot back (or leave the queue)."""
        with self._lock:
            self._running.discard(run_id)
            if run_id in self._queue:
                self._queue.remove(run_id)

    def position(self, run_id: int) -> int:
        """1 for the first in the queue; 0 when not waiting."""
        with self._lock:
            return self._queue.index(run_id) + 1 if run_id in self._queue else 0

    def status(self) -> dict:
        with self._lock:
            return {"capacity": self.capacity, "running": len(self._running), "waiting": len(self._queue)}


@dataclass
class RunView:
    """A consistent copy of a run's state for drawing; plain data, safe to keep."""

    status: str  # "new", "queued", "running", "paused", "finished", "stopped", "diverged", "stale", "timeout", "error"
    message: str  # why the run stopped, when it did not finish normally
    step: int  # steps done
    max_steps: int
    queue_position: int  # place in the server's queue while "queued"; 0 otherwise
    gate: dict  # {"capacity", "running", "waiting"} of the server-wide gate
    steps: list = field(default_factory=list)  # StepRecord per step
    evals: list = field(default_factory=list)  # EvalRecord per evaluation
    samples: list = field(default_factory=list)  # SampleRecord per sample
    snapshots: list = field(default_factory=list)  # Snapshot per checkpoint

    @property
    def active(self) -> bool:
        """True while the thread is alive and may still change the history."""
        return self.status in ("new", "queued", "running", "paused")


class BackgroundRun:
    """One training run on a daemon thread; control it with start / pause / resume / stop / heartbeat."""

    def __init__(
        self,
        trainer: Trainer,
        gate: RunGate | None = None,
        max_seconds: float = MAX_RUN_SECONDS,
        stale_after: float = STALE_SECONDS,
        alive: Callable[[], bool] | None = None,
    ) -> None:
        self.trainer = trainer
        self.gate = gate
        self.max_seconds = max_seconds
        self.stale_after = stale_after
        self.alive = alive  # optional: False once the browser session that owns the run is gone
        self.lock = threading.RLock()  # held around each step, and by whoever reads or saves the model
        self._stop = threading.Event()
        self._running = threading.Event()  # cleared while paused
        self._running.set()
        self._beat = time.monotonic()
        self._gone_since = 0.0  # when `alive()` first said False
        self._status, self._message = "new", ""
        self._steps, self._evals, self._samples, self._snapshots = [], [], [], []
        for event, target in (
            ("on_step", self._steps),
            ("on_eval", self._evals),
            ("on_sample", self._samples),
            ("on_snapshot", self._snapshots),
        ):
            trainer.add_callback(event, lambda _tr, record, target=target: self._append(target, record))
        self._thread = threading.Thread(target=self._main, name="tiny-gpt-training", daemon=True)

    def _append(self, target: list, record: Any) -> None:
        with self.lock:
            target.append(record)

    def start(self) -> None:
        _LIVE.add(self)
        self._beat = time.monotonic()
        self._thread.start()

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

    def _end_reason(self, started: float) -> str:
        """'' while the run may go on, else why it must end now."""
        if self._stop.is_set():
            return "stopped"
        if time.monotonic() - started > self.max_seconds:
            return "timeout"
        if self.alive is not None and not self.alive():
            self._gone_since = self._gone_since or time.monotonic()  # a reconnecting tab gets a grace period
        else:
            self._gone_since = 0.0
        gone = self._gone_since and time.monotonic() - self._gone_since > GONE_GRACE_SECONDS
        if gone or time.monotonic() - self._beat > self.stale_after:
            return "stale"
        return ""

    def _wait_for_slot(self, started: float) -> bool:
        while self.gate and not self.gate.try_enter(id(self)):
            self._status = "queued"
            if self._end_reason(started):
                return False
            self._stop.wait(0.25)
        return True

    def _main(self) -> None:
        started = time.monotonic()
        try:
            if not self._wait_for_slot(started):
                self._status = self._end_reason(started)
                return
            self._train(started)
        except Exception as exc:  # shown on the page; the thread must not die silently
            self._status, self._message = "error", f"{type(exc).__name__}: {exc}"
        finally:
            if self.gate:
                self.gate.leave(id(self))

    def _train(self, started: float) -> None:
        trainer = self.trainer
        while not trainer.state.done:
            reason = self._end_reason(started)
            if reason:
                trainer.finish("stopped")
                self._status = reason
                return
            if not self._running.is_set():
                if self.gate:
                    self.gate.leave(id(self))  # a paused run frees its slot for the queue
                self._status = "paused"
                self._running.wait(0.25)
                continue
            if not self._wait_for_slot(started):
                continue  # the end reason is handled at the top of the loop
            self._status = "running"
            with self.lock:
                trainer.step()
        self._status, self._message = trainer.state.stop_reason, trainer.state.message

    def view(self) -> RunView:
        """A copy of the status and history, taken under the lock."""
        with self.lock:
            return RunView(
                status=self._status,
                message=self._message,
                step=self.trainer.state.step,
                max_steps=self.trainer.config.max_steps,
                queue_position=self.gate.position(id(self)) if self.gate else 0,
                gate=self.gate.status() if self.gate else {},
                steps=list(self._steps),
                evals=list(self._evals),
                samples=list(self._samples),
                snapshots=list(self._snapshots),
            )


@atexit.register
def stop_all(timeout: float = 5.0) -> None:
    """Stop and join every live run (registered at exit: torch aborts if a thread dies mid-step)."""
    runs = list(_LIVE)
    for run in runs:
        run.stop()
    for run in runs:
        run.join(timeout)
