"""Step by step: the model answers each word problem directly, then told to "think step by step".

Zero-shot chain of thought (Kojima et al. 2022) adds one sentence to the question; with large
models it lifts accuracy on arithmetic word problems a lot, and chain-of-thought prompting
(Wei et al. 2022) helps only from about 100 B parameters on. Here both prompts go to the same
model through its chat template, decoded greedily within a token bound; the answer is read from
the reply by a fixed rule (`extract`) and compared with the problem's known answer. Results are
kept on disk per setting, since the whole set takes minutes on a laptop CPU.

    >>> extract("So 12 + 6 = 18, minus 5 is 13.", "number")
    '13'
    >>> extract("Sì, ogni zorb è blu.", "yesno")
    'yes'

Leaves out few-shot prompts, self-consistency (several samples, a vote) and answer re-prompting.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator
from dataclasses import asdict, dataclass

from explain.core.cache import load_json, safe_name, save_json
from explain.core.chat import chat_ids
from explain.core.job_board import Board
from explain.core.limits import REASON_DIRECT_TOKENS, REASON_STEP_TOKENS
from explain.core.loading import LoadedModel
from explain.core.paths import cache_subdir
from explain.frontier import decode
from explain.frontier.problems import Problem, load

MODES = ("direct", "step")
INSTRUCTION = {
    "direct": {"en": "Answer with the final answer only.", "it": "Rispondi solo con il risultato finale."},
    "step": {"en": "Let's think step by step.", "it": "Ragioniamo passo dopo passo."},
}


@dataclass
class Answer:
    id: str  # the problem's id
    mode: str  # "direct" or "step"
    reply: str  # the model's whole reply: the transcript
    extracted: str  # what the rule read as the answer ('' when nothing)
    expected: str  # the known answer
    correct: bool
    tokens: int  # tokens the reply spent


def answer_type(problem: Problem) -> str:
    """'number', 'yesno' or 'name': how the answer is read from a reply."""
    if isinstance(problem.answer, int):
        return "number"
    return "yesno" if problem.answer in ("yes", "no") else "name"


def extract(reply: str, kind: str, names: tuple[str, ...] = ()) -> str:
    """The answer a reply gives, by one rule: its LAST number, yes/no word or candidate name ('' if none)."""
    if kind == "number":
        numbers = re.findall(r"-?\d+", re.sub(r"(?<=\d)[,.](?=\d{3}\b)", "", reply))
        return numbers[-1] if numbers else ""
    if kind == "yesno":
        words = re.findall(r"\b(yes|no|sì|si)\b", reply.lower())
        return ("no" if words[-1] == "no" else "yes") if words else ""
    spots = {name: reply.rfind(name) for name in names}
    best = max(spots, key=spots.get, default="")
    return best if best and spots[best] >= 0 else ""


def _names(problem: Problem) -> tuple[str, ...]:
    return tuple(sorted({n for pair in problem.params.get("more", []) for n in pair}))


def ask(lm: LoadedModel, problem: Problem, lang: str, mode: str, max_tokens: int) -> Answer:
    """One problem, one prompt: the reply (greedy, at most `max_tokens`), read and checked."""
    message = f"{problem.text[lang]}\n{INSTRUCTION[mode][lang]}"
    out = decode.greedy(lm, chat_ids(lm, [{"role": "user", "content": message}]), max_tokens)
    got = extract(out.text, answer_type(problem), _names(problem))
    expected = str(problem.answer)
    return Answer(problem.id, mode, out.text, got, expected, got == expected, len(out.ids))


def summary(answers: list[dict]) -> dict:
    """Accuracy and mean tokens per reply for each mode, and every transcript."""
    result: dict = {"problems": len({a["id"] for a in answers})}
    for mode in MODES:
        rows = [a for a in answers if a["mode"] == mode]
        result[f"{mode}_accuracy"] = round(sum(a["correct"] for a in rows) / len(rows), 3) if rows else 0.0
        result[f"tokens_{mode}"] = round(sum(a["tokens"] for a in rows) / len(rows), 1) if rows else 0.0
    result["answers"] = answers
    return result


def cache_path(lm: LoadedModel, lang: str, count: int, tokens: tuple[int, int]):
    """Where a finished run is kept: one file per model, precision, language, size, bounds and problem set."""
    digest = hashlib.sha1(json.dumps([p.text[lang] for p in load()[:count]] + list(tokens)).encode()).hexdigest()[:10]
    return cache_subdir("frontier") / f"reason-{safe_name(lm.name)}-{lm.dtype_name}-{lang}-{count}-{digest}.json"


def reason_work(
    lm: LoadedModel,
    lang: str,
    count: int,
    board: Board,
    tokens: tuple[int, int] = (REASON_DIRECT_TOKENS, REASON_STEP_TOKENS),
) -> Iterator[None]:
    """The first `count` problems, both modes, as background work (one reply per piece); a run kept on
    disk is shown at once. Sets "result" on `board` at the end."""
    path = cache_path(lm, lang, count, tokens)
    kept = load_json(path)
    if kept is not None:
        board.set(result=kept, step=1, total=1)
        return
    board.set(total=2 * count, step=0, phase="reasoning")
    for problem in load()[:count]:
        for mode, limit in zip(MODES, tokens):
            board.append("answers", asdict(ask(lm, problem, lang, mode, limit)))
            board.set(step=len(board.copy()[0]["answers"]))
            yield
    result = summary(board.copy()[0]["answers"])
    save_json(path, result)
    board.set(result=result)


def run(lm: LoadedModel, lang: str, count: int, tokens: tuple[int, int], progress=None) -> dict:
    """The whole run at once (the CLI); `progress(step, total)` after each reply."""
    board = Board()
    for _ in reason_work(lm, lang, count, board, tokens):
        if progress:
            progress(board.get("step"), board.get("total"))
    return board.get("result")
