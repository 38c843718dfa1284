"""The live class through real app sessions (AppTest): a teacher, three students, the board, the keys."""

from __future__ import annotations

import pytest

from explain.classroom.tour import load_steps
from explain.live_class.report import class_report
from tests.live_class.conftest import open_page, shown_text

HOSTILE = "<img src=x onerror=alert(1)>"
CONTROLS = ("lc_end", "lc_step_next", "lc_step_prev")


def _keys(at) -> set[str]:
    return {b.key for b in at.button} | {b.key for b in at.get("download_button")}


@pytest.fixture(scope="module")
def lesson(tmp_path_factory):
    """A teacher who started a class and moved it to step 2; three students who joined and answered there."""
    mp = pytest.MonkeyPatch()
    mp.setenv("LLM_EXPLAINER_DB", f"sqlite:///{tmp_path_factory.mktemp('db') / 'class.sqlite3'}")
    teacher = open_page("pages/class.py")
    teacher.button(key="lc_start").click().run()
    teacher.button(key="lc_step_next").click().run()  # step 2 (history): no model needed
    code = teacher.session_state["lc_teacher"]["code"]
    question = load_steps()[1].quiz[0]
    wrong = next(i for i in range(len(question.options["en"])) if i != question.answer)
    students = []
    for nickname, choice in (("Anna", question.answer), ("Anna", wrong), (HOSTILE, wrong)):
        at = open_page("pages/class.py", {"code": code})
        at.text_input(key="lc_nickname").input(nickname)
        at.button[0].click().run()  # the form's Join
        at.switch_page("pages/tour.py")
        at.run()  # following: the tour opens on the teacher's step
        at.radio(key="quiz_history_0").set_value(choice).run()
        assert not at.exception
        students.append(at)
    teacher.run()
    yield {"teacher": teacher, "students": students, "code": code, "question": question, "wrong": wrong}
    mp.undo()
    from explain.live_class import store

    store.forget_engines()


def test_the_report_and_the_board_show_exactly_the_three_answers(lesson):
    teacher, question = lesson["teacher"], lesson["question"]
    key = teacher.session_state["lc_teacher"]["key"]
    report = class_report(lesson["code"], key)
    counts = [0] * len(question.options["en"])
    counts[question.answer] += 1
    counts[lesson["wrong"]] += 2
    assert report["nicknames"] == ["Anna", "Anna (2)", HOSTILE]
    assert [(a["question"], a["counts"], a["correct"], a["top_wrong"]) for a in report["answers"]] == [
        ("history.0", counts, 1, lesson["wrong"])
    ]
    assert report["steps"] == {2: 3}
    board = shown_text(teacher)
    assert "1 of 3 right" in board
    wrong_option = question.options["en"][lesson["wrong"]].replace(".", "\\.")
    assert f"most common wrong answer: *{wrong_option}* (2)" in board
    assert [m.value for m in teacher.metric][:2] == ["3", "3"]  # students, answers


def test_every_student_sits_on_the_teachers_step(lesson):
    for at in lesson["students"]:
        assert at.header[0].value.startswith("2. ")


def test_the_teacher_opens_the_tour_where_the_class_is_and_a_student_may_leave(lesson):
    from explain.live_class.classes import class_step, set_step

    teacher, code = lesson["teacher"], lesson["code"]
    key = teacher.session_state["lc_teacher"]["key"]
    teacher.switch_page("pages/tour.py")
    teacher.run()
    assert teacher.header[0].value.startswith("2. ") and class_step(code) == 2  # not reset to step 1
    assert f"Class **{code}**" in shown_text(teacher)
    student = lesson["students"][1]
    student.toggle(key="lc_follow_tour").set_value(False).run()  # leaves the teacher
    set_step(code, key, 3)
    student.run()
    assert student.header[0].value.startswith("2. ") and not student.session_state["lc_follow"]
    set_step(code, key, 2)
    teacher.switch_page("pages/class.py")
    teacher.run()


def test_a_nickname_with_html_shows_as_text(lesson):
    board = shown_text(lesson["teacher"]) + "".join(h.proto.body for h in lesson["teacher"].get("html"))
    assert "&lt;img src\\=x onerror\\=alert\\(1\\)&gt;" in board
    assert "<img" not in board


def test_hiding_nicknames_hides_them_on_the_board(lesson):
    teacher = lesson["teacher"]
    teacher.toggle(key="lc_hide_names").set_value(True).run()
    board = shown_text(teacher)
    assert "Anna" not in board and "nicknames hidden" in board
    teacher.toggle(key="lc_hide_names").set_value(False).run()


def test_no_teacher_controls_without_the_key(lesson):
    code, student = lesson["code"], lesson["students"][0]
    student.switch_page("pages/class.py")
    student.run()
    assert not set(CONTROLS) & _keys(student)  # a joined student
    for query in (
        {"code": code},
        {"code": code, "key": "wrong"},
        {"code": code, "key": student.session_state["lc_member"]["student_id"]},
    ):
        at = open_page("pages/class.py", query)
        assert not set(CONTROLS) & _keys(at) and "lc_teacher" not in at.session_state
        if "key" in query:
            assert "does not carry the teacher key" in shown_text(at)


def test_the_private_teacher_link_opens_the_controls_and_leaves_the_address_bar(lesson):
    key = lesson["teacher"].session_state["lc_teacher"]["key"]
    at = open_page("pages/class.py", {"code": lesson["code"], "key": key})
    assert set(CONTROLS) <= _keys(at)
    assert "key" not in at.query_params


def test_a_wrong_code_says_so(lesson):
    at = open_page("pages/class.py", {"code": "ZZZZZZ"}, lang="it")
    at.text_input(key="lc_nickname").input("Marco")
    at.button[0].click().run()
    assert "Nessuna lezione con il codice ZZZZZZ" in shown_text(at)
    assert "lc_member" not in at.session_state


def test_join_attempts_are_rate_limited_per_session(lesson):
    from explain.core.limits import MAX_CLASS_JOINS

    at = open_page("pages/class.py", {"code": "ZZZZZZ"})
    at.text_input(key="lc_nickname").input("Guess")
    for _ in range(MAX_CLASS_JOINS):
        at.button[0].click().run()
        assert "No class with code ZZZZZZ" in shown_text(at)
    at.text_input(key="lc_code").input(lesson["code"])  # even the right code waits now
    at.button[0].click().run()
    assert f"at most {MAX_CLASS_JOINS} a minute" in shown_text(at) and "lc_member" not in at.session_state


@pytest.mark.parametrize("lang, title", [("en", "Live class"), ("it", "Lezione dal vivo")])
def test_the_landing_page_in_both_languages(lang, title, lesson):
    at = open_page("pages/class.py", lang=lang)
    assert at.title[0].value == title
    assert {"lc_start"} <= _keys(at)
