"""Codes, keys, nicknames, who may answer, the report's arithmetic, the CSV, the rate limit, the CLI."""

from __future__ import annotations

import csv
import io
import json

import pytest

from explain.cli import main
from explain.live_class import classes, codes, submissions
from explain.live_class.export import class_csv, safe_cell
from explain.live_class.nicknames import NicknameError, clean_nickname, unique_nickname
from explain.live_class.ratelimit import RateLimiter
from explain.live_class.report import answer_summary, class_report, text_summary


def test_codes_avoid_look_alikes_and_keys_are_long_and_checked_by_hash():
    drawn = {codes.new_code() for _ in range(200)}
    assert len(drawn) == 200 and all(len(c) == 6 and set(c) <= set(codes.ALPHABET) for c in drawn)
    assert not set("0O1IL") & set(codes.ALPHABET)
    assert codes.normalise_code(" k7q-f2m\n") == "K7QF2M"
    key = codes.new_teacher_key()
    assert len(key) >= 43 and codes.key_matches(key, codes.hash_key(key))
    assert not codes.key_matches(key[:-1], codes.hash_key(key)) and not codes.key_matches("", codes.hash_key(""))


@pytest.mark.parametrize(
    "raw, expected",
    [("  Anna \x00 B. ", "Anna B."), ("x" * 100, "x" * 32), ("<b>Bo</b>", "<b>Bo</b>"), ("😀\u200b", "😀\u200b")],
)
def test_nicknames_are_cleaned_and_bounded_but_not_rewritten(raw, expected):
    assert clean_nickname(raw) == expected


def test_empty_nicknames_are_refused_and_duplicates_numbered():
    with pytest.raises(NicknameError, match="1 to 32"):
        clean_nickname(" \x00\t ")
    assert unique_nickname("anna", {"Anna", "ANNA (2)"}) == "anna (3)"
    assert unique_nickname("Bo", {"Anna"}) == "Bo"


def test_nobody_answers_for_someone_else_and_rightness_is_decided_here(db_url):
    first, second = classes.create_class(), classes.create_class()
    me = submissions.join(first["code"], "me")
    elsewhere = submissions.join(second["code"], "other")
    question = submissions.questions()["what.0"]
    for forged in ("guessed-id", elsewhere["student_id"], "", first["teacher_key"]):
        with pytest.raises(classes.ClassError) as caught:
            submissions.record_answer(first["code"], forged, "what.0", 0)
        assert caught.value.reason == "not_member"
    for bad in (("nope.0", 0), ("what.0", 99), ("what.0", -1)):
        with pytest.raises(classes.ClassError, match="no question"):
            submissions.record_answer(first["code"], me["student_id"], *bad)
    assert submissions.record_answer(first["code"], me["student_id"], "what.0", question.answer) is True
    assert submissions.record_answer(first["code"], me["student_id"], "what.0", (question.answer + 1) % 3) is False
    report = class_report(first["code"], first["teacher_key"])
    assert report["answers"][0]["answered"] == 1 and report["answers"][0]["correct"] == 0  # the later answer counts
    with pytest.raises(classes.ClassError, match="widgets"):
        submissions.record_text(first["code"], me["student_id"], "attention", "hi")


def test_the_answer_summary_counts_by_hand():
    rows = [
        {"student_id": s, "question": "what.0", "choice": c, "correct": None}
        for s, c in (("a", 0), ("b", 1), ("c", 1), ("d", 2), ("e", 0))
    ]
    answer = submissions.questions()["what.0"].answer
    [summary] = answer_summary(rows, {"a": "Ann", "b": "Bo", "c": "Cy", "d": "Di", "e": "Ed"})
    counts = [2, 2, 1]
    wrong = [(counts[i], -i) for i in range(3) if i != answer]
    assert summary["counts"] == counts and summary["correct"] == counts[answer] and summary["answered"] == 5
    assert summary["top_wrong"] == -max(wrong)[1] and summary["who"] == ["Ann", "Bo", "Cy", "Di", "Ed"]


def test_the_text_summary_finds_the_most_surprising_and_counts_next_tokens():
    texts = [
        {"student_id": "a", "widget": "perplexity", "text": "calm", "value": 12.0, "label": None},
        {"student_id": "b", "widget": "perplexity", "text": "odd", "value": 900.0, "label": None},
        {"student_id": "a", "widget": "next_token", "text": "The sky is", "value": 0.3, "label": " blue"},
        {"student_id": "b", "widget": "next_token", "text": "Grass is", "value": 0.2, "label": " green"},
        {"student_id": "c", "widget": "next_token", "text": "Sea is", "value": 0.2, "label": " blue"},
        {"student_id": "c", "widget": "tokenize", "text": "x", "value": 1.5, "label": None},
    ]
    summary = text_summary(texts, {"a": "A", "b": "B", "c": "C"})
    assert summary["most_surprising"] == {"nickname": "B", "text": "odd", "perplexity": 900.0}
    assert summary["next_tokens"] == [{"token": " blue", "count": 2}, {"token": " green", "count": 1}]
    assert summary["tokens_per_word"] == [{"nickname": "C", "text": "x", "value": 1.5}]


def test_the_csv_has_every_answer_and_text_and_no_formula(db_url):
    made = classes.create_class()
    me = submissions.join(made["code"], '=HYPERLINK("http://e.vil")')
    submissions.record_answer(made["code"], me["student_id"], "what.1", 0)
    submissions.record_text(made["code"], me["student_id"], "next_token", "+1 is", 0.5, " two")
    rows = list(csv.reader(io.StringIO(class_csv(made["code"], made["teacher_key"], "it"))))
    assert rows[0][:3] == ["kind", "nickname", "item"] and len(rows) == 3
    assert rows[1][1].startswith("'=") and rows[2][4] == "'+1 is"
    assert rows[1][3] == submissions.questions()["what.1"].text["it"]
    assert safe_cell(None) == "" and safe_cell(2.5) == "2.5"
    with pytest.raises(classes.ClassError):
        class_csv(made["code"], "not-the-key")


def test_the_rate_limit_refuses_past_its_bound_then_recovers():
    limiter = RateLimiter(3, window=60)
    assert [limiter.allow(t) for t in (0, 1, 2, 3, 59.9, 60.0)] == [True, True, True, False, False, True]


def test_the_cli_creates_reports_and_ends_a_class(db_url, capsys):
    assert main(["class", "create", "--json", "--base-url", "http://10.0.0.5:8501/"]) == 0
    made = json.loads(capsys.readouterr().out)
    assert set(made) >= {"code", "teacher_key", "join_url"}
    assert made["join_url"] == f"http://10.0.0.5:8501/class?code={made['code']}"
    me = submissions.join(made["code"], "Ann")
    submissions.record_answer(made["code"], me["student_id"], "what.0", 1)
    assert main(["class", "report", made["code"], "--key", made["teacher_key"], "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["students"] == 1 and report["texts"] == 0
    assert [(a["question"], sum(a["counts"])) for a in report["answers"]] == [("what.0", 1)]
    assert main(["class", "report", made["code"], "--key", "guess", "--json"]) == 2
    assert capsys.readouterr().err.startswith("error: This is not the teacher key")
    assert main(["class", "end", made["code"], "--key", made["teacher_key"]]) == 0
    capsys.readouterr()
    assert main(["class", "report", made["code"], "--key", made["teacher_key"]]) == 2
    assert "No class with code" in capsys.readouterr().err
