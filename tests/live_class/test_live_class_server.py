"""A real server: a teacher and a student in two Chromium contexts, and `loadtest --mode quiz`."""

from __future__ import annotations

import os
import re

import pytest
from sqlalchemy import select

from bench.loadtest import LoadConfig, run_loadtest
from explain.classroom.tour import load_steps
from explain.live_class import store
from explain.live_class.schema import ClassRoom
from tools.browser import CHROMIUM, FLAGS
from tools.serve import streamlit_server

HOSTILE = "<img src=x onerror=alert(1)>"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """An app server and this process sharing one fresh class database."""
    assert os.path.exists(CHROMIUM), "scripts/test installs Debian's chromium; run it, or apt-get install chromium"
    folder = tmp_path_factory.mktemp("live")
    url = f"sqlite:///{folder / 'class.sqlite3'}"
    patch = pytest.MonkeyPatch()
    patch.setenv(store.DB_ENV, url)
    with streamlit_server(extra_env={store.DB_ENV: url}, log_path=folder / "streamlit.log") as base:
        yield base
    patch.undo()
    store.forget_engines()


def _newest_code() -> str:
    with store.reading() as session:
        return session.scalars(select(ClassRoom.code).order_by(ClassRoom.created_at.desc())).first()


def test_a_teacher_and_a_student_in_two_browsers(server, tmp_path):
    from playwright.sync_api import expect, sync_playwright

    question = load_steps()[1].quiz[0]
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        teacher = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
        teacher.goto(f"{server}/class?lang=en", timeout=60_000)  # a fresh server's first visit, straight to the class
        teacher.get_by_role("button", name="Start a class").click(timeout=60_000)
        teacher.get_by_text("Step shown to the class: 1 of 10").wait_for(timeout=60_000)
        teacher.get_by_role("button", name="→").click()
        teacher.get_by_text("Step shown to the class: 2 of 10").wait_for(timeout=30_000)
        code = _newest_code()

        student = browser.new_context(viewport={"width": 420, "height": 900}).new_page()
        student.goto(f"{server}/class?lang=en&code={code}", timeout=60_000)
        student.get_by_label(re.compile("^Nickname")).fill(HOSTILE)
        student.get_by_role("button", name="Join").click()
        student.get_by_text("You are in class").wait_for(timeout=30_000)
        assert student.get_by_role("button", name="End the class").count() == 0
        student.get_by_role("link", name="Open the guided tour").click()
        student.get_by_text("2. A short history").wait_for(timeout=60_000)  # following: the teacher's step
        student.get_by_role("radio", name=question.options["en"][question.answer], exact=True).check(force=True)
        student.get_by_text("Right!").first.wait_for(timeout=30_000)

        expect(teacher.get_by_text("1 of 1 right")).to_be_visible(timeout=30_000)  # the board refreshed by itself
        expect(teacher.get_by_text(HOSTILE).first).to_be_visible()  # the nickname as text...
        assert teacher.locator("img[src='x']").count() == 0  # ...never as an element
        teacher.screenshot(path=str(tmp_path / "teacher.png"), full_page=True)
        browser.close()


def test_thirty_students_answer_in_the_quiz_load_test(server):
    report = run_loadtest(LoadConfig(sessions=30, mode="quiz", url=server))
    assert report["errors"] == 0, report["error_examples"]
    assert report["answers_counted"] == report["answers_expected"] == 30 * sum(len(s.quiz) for s in load_steps())
    assert report["teacher_refreshes"] >= 2 and report["teacher_board"]["p50_ms"] > 0
