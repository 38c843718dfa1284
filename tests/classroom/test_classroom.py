"""The classroom pieces: the tour (every step, both languages), shared links, quiz, history, myths, presenter."""

from __future__ import annotations

import math

import pytest
import torch

from explain.classroom import history, myths, tour
from explain.core.analysis import analyze
from tests.apptest import app_test

STEPS = tour.load_steps()


def tour_at(lang: str = "en", **query: str):
    """The tour page under AppTest, opened as a shared link with `query` in the URL."""
    return app_test("pages/tour.py", timeout=300, query={"lang": lang, **query})


# --- the lesson as data -------------------------------------------------------------------------------------------


def test_steps_follow_the_curriculum_and_have_both_languages():
    assert [s.id for s in STEPS] == [
        "what", "history", "tokenization", "embeddings", "attention",
        "next_token", "training", "finetune", "limits", "next",
    ]  # fmt: skip
    from ui.tour_widgets import WIDGETS

    for step in STEPS:
        assert step.widget in WIDGETS
        assert step.myth is None or step.myth in myths.load_myths()
        for lang in ("en", "it"):
            assert step.title[lang] and len(step.text[lang]) > 200
        assert len(step.quiz) >= 2
        for q in step.quiz:
            assert len(q.options["en"]) == len(q.options["it"]) and 0 <= q.answer < len(q.options["en"])
            assert q.text["it"] != q.text["en"] and q.why["it"]


def test_quiz_scoring():
    question = STEPS[0].quiz[0]
    assert tour.is_correct(question, None) is None
    assert tour.is_correct(question, question.answer) is True
    assert tour.is_correct(question, question.answer + 1) is False
    assert tour.score({"a.0": True, "a.1": False, "b.0": True}) == (2, 3)
    assert [tour.clamp_step(v, 10) for v in ("3", "0", "99", "abc", None)] == [3, 1, 10, 1, 1]


def test_curriculum_facts_in_the_text():
    text = {s.id: s.text["en"] for s in STEPS}
    assert "exp(mean negative log-likelihood per token)" in text["training"]
    assert "*each token*" in text["next"] and "*inside one model*" in text["next"]
    assert "Google Brain and Google Research" in text["history"] and "1.5 B" in text["history"]
    assert "2.5" not in text["history"]


def test_perplexity_matches_the_models_own_loss(smollm):
    text = "The cat sat on the mat because it was tired."
    ours = tour.perplexity(analyze(smollm, text).token_logprobs)
    ids = torch.tensor([smollm.tokenizer(text)["input_ids"]])
    with torch.inference_mode():
        loss = smollm.model(input_ids=ids, labels=ids).loss
    assert ours == pytest.approx(math.exp(loss.item()), rel=1e-4)
    assert tour.perplexity(analyze(smollm, "Mat the on sat cat the.").token_logprobs) > ours


def test_lora_share_matches_peft():
    from peft import LoraConfig, get_peft_model
    from transformers import LlamaConfig, LlamaForCausalLM

    config = LlamaConfig(
        vocab_size=64,
        hidden_size=32,
        intermediate_size=64,
        num_hidden_layers=2,
        num_attention_heads=4,
        num_key_value_heads=2,
    )
    model = LlamaForCausalLM(config)
    ours = tour.lora_share(model, rank=4)
    peft_model = get_peft_model(model, LoraConfig(r=4, target_modules=["q_proj", "v_proj"]))
    assert ours["trainable"] == sum(p.numel() for p in peft_model.parameters() if p.requires_grad)
    assert ours["wrapped_layers"] == 4


# --- history -------------------------------------------------------------------------------------------------------


def test_history_numbers_and_sources():
    by_id = {m.id: m for m in history.load_timeline()}
    assert by_id["eliza"].year == 1966 and by_id["lstm"].year == 1997 and by_id["transformer"].year == 2017
    assert (by_id["gpt1"].parameters, by_id["bert"].parameters) == (117_000_000, 340_000_000)
    assert by_id["gpt2"].parameters == 1_558_000_000 and by_id["gpt3"].parameters == 175_000_000_000
    assert by_id["gpt3"].training_tokens == 300_000_000_000
    assert by_id["gpt4"].parameters is None and by_id["gpt4"].estimate_parameters == 1_760_000_000_000
    assert by_id["chatgpt"].parameters is None and "GPT-3.5" in by_id["chatgpt"].name
    assert "Google Brain" in by_id["transformer"].source and "DeepMind" not in by_id["transformer"].source
    assert by_id["ising"].kind == "precursor"
    assert all(m.source and m.text["en"] and m.text["it"] for m in by_id.values())


def test_history_figure_is_log_scale_and_marks_the_estimate():
    fig = history.timeline_figure()
    assert fig.layout.yaxis.type == "log"
    params, tokens, estimate = fig.data
    assert "GPT-2" in params.text and "GPT-4" not in params.text
    assert list(estimate.text) == ["GPT-4"] and estimate.marker.symbol == "circle-open"
    assert set(tokens.text) == {"GPT-3", "Chinchilla", "Llama 2 70B", "SmolLM2-135M (this app)"}
    assert len(history.table_rows("it")) == len(history.load_timeline())
    assert history.human_count(1_558_000_000) == "1.56 B"
    assert history.human_count(1_558_000_000, "it") == "1,56 miliardi"


def test_myths_cover_the_four_classics():
    found = myths.load_myths()
    assert {"vector_db", "perplexity", "gpt2_size", "moe"} <= set(found)
    assert "inside one model" in found["moe"].fact["en"]
    assert "1.5 billion" in found["gpt2_size"].fact["en"]


# --- pages under AppTest ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "it"])
def test_tour_renders_every_step(lang, smollm, minilm):  # models loaded (and converted) before the pages
    at = tour_at(lang)
    for number, step in enumerate(STEPS, start=1):
        at.session_state["tour_step"] = number
        at.run()
        assert not at.exception, (number, at.exception)
        assert at.header[0].value == f"{number}. {step.title[lang]}"
        assert not at.error, (number, [e.value for e in at.error])
        assert at.query_params["step"] == [str(number)] or at.query_params["step"] == str(number)


def test_a_shared_link_restores_step_language_and_presenter_mode():
    at = tour_at("it", step="7", present="1")
    assert not at.exception
    assert at.header[0].value == "7. Addestramento"
    assert at.session_state["presenting"] is True
    assert any("step=7" in c.value and "present=1" in c.value and "lang=it" in c.value for c in at.code)
    at.button(key="tour_next_top").click().run()
    assert at.header[0].value == "8. Fine-tuning"
    assert at.button(key="tour_next_top").disabled is False
    assert tour_at("en", step="99").header[0].value.startswith("10.")
    assert tour_at("en", step="abc").header[0].value.startswith("1.")


def test_quiz_gives_immediate_feedback_and_keeps_score_in_the_session():
    at = tour_at("en", step="2")
    question = STEPS[1].quiz[0]
    at.radio(key="quiz_history_0").set_value((question.answer + 1) % len(question.options["en"])).run()
    assert "2.5" in " ".join(e.value for e in at.error) or at.error[0].value.startswith("Not quite")
    at.radio(key="quiz_history_1").set_value(STEPS[1].quiz[1].answer).run()
    assert at.success[0].value.startswith("Right!")
    assert "1 right out of 2 answered" in " ".join(c.value for c in at.caption)


def test_tour_widgets_take_bad_input():
    at = tour_at("en", step="3")
    at.text_input(key="tw_tok_text").input("<script>alert(1)</script>").run()
    assert not at.exception
    chips = " ".join(h.proto.body for h in at.get("html"))
    assert "&lt;" in chips and "<script>" not in chips  # tokens cut the tag into escaped pieces
    at.text_input(key="tw_tok_text").input("   ").run()
    assert not at.exception and at.warning


def test_history_page_restores_the_milestone_from_the_link():
    from streamlit.testing.v1 import AppTest

    for lang, word, size in (("en", "Parameters", "1.56 B"), ("it", "Parametri", "1,56 miliardi")):
        at = AppTest.from_file("../../app.py", default_timeout=120)
        at.query_params.update({"lang": lang, "milestone": "gpt2"})
        at.run()
        at.switch_page("pages/history.py")
        at.run()
        assert not at.exception
        assert any("GPT-2" in s.value for s in at.subheader)
        assert any(word in m.value and size in m.value for m in at.markdown)


@pytest.mark.parametrize("lang", ["en", "it"])
def test_myths_page_renders(lang):
    from tests.apptest import app_test

    at = app_test("pages/myths.py", lang=lang)
    assert not at.exception
    text = " ".join(m.value for m in at.markdown)
    assert ("inside one model" if lang == "en" else "dentro un unico modello") in text


def test_qr_code_encodes_the_link():
    from ui.presenter import qr_svg

    svg = qr_svg("http://192.168.1.5:8501/tour?lang=it&step=3")
    assert svg.startswith("<svg") and "path" in svg


def test_letter_counting_step_asks_the_model(smollm):
    at = tour_at("en", step="9")
    at.text_input(key="tw_letters_word").input("strawberry").run()
    assert "**3** times" in " ".join(m.value for m in at.markdown)
    at.button(key="tw_letters_ask").click().run()
    assert not at.exception
    assert at.session_state["tw_letters_reply"]  # SmolLM2 answered (right or wrong: that is the lesson)
