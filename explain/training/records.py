"""What a training run reports: one record type per callback event, and the trainer's own state.

Plain dataclasses (numbers, strings, numpy arrays), safe to copy to a page or print from the CLI.
Leaves out producing them (see `training/trainer.py`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


@dataclass
class StepRecord:
    step: int  # steps done so far (1 after the first)
    loss: float  # training loss of this step's batch (cross-entropy, nats per token)
    lr: float  # learning rate used for this step
    tokens_per_s: float  # training tokens per second, smoothed over recent steps
    seconds: float  # wall time since the run started


@dataclass
class EvalRecord:
    step: int
    val_loss: float  # mean cross-entropy on the fixed validation batches
    perplexity: float  # exp(val_loss): as uncertain as a fair choice among this many tokens
    train_loss: float  # mean training loss since the previous evaluation


@dataclass
class SampleRecord:
    step: int
    prompt: str
    text: str  # the generated continuation only


@dataclass
class Snapshot:
    step: int
    tokens: list[str]  # the prompt's characters, one per attention row
    attentions: np.ndarray  # (L, H, T, T) attention weights on the prompt, rows sum to 1
    embedding_2d: np.ndarray  # (V, 2) token embeddings projected on their two main axes (PCA)
    vocab: list[str]  # (V,) the token of each embedding row


@dataclass
class TrainerState:
    step: int = 0
    done: bool = False  # no further step will run
    stop_reason: str = ""  # "finished", "diverged", "stopped" (by request) or "" while running
    message: str = ""  # the explanation shown to the user when the run stopped early
    train_losses: list[float] = field(default_factory=list)  # one per step
