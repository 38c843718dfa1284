"""The mixture of experts and its dense twin trained side by side, one step each in turn, as one background job.

Both models get the same text, the same batches (same seed), the same schedule, through the
shared `Trainer`; the MoE's router is watched on every training batch, and at each evaluation
the board gets each expert's share of the load since the previous one and the mean
load-balancing loss. Board lists: "moe_steps", "moe_evals", "dense_steps", "dense_evals"
(the trainer's records) and "load" (`LoadRecord`); its "step" counts the pairs of steps done, its
"routing" holds the routing of the run's sentence at the latest evaluation (read on the job's thread,
so a page never waits for the model while it trains).

    >>> run = paired_run(corpora.load_corpus("pizza"), MoEConfig(), TrainConfig(max_steps=300))
    >>> job = paired_job(run).start()
    >>> summary(run, "the red cat")["params_active"]

Leaves out the models (see `training/moe.py`), reading the router (see `training/routing.py`)
and the thread and its controls (see `core/jobs.py`).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from explain.core.job_board import Board
from explain.core.job_gate import JobGate
from explain.core.jobs import BackgroundJob
from explain.training import moe, routing
from explain.training.data import prepare_data
from explain.training.trainer import TrainConfig, Trainer

DEFAULT_CORPUS = "pizza"
DEFAULT_STEPS = 600  # the page's and the CLI's default run
BATCH = 16  # sequences of the model's context per step, for both models
RECORDS = {"on_step": "steps", "on_eval": "evals"}


@dataclass
class LoadRecord:
    step: int
    load: (
        np.ndarray
    )  # (L, E): each expert's share of the top-k assignments on the training batches since the last record
    aux_loss: float  # mean load-balancing loss over those batches (equals top-k when perfectly balanced)


@dataclass
class LoadTracker:
    """Adds up the router's choices on every training batch; `record(step)` hands over the mean and starts again."""

    top_k: int
    loads: list = field(default_factory=list)  # one (L, E) array per training batch
    aux: list = field(default_factory=list)

    def listen(self, router_logits: tuple, aux_loss: Any) -> None:
        self.loads.append(routing.expert_load([r.detach() for r in router_logits], self.top_k))
        self.aux.append(float(aux_loss.detach()))

    def record(self, step: int) -> LoadRecord:
        load = np.mean(self.loads, axis=0) if self.loads else np.zeros((0, 0))
        record = LoadRecord(step, load, float(np.mean(self.aux)) if self.aux else float("nan"))
        self.loads, self.aux = [], []
        return record


@dataclass
class PairedRun:
    moe_cfg: moe.MoEConfig
    moe: Trainer  # trains the MixtralForCausalLM
    dense: Trainer  # trains the MistralForCausalLM with the same active parameters
    tracker: LoadTracker
    sentence: str  # routed at every evaluation, so the page can show it without touching the model

    def trainers(self) -> dict[str, Trainer]:
        return {"moe": self.moe, "dense": self.dense}


def paired_run(text: str, cfg: moe.MoEConfig, config: TrainConfig, sentence: str = "") -> PairedRun:
    """Both models, initialised from `config.seed`, with their trainers on the same data; the router watched.

    `sentence` (default: the trainer's prompt, the start of the validation text) is routed at each evaluation.
    """
    data = prepare_data(text)
    moe_model = moe.build_moe(cfg, data.vocab_size, seed=config.seed)
    dense_model = moe.build_dense(cfg, data.vocab_size, seed=config.seed)
    tracker = LoadTracker(cfg.top_k)
    moe.add_balancing_loss(moe_model, tracker.listen)
    moe_trainer = Trainer(moe_model, data, config)
    return PairedRun(cfg, moe_trainer, Trainer(dense_model, data, config), tracker, sentence or moe_trainer.prompt)


def paired_work(run: PairedRun, board: Board) -> Iterator[None]:
    """One step of each model per `next()`; returns (stop_reason, message) when both are done."""
    for name, trainer in run.trainers().items():
        for event, record_name in RECORDS.items():
            trainer.add_callback(event, lambda _t, rec, key=f"{name}_{record_name}": board.append(key, rec))
    run.moe.add_callback("on_eval", lambda _t, rec: board.append("load", run.tracker.record(rec.step)))
    run.moe.add_callback("on_eval", lambda _t, rec: board.set(routing=route(run), routing_step=rec.step))
    try:
        while not (run.moe.state.done and run.dense.state.done):
            for trainer in run.trainers().values():
                if not trainer.state.done:
                    trainer.step()
            board.set(step=run.moe.state.step)
            yield
    finally:
        for trainer in run.trainers().values():
            trainer.finish("stopped")  # a no-op for a run that ended by itself
    diverged = [t.state for t in run.trainers().values() if t.state.stop_reason == "diverged"]
    return ("diverged", diverged[0].message) if diverged else (run.moe.state.stop_reason, "")


def route(run: PairedRun, sentence: str | None = None) -> list[dict]:
    """The MoE's routing of `sentence` (default: the run's own), per token and layer (see `routing.route_tokens`)."""
    return routing.route_tokens(run.moe.model, run.moe.data.tokenizer, sentence or run.sentence)


def paired_job(run: PairedRun, gate: JobGate | None = None, **options: Any) -> BackgroundJob:
    """A background job (not yet started) training both models of `run`."""
    board = Board(step=run.moe.state.step, total=run.moe.config.max_steps)
    return BackgroundJob(paired_work(run, board), board, gate, **options)


def summary(run: PairedRun, sentence: str) -> dict:
    """What the CLI prints: sizes, final held-out losses, the held-out expert load and the routing of `sentence`."""
    losses = {name: trainer.evaluate().val_loss for name, trainer in run.trainers().items()}
    load = routing.held_out_load(run.moe.model, run.moe.data.val_ids)
    return {
        "params_total": moe.count_total(run.moe.model),
        "params_active": moe.count_active(run.moe.model),
        "dense_params": moe.count_total(run.dense.model),
        "loss": round(losses["moe"], 4),
        "dense_loss": round(losses["dense"], 4),
        "expert_load": np.round(load, 4).tolist(),
        "routing": route(run, sentence),
    }
