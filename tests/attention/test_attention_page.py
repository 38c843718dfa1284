"""The attention page under AppTest: every preset and every view, both languages, bad input."""

from __future__ import annotations

import pytest

from explain.attention import heads as attn
from tests.apptest import app_test

PAGE = "pages/attention.py"
VIEWS = ["heatmap", "grid", "layer", "head_view", "steps", "causal"]


def _texts(at) -> str:
    return " ".join(
        e.value for kind in ("markdown", "caption", "success", "info", "warning") for e in getattr(at, kind)
    )


@pytest.mark.parametrize("lang", ["en", "it"])
def test_every_preset_and_view_renders(lang):
    at = app_test(PAGE, lang=lang)
    assert not at.exception
    for preset in attn.PRESETS:
        at.selectbox(key="attn_preset").set_value(preset).run()
        assert not at.exception
        assert at.text_area(key="attn_text").value == attn.PRESETS[preset]
        for view in VIEWS:
            at.segmented_control(key="attn_view").set_value(view).run()
            assert not at.exception, (preset, view)
        assert at.session_state["attn_view"] == "causal"
    at.segmented_control(key="attn_view").set_value("steps").run()
    assert len(at.success) == 1  # the recomputation check holds on the page
    assert ("Verifica" if lang == "it" else "Check") in at.success[0].value


def test_hint_button_opens_the_head():
    at = app_test(PAGE)
    at.selectbox(key="attn_preset").set_value("induction").run()
    button = next(b for b in at.button if b.key and b.key.startswith("attn_hint_"))
    _, _, layer, head = button.key.split("_")
    button.click().run()
    assert (at.session_state["attn_layer"], at.session_state["attn_head"]) == (int(layer), int(head))


def test_steps_follow_layer_head_and_query():
    at = app_test(PAGE)
    at.segmented_control(key="attn_view").set_value("steps").run()
    at.selectbox(key="attn_layer").set_value(13).run()
    at.selectbox(key="attn_head").set_value(8).run()
    at.selectbox(key="attn_query").set_value(8).run()  # " it"
    assert not at.exception and len(at.success) == 1
    assert "key/value head **2**" in _texts(at)


def test_empty_text_says_what_to_do():
    at = app_test(PAGE)
    at.text_area(key="attn_text").set_value("   ").run()
    assert not at.exception
    assert at.warning and "empty" in at.warning[0].value
    assert at.selectbox(key="attn_preset").value == "custom"


def test_long_text_is_cut_and_said():
    at = app_test(PAGE)
    at.text_area(key="attn_text").set_value("word " * 20_000).run()
    assert not at.exception
    assert any("256" in i.value for i in at.info)  # notice_truncated names the bound
    assert "64" in _texts(at)  # and the view says it draws fewer
    at.segmented_control(key="attn_view").set_value("steps").run()
    assert not at.exception and len(at.success) == 1


def test_script_is_shown_as_text():
    at = app_test(PAGE)
    at.text_area(key="attn_text").set_value("<script>alert(1)</script>").run()
    assert not at.exception
    for view in ("head_view", "steps"):
        at.segmented_control(key="attn_view").set_value(view).run()
        assert not at.exception
    assert "<script>" not in "".join(m.value for m in at.markdown)
