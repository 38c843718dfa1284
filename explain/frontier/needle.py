"""Needle in a haystack: a fact hidden at several depths of a filler text of growing length, asked back.

The filler is the training chapter's toy language ("the small fox sees the cat ."): no numbers,
so the only number in the text is the needle's. Each cell of the grid hides "The secret number
is 7342." at a depth (0 = the first sentence, 1 = the last), asks for it through the chat
template, and counts it found when the greedy answer contains the value. Each cell also reports
what the context cost: the time per new token and the KV cache the prefill left behind.

    >>> depths(3)
    [0.0, 0.5, 1.0]

Leaves out other kinds of needle (several facts, reasoning over them) and attention sinks.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from functools import lru_cache

from explain.core.chat import chat_ids
from explain.core.job_board import Board
from explain.core.limits import NEEDLE_ANSWER_TOKENS, NEEDLE_MAX_DEPTHS, NEEDLE_MAX_LENGTHS, NEEDLE_MAX_TOKENS
from explain.core.loading import LoadedModel
from explain.core.paths import ASSETS
from explain.frontier import decode, kv_cache

FILLER = ASSETS / "corpora" / "toy_language.txt"
NEEDLE = "The secret number is {value}."
QUESTION = "What is the secret number in the text above? Answer with the number only."
DEFAULT_LENGTHS = (256, 512, 1024, 2048)  # about a minute on 2 CPU cores in bfloat16
VALUES = (7342, 5189, 2967, 8415, 6053)  # one per depth, so an answer cannot be copied from another cell


@dataclass
class Cell:
    target: int  # the length asked for, in tokens
    tokens: int  # the prompt's real length (chat template included)
    depth: float  # where the needle sits: 0 = first sentence, 1 = last
    value: int  # the number hidden
    found: bool  # the greedy answer contains the value
    answer: str  # the model's answer
    ms_per_token: float  # mean time of a new token once the prompt is cached
    prefill_seconds: float  # the one pass over the whole prompt
    kv_bytes: int  # bytes of the real KV cache after the prefill


def depths(count: int) -> list[float]:
    """`count` depths spread from 0 to 1 (one depth: the middle)."""
    return [0.5] if count == 1 else [round(i / (count - 1), 3) for i in range(count)]


def check_plan(lengths: list[int], depth_count: int, window: int) -> None:
    """ValueError naming the bound when the grid asked for is too large for one run."""
    if not 1 <= len(lengths) <= NEEDLE_MAX_LENGTHS:
        raise ValueError(f"Give 1 to {NEEDLE_MAX_LENGTHS} lengths, not {len(lengths)}.")
    if not 1 <= depth_count <= NEEDLE_MAX_DEPTHS:
        raise ValueError(f"Depths must be between 1 and {NEEDLE_MAX_DEPTHS}, got {depth_count}.")
    top = min(NEEDLE_MAX_TOKENS, window)
    bad = [n for n in lengths if not 64 <= n <= top]
    if bad:
        raise ValueError(f"Lengths must be between 64 and {top:,} tokens (this laptop's bound), got {bad[0]:,}.")


@lru_cache(maxsize=4)
def _filler(tokenizer) -> tuple[tuple[str, ...], tuple[int, ...]]:
    """The filler's sentences and their token counts (each sentence plus the space joining it)."""
    lines = tuple(line.strip() for line in FILLER.read_text(encoding="utf-8").splitlines() if line.strip())
    counts = tuple(len(ids) for ids in tokenizer([" " + line for line in lines], add_special_tokens=False)["input_ids"])
    return lines, counts


def haystack(lm: LoadedModel, target: int, depth: float, value: int) -> str:
    """Filler sentences about `target` tokens long in all (template and question included), the needle
    placed after round(depth * sentences) of them."""
    needle = NEEDLE.format(value=value)
    budget = target - len(chat_ids(lm, [{"role": "user", "content": f"{needle}\n\n{QUESTION}"}]))
    lines, counts = _filler(lm.tokenizer)
    taken, used = [], 0
    for line, count in zip(lines * (1 + NEEDLE_MAX_TOKENS // 4000), counts * (1 + NEEDLE_MAX_TOKENS // 4000)):
        if used + count > budget:
            break
        taken.append(line)
        used += count
    at = round(depth * len(taken))
    return " ".join(taken[:at] + [needle] + taken[at:])


def found(answer: str, value: int) -> bool:
    """True when `answer` contains `value`, digit groups joined ("7,342" and "7 342" count).

    >>> found("The secret number is 7,342.", 7342), found("It is 734.", 7342)
    (True, False)
    """
    return str(value) in re.sub(r"(?<=\d)[,.\s'](?=\d)", "", answer)


def run_cell(lm: LoadedModel, target: int, depth: float, value: int) -> Cell:
    """One cell: the haystack asked through the chat template, answered greedily, timed and measured."""
    text = haystack(lm, target, depth, value)
    prompt = chat_ids(lm, [{"role": "user", "content": f"{text}\n\n{QUESTION}"}])
    out = decode.greedy(lm, prompt, NEEDLE_ANSWER_TOKENS)
    return Cell(
        target, len(prompt), depth, value, found(out.text, value), out.text, out.ms_per_token, out.prefill_seconds,
        out.kv_bytes,
    )  # fmt: skip


def summary(lm: LoadedModel, cells: list[dict]) -> dict:
    """The grid and, per length, the mean time per new token and the KV cache (MB = 10^6 bytes)."""
    lengths = sorted({c["target"] for c in cells})
    by_length = {n: [c for c in cells if c["target"] == n] for n in lengths}
    return {
        "grid": [{"tokens": c["tokens"], "depth": c["depth"], "found": c["found"]} for c in cells],
        "lengths": lengths,
        "ms_per_token": [round(sum(c["ms_per_token"] for c in g) / len(g), 2) for g in by_length.values()],
        "kv_cache_mb": [round(max(c["kv_bytes"] for c in g) / 1e6, 3) for g in by_length.values()],
        "formula": kv_cache.formula(lm.config, lm.dtype),
        "max_position_embeddings": int(getattr(lm.config, "max_position_embeddings", 0) or 0),
        "cells": cells,
    }


def needle_work(lm: LoadedModel, lengths: list[int], depth_count: int, board: Board) -> Iterator[None]:
    """The grid as background work: one cell per piece (shortest lengths first), each appended to
    `board` under "cells"; the summary is set as "result" at the end."""
    plan = [(n, d, VALUES[i % len(VALUES)]) for n in sorted(lengths) for i, d in enumerate(depths(depth_count))]
    board.set(total=len(plan), step=0, phase="needle")
    for step, (target, depth, value) in enumerate(plan, start=1):
        board.append("cells", asdict(run_cell(lm, target, depth, value)))
        board.set(step=step)
        yield
    board.set(result=summary(lm, board.copy()[0]["cells"]))


def run(lm: LoadedModel, lengths: list[int], depth_count: int, progress=None) -> dict:
    """The whole grid at once (the CLI); `progress(step, total)` after each cell."""
    check_plan(lengths, depth_count, int(getattr(lm.config, "max_position_embeddings", NEEDLE_MAX_TOKENS)))
    board = Board()
    for _ in needle_work(lm, lengths, depth_count, board):
        if progress:
            progress(board.get("step"), board.get("total"))
    return board.get("result")
