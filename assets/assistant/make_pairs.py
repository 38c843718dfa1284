"""Writes `pairs.jsonl`: the pizza-shop preference pairs the assistant page tunes SmolLM2 on with DPO.

Every pair was written for LLM Explainer around Pizzeria Vesuvio, the made-up shop of the
fine-tuning page: the prompt and the chosen answer are the shop's single-turn dialogues
(`assets/pizza/make_dialogues.py`, so menu, prices and hours agree), the rejected answer is what
a careless assistant would say instead: dismissive, rude, or confidently wrong. The preference
taught is "helpful, polite and correct over curt, rude or made up". Run
`python assets/assistant/make_pairs.py` to rewrite the file (the output is deterministic).
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "pairs.jsonl"

RUDE = [
    "Read the menu yourself, I'm busy.",
    "Not my problem. Next customer.",
    "Why are you asking me? Just order something.",
    "Ugh. Figure it out.",
    "Whatever. Call back later.",
    "I don't care, honestly.",
    "Stop bothering me with questions.",
    "No idea. Ask someone else.",
    "That's a stupid question.",
    "Do I look like I have time for this?",
    "Google it.",
    "Can't you see we're busy? Hurry up.",
]
WRONG = [
    "We have forty pizzas, including a sushi pizza and a chocolate one. Everything is free today.",
    "Everything costs €50, take it or leave it.",
    "We are open all night, every night, and we deliver anywhere in the country for free.",
    "Our pizzas are square, 80 cm wide, and come with pineapple whether you like it or not.",
]


def _dialogues_module():
    path = HERE.parent / "pizza" / "make_dialogues.py"
    spec = importlib.util.spec_from_file_location("make_dialogues", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def single_turns() -> list[tuple[str, str]]:
    """(question, answer) of every Vesuvio dialogue with exactly one user and one assistant turn."""
    shop = _dialogues_module()
    out = []
    for maker in ("menu_dialogues", "price_dialogues", "size_dialogues", "delivery_dialogues", "odd_dialogues"):
        for dialogue in getattr(shop, maker)():
            messages = dialogue["messages"]
            if len(messages) == 2:
                out.append((messages[0]["content"], messages[1]["content"]))
    return out


def pairs() -> list[dict]:
    """One pair per single-turn dialogue: every 4th rejected answer is confidently wrong, the rest rude."""
    out = []
    for i, (question, answer) in enumerate(single_turns()):
        rejected = WRONG[(i // 4) % len(WRONG)] if i % 4 == 3 else RUDE[i % len(RUDE)]
        out.append({"prompt": question, "chosen": answer, "rejected": rejected})
    return out


if __name__ == "__main__":
    rows = pairs()
    OUT.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    print(f"wrote {len(rows)} pairs to {OUT}")
