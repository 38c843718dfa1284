"""Reading preference files: the built-in set, and one-line errors that name the line (no model needed)."""

from __future__ import annotations

import json

import pytest

from explain.assistant.pairs import PairsError, parse_pairs, read_pairs
from explain.core.limits import PREFER_MAX_BYTES, PREFER_MAX_FIELD_CHARS

GOOD = json.dumps({"prompt": "Hi", "chosen": "Hello! How can I help?", "rejected": "Go away."})


def lines(*rows: str) -> bytes:
    return "\n".join(rows).encode()


def test_builtin_pairs_read_cleanly_and_agree_with_the_pizza_menu():
    pairs = read_pairs()
    assert len(pairs) >= 60
    dialogues = [json.loads(x)["messages"] for x in open("assets/pizza/dialogues.jsonl", encoding="utf-8")]
    answers = {m[0]["content"]: m[1]["content"] for m in dialogues if len(m) == 2}
    assert all(answers[p["prompt"]] == p["chosen"] for p in pairs)  # every chosen answer is the shop's own


@pytest.mark.parametrize(
    "data, message",
    [
        (lines(GOOD, GOOD, "not json", GOOD, GOOD), "line 3: not JSON"),
        (lines(GOOD, json.dumps({"prompt": "a", "chosen": "b"}), GOOD), "line 2: missing key(s) rejected"),
        (lines(GOOD, json.dumps({"prompt": "a", "chosen": " ", "rejected": "c"})), 'line 2: "chosen" must be'),
        (lines(GOOD, json.dumps({"prompt": 5, "chosen": "b", "rejected": "c"})), 'line 2: "prompt" must be'),
        (lines(GOOD, "[1, 2]"), "line 2: expected a JSON object"),
        (lines(GOOD, GOOD) + b"\n\x00\x01\x02", "line 3: binary data"),
        (lines(GOOD) + b"\n\xff\xfe", "line 2: not UTF-8"),
        (b"", "holds 0 pairs"),
        (lines(GOOD, GOOD), "holds 2 pairs; at least 5"),
        (b"x" * (PREFER_MAX_BYTES + 1), f"over {PREFER_MAX_BYTES:,} bytes"),
        (lines(json.dumps({"prompt": "a" * (PREFER_MAX_FIELD_CHARS + 1), "chosen": "b", "rejected": "c"})), "line 1"),
    ],
)
def test_bad_files_get_one_line_naming_the_problem(data, message):
    with pytest.raises(PairsError) as info:
        parse_pairs(data, "mine.jsonl")
    assert message in str(info.value) and "\n" not in str(info.value)


def test_a_good_file_round_trips():
    pairs = parse_pairs(lines(*[GOOD] * 6), "mine.jsonl")
    assert len(pairs) == 6 and pairs[0] == json.loads(GOOD)
