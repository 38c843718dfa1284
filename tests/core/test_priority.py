"""Students first: a background job's torch threads shrink while a class is active and come back when idle."""

import threading
import time

import torch

from explain.core import priority
from explain.core.flight import Turns
from explain.core.jobs import BackgroundJob


def _reset(last: float = -1e9) -> None:
    priority._state.update(in_flight=0, last=last)


def test_budget_halves_the_machine_and_never_goes_below_one():
    assert priority.budget(2) == priority.Budget(idle=2, busy=1)
    assert priority.budget(1) == priority.Budget(idle=1, busy=1)


def test_a_students_pass_makes_the_class_active_until_it_has_been_idle_a_while():
    _reset()
    assert not priority.class_active()
    with Turns(threading.RLock()).turn():
        assert priority.class_active() and priority._state["in_flight"] == 1
    now = time.monotonic()
    assert priority.class_active(now) and not priority.class_active(now + priority.IDLE_AFTER_S + 1)
    _reset()


def test_a_job_runs_on_fewer_threads_while_students_work_and_gets_them_back_after():
    seen = []

    def work():
        for _ in range(2):
            seen.append(torch.get_num_threads())
            priority._state["last"] = -1e9  # the class goes idle after the first piece
            yield

    _reset(last=time.monotonic())  # a student has just been answered
    job = BackgroundJob(work()).start()
    job.join(10)
    b = priority.budget()
    assert seen == [b.busy, b.idle]
    assert torch.get_num_threads() == b.idle  # the students' (this) thread was never touched
    _reset()


def test_a_jobs_own_passes_do_not_count_as_students():
    _reset()

    def work():
        with Turns(threading.RLock()).turn():  # e.g. distillation's teacher generating
            assert priority._state["in_flight"] == 0
        yield

    job = BackgroundJob(work()).start()
    job.join(10)
    assert job.view().status == "finished" and not priority.class_active()
