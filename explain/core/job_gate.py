"""The server-wide cap on heavy background jobs, with a first-come queue that can say your place.

Training a tiny GPT, fine-tuning SmolLM2 with LoRA and training the distillation students all
want the whole CPU, so they share one `JobGate`: at most `capacity` jobs hold a slot at once
(LLM_EXPLAINER_MAX_TRAINING_RUNS, default 1); the others wait in order and `position()` tells
each one its number in the queue. Leaves out running the jobs (see `core/jobs.py`).
"""

from __future__ import annotations

import os
import threading
from collections import deque

from explain.core.limits import MAX_RUNS_BOUND

MAX_RUNS_ENV = "LLM_EXPLAINER_MAX_TRAINING_RUNS"
DEFAULT_MAX_RUNS = 1  # concurrent heavy jobs per server: the CPU is shared by everyone


def max_runs_from_env() -> int:
    """The server-wide cap on concurrent jobs: LLM_EXPLAINER_MAX_TRAINING_RUNS (1..16), default 1."""
    try:
        value = int(os.environ.get(MAX_RUNS_ENV, DEFAULT_MAX_RUNS))
    except ValueError:
        value = DEFAULT_MAX_RUNS
    return min(max(value, 1), MAX_RUNS_BOUND)


class JobGate:
    """At most `capacity` jobs hold a slot at once; the rest wait first-come, first-served."""

    def __init__(self, capacity: int) -> None:
        self.capacity = capacity
        self._lock = threading.Lock()  # held only for a few set and deque operations
        self._running: set[int] = set()
        self._queue: deque[int] = deque()

    def try_enter(self, job_id: int) -> bool:
        """Take a slot for `job_id` if one is free and it is first in the queue; else queue it (once)."""
        with self._lock:
            if job_id in self._running:
                return True
            first = not self._queue or self._queue[0] == job_id
            if len(self._running) < self.capacity and first:
                if self._queue and self._queue[0] == job_id:
                    self._queue.popleft()
                self._running.add(job_id)
                return True
            if job_id not in self._queue:
                self._queue.append(job_id)
            return False

    def leave(self, job_id: int) -> None:
        """Give the slot back (or leave the queue)."""
        with self._lock:
            self._running.discard(job_id)
            if job_id in self._queue:
                self._queue.remove(job_id)

    def position(self, job_id: int) -> int:
        """1 for the first in the queue; 0 when not waiting."""
        with self._lock:
            return self._queue.index(job_id) + 1 if job_id in self._queue else 0

    def status(self) -> dict:
        """{"capacity", "running", "waiting"}: plain numbers for the busy message."""
        with self._lock:
            return {"capacity": self.capacity, "running": len(self._running), "waiting": len(self._queue)}
