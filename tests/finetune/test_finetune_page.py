"""The fine-tuning page in both languages: tabs, the busy gate, a finished run's view, a RAG answer."""

import pytest

from explain.core.job_board import Board
from explain.core.job_gate import JobGate
from explain.core.jobs import BackgroundJob
from tests.apptest import app_test

PAGE = "pages/finetune.py"


@pytest.mark.parametrize("lang", ["en", "it"])
def test_page_renders_in_both_languages(lang):
    at = app_test(PAGE, lang=lang)
    assert not at.exception
    assert len(at.tabs) == 3
    assert at.button(key="ft_start") and at.button(key="rag_ask")
    assert any("109" in m.value or "88" in m.value for m in at.markdown)  # dataset sizes are said


def test_a_second_fine_tuning_waits_in_the_queue_and_is_told_its_place(monkeypatch):
    from ui import jobs

    taken = JobGate(1)
    taken.try_enter(0)  # another session's job holds the server's only slot
    monkeypatch.setattr(jobs, "gate", lambda: taken)
    at = app_test(PAGE)
    at.button(key="ft_start").click().run()
    assert not at.exception
    job = at.session_state["ft_job"]
    try:
        assert job.view().status in ("new", "queued")
        at.run()  # the panel redraws as its timer would
        assert any("number 1 in the queue" in w.value for w in at.warning)
        assert job.view().values.get("model") is None  # nothing loaded while waiting
    finally:
        job.stop()
        job.join(10)
    assert job.view().status == "stopped"


def test_a_finished_run_shows_its_comparison(tmp_path):
    board = Board()
    job = BackgroundJob(iter(()), board).start()  # a job with nothing to do: finished at once
    job.join(5)
    for record in (
        {"step": 1, "loss": 3.0, "eta_seconds": 1, "elapsed": 1},
        {"step": 2, "loss": 2.0, "eta_seconds": 0, "elapsed": 2},
    ):
        board.append("history", record)
    board.append(
        "rows", {"user": "<script>alert(1)</script>", "base": "I'm sorry", "finetuned": "€8.50", "reference": "€8.50"}
    )
    at = app_test(PAGE, lang="it")
    at.session_state["ft_job"] = job
    at.run()
    assert not at.exception
    assert any("concluso dopo 2 passi" in s.value for s in at.success)
    texts = [m.value for m in at.markdown]
    assert any("&lt;script&gt;alert\\(1\\)&lt;/script&gt;" in x for x in texts)  # literal, never run
    assert "I&#x27;m sorry" in texts and texts.count("€8\\.50") == 2


def test_rag_empty_question_is_a_warning_not_an_error():
    at = app_test(PAGE)
    at.text_input(key="rag_question").set_value("   ").run()
    at.button(key="rag_ask").click().run()
    assert not at.exception
    assert any("empty" in w.value for w in at.warning)


def test_rag_answer_shows_chunks_and_keeps_markup_literal():
    at = app_test(PAGE)
    question = "<script>alert(1)</script> How many parameters does GPT-2 have? " + "pizza " * 20_000
    at.text_input(key="rag_question").set_value(question).run()
    at.slider(key="rag_k").set_value(2).run()
    at.button(key="rag_ask").click().run()
    assert not at.exception
    texts = [m.value for m in at.markdown]
    assert any("&lt;script&gt;alert\\(1\\)&lt;/script&gt;" in x for x in texts)  # shown as text, never run
    assert not any("<script>" in x for x in texts)
    assert sum(x.startswith("> ") for x in texts) == 2  # the two retrieved chunks
    assert len(at.info) >= 2  # the two answers


def test_distillation_runs_in_the_background_and_shows_its_result(monkeypatch, torch_one_thread):
    from explain.finetune import distill

    if not distill.TEACHER_FILE.is_file():
        pytest.skip("teacher text not generated")
    real = distill.DistillConfig
    small = {"batch_size": 8, "eval_batches": 1, "sample_chars": 20}
    monkeypatch.setattr(distill, "DistillConfig", lambda steps: real(steps, **small))
    at = app_test(PAGE)
    at.slider(key="distill_steps").set_value(50).run()
    at.button(key="distill_run").click().run()
    assert not at.exception
    job = at.session_state["distill_job"]
    assert job.view().active  # the page returned while the students train
    job.join(120)
    at.run()  # the panel's timer would notice the end
    assert not at.exception and "distill_job" not in at.session_state
    assert set(at.session_state["distill_result"]["students"]) == {"raw", "teacher"}
    assert len(at.dataframe) >= 1
