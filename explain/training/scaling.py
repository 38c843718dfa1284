"""A scaling sweep: tiny GPTs of 3-5 sizes trained on the same text with the same token budget, one after another.

Every size sees the same number of training tokens D (the same batches, from the same seed)
and is scored by its held-out loss at the end, so the only thing that changes is the number
of parameters N. Training compute is counted with the usual rule C = 6 N D (two FLOPs per
weight per token forward, four backward; attention's extra is left out, as in Kaplan et al.
2020). The sweep is a generator for the shared background-job runner: one training step per
`next()`, its progress and each finished point on a `Board` ("evals": `SizeEval`, "points":
`ScalingPoint`).

    >>> sweep = ScalingSweep(text, n_sizes=3, tokens=100_000)
    >>> for _ in sweep.work(Board()): pass
    >>> [p.params for p in sweep.points]          # e.g. [54_000, 790_000, 4_000_000]

Leaves out fitting the power law (see `training/power_law.py`) and the loop (the shared `training/trainer.py`).
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from explain.core.job_board import Board
from explain.core.job_gate import JobGate
from explain.core.jobs import BackgroundJob
from explain.core.limits import SCALING_SIZES_RANGE, SCALING_TOKENS_RANGE
from explain.training import tiny_gpt
from explain.training.data import prepare_data
from explain.training.trainer import TrainConfig, Trainer

# The ladder, about 50 k to 4 M parameters, each rung roughly 2.5-4 x the one before (context 64 everywhere).
LADDER = (
    tiny_gpt.TinyGPTConfig(n_layer=2, n_head=2, n_embd=40, block_size=64),
    tiny_gpt.TinyGPTConfig(n_layer=3, n_head=4, n_embd=64, block_size=64),
    tiny_gpt.TinyGPTConfig(n_layer=3, n_head=4, n_embd=128, block_size=64),
    tiny_gpt.TinyGPTConfig(n_layer=4, n_head=4, n_embd=176, block_size=64),
    tiny_gpt.TinyGPTConfig(n_layer=5, n_head=4, n_embd=224, block_size=64),
)
BATCH = 16  # sequences per step, for every size: tokens per step = BATCH x 64
DEFAULT_SIZES = 4
DEFAULT_TOKENS = 100_000  # per size; at 200,000 the 4 M model already overfits the 40,000-character pizza text
DEFAULT_CORPUS = "pizza"


@dataclass
class SizeEval:
    size: int  # index of the size in the sweep (0 = smallest)
    params: int
    step: int
    val_loss: float
    flops: float  # training compute spent so far: 6 x params x tokens seen


@dataclass
class ScalingPoint:
    params: int  # N, every parameter (the tied embedding once)
    tokens: int  # D, training tokens seen
    flops: float  # C = 6 N D
    val_loss: float  # held-out loss at the end (nats per token)

    def as_dict(self) -> dict:
        return {"params": self.params, "tokens": self.tokens, "flops": self.flops, "val_loss": round(self.val_loss, 4)}


def ladder(n_sizes: int) -> list[tiny_gpt.TinyGPTConfig]:
    """`n_sizes` rungs spread over the ladder, the smallest and the largest always included.

    >>> [c.n_embd for c in ladder(3)]
    [40, 128, 224]
    """
    low, high = SCALING_SIZES_RANGE
    if not low <= n_sizes <= high:
        raise ValueError(f"The sweep trains between {low} and {high} sizes, got {n_sizes}.")
    picks = np.round(np.linspace(0, len(LADDER) - 1, n_sizes)).astype(int)
    return [LADDER[i] for i in picks]


def steps_for(tokens: int, block_size: int = 64, batch: int = BATCH) -> int:
    """Training steps that see at least `tokens` tokens, bounded like the CLI says."""
    low, high = SCALING_TOKENS_RANGE
    if not low <= tokens <= high:
        raise ValueError(f"The token budget must be between {low:,} and {high:,} tokens, got {tokens:,}.")
    return math.ceil(tokens / (batch * block_size))


def training_flops(params: int, tokens: int) -> float:
    """C = 6 N D: the usual estimate of a training run's FLOPs.

    >>> training_flops(175_000_000_000, 300_000_000_000)
    3.15e+23
    """
    return 6.0 * params * tokens


def size_eval(size: int, params: int, record: Any) -> SizeEval:
    """A trainer's EvalRecord for the sweep, with the compute spent up to it."""
    tokens = record.step * BATCH * LADDER[0].block_size
    return SizeEval(size, params, record.step, record.val_loss, training_flops(params, tokens))


def compute_frontier(evals: list[SizeEval]) -> list[SizeEval]:
    """The evaluations no other one beats with less compute: the best loss reachable at each budget, any size.

    Kaplan et al. 2020 fit L(C) on this frontier (their "compute-efficient" envelope). The first
    evaluation of each size (one step: still the random model) is left out.

    >>> e = lambda c, l: SizeEval(0, 1, 2, l, c)
    >>> [x.flops for x in compute_frontier([e(1, 3.0), e(2, 3.5), e(3, 2.0)])]
    [1, 3]
    """
    best, kept = float("inf"), []
    for record in sorted((e for e in evals if e.step > 1), key=lambda e: e.flops):
        if record.val_loss < best:
            best = record.val_loss
            kept.append(record)
    return kept


@dataclass
class ScalingSweep:
    text: str
    n_sizes: int = DEFAULT_SIZES
    tokens: int = DEFAULT_TOKENS
    seed: int = 0
    device: str | None = None
    configs: list = field(init=False)
    points: list = field(init=False, default_factory=list)

    def __post_init__(self) -> None:
        self.configs = ladder(self.n_sizes)
        self.steps = steps_for(self.tokens)
        self.data = prepare_data(self.text)  # one tokenizer and split for every size
        self.params = [tiny_gpt.estimate_parameters(c, self.data.vocab_size) for c in self.configs]

    def train_config(self) -> TrainConfig:
        every = max(1, self.steps // 8)
        return TrainConfig(
            max_steps=self.steps, batch_size=BATCH, eval_every=every, eval_batches=8, sample_every=0,
            snapshot_every=0, seed=self.seed, device=self.device,
        )  # fmt: skip

    def total_steps(self) -> int:
        return self.steps * len(self.configs)

    def work(self, board: Board) -> Iterator[None]:
        """Train each size in turn, one step per `next()`; each finished size appends a `ScalingPoint`."""
        for size, cfg in enumerate(self.configs):
            model = tiny_gpt.build_model(cfg, self.data.vocab_size, seed=self.seed)
            trainer = Trainer(model, self.data, self.train_config())
            params = tiny_gpt.count_parameters(model)
            trainer.add_callback(
                "on_eval", lambda _t, rec, s=size, n=params: board.append("evals", size_eval(s, n, rec))
            )
            board.set(phase=f"{size + 1}/{len(self.configs)}")
            while not trainer.state.done:
                trainer.step()
                board.set(step=size * self.steps + trainer.state.step)
                yield
            if trainer.state.stop_reason == "diverged":
                return "diverged", trainer.state.message
            seen = trainer.state.step * BATCH * cfg.block_size
            point = ScalingPoint(params, seen, training_flops(params, seen), trainer.evaluate().val_loss)
            self.points.append(point)
            board.append("points", point)
        return None


def scaling_job(sweep: ScalingSweep, gate: JobGate | None = None, **options: Any) -> BackgroundJob:
    """A background job (not yet started) running `sweep`."""
    board = Board(step=0, total=sweep.total_steps(), phase="")
    return BackgroundJob(sweep.work(board), board, gate, **options)
