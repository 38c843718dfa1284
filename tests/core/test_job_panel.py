"""ui/jobs.py's start / follow / finished on a tiny script: a finished job's result is kept and the job
forgotten; a failed one says why, escaped, and keeps nothing. (The queue message is tested on the
fine-tuning page, the panels' own drawing on each page.) Fake work, no model: a few seconds."""

from __future__ import annotations


def panel_script() -> None:
    import time

    import streamlit as st

    from ui import jobs

    fail = st.session_state.get("fail", False)

    def work(board):
        board.set(total=2)
        for n in (1, 2):
            time.sleep(0.75)  # slower than the click's own run: the test reads the job before it ends
            board.set(step=n)
            yield
        if fail:
            raise ValueError("<b>bad</b> *input*")
        board.set(result=42)
        board.append("points", 1)

    if st.button("go", key="go"):
        jobs.start("k", jobs.board_job(work))
    jobs.follow("k", jobs.bar("Working"), keep=True)
    st.text(f"result={jobs.finished('k').get('result')} points={jobs.finished('k').get('points')}")


def run_to_the_end(fail: bool):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_function(panel_script, default_timeout=30)
    at.session_state["lang"], at.session_state["fail"] = "en", fail
    at.run()
    at.button(key="go").click().run()
    job = at.session_state["k"]
    job.join(10)
    at.run()  # the panel sees the end: keeps the result and reruns the page once
    assert not at.exception
    return at, job


def test_a_finished_job_leaves_its_result_and_is_forgotten():
    at, job = run_to_the_end(fail=False)
    assert job.view().status == "finished"
    assert "k" not in at.session_state and not at.session_state["k_was_running"]
    assert [x.value for x in at.text] == ["result=42 points=[1]"]
    assert not at.error


def test_a_failed_job_says_why_escaped_and_keeps_nothing():
    at, job = run_to_the_end(fail=True)
    assert job.view().status == "error" and at.session_state["k"] is job
    assert [x.value for x in at.text] == ["result=None points=None"]
    (error,) = at.error
    assert error.value.startswith("Something went wrong: ValueError")
    assert "&lt;b&gt;bad&lt;/b&gt; \\*input\\*" in error.value  # shown as typed, never as markup
