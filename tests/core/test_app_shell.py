"""The app shell under AppTest: the home page, the language switch, the sidebar, shared links."""

import pytest

from tests.apptest import app_test


@pytest.mark.parametrize("lang, words", [("en", "Follow the journey"), ("it", "Segui il percorso")])
def test_home_renders_the_journey(lang, words):
    at = app_test(lang=lang)
    assert not at.exception
    text = " ".join(m.value for m in at.markdown)
    assert words in text
    assert "SmolLM2-135M-Instruct" in text


def test_language_from_the_url_is_used():
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file("../../app.py", default_timeout=60)
    at.query_params["lang"] = "it"
    at.run()
    assert not at.exception
    assert at.title[0].value.endswith("LLM Explainer")
    assert any("Segui il percorso" in m.value for m in at.markdown)


def test_an_unavailable_model_in_the_sidebar_gives_a_message():
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file("../../app.py", default_timeout=120)
    at.query_params["model_pick"] = "no-such-owner/no-such-model"
    at.run()
    at.switch_page("pages/next_token.py")
    at.run()
    assert not at.exception
    errors = " ".join(e.value for e in at.error)
    assert "no-such-owner/no-such-model" in errors and "not in the local Hugging Face cache" in errors
