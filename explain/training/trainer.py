"""Training a tiny causal LM from scratch on a text, one step at a time, reporting through callbacks.

minGPT-style: a `Trainer` owns the model, the optimiser and the data; `step()`
does one gradient step on a random batch and returns a `StepRecord`; every
`eval_every` steps it measures the validation loss (and perplexity = exp(loss)),
every `sample_every` steps it generates a sample from a fixed prompt, every
`snapshot_every` steps it records the attention on the prompt and a 2-D map of
the embeddings. Callbacks (`on_step`, `on_eval`, `on_sample`, `on_snapshot`,
`on_stop`) let a UI listen without the loop knowing about it. A NaN or exploding
loss stops the run with an explanation. On the CPU a fixed seed gives the same
losses, bit for bit.

    >>> data = prepare_data(text)                       # char tokenizer + train/val ids
    >>> model = tiny_gpt.build_model(tiny_gpt.preset("tiny"), data.vocab_size, seed=0)
    >>> trainer = Trainer(model, data, TrainConfig(max_steps=300))
    >>> trainer.add_callback("on_eval", lambda tr, rec: print(rec))
    >>> trainer.run()

Leaves out threads (see `core/jobs.py` and `training/work.py`), the data and its batches (see
`training/data.py`), the records (see `training/records.py`), sampling and attention probes (see
`training/probes.py`), corpora (see `training/corpora.py`), mixed precision (see `training/precision.py`:
training steps run under bf16 autocast where the hardware has bf16 units, on a CPU then with eager attention;
evaluation, samples and snapshots stay float32) and distributed training.
"""

from __future__ import annotations

import math
import time
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F

from explain.core.callbacks import Callbacks
from explain.core.device import pick_device
from explain.core.limits import MAX_BATCH, TRAIN_MAX_STEPS
from explain.training import char_tokenizer, tiny_gpt
from explain.training import precision as mixed
from explain.training.data import Data, get_batch, prepare_data
from explain.training.probes import attention_on, embedding_map, generate
from explain.training.records import EvalRecord, SampleRecord, Snapshot, StepRecord, TrainerState

LR_CHOICES = (1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2, 0.1, 0.3, 1.0, 3.0, 10.0)  # the page offers these; high ones diverge
EVENTS = ("on_step", "on_eval", "on_sample", "on_snapshot", "on_stop")


@dataclass
class TrainConfig:
    max_steps: int = 500  # gradient steps in the run, at most TRAIN_MAX_STEPS
    batch_size: int = 32  # sequences per step; each is block_size tokens long
    learning_rate: float = 3e-3  # peak learning rate of AdamW
    warmup_steps: int = 20  # linear warm-up from 0 to the peak
    min_lr_ratio: float = 0.1  # cosine decay ends at this fraction of the peak
    weight_decay: float = 0.01  # AdamW decay, on matrices only (not norms)
    grad_clip: float = 1.0  # gradient norm bound; 0 disables
    eval_every: int = 50  # steps between validation-loss measurements
    eval_batches: int = 4  # batches averaged for the validation loss (always the same ones)
    sample_every: int = 100  # steps between samples from the fixed prompt; 0 disables
    sample_prompt: str = ""  # the fixed prompt; empty means the first characters of the validation text
    sample_tokens: int = 120  # tokens generated per sample
    temperature: float = 0.8  # sampling temperature for the samples
    snapshot_every: int = 100  # steps between attention / embedding snapshots; 0 disables
    seed: int = 0  # batches, sampling and (when the trainer builds it) the model's init
    device: str | None = None  # "cpu", "cuda"...; None picks the best (explain.core.device.pick_device)
    explode_factor: float = 3.0  # stop when the loss exceeds explode_factor x ln(vocab size)
    precision: str = "auto"  # "bf16" autocast with float32 master weights, "fp32", or "auto" (training/precision.py)
    compile: bool = False  # torch.compile the steps: ~25 s to compile, then ~1.5x faster (see training/precision.py)

    def as_dict(self) -> dict:
        return asdict(self)


def lr_at(step: int, cfg: TrainConfig) -> float:
    """Linear warm-up, then cosine decay to min_lr_ratio x peak at max_steps.

    >>> lr_at(0, TrainConfig(learning_rate=1.0, warmup_steps=10))
    0.1
    """
    if step < cfg.warmup_steps:
        return cfg.learning_rate * (step + 1) / cfg.warmup_steps
    progress = min(1.0, (step - cfg.warmup_steps) / max(1, cfg.max_steps - cfg.warmup_steps))
    floor = cfg.learning_rate * cfg.min_lr_ratio
    return floor + (cfg.learning_rate - floor) * 0.5 * (1 + math.cos(math.pi * progress))


def make_optimizer(model: torch.nn.Module, cfg: TrainConfig) -> torch.optim.Optimizer:
    """AdamW with weight decay on matrices (embeddings, linears) and none on norm gains."""
    params = [p for p in model.parameters() if p.requires_grad]
    groups = [
        {"params": [p for p in params if p.dim() >= 2], "weight_decay": cfg.weight_decay},
        {"params": [p for p in params if p.dim() < 2], "weight_decay": 0.0},
    ]
    return torch.optim.AdamW(groups, lr=cfg.learning_rate, betas=(0.9, 0.99))


def lm_loss(model: Any, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Mean next-token cross-entropy of `model` on x (B, T) against targets y (B, T), in float32."""
    logits = model(input_ids=x).logits  # (B, T, V); bf16 under autocast
    return F.cross_entropy(logits.float().reshape(-1, logits.size(-1)), y.reshape(-1))


def divergence_message(step: int, loss: float, lr: float) -> str:
    """Why a run stopped when its loss blew up, and what to do."""
    what = "became NaN (not a number)" if not math.isfinite(loss) else f"exploded to {loss:.3g}"
    return (
        f"The loss {what} at step {step}: the learning rate ({lr:.3g}) is too high, so each update "
        "overshoots and the weights run away. Lower the learning rate (e.g. 3e-3) and start again."
    )


class Trainer(Callbacks):
    """Trains `model` on `data` step by step; listeners attach with `add_callback(event, fn(trainer, record))`."""

    EVENTS = EVENTS

    def __init__(self, model: Any, data: Data, config: TrainConfig) -> None:
        if not 1 <= config.max_steps <= TRAIN_MAX_STEPS:
            raise ValueError(f"max_steps must be between 1 and {TRAIN_MAX_STEPS:,}, got {config.max_steps}.")
        if not 1 <= config.batch_size <= MAX_BATCH:
            raise ValueError(f"batch_size must be between 1 and {MAX_BATCH}, got {config.batch_size}.")
        self.config = config
        self.data = data
        self.device = pick_device(config.device)
        params = sum(p.numel() for p in model.parameters())
        self.precision = mixed.resolve(self.device, config.precision, params)  # "bf16" or "fp32"
        self.model = model.to(self.device).train()
        mixed.prepare(self.model, self.device, self.precision)  # bf16_attention, bf16 rotary for CPU bf16 steps
        # The training steps may run a compiled twin sharing these parameters; evaluation and samples stay eager.
        self.step_model = torch.compile(self.model) if config.compile else self.model
        self.block_size = model.config.max_position_embeddings
        shortest = min(len(data.train_ids), len(data.val_ids))
        if shortest < self.block_size + 2:
            raise ValueError(f"The text is too short for a context of {self.block_size} tokens: give a longer text.")
        self.optimizer = make_optimizer(self.model, config)
        self.batch_gen = torch.Generator().manual_seed(config.seed)
        self.sample_gen = torch.Generator().manual_seed(config.seed + 1)
        self.state = TrainerState()
        self.prompt = config.sample_prompt or char_tokenizer.decode(data.tokenizer, data.val_ids[:24].tolist())
        self._since_eval: list[float] = []
        self._speed: float = 0.0
        self._started = time.perf_counter()

    def _train_step(self, lr: float) -> tuple[float, float]:
        """One gradient step; returns (loss, seconds)."""
        start = time.perf_counter()
        x, y = get_batch(self.data.train_ids, self.config.batch_size, self.block_size, self.batch_gen)
        for group in self.optimizer.param_groups:
            group["lr"] = lr
        with mixed.autocast(self.device, self.precision):
            loss = lm_loss(self.step_model, x.to(self.device), y.to(self.device))
        self.optimizer.zero_grad(set_to_none=True)
        loss.backward()
        if self.config.grad_clip > 0:
            torch.nn.utils.clip_grad_norm_(self.model.parameters(), self.config.grad_clip)
        self.optimizer.step()
        return loss.item(), time.perf_counter() - start

    def step(self) -> StepRecord | None:
        """Do one step (plus any evaluation, sample or snapshot due); None once the run is over."""
        if self.state.done:
            return None
        cfg, n = self.config, self.state.step
        lr = lr_at(n, cfg)
        loss, seconds = self._train_step(lr)
        self.state.step = n = n + 1
        self.state.train_losses.append(loss)
        self._since_eval.append(loss)
        rate = cfg.batch_size * self.block_size / max(seconds, 1e-9)
        self._speed = rate if self._speed == 0 else 0.9 * self._speed + 0.1 * rate
        record = StepRecord(n, loss, lr, self._speed, time.perf_counter() - self._started)
        self.fire("on_step", record)
        if not math.isfinite(loss) or loss > cfg.explode_factor * math.log(self.data.vocab_size):
            self.finish("diverged", divergence_message(n, loss, lr))
            return record
        self._periodic(n)
        if n >= cfg.max_steps:
            self.finish("finished")
        return record

    def _periodic(self, n: int) -> None:
        cfg = self.config
        if n == 1 or n % cfg.eval_every == 0 or n == cfg.max_steps:
            self.fire("on_eval", self.evaluate())
        if cfg.sample_every and (n == 1 or n % cfg.sample_every == 0 or n == cfg.max_steps):
            self.fire("on_sample", SampleRecord(n, self.prompt, self.sample(self.prompt, cfg.sample_tokens)))
        if cfg.snapshot_every and (n == 1 or n % cfg.snapshot_every == 0 or n == cfg.max_steps):
            self.fire("on_snapshot", self.snapshot())

    def finish(self, reason: str, message: str = "") -> None:
        """End the run ("finished", "diverged" or "stopped"); tells the on_stop listeners once."""
        if self.state.done:
            return
        self.state.done, self.state.stop_reason, self.state.message = True, reason, message
        self.fire("on_stop", self.state)

    def run(self, steps: int | None = None) -> TrainerState:
        """Step until the run is over (or `steps` more steps are done)."""
        for _ in range(steps if steps is not None else self.config.max_steps):
            if self.step() is None or self.state.done:
                break
        return self.state

    @torch.no_grad()
    def evaluate(self) -> EvalRecord:
        """Validation loss on the same `eval_batches` batches every time, so values compare."""
        self.model.eval()
        gen = torch.Generator().manual_seed(self.config.seed + 2)
        losses = []
        for _ in range(self.config.eval_batches):
            x, y = get_batch(self.data.val_ids, self.config.batch_size, self.block_size, gen)
            losses.append(lm_loss(self.model, x.to(self.device), y.to(self.device)).item())
        self.model.train()
        val = float(np.mean(losses))
        train = float(np.mean(self._since_eval)) if self._since_eval else float("nan")
        self._since_eval = []
        return EvalRecord(self.state.step, val, math.exp(min(val, 50.0)), train)

    def sample(self, prompt: str, n_tokens: int, temperature: float | None = None) -> str:
        """Generate `n_tokens` after `prompt` (seeded by the trainer's sampling generator)."""
        return generate(
            self.model,
            self.data.tokenizer,
            prompt,
            n_tokens,
            temperature if temperature is not None else self.config.temperature,
            self.sample_gen,
        )

    def snapshot(self) -> Snapshot:
        """The attention on the prompt and the embedding map, as plain numpy arrays."""
        tokens, attentions = attention_on(self.model, self.data.tokenizer, self.prompt)
        vocab = self.data.tokenizer.convert_ids_to_tokens(list(range(self.data.vocab_size)))
        return Snapshot(self.state.step, tokens, attentions, embedding_map(self.model), vocab)


def trainer_for_text(
    text: str, model_config: tiny_gpt.TinyGPTConfig | None = None, config: TrainConfig | None = None
) -> Trainer:
    """The one-liner: a char tokenizer and a fresh tiny model for `text`, ready to `run()`.

    The model's init uses `config.seed`, so the same seed gives the same run on the CPU.
    """
    config = config or TrainConfig()
    data = prepare_data(text)
    model = tiny_gpt.build_model(model_config or tiny_gpt.preset("tiny"), data.vocab_size, seed=config.seed)
    return Trainer(model, data, config)
