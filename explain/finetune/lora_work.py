"""LoRA fine-tuning as a background job: load, train step by step, save, then compare answers.

Each `next()` of `lora_work` is one short piece: loading the private model copy, one gradient
step, or one held-out question answered by both models. The board carries what the page draws:
"phase" ("loading", "training", "comparing"), "step" / "total", the "history" of loss records
(dicts), the comparison "rows", the "model" (device, dtype, parameter counts) and where the
adapters were "saved". Stopping during training still saves the adapters trained so far. The same
job can skip training and load saved adapters instead, to compare them again.

Leaves out the thread, queue and controls (see `core/jobs.py`) and the training itself (see `finetune/lora.py`).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from explain.core.job_board import Board
from explain.core.job_gate import JobGate
from explain.core.jobs import BackgroundJob
from explain.core.limits import LORA_MAX_STEPS
from explain.finetune.adapters import saved_history
from explain.finetune.lora import FinetuneConfig, LoraFinetuner, compare_answers, load_finetuned


@dataclass
class LoraSpec:
    config: FinetuneConfig  # the run's settings
    train: list  # training dialogues (ignored when `adapter` is set)
    compare: list  # held-out dialogues whose first question both models answer
    adapter: str = ""  # a saved adapter to load instead of training
    save_as: str = ""  # name to save the adapters under after training ("" = do not save)
    answer_tokens: int = 40  # bound on each compared answer


def _load(spec: LoraSpec, board: Board) -> LoraFinetuner:
    """A fresh fine-tuner, or the saved adapters with their loss history; tells the board the model."""
    if spec.adapter:  # show the saved run's loss curve, then compare
        tuner = load_finetuned(spec.adapter, spec.config.device, spec.config.dtype)
        for record in saved_history(spec.adapter):
            board.append("history", record)
        board.set(saved=spec.adapter)
    else:
        tuner = LoraFinetuner.create(spec.config, spec.train)
    board.set(model={"device": tuner.lm.device, "dtype": tuner.lm.dtype_name, **tuner.parameter_counts()})
    return tuner


def _train(tuner: LoraFinetuner, spec: LoraSpec, board: Board) -> Iterator[None]:
    """One gradient step per `next()`; saves the adapters at the end, even when stopped early."""
    tuner.add_callback("on_step", lambda _tuner, record: board.append("history", record.as_dict()))
    try:
        while len(tuner.history) < min(spec.config.steps, LORA_MAX_STEPS):
            tuner.step()
            board.set(step=len(tuner.history))
            yield
    finally:
        if spec.save_as and tuner.history:
            board.set(saved=str(tuner.save(spec.save_as)))


def lora_work(spec: LoraSpec, board: Board) -> Iterator[None]:
    """Load, train (unless reloading `spec.adapter`), then answer each held-out question with both models."""
    board.set(phase="loading")
    tuner = _load(spec, board)
    yield
    board.set(phase="training")
    if not spec.adapter:
        yield from _train(tuner, spec, board)
    board.set(phase="comparing")
    for dialogue in spec.compare:
        board.append("rows", compare_answers(tuner, [dialogue], spec.answer_tokens)[0])
        yield


def lora_job(spec: LoraSpec, gate: JobGate | None = None, **options: Any) -> BackgroundJob:
    """A background job (not yet started) running `lora_work(spec)`; `options` go to `BackgroundJob`."""
    board = Board(phase="loading", step=0, total=0 if spec.adapter else spec.config.steps)
    return BackgroundJob(lora_work(spec, board), board, gate, **options)
