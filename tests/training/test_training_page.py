"""The training page under AppTest: both languages, bad input, and a background run that advances and stops."""

from __future__ import annotations

import time

import pytest

from explain.training import figures as training_plots
from explain.training.trainer import TrainConfig, trainer_for_text
from tests.apptest import app_test

PAGE = "pages/training.py"


@pytest.fixture(autouse=True, scope="module")
def one_thread(torch_one_thread):
    """Every test here trains: one torch thread (see conftest)."""


def texts(at) -> str:
    return " ".join(
        str(e.value)
        for kind in ("markdown", "caption", "info", "success", "warning", "error")
        for e in getattr(at, kind)
    )


@pytest.mark.parametrize("lang, title", [("en", "Training live"), ("it", "Addestramento dal vivo")])
def test_page_renders_in_both_languages(lang, title):
    at = app_test(PAGE, lang=lang)
    assert not at.exception
    assert at.title[0].value == title
    assert at.button(key="train_start").disabled is False


@pytest.mark.parametrize(
    "text, expected",
    [("", "empty"), ("<script>alert(1)</script>", "too short"), ("x" * 100_000, None)],
)
def test_own_text_is_validated(text, expected):
    at = app_test(PAGE)
    at.radio(key="train_corpus").set_value("own").run()
    at.text_area(key="train_own_text").set_value(text).run()
    assert not at.exception
    if expected:
        assert expected in texts(at) and at.button(key="train_start").disabled
    else:
        assert "100,000 characters" in texts(at) and not at.button(key="train_start").disabled


def test_background_run_advances_across_reruns_then_stops():
    at = app_test(PAGE)
    at.number_input(key="train_context").set_value(32).run()
    at.selectbox(key="train_batch").set_value(8).run()
    at.button(key="train_start").click().run()
    assert not at.exception
    run = at.session_state["train_run"]
    deadline = time.monotonic() + 90
    first = run.view().step
    while run.view().step <= first + 2 and time.monotonic() < deadline:
        time.sleep(0.2)
        at.run()  # run_every does not fire under AppTest: re-run the page as the timer would
    assert run.view().step > first + 2 and run.view().status == "running"
    assert any("Training…" in str(i.value) for i in at.info)
    at.button(key="train_pause").click().run()
    assert run.view().status in ("paused", "running")  # the thread notices the pause within one step
    at.button(key="train_stop").click().run()
    assert not at.exception and not run.is_alive() and run.view().status == "stopped"
    assert at.text_input(key="train_save_name") is not None  # the keep section appears once stopped
    at.text_input(key="train_save_name").set_value("page-test").run()
    at.button(key="train_save").click().run()
    assert "trained/page-test" in texts(at)
    at.button(key="train_reset").click().run()
    assert "train_run" not in at.session_state


def test_absurd_learning_rate_is_explained_on_the_page():
    at = app_test(PAGE, lang="it")
    at.number_input(key="train_context").set_value(32).run()
    at.select_slider(key="train_lr").set_value(10.0).run()
    at.button(key="train_start").click().run()
    run = at.session_state["train_run"]
    run.join(60)
    at.run()
    assert not at.exception and run.view().status == "diverged"
    assert "tasso di apprendimento" in texts(at)


def test_figures_carry_the_run():
    trainer = trainer_for_text(
        "the red cat sees a dog .\n" * 80,
        config=TrainConfig(max_steps=3, batch_size=4, eval_every=1, snapshot_every=3, sample_every=0, device="cpu"),
    )
    steps, evals, snaps = [], [], []
    trainer.add_callback("on_step", lambda _t, r: steps.append(r))
    trainer.add_callback("on_eval", lambda _t, r: evals.append(r))
    trainer.add_callback("on_snapshot", lambda _t, r: snaps.append(r))
    trainer.run()
    labels = {
        k: k
        for k in ("train", "val", "baseline", "step", "loss", "perplexity", "lr", "speed", "query", "key", "pc1", "pc2")
    }
    loss = training_plots.loss_figure(steps, evals, trainer.data.vocab_size, labels)
    assert list(loss.data[0].y) == [r.loss for r in steps] and len(loss.data[1].x) == 3
    assert len(training_plots.metrics_figure(steps, evals, labels).data) == 3
    attn = training_plots.attention_figure(snaps[-1].tokens, snaps[-1].attentions, 0, 0, labels)
    assert attn.data[0].z.shape == (len(snaps[-1].tokens),) * 2
    emb = training_plots.embedding_figure(snaps[-1].vocab, snaps[-1].embedding_2d, labels)
    assert "&lt;unk&gt;" in emb.data[0].text and "·" in emb.data[0].text  # escaped, whitespace visible
    assert training_plots.thin(list(range(10)), 4) == [0, 3, 6, 9]
