"""The guided tour as data: its steps, their quizzes, and the small calculations its live widgets show.

Covers loading `assets/tour/steps.json` (text in English and Italian, a widget
name, sources and a quiz per step), the order a session sees a question's
options in, checking and scoring quiz answers, and two numbers a
step shows: perplexity from token log-probabilities and LoRA's trainable share
of a model. Leaves out drawing (see `pages/tour.py`) and keeping scores (the
page keeps them in the session only).
"""

from __future__ import annotations

import json
import math
import random
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from explain.core.paths import ASSETS

STEPS_FILE = ASSETS / "tour" / "steps.json"
RAG_FILE = ASSETS / "tour" / "rag_facts.json"


@dataclass(frozen=True)
class Question:
    text: dict[str, str]  # the question, {"en": ..., "it": ...}
    options: dict[str, list[str]]  # the choices per language, same order in both
    answer: int  # index of the correct option
    why: dict[str, str]  # one-line explanation shown after answering
    wrong: dict[str, list[str]]  # per language, why each option is wrong ("" for the right one)


@dataclass(frozen=True)
class Step:
    id: str  # stable name, e.g. "attention"
    widget: str  # which live widget the page draws for this step
    myth: str | None  # id of a myth box in assets/myths/myths.json, or None
    title: dict[str, str]  # per language
    text: dict[str, str]  # markdown per language, a short paragraph or two
    sources: tuple[str, ...]  # where the step's facts and numbers can be checked
    quiz: tuple[Question, ...]  # at least three questions


@lru_cache(maxsize=1)
def load_steps() -> tuple[Step, ...]:
    """All tour steps, in lesson order."""
    raw = json.loads(STEPS_FILE.read_text(encoding="utf-8"))["steps"]
    return tuple(
        Step(
            s["id"],
            s["widget"],
            s.get("myth"),
            s["title"],
            s["text"],
            tuple(s["sources"]),
            tuple(Question(q["q"], q["options"], int(q["answer"]), q["why"], q["wrong"]) for q in s["quiz"]),
        )
        for s in raw
    )


def clamp_step(value: object, n_steps: int) -> int:
    """A step number from a URL or a widget, forced into 1..n_steps: '0' -> 1, 'x' -> 1, 99 -> n_steps."""
    try:
        number = int(str(value))
    except (TypeError, ValueError):
        return 1
    return min(max(number, 1), n_steps)


def option_order(n_options: int, seed: int, key: str) -> list[int]:
    """The order one session shows a question's options in: a shuffle fixed by (seed, key).

    option_order(3, 7, "attention.0") is the same list every time it is called with those
    arguments, and another seed usually gives another order; the values are the options'
    original indices, so answers are still checked against `Question.answer`.
    """
    order = list(range(n_options))
    random.Random(f"{seed}:{key}").shuffle(order)
    return order


def is_correct(question: Question, choice: int | None) -> bool | None:
    """True or False for an answered question, None while unanswered."""
    return None if choice is None else choice == question.answer


def score(results: dict[str, bool]) -> tuple[int, int]:
    """(correct, answered) from {"attention.0": True, ...}."""
    return sum(results.values()), len(results)


def perplexity(token_logprobs: np.ndarray) -> float:
    """exp(mean negative log-likelihood per token): [log 0.5, log 0.5] -> 2.0."""
    values = np.asarray(token_logprobs, dtype=np.float64)
    if values.size == 0:
        raise ValueError("Perplexity needs at least two tokens (one prediction).")
    return float(math.exp(-values.mean()))


def lora_share(model, rank: int, targets: tuple[str, ...] = ("q_proj", "v_proj")) -> dict:
    """Trainable parameters when LoRA of `rank` wraps the Linear layers named in `targets`.

    Each wrapped (out x in) weight gets A (rank x in) and B (out x rank): rank * (in + out) new numbers.
    """
    import torch

    total = sum(p.numel() for p in model.parameters())
    added = wrapped = 0
    for name, module in model.named_modules():
        if isinstance(module, torch.nn.Linear) and name.rsplit(".", 1)[-1] in targets:
            added += rank * (module.in_features + module.out_features)
            wrapped += 1
    return {"total": total, "trainable": added, "wrapped_layers": wrapped, "fraction": added / total}


@lru_cache(maxsize=1)
def rag_facts() -> dict[str, list[str]]:
    """The small document collection the 'what comes next' step searches, per language."""
    return json.loads(RAG_FILE.read_text(encoding="utf-8"))
