"""The word problems of the step-by-step experiment, and the checker that recomputes every known answer.

`assets/frontier/problems.json` holds each problem's text in English and Italian, its kind, the
parameters its answer follows from, and the answer. `solve` recomputes the answer from the kind
and parameters alone; `check` lists every problem whose stored answer disagrees, or whose texts
miss one of its numbers. Run it as a script: `python -m explain.frontier.problems`.

    >>> solve("change", {"count": 3, "price": 4, "paid": 20})
    8
    >>> solve("order", {"more": [["Anna", "Bruno"], ["Bruno", "Carla"]], "ask": "least"})
    'Carla'

Leaves out asking the model (see `frontier/reasoning.py`).
"""

from __future__ import annotations

import json
import re
import sys
from dataclasses import dataclass
from functools import cache

from explain.core.paths import ASSETS

PROBLEMS_FILE = ASSETS / "frontier" / "problems.json"
LANGS = ("en", "it")


@dataclass(frozen=True)
class Problem:
    id: str  # short name, e.g. "marbles"
    kind: str  # which rule gives the answer: "add", "change", "order", "syllogism"...
    params: dict  # the numbers or relations the answer follows from
    answer: int | str  # a whole number, a name, or "yes" / "no"
    text: dict  # {"en": ..., "it": ...}


def _order(more: list[list[str]], ask: str) -> str:
    """The one name never below anyone ("most") or never above anyone ("least") in `more` ([bigger, smaller])."""
    names = {n for pair in more for n in pair}
    side = 1 if ask == "most" else 0  # "most": nobody is bigger than them, i.e. never in the smaller slot
    ends = [n for n in sorted(names) if all(pair[side] != n for pair in more)]
    if len(ends) != 1:
        raise ValueError(f"'{ask}' is not decided by {more}")
    return ends[0]


def _follows(all_pairs: list[list[str]], start: str, goal: str) -> str:
    """'yes' when a chain of "all X are Y" leads from `start` to `goal`; "some" statements never do."""
    reached, frontier = {start}, [start]
    while frontier:
        here = frontier.pop()
        for x, y in all_pairs:
            if x == here and y not in reached:
                reached.add(y)
                frontier.append(y)
    return "yes" if goal in reached else "no"


def solve(kind: str, p: dict) -> int | str:
    """The answer of a problem of `kind` with parameters `p`, computed from them alone."""
    rules = {
        "add": lambda: p["a"] + p["b"],
        "sub": lambda: p["a"] - p["b"],
        "mul": lambda: p["groups"] * p["each"],
        "div": lambda: p["total"] // p["people"] if p["total"] % p["people"] == 0 else None,
        "buy_use": lambda: p["start"] + p["added"] - p["used"],
        "change": lambda: p["paid"] - p["count"] * p["price"],
        "legs": lambda: 2 * p["chickens"] + 4 * p["cows"],
        "age": lambda: p["age"] + p["older"] + p["years"],
        "clock": lambda: (p["start"] + p["hours"]) % 24,
        "mul_sub": lambda: p["groups"] * p["each"] - p["minus"],
        "order": lambda: _order(p["more"], p["ask"]),
        "syllogism": lambda: _follows(p["all"], *p["ask"]),
    }
    if kind not in rules:
        raise ValueError(f"unknown kind of problem: {kind!r}")
    return rules[kind]()


@cache
def load() -> tuple[Problem, ...]:
    """Every problem in the shipped file, in order."""
    raw = json.loads(PROBLEMS_FILE.read_text(encoding="utf-8"))["problems"]
    return tuple(Problem(r["id"], r["kind"], r["params"], r["answer"], {k: r[k] for k in LANGS}) for r in raw)


def _numbers(params: dict) -> list[int]:
    return [v for v in params.values() if isinstance(v, int)]


def check(problems: tuple[Problem, ...] | None = None) -> list[str]:
    """One line per fault: a stored answer the rule disagrees with, a number missing from a text, a repeated id."""
    problems = load() if problems is None else problems
    faults = []
    for pr in problems:
        if solve(pr.kind, pr.params) != pr.answer:
            faults.append(f"{pr.id}: stored {pr.answer!r}, recomputed {solve(pr.kind, pr.params)!r}")
        for lang in LANGS:
            words = set(re.findall(r"\d+", pr.text[lang]))
            faults += [
                f"{pr.id} ({lang}): {n} missing from the text" for n in _numbers(pr.params) if str(n) not in words
            ]
    ids = [pr.id for pr in problems]
    faults += [f"{i}: id used twice" for i in sorted({i for i in ids if ids.count(i) > 1})]
    return faults


if __name__ == "__main__":
    found = check()
    print("\n".join(found) or f"{len(load())} problems, every known answer recomputed: no fault.")
    sys.exit(1 if found else 0)
