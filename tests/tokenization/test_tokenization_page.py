"""The tokenization page through AppTest: both languages, bad input, escaping, the BPE stepper, ids, letter counting."""

import pytest

from tests.apptest import app_test

PAGE = "pages/tokenization.py"


def _markdown(at) -> list[str]:
    return [m.value for m in at.markdown]


@pytest.mark.parametrize("lang", ["en", "it"])
def test_page_renders_in_both_languages(lang):
    at = app_test(PAGE, lang=lang)
    assert not at.exception
    assert at.title[0].value == ("Tokenization" if lang == "en" else "Tokenizzazione")
    assert not at.error
    body = "\n".join(_markdown(at))
    assert 'title="id 3923' in body  # cl100k's chip for "What" in the side-by-side view
    assert ("Merge 10" if lang == "en" else "Fusione 10") in body  # the stepper starts at merge 10


def test_script_and_img_are_shown_as_literal_text():
    at = app_test(PAGE)
    at.text_area(key="tok_text").set_value("<script>alert(1)</script> <img src=x onerror=alert(1)>").run()
    assert not at.exception
    html = [m for m in _markdown(at) if "<span" in m or "<div" in m]
    assert any("&lt;script&gt;" in m for m in html)
    assert any("&lt;img" in m for m in html)
    assert not any("<script" in m or "<img" in m for m in html)


def test_empty_and_overlong_text():
    at = app_test(PAGE)
    at.text_area(key="tok_text").set_value("   ").run()
    assert not at.exception
    assert any("empty" in i.value for i in at.info)
    at.text_area(key="tok_text").set_value("word " * 20_000).run()  # 100,000 characters
    assert not at.exception
    assert any("100,000" in i.value and "20,000" in i.value for i in at.info)


def test_bpe_stepper_and_ids():
    at = app_test(PAGE)
    at.slider(key="tok_bpe_step").set_value(3).run()
    assert not at.exception
    assert any("**Merge 3:** `l` + `o` → `lo`" in m and "**7**" in m for m in _markdown(at))
    assert any("same 15 merges" in s.value for s in at.success)
    assert at.code[0].value == "What is the tallest building?"  # the default cl100k ids decoded
    at.text_input(key="tok_ids").set_value("1, 2, x").run()
    assert any("not a token id" in w.value for w in at.warning)


def test_letter_counting_shows_answer_and_truth():
    at = app_test(PAGE)
    at.button(key="tok_letters_ask").click().run()
    assert not at.exception
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["The truth"] == "15"
    assert "SmolLM2's answer" in metrics


def test_pasted_bpe_text_is_bounded_to_one_megabyte():
    at = app_test(PAGE)
    at.radio(key="tok_bpe_source").set_value("paste").run()
    at.text_area(key="tok_bpe_paste").set_value("è caffè " * 150_000).run()  # 1.95 MB
    assert not at.exception
    assert any("1,000,000 bytes: only the first" in i.value for i in at.info)
    assert any("same" in s.value and "tokenizers" in s.value for s in at.success)


def test_new_random_letters_replace_the_text():
    at = app_test(PAGE)
    at.button(key="tok_new_letters").click().run()
    assert not at.exception
    text = at.text_area(key="tok_text").value
    assert len(text) == 15 and text.isalpha() and at.selectbox(key="tok_preset").value == "random_letters"
