"""The scale page under AppTest: three tabs in both languages, a MoE run that starts and stops, the calculator."""

from __future__ import annotations

import time

import pytest

from tests.apptest import app_test

PAGE = "pages/scale.py"


@pytest.fixture(autouse=True, scope="module")
def one_thread(torch_one_thread):
    """The runs started here train: one torch thread (see conftest)."""


def texts(at) -> str:
    kinds = ("markdown", "caption", "info", "success", "warning", "error")
    return " ".join(str(e.value) for kind in kinds for e in getattr(at, kind))


@pytest.mark.parametrize(
    "lang, title, gpt3",
    [("en", "Bigger models: experts, scaling, cost", "175,000,000,000"),
     ("it", "Modelli più grandi: esperti, scala, costi", "175.000.000.000")],
)  # fmt: skip
def test_page_renders_in_both_languages(lang, title, gpt3):
    at = app_test(PAGE, lang=lang)
    assert not at.exception
    assert at.title[0].value == title
    assert len(at.tabs) == 3
    assert gpt3 in texts(at)  # the calculator opens on GPT-3, its N written the page's way
    assert at.button(key="moe_start").disabled is False and at.button(key="sc_start").disabled is False


def test_bad_moe_settings_are_explained():
    at = app_test(PAGE, lang="it")
    at.number_input(key="moe_experts").set_value(3).run()
    at.number_input(key="moe_top_k").set_value(5).run()
    assert not at.exception
    assert "top-k" in texts(at) and "moe_start" not in [b.key for b in at.button]  # nothing to start


def test_moe_run_starts_advances_and_stops():
    at = app_test(PAGE)
    at.number_input(key="moe_steps").set_value(40).run()
    at.button(key="moe_start").click().run()
    assert not at.exception
    job = at.session_state["moe_job"]
    deadline = time.monotonic() + 90
    while job.view().step < 3 and time.monotonic() < deadline:
        time.sleep(0.3)
        at.run()  # run_every does not fire under AppTest: re-run the page as the timer would
    assert job.view().step >= 3
    at.button(key="moe_stop").click().run()
    assert not at.exception and not job.is_alive() and job.view().status == "stopped"
    html = " ".join(str(h.value) for h in at.get("html"))
    assert "<table" in html and "layer 1" in html  # the routing grid, one row per layer


def test_calculator_picks_a_model_without_published_tokens():
    at = app_test(PAGE)
    at.selectbox(key="cost_model").set_value("mixtral").run()
    assert not at.exception and "never published" in texts(at)
