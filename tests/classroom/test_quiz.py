"""The tour's quiz: enough questions, plausible options in a shuffled order, and a reason for every wrong one."""

from __future__ import annotations

import pytest

from explain.classroom import tour
from tests.apptest import app_test

STEPS = tour.load_steps()
QUESTIONS = [(step.id, i, q) for step in STEPS for i, q in enumerate(step.quiz)]


def test_every_step_has_three_questions_with_three_options_in_both_languages():
    for step in STEPS:
        assert len(step.quiz) >= 3, step.id
        for q in step.quiz:
            assert len(q.options["en"]) >= 3 and len(q.options["en"]) == len(q.options["it"]), q.text["en"]
            assert 0 <= q.answer < len(q.options["en"])
            assert len(set(q.options["en"])) == len(q.options["en"]) and len(set(q.options["it"])) == len(
                q.options["it"]
            )


def test_every_wrong_option_says_why_it_is_wrong():
    for _, _, q in QUESTIONS:
        for lang in ("en", "it"):
            wrong = q.wrong[lang]
            assert len(wrong) == len(q.options[lang]), q.text[lang]
            assert wrong[q.answer] == "" and all(w.strip() for i, w in enumerate(wrong) if i != q.answer), q.text[lang]
            assert "{" not in " ".join(wrong) + q.why[lang], q.text[lang]  # no placeholder left unfilled


def test_the_right_answer_is_not_given_away_by_place_or_length():
    places = [q.answer for _, _, q in QUESTIONS]
    assert max(places.count(p) for p in set(places)) <= len(places) / 2  # the data alone: not mostly first
    giveaways = 0
    for _, _, q in QUESTIONS:
        lengths = sorted(len(o) for o in q.options["en"])
        right = len(q.options["en"][q.answer])
        giveaways += right == lengths[-1] and right > 1.2 * lengths[-2]
    assert giveaways <= len(QUESTIONS) // 10, "the right answer is by far the longest too often"


def test_option_order_is_a_shuffle_fixed_per_session():
    order = tour.option_order(4, seed=7, key="history.0")
    assert sorted(order) == [0, 1, 2, 3]
    assert tour.option_order(4, seed=7, key="history.0") == order  # stable within a session
    orders = {tuple(tour.option_order(4, seed, "history.0")) for seed in range(50)}
    assert len(orders) > 10  # sessions see different orders
    for step_id, i, q in QUESTIONS:  # over many sessions, the right answer shows up in every place
        shown_first = {tour.option_order(len(q.options["en"]), s, f"{step_id}.{i}").index(q.answer) for s in range(60)}
        assert shown_first == set(range(len(q.options["en"]))), q.text["en"]


@pytest.mark.parametrize("lang", ["en", "it"])
def test_the_page_shows_the_session_order_and_explains_wrong_answers(lang):
    question = STEPS[1].quiz[0]  # the history step: its widget needs no model
    at = app_test("pages/tour.py", timeout=120, query={"lang": lang, "step": "2"}, state={"quiz_seed": 11})
    radio = at.radio(key="quiz_history_0")
    shown = [question.options[lang][i] for i in tour.option_order(len(question.options[lang]), 11, "history.0")]
    assert list(radio.options) == shown
    at.run()
    assert list(at.radio(key="quiz_history_0").options) == shown  # a rerun keeps the order
    wrong = (question.answer + 1) % len(question.options[lang])
    at.radio(key="quiz_history_0").set_value(wrong).run()
    assert at.error, "a wrong answer is marked wrong"
    notes = " ".join(c.value for c in at.caption)
    assert question.wrong[lang][wrong] in notes and question.options[lang][wrong] in notes
