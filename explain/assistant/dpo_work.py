"""DPO as a background job: load, measure the held-out pairs, train step by step, measure again, compare.

Each `next()` of `dpo_work` is one short piece: loading the private model copy, scoring a part of
the held-out pairs, one DPO step, or one prompt answered by the base and the tuned model. The board
carries what the page draws: "phase" ("loading", "before", "training", "after", "comparing"),
"step" / "total", the "history" of step records, "before" and "after" ({"accuracy", "margin"}),
"rows" of answers side by side, the "model" and "base_unchanged" (the frozen weights' fingerprint
equal at the end). Leaves out the thread, queue and controls (see `core/jobs.py`) and DPO itself
(see `assistant/dpo.py`).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from explain.assistant.dpo import DpoConfig, DpoTuner
from explain.core.job_board import Board
from explain.core.job_gate import JobGate
from explain.core.jobs import BackgroundJob
from explain.core.limits import PREFER_MAX_STEPS


@dataclass
class DpoSpec:
    config: DpoConfig  # the run's settings
    train: list  # training pairs
    held_out: list  # held-out pairs, measured before and after
    prompts: list  # prompts both models answer at the end
    answer_tokens: int = 40  # bound on each compared answer


def _summary(result: dict) -> dict:
    return {"accuracy": result["accuracy"], "margin": result["margin"]}


def dpo_work(spec: DpoSpec, board: Board) -> Iterator[None]:
    board.set(phase="loading")
    tuner = DpoTuner.create(spec.config, spec.train)
    board.set(model={"device": tuner.lm.device, "dtype": tuner.lm.dtype_name, "sha256": tuner.base_sha256[:16]})
    board.set(phase="before")
    yield
    board.set(before=_summary(tuner.evaluate(spec.held_out, adapted=False)))
    yield
    board.set(phase="training")
    while len(tuner.history) < min(spec.config.steps, PREFER_MAX_STEPS):
        board.append("history", tuner.step().as_dict())
        board.set(step=len(tuner.history))
        yield
    board.set(phase="after")
    yield
    board.set(after=_summary(tuner.evaluate(spec.held_out, adapted=True)))
    yield
    board.set(phase="comparing", base_unchanged=tuner.base_fingerprint() == tuner.base_sha256)
    for prompt in spec.prompts:
        base = tuner.reply(prompt, adapted=False, max_new_tokens=spec.answer_tokens)
        tuned = tuner.reply(prompt, adapted=True, max_new_tokens=spec.answer_tokens)
        board.append("rows", {"prompt": prompt, "base": base, "tuned": tuned})
        yield


def dpo_job(spec: DpoSpec, gate: JobGate | None = None, **options: Any) -> BackgroundJob:
    """A background job (not yet started) running `dpo_work(spec)`; `options` go to `BackgroundJob`."""
    board = Board(phase="loading", step=0, total=spec.config.steps)
    return BackgroundJob(dpo_work(spec, board), board, gate, **options)
