"""The next-token page in both languages: every tab, generation buttons, chat, and bad input."""

from __future__ import annotations

import pytest

from explain.core.i18n import translate
from explain.next_token.hallucination import QUESTIONS
from tests.apptest import app_test

PAGE = "pages/next_token.py"
TABS = ["tab_distribution", "tab_generation", "tab_lens", "tab_perplexity", "tab_chat", "tab_limits"]


def _open(at, tab: str, lang: str = "en"):
    at.session_state["nt_tab"] = translate(f"next_token.{tab}", lang)
    return at.run()


def _html(at) -> str:
    return "".join(str(e.proto) for e in at.get("html"))


@pytest.mark.parametrize("lang", ["en", "it"])
def test_every_tab_renders(lang):
    at = app_test(PAGE, lang=lang)
    assert not at.exception
    assert at.title[0].value == translate("next_token.title", lang)
    for tab in TABS[1:]:
        _open(at, tab, lang)
        assert not at.exception, tab
    assert any(translate("next_token.limits_run", lang) == b.label for b in at.button)


def test_generation_buttons_append_undo_and_stream():
    at = app_test(PAGE)
    at.session_state["nt_temp"] = 0.0  # greedy everywhere: deterministic, and no early end-of-text
    _open(at, "tab_generation")
    at.button(key="nt_greedy").click().run()
    steps = at.session_state["nt_gen"]["steps"]
    assert [s.text for s in steps] == [" Paris"]
    at.button(key="nt_cand_1").click().run()  # the second candidate
    assert len(at.session_state["nt_gen"]["steps"]) == 2
    at.button(key="nt_undo").click().run()
    assert len(at.session_state["nt_gen"]["steps"]) == 1
    at.number_input(key="nt_auto_n").set_value(3).run()
    at.button(key="nt_auto").click().run()
    assert not at.exception
    assert len(at.session_state["nt_gen"]["steps"]) == 4


def test_lens_tab_names_the_answer():
    at = _open(app_test(PAGE), "tab_lens")
    assert any("`·Paris`" in m.value for m in at.markdown)


def test_chat_answers_with_the_template():
    at = app_test(PAGE)
    at.session_state["nt_temp"] = 0.0
    _open(at, "tab_chat")
    at.toggle(key="nt_chat_raw").set_value(True).run()
    at.chat_input(key="nt_chat_input").set_value("What is the capital of France?").run()
    assert not at.exception
    history = at.session_state["nt_chat"]
    assert [m["role"] for m in history] == ["user", "assistant"] and "Paris" in history[1]["content"]
    assert "im_start" in _html(at)


@pytest.mark.parametrize("tab", ["tab_distribution", "tab_generation", "tab_perplexity"])
def test_bad_input(tab):
    at = app_test(PAGE)
    key = "nt_ppl_text" if tab == "tab_perplexity" else "nt_text"
    at.session_state[key] = "   "
    _open(at, tab)
    assert not at.exception and any(translate("next_token.empty") in i.value for i in at.info)
    at.session_state[key] = "<script>alert(1)</script>"
    at.run()
    assert not at.exception
    if tab != "tab_distribution":
        shown = _html(at)  # tokens are drawn one chip each: '<', 'script', '>' ... each escaped on its own
        assert "&lt;" in shown and "<script" not in shown
    at.session_state[key] = "word " * 20_000  # 100,000 characters
    at.run()
    assert not at.exception
    assert any("256" in i.value for i in at.info)


def test_out_of_range_url_values_are_clamped():
    at = app_test(PAGE)
    for key, value in (("nt_temp", 99.0), ("nt_topk", -3), ("nt_topp", float("nan")), ("nt_seed", -1)):
        at.session_state[key] = value
    at.run()
    assert not at.exception
    state = at.session_state
    assert 0 <= state["nt_temp"] <= 2 and 0 <= state["nt_topk"] <= 100 and 0.05 <= state["nt_topp"] <= 1
    assert state["nt_seed"] >= 0


def test_hallucination_truths_are_computed():
    truths = {q.key: q.truth for q in QUESTIONS}
    assert truths["letters"] == "3" and truths["arithmetic"] == "31755801"
