"""Recompute every bill in the pizza corpora and report the ones that do not add up.

    python -m tools.check_bills        # prints each wrong bill; exit status 1 if there is one

Covers the two pizzerias the app trains on: Pizzeria Bella's phone orders
(`assets/corpora/pizza_shop.txt`, prices declared in `BELLA` below, since the
corpus never states them) and Pizzeria Vesuvio's fine-tuning dialogues
(`assets/pizza/dialogues.jsonl`, prices from `assets/pizza/make_dialogues.py`).
Leaves out everything that is not a sum: names, times, wording.
"""

from __future__ import annotations

import importlib.util
import json
import re
import sys
from pathlib import Path

ASSETS = Path(__file__).resolve().parent.parent / "assets"
BELLA_FILE = ASSETS / "corpora" / "pizza_shop.txt"
VESUVIO_FILE = ASSETS / "pizza" / "dialogues.jsonl"
NUMBERS = {"one": 1, "two": 2, "three": 3, "four": 4, "a": 1, "an": 1}

# Pizzeria Bella: euros per pizza and per drink. Extra cheese is not charged (every bill with it says so).
BELLA = {
    "margherita": 7, "marinara": 6, "napoli": 8, "funghi": 8, "diavola": 9, "vegetariana": 9,
    "prosciutto e funghi": 9, "capricciosa": 10, "quattro formaggi": 10, "bufala": 11,
}  # fmt: skip
BELLA_DRINK = 2  # any drink: orange juice, lemon soda, cola, beer, a bottle of water
ORDER = re.compile(r"CUSTOMER: .*?\b(one|two|three|four) ([a-z ]+?)(?:s| pizzas?)?(?:, please)?[.?]$", re.M)
TOTAL = re.compile(r"That's (\d+) euros")


def bella_bill(dialogue: str) -> tuple[int, int]:
    """(expected, stated) euros of one phone order: 'two diavolas' + 'a cola' -> 2 * 9 + 2."""
    qty, name = ORDER.search(dialogue).groups()
    name = name.removesuffix(" pizza")
    if "Would a margherita be all right?" in dialogue:  # the shop swapped in a margherita
        name = "margherita"
    drinks = len(re.findall(r"CUSTOMER: Yes, an? (?!please)", dialogue))
    expected = NUMBERS[qty] * BELLA[name] + drinks * BELLA_DRINK
    return expected, int(TOTAL.search(dialogue).group(1))


def check_bella(text: str) -> list[str]:
    """One line per phone order whose stated total differs from the recomputed one."""
    problems = []
    for number, dialogue in enumerate(text.strip().split("\n\n"), start=1):
        expected, stated = bella_bill(dialogue)
        if expected != stated:
            first = dialogue.splitlines()[1]
            problems.append(f"pizza_shop.txt order {number} ({first}): says €{stated}, should be €{expected}")
    return problems


def _vesuvio_menu() -> object:
    spec = importlib.util.spec_from_file_location("make_dialogues", ASSETS / "pizza" / "make_dialogues.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def vesuvio_items(sentence: str, menu: object) -> list[tuple[int, float]]:
    """(quantity, unit price) for every pizza named: 'a medium Diavola with onions' -> [(1, 9.50 + 1.50)]."""
    names = "|".join(sorted(menu.PIZZAS, key=len, reverse=True))
    item = re.compile(
        rf"\b(one|two|three|a|an) (small|medium|large) ({names})s?((?: with [a-z ]+?)?)(?=\s?[:,.(]| and a| is\b)", re.I
    )
    found = []
    for qty, size, name, extras in item.findall(sentence):
        toppings = len(re.split(r" and ", extras.removeprefix(" with "))) if extras else 0
        found.append((NUMBERS[qty.lower()], menu.price(name, size) + menu.EXTRA * toppings))
    return found


def check_vesuvio(lines: list[str]) -> list[str]:
    """Every assistant turn that names pizzas and a total: the total must be their sum (plus any delivery)."""
    menu, problems = _vesuvio_menu(), []
    for number, line in enumerate(lines, start=1):
        for turn in json.loads(line)["messages"]:
            text = turn["content"]
            items = vesuvio_items(text, menu) if turn["role"] == "assistant" else []
            amounts = [float(a) for a in re.findall(r"€(\d+\.\d\d)", text)]
            if not items or not amounts:
                continue
            expected = sum(q * p for q, p in items) + (menu_delivery(text) or 0.0)
            for unit in re.findall(r"\(€(\d+\.\d\d)\)", text):  # unit prices in brackets: each must be on the menu
                if float(unit) not in [p for _, p in items]:
                    problems.append(f"dialogues.jsonl line {number}: unit price €{unit} is not on the menu: {text}")
            if abs(amounts[-1] - expected) > 0.001:
                problems.append(
                    f"dialogues.jsonl line {number}: says €{amounts[-1]:.2f}, should be €{expected:.2f}: {text}"
                )
    return problems


def menu_delivery(text: str) -> float | None:
    """The delivery charge a turn adds: 'plus €2.50 delivery' -> 2.5."""
    match = re.search(r"plus €(\d+\.\d\d) delivery", text)
    return float(match.group(1)) if match else None


def all_problems() -> list[str]:
    bella = check_bella(BELLA_FILE.read_text(encoding="utf-8"))
    vesuvio = check_vesuvio(VESUVIO_FILE.read_text(encoding="utf-8").splitlines())
    return bella + vesuvio


def main() -> int:
    problems = all_problems()
    print("\n".join(problems) if problems else "Every bill adds up.")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
