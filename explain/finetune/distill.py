"""Knowledge distillation: the training page's tiny model learns from text SmolLM2 (the teacher) wrote.

Two kinds of distillation exist. With *soft labels* the student is trained to match the
teacher's whole next-token distribution (a KL-divergence loss), which needs both models to
share one vocabulary. Our student reads characters and SmolLM2 reads 49,152 BPE tokens, so we
use the other kind, *sequence-level* distillation (Kim & Rush, 2016): the teacher writes text,
and the student is trained on that text with the ordinary next-token loss. It is what "train a
small model on a big model's outputs" means in practice.

The comparison is fair by construction: both students have the same architecture, the same
seed, the same steps and one character vocabulary built from both texts; only the training
text differs (the raw corpus or the teacher's). Each is evaluated on the held-out end of both
texts. `distill_work` runs the comparison one training step at a time, so the page runs it as a
background job (`distill_job`) behind the same queue as training and fine-tuning. Leaves out soft
labels and the training loop itself (see `training/trainer.py`).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import torch

from explain.core.chat import chat_ids
from explain.core.job_board import Board
from explain.core.job_gate import JobGate
from explain.core.jobs import BackgroundJob
from explain.core.loading import LoadedModel
from explain.core.paths import ASSETS
from explain.training import char_tokenizer, tiny_gpt
from explain.training.corpora import load_corpus
from explain.training.data import get_batch, prepare_data
from explain.training.probes import generate
from explain.training.trainer import TrainConfig, Trainer, lm_loss

TEACHER_FILE = ASSETS / "distill" / "teacher_smollm2.txt"
RAW_CORPUS = "explainer"  # the training page's short text about LLMs
SAMPLE_PROMPT = "A language model "

TEACHER_PROMPTS = [  # what the teacher is asked to write about: the same topics as the raw corpus
    "Explain in a short paragraph what a language model is.",
    "Explain what a token is in a language model.",
    "How does a language model predict the next word?",
    "What is an embedding in machine learning?",
    "Explain attention in transformers simply.",
    "How is a language model trained?",
    "What is fine-tuning of a language model?",
    "What are the limits of large language models?",
    "What is a neural network?",
    "Explain what a transformer is.",
    "What does the softmax function do?",
    "What is the loss of a language model?",
    "Why do language models make mistakes?",
    "What is a vocabulary in a tokenizer?",
    "Explain gradient descent in simple words.",
    "What is the temperature when generating text?",
]


@dataclass
class DistillConfig:
    steps: int = 300  # gradient steps for each student
    preset: str = "tiny"  # student architecture, from tiny_gpt.PRESETS
    batch_size: int = 32  # sequences per step
    seed: int = 0  # same init and batches for both students
    eval_batches: int = 8  # held-out batches averaged per evaluation
    sample_chars: int = 160  # characters each student writes from SAMPLE_PROMPT


@torch.no_grad()
def teacher_text(
    lm: LoadedModel,
    prompts: list[str],
    max_new_tokens: int = 160,
    temperature: float = 0.7,
    seed: int = 0,
    progress: Callable[[int, int], None] | None = None,
) -> str:
    """The teacher's answers to `prompts` (sampled, one batch of left-padded prompts), joined by blank lines."""
    tok = lm.tokenizer
    rows = [chat_ids(lm, [{"role": "user", "content": p}]) for p in prompts]
    width = max(len(r) for r in rows)
    pad = tok.pad_token_id if tok.pad_token_id is not None else tok.eos_token_id
    ids = torch.tensor([[pad] * (width - len(r)) + r for r in rows], device=lm.device)  # (B, T) left-padded
    mask = torch.tensor([[0] * (width - len(r)) + [1] * len(r) for r in rows], device=lm.device)
    torch.manual_seed(seed)
    with lm.lock:
        out = lm.model.generate(
            ids,
            attention_mask=mask,
            max_new_tokens=max_new_tokens,
            do_sample=True,
            temperature=temperature,
            top_p=0.95,
            pad_token_id=tok.eos_token_id,
        )
    if progress:
        progress(len(prompts), len(prompts))
    answers = [tok.decode(row[width:], skip_special_tokens=True).strip() for row in out]
    return "\n\n".join(a for a in answers if a) + "\n"


def shipped_teacher_text() -> str:
    """The teacher text stored with the app (made by `assets/distill/make_teacher_text.py`)."""
    return TEACHER_FILE.read_text(encoding="utf-8")


@torch.no_grad()
def held_out_loss(model, ids: torch.Tensor, cfg: DistillConfig) -> float:
    """Mean next-character cross-entropy (nats) on fixed batches of held-out `ids` (N,)."""
    model.eval()
    gen = torch.Generator().manual_seed(cfg.seed + 2)
    block = model.config.max_position_embeddings
    losses = [lm_loss(model, *get_batch(ids, cfg.batch_size, block, gen)).item() for _ in range(cfg.eval_batches)]
    model.train()
    return sum(losses) / len(losses)


def student_trainer(text: str, tokenizer, cfg: DistillConfig) -> Trainer:
    """A fresh tiny student for `text` with the shared char `tokenizer`, ready for `cfg.steps` steps."""
    data = prepare_data(text, tokenizer=tokenizer)
    model = tiny_gpt.build_model(tiny_gpt.preset(cfg.preset), data.vocab_size, seed=cfg.seed)
    config = TrainConfig(
        max_steps=cfg.steps,
        batch_size=cfg.batch_size,
        eval_every=max(cfg.steps // 6, 1),
        sample_every=0,
        snapshot_every=0,
        seed=cfg.seed,
        device="cpu",
    )
    return Trainer(model, data, config)


def _describe(trainer: Trainer, held: dict, cfg: DistillConfig) -> dict:
    """A trained student's curve, held-out losses on both texts and a sample."""
    model, tokenizer = trainer.model, trainer.data.tokenizer
    loss_raw, loss_teacher = held_out_loss(model, held["raw"], cfg), held_out_loss(model, held["teacher"], cfg)
    gen = torch.Generator().manual_seed(cfg.seed)
    return {
        "curve": _curve(trainer),
        "loss_on_raw": round(loss_raw, 4),
        "loss_on_teacher": round(loss_teacher, 4),
        "perplexity_on_raw": round(math.exp(loss_raw), 2),
        "sample": generate(model, tokenizer, SAMPLE_PROMPT, cfg.sample_chars, 0.8, gen),
    }


def distill_work(raw: str, teacher: str, cfg: DistillConfig, board: Board) -> Iterator[None]:
    """Train the same student on `raw`, then on `teacher`, one step per `next()`; the comparison
    lands on the board as "result" (see `compare_students`). While it runs the board's "phase" is the
    student in training ("raw" or "teacher") and "step" counts the steps of both, out of "total".
    """
    tokenizer = char_tokenizer.build_char_tokenizer(raw + teacher)  # one vocabulary for both
    held = {name: prepare_data(t, tokenizer=tokenizer).val_ids for name, t in (("raw", raw), ("teacher", teacher))}
    out = {"students": {}, "chars": {"raw": len(raw), "teacher": len(teacher)}, "vocab_size": len(tokenizer)}
    board.set(step=0, total=2 * cfg.steps)
    for i, (name, text) in enumerate((("raw", raw), ("teacher", teacher))):
        board.set(phase=name)
        trainer = student_trainer(text, tokenizer, cfg)
        while not trainer.state.done:
            trainer.step()
            board.set(step=i * cfg.steps + trainer.state.step)
            yield
        out["students"][name] = _describe(trainer, held, cfg)
        out["student_parameters"] = tiny_gpt.count_parameters(trainer.model)
    board.set(result=out)


def compare_students(
    raw: str, teacher: str, cfg: DistillConfig, progress: Callable[[float], None] | None = None
) -> dict:
    """Train the same student on `raw` and on `teacher`; losses on both held-out texts, samples, sizes.

    {"students": {"raw": {...}, "teacher": {...}}, "student_parameters", "vocab_size", "chars"}
    where each student has "curve" [(step, mean training loss)], "loss_on_raw",
    "loss_on_teacher", "perplexity_on_raw" and "sample". `progress(fraction)` follows both runs.
    """
    board = Board()
    for _ in distill_work(raw, teacher, cfg, board):
        if progress:
            progress(board.get("step", 0) / (2 * cfg.steps))
    return board.get("result")


def distill_job(cfg: DistillConfig, gate: JobGate | None = None, **options: Any) -> BackgroundJob:
    """A background job (not yet started) comparing students on the shipped texts; `options` go to BackgroundJob."""
    board = Board(phase="raw", step=0, total=2 * cfg.steps)
    return BackgroundJob(distill_work(raw_corpus(), shipped_teacher_text(), cfg, board), board, gate, **options)


def _curve(trainer: Trainer) -> list[tuple[int, float]]:
    """(step, training loss averaged over windows of steps): the student's learning curve."""
    losses = trainer.state.train_losses
    window = max(len(losses) // 20, 1)
    return [(i + window, sum(losses[i : i + window]) / window) for i in range(0, len(losses) - window + 1, window)]


def raw_corpus() -> str:
    return load_corpus(RAW_CORPUS)
