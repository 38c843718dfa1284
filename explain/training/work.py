"""Training a tiny GPT as a background job: one trainer step per piece of work, its records on a board.

The trainer's callbacks append every record to the job's board ("steps", "evals", "samples",
"snapshots") and each step sets its "step"; the page draws from `job.view()`. Ending the job early
marks the run "stopped"; a run that ends by itself ends the job as "finished" or "diverged" (with
the trainer's explanation).

    >>> job = training_job(trainer_for_text(text), gate=JobGate(1)).start()
    >>> job.view().records["evals"][-1].val_loss

Leaves out the thread, queue and controls (see `core/jobs.py`) and the loop itself (see `training/trainer.py`).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from explain.core.job_board import Board
from explain.core.job_gate import JobGate
from explain.core.jobs import BackgroundJob
from explain.training.trainer import Trainer

RECORDS = {"on_step": "steps", "on_eval": "evals", "on_sample": "samples", "on_snapshot": "snapshots"}


def training_work(trainer: Trainer, board: Board) -> Iterator[None]:
    """Step `trainer` to its end, one step per `next()`; returns (stop_reason, message) when it ends."""
    for event, name in RECORDS.items():
        trainer.add_callback(event, lambda _trainer, record, name=name: board.append(name, record))
    trainer.add_callback("on_step", lambda _trainer, record: board.set(step=record.step))  # before evals and samples
    try:
        while not trainer.state.done:
            trainer.step()
            yield
    finally:
        trainer.finish("stopped")  # a no-op once the run finished or diverged by itself
    return trainer.state.stop_reason, trainer.state.message


def training_job(trainer: Trainer, gate: JobGate | None = None, **options: Any) -> BackgroundJob:
    """A background job (not yet started) training `trainer`; `options` go to `BackgroundJob`."""
    board = Board(step=trainer.state.step, total=trainer.config.max_steps)
    return BackgroundJob(training_work(trainer, board), board, gate, **options)
