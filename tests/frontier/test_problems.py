"""The word problems: every known answer recomputed by the checker, both languages, and the reading rule."""

import dataclasses
import subprocess
import sys

import pytest

from explain.frontier import problems, reasoning


def test_the_checker_script_finds_no_wrong_known_answer():
    out = subprocess.run(
        [sys.executable, "-m", "explain.frontier.problems"], capture_output=True, text=True, timeout=60
    )
    assert out.returncode == 0, out.stdout + out.stderr
    assert problems.check() == []


def test_at_least_20_problems_in_english_and_italian_with_distinct_ids():
    shipped = problems.load()
    assert len(shipped) >= 20 and len({p.id for p in shipped}) == len(shipped)
    assert all(p.text["en"].strip() and p.text["it"].strip() and p.text["en"] != p.text["it"] for p in shipped)
    assert {reasoning.answer_type(p) for p in shipped} == {"number", "name", "yesno"}


def test_the_checker_catches_a_wrong_answer_and_a_missing_number():
    good = problems.load()[0]
    wrong = dataclasses.replace(good, answer=good.answer + 1)
    missing = dataclasses.replace(good, id="x", text={"en": "no numbers", "it": good.text["it"]})
    faults = problems.check((wrong, missing))
    assert any("recomputed" in f for f in faults) and any("(en)" in f and "missing" in f for f in faults)


@pytest.mark.parametrize(
    "kind, params, answer",
    [
        ("clock", {"start": 22, "hours": 4}, 2),
        ("order", {"more": [["A", "B"], ["C", "A"]], "ask": "most"}, "C"),
        ("syllogism", {"all": [["x", "y"]], "some": [["y", "z"]], "ask": ["x", "z"]}, "no"),
        ("syllogism", {"all": [["x", "y"], ["y", "z"]], "some": [], "ask": ["x", "z"]}, "yes"),
    ],
)
def test_rules_by_hand(kind, params, answer):
    assert problems.solve(kind, params) == answer


@pytest.mark.parametrize(
    "reply, kind, names, expected",
    [
        ("The answer is 1,234 apples.", "number", (), "1234"),
        ("14 + 9 = 23", "number", (), "23"),
        ("I cannot say.", "number", (), ""),
        ("No. Not every cat is black.", "yesno", (), "no"),
        ("Sì.", "yesno", (), "yes"),
        ("Anna is taller than Carla, so Carla is the shortest.", "name", ("Anna", "Bruno", "Carla"), "Carla"),
    ],
)
def test_the_reading_rule(reply, kind, names, expected):
    assert reasoning.extract(reply, kind, names) == expected
