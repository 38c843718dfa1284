"""The anatomy page in both languages: every stage and tab renders, and it shows the CLI's numbers."""

from __future__ import annotations

import pytest

from explain.anatomy.diagram import model_shape, stages
from explain.anatomy.report import anatomy_report
from explain.core.i18n import translate
from tests.apptest import app_test

PAGE = "pages/anatomy.py"
TABS = ["tab_stream", "tab_neurons", "tab_attribution", "tab_ablation"]


def _markdown(at) -> str:
    return "\n".join(m.value for m in at.markdown)


@pytest.mark.parametrize("lang", ["en", "it"])
def test_every_stage_and_tab_renders(lang, smollm):
    at = app_test(PAGE, lang=lang)
    assert not at.exception and not at.error
    assert at.title[0].value == translate("anatomy.title", lang)
    for stage in [s.key for s in stages(model_shape(smollm))]:
        at.session_state["an_stage"] = stage
        at.run()
        assert not at.exception and not at.error, stage
    for tab in TABS[1:]:
        at.session_state["an_tab"] = translate(f"anatomy.{tab}", lang)
        at.run()
        assert not at.exception and not at.error, tab
    assert not at.error


def test_page_and_cli_agree(page_lm):
    at = app_test(PAGE)
    report = anatomy_report(page_lm, translate("anatomy.default_text", "en"))
    text = _markdown(at)
    assert f"{report['target']['logit']:,.3f}" in text and "`·Paris`" in text
    assert f"{report['dla_embedding']:,.3f}" in text


def test_italian_numbers_and_a_bad_target(page_lm):
    at = app_test(PAGE, lang="it")
    report = anatomy_report(page_lm, translate("anatomy.default_text", "it"))
    assert f"{report['target']['logit']:.3f}".replace(".", ",") in _markdown(at)
    at.text_input(key="an_target").set_value(" Parisianly").run()
    assert not at.exception and at.warning


def test_ablation_tab_and_sweep(smollm):
    at = app_test(PAGE, query={"an_text": "The capital of France is"})
    at.session_state["an_tab"] = translate("anatomy.tab_ablation", "en")
    at.run()
    assert any("0.7" in m.value or "→" in m.value for m in at.markdown)
    at.button(key="an_sweep").click().run()
    assert not at.exception and not at.error
    assert len(at.session_state["an_sweep_result"][1]) == 3


def test_attribution_tab_reports_the_gap(smollm):
    at = app_test(PAGE, query={"an_text": "The capital of France is"})
    at.session_state["an_tab"] = translate("anatomy.tab_attribution", "en")
    at.session_state["an_ig_steps"] = 8
    at.run()
    at.button(key="an_attr_run").click().run()
    assert not at.exception and not at.error
    results = at.session_state["an_attr"][1]
    assert set(results) == {"occlusion", "gradient-x-input", "integrated-gradients"}
    ig = results["integrated-gradients"]
    flagged = at.success if ig.converged else at.warning
    assert flagged and f"{ig.delta:,.3f}" in _markdown(at)


@pytest.mark.parametrize("lang", ["en", "it"])
def test_the_tour_attention_step_links_here_and_shows_layer_shares(lang, smollm):
    at = app_test("pages/tour.py", query={"lang": lang, "step": "5"})
    assert "(/anatomy)" in _markdown(at)
    at.toggle(key="tw_anat_on").set_value(True).run()
    assert not at.exception and not at.error
    assert any(translate("tour.anatomy_caption", lang).split("{")[0][:20] in c.value for c in at.caption)
