"""Students first: how much of the CPU a background job may use while a class is asking the models.

Every forward pass a student waits for (analysis, next token, generation, sentence embeddings)
goes through a model's queue (`core/flight.Turns`), which calls `student_started` and
`student_finished`. A background job (training, LoRA, distillation; `core/jobs.py`) calls
`job_turn()` before each piece of work: while students were active in the last `IDLE_AFTER_S`
seconds it runs on `budget().busy` torch threads (half the machine, at least one) and waits,
up to `MAX_YIELD_S`, for passes already in flight to finish; when the class is idle it gets the
whole machine back. `torch.set_num_threads` sets the calling thread's OpenMP team, but a thread
created later starts from the last value set anywhere: while a job runs on `busy` threads, new
script threads start with that many too (measured harmless: a 30-session burst was no slower with
students on one thread than on two). Leaves out the queue itself and the jobs' work.
"""

from __future__ import annotations

import os
import threading
import time
from dataclasses import dataclass

IDLE_AFTER_S = 20.0  # a class with no forward pass for this long is idle: jobs get every thread back
MAX_YIELD_S = 0.25  # the longest a job's piece waits for students' passes in flight
_state = {"in_flight": 0, "last": -1e9}
_lock = threading.Lock()
_job = threading.local()  # .flag: this thread runs a background job (its own passes are not a student's)


@dataclass(frozen=True)
class Budget:
    idle: int  # torch threads of a job when no student is active (the whole machine)
    busy: int  # torch threads of a job while students are active (half, at least 1)


def budget(cores: int | None = None) -> Budget:
    """The two thread budgets on this machine: 2 cores -> Budget(idle=2, busy=1).

    >>> budget(8)
    Budget(idle=8, busy=4)
    """
    if cores is None:
        cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return Budget(idle=max(1, cores), busy=max(1, cores // 2))


def student_started() -> None:
    if getattr(_job, "flag", False):
        return
    with _lock:
        _state["in_flight"] += 1
        _state["last"] = time.monotonic()


def student_finished() -> None:
    if getattr(_job, "flag", False):
        return
    with _lock:
        _state["in_flight"] = max(0, _state["in_flight"] - 1)
        _state["last"] = time.monotonic()


def class_active(now: float | None = None) -> bool:
    """True while a student's pass runs or ran in the last IDLE_AFTER_S seconds."""
    with _lock:
        return _state["in_flight"] > 0 or (now or time.monotonic()) - _state["last"] < IDLE_AFTER_S


def job_threads(now: float | None = None) -> int:
    """Torch threads a background job may use right now."""
    b = budget()
    return b.busy if class_active(now) else b.idle


def job_turn() -> int:
    """Before a job's piece of work: set this thread's torch threads, let students' passes in flight go first."""
    import torch

    _job.flag = True
    threads = job_threads()
    if torch.get_num_threads() != threads:
        torch.set_num_threads(threads)
    deadline = time.monotonic() + MAX_YIELD_S
    while _state["in_flight"] > 0 and time.monotonic() < deadline:
        time.sleep(0.005)
    return threads
