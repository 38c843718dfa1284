"""The fine-tuning page in both languages: tabs, the busy gate, a finished run's view, a RAG answer."""

import pytest

from explain.finetune.job import FinetuneJob, JobSpec
from explain.finetune.lora import FinetuneConfig
from tests.apptest import app_test

PAGE = "pages/finetune.py"


@pytest.mark.parametrize("lang", ["en", "it"])
def test_page_renders_in_both_languages(lang):
    at = app_test(PAGE, lang=lang)
    assert not at.exception
    assert len(at.tabs) == 3
    assert at.button(key="ft_start") and at.button(key="rag_ask")
    assert any("109" in m.value or "88" in m.value for m in at.markdown)  # dataset sizes are said


def test_a_second_fine_tuning_gets_a_busy_message(monkeypatch):
    import threading

    from ui import finetune as lora_view

    taken = threading.Semaphore(1)
    taken.acquire()  # another session holds the server's only slot
    monkeypatch.setattr(lora_view, "slot", lambda: taken)
    at = app_test(PAGE)
    at.button(key="ft_start").click().run()
    assert not at.exception
    assert any("one fine-tuning at a time" in w.value for w in at.warning)
    assert "ft_job" not in at.session_state


def test_a_finished_run_shows_its_comparison(tmp_path):
    job = FinetuneJob(JobSpec(FinetuneConfig(steps=2), [], []))
    job.state.update(
        phase="done",
        history=[
            {"step": 1, "loss": 3.0, "eta_seconds": 1, "elapsed": 1},
            {"step": 2, "loss": 2.0, "eta_seconds": 0, "elapsed": 2},
        ],
        rows=[{"user": "<script>alert(1)</script>", "base": "I'm sorry", "finetuned": "€8.50", "reference": "€8.50"}],
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
