"""The "What comes next" page under AppTest, in English and Italian: it opens on the shipped results."""

import pytest

from tests.apptest import app_test


@pytest.mark.parametrize("lang, words", [("en", "What comes next"), ("it", "Cosa viene dopo")])
def test_the_page_opens_with_its_three_experiments(lang, words):
    at = app_test("pages/frontier.py", lang=lang)
    assert not at.exception
    assert at.title[0].value.startswith(words)
    assert len(at.tabs) == 3
    assert at.button(key="fr_needle_run") and at.button(key="fr_reason_run") and at.button(key="fr_vit_train")
    text = " ".join(m.value for m in at.markdown)
    assert "LLaVA" in text and "/finetune" in text
