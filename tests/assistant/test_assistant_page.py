"""The assistant page in both languages: every tab drawn, and a finished DPO run's before/after view."""

from __future__ import annotations

import pytest

from explain.core.job_board import Board
from explain.core.jobs import BackgroundJob
from tests.apptest import app_test

PAGE = "pages/assistant.py"


@pytest.mark.parametrize("lang", ["en", "it"])
def test_page_renders_in_both_languages(lang):
    at = app_test(PAGE, lang=lang)
    assert not at.exception
    assert len(at.tabs) == 8
    for key in ("as_bc_run", "as_dpo_start", "as_rl_run", "as_mem_run", "as_bias_run", "as_cut_run"):
        assert at.button(key=key)
    assert len(at.dataframe) >= 1  # the self-supervision pairs of the default sentence
    ranking = "ranks the chosen answer" if lang == "en" else "mette la risposta scelta"
    assert not any(ranking in m.value for m in at.markdown)  # no reward model (nor encoder) until asked
    if lang == "en":  # one language ranks: the reward model is trained, measured and used on click
        at.session_state["as_rl_n"] = 2  # two candidates keep it short
        at.button(key="as_rl_run").click().run()
        assert not at.exception
        assert any(ranking in m.value for m in at.markdown)
        assert sum("· reward" in m.value for m in at.markdown) == 2  # the two candidates, ranked


def _finished_job() -> BackgroundJob:
    board = Board(phase="comparing", step=2, total=2)

    def work(board):
        board.set(model={"device": "cpu", "dtype": "float32", "sha256": "0123456789abcdef"})
        board.set(before={"accuracy": 0.25, "margin": -3.0}, after={"accuracy": 0.75, "margin": 4.0})
        for step in (1, 2):
            board.append(
                "history", {"step": step, "loss": 0.69 / step, "reward_margin": 0.1, "seconds": 1, "elapsed": 1}
            )
        board.set(base_unchanged=True)
        board.append("rows", {"prompt": "Do you deliver?", "base": "Maybe.", "tuned": "Yes, within 5 km."})
        yield

    job = BackgroundJob(work(board), board).start()
    job.join(10)
    return job


@pytest.mark.parametrize("lang", ["en", "it"])
def test_a_finished_run_shows_before_and_after(lang):
    at = app_test(PAGE, lang=lang, state={"as_dpo_job": _finished_job()})
    assert not at.exception
    values = [m.value for m in at.metric]
    assert "75%" in values and ("+4.0" in values or "+4,0" in values)
    assert any("SHA-256" in s.value for s in at.success)
    assert any("Yes, within 5 km." in x.value for x in at.text)
