"""The chapter's smaller parts on the real models: self-supervision, bias, fingerprints, reward model, templates."""

from __future__ import annotations

import datetime

import numpy as np
import pytest
import torch

from explain.assistant import base_chat, bias, cutoff, memory, selfsup
from explain.assistant.fingerprint import fingerprint
from explain.assistant.pairs import read_pairs, split_pairs
from explain.assistant.reward import ranking_accuracy, train_reward_model
from explain.core.analysis import analyze, top_candidates
from explain.core.generation import generate
from explain.core.sampling import SamplingConfig
from explain.next_token.perplexity import model_loss

pytestmark = pytest.mark.usefixtures("torch_one_thread")  # 2 shared cores: one torch thread is far steadier


def test_self_supervised_pairs_are_the_text_shifted_by_one_and_average_to_the_model_loss(smollm):
    text = "The cat sat on the mat because it was warm."
    result = selfsup.training_pairs(smollm, text)
    tokens = result["tokens"]
    assert [r["target"] for r in result["rows"]] == tokens[1:]
    assert result["rows"][0]["context"] == tokens[0] and result["rows"][7]["context"] == "…" + "".join(tokens[2:8])
    ids = smollm.tokenizer(text)["input_ids"]
    assert result["mean_loss"] == pytest.approx(model_loss(smollm, ids), abs=1e-4)  # HF's labels=input_ids loss


def test_bias_numbers_equal_the_next_token_pages_probabilities(smollm):
    rows = bias.measure(smollm, occupations=("nurse", "engineer", "pilot"))
    for row in rows:
        listing = {
            c["token"]: c["prob"] for c in top_candidates(smollm, analyze(smollm, row["prompt"]).next_logits, 100)
        }
        assert row["p_he"] == pytest.approx(listing[" he"], rel=1e-6)
        assert row["p_she"] == pytest.approx(listing[" she"], rel=1e-6)
        ids = torch.tensor([smollm.tokenizer(row["prompt"])["input_ids"]])
        with torch.no_grad():  # an independent pass: softmax of the last position's logits
            probs = torch.softmax(smollm.model(ids).logits[0, -1].double(), -1)
        he, she = bias.pronoun_ids(smollm)
        assert row["p_he"] == pytest.approx(float(probs[he]), abs=1e-5)
        assert row["p_she"] == pytest.approx(float(probs[she]), abs=1e-5)
    nurse, engineer = rows[0], rows[1]
    assert nurse["p_she"] / nurse["p_he"] > engineer["p_she"] / engineer["p_he"]  # the measured skew


def test_bias_has_enough_occupations_and_checks_its_template():
    assert len(set(bias.OCCUPATIONS)) >= 20
    for bad in ("The nurse said", "{occupation} and {occupation}", "The {occupation} {x}"):
        with pytest.raises(ValueError, match="exactly once"):
            bias.check_template(bad)


def test_fingerprint_is_unchanged_by_a_chat_and_by_generation(smollm):
    result = memory.chat_and_fingerprint(smollm, ["Hi! My name is Ada.", "What is my name?"], max_new_tokens=6)
    generate(smollm, smollm.tokenizer("Once upon a time")["input_ids"], SamplingConfig(seed=1), 5)
    assert result["before"] == result["after"] == fingerprint(smollm.model)
    assert len(result["messages"]) == 4
    context = result["context"]
    assert context["window"] == smollm.config.max_position_embeddings == 8192
    assert 0 < context["used"] < context["app_bound"]


def test_fingerprint_sees_a_single_changed_number():
    model = torch.nn.Linear(3, 2)
    before = fingerprint(model)
    with torch.no_grad():
        model.weight[0, 0] = torch.nextafter(model.weight[0, 0], torch.tensor(10.0))
    assert fingerprint(model) != before


def test_reward_model_ranks_held_out_chosen_above_rejected(minilm):
    train, held = split_pairs(read_pairs())
    model = train_reward_model(minilm, train)
    assert ranking_accuracy(model, minilm, held) >= 0.8  # chance is 0.5
    rewards = model.score(minilm, "Do you deliver?", ["Yes, within 5 km, for €2.50.", "Figure it out yourself."])
    assert rewards[0] > rewards[1]


def test_base_and_chat_views_differ_only_by_the_template(smollm):
    raw = base_chat.raw_completion(smollm, "The capital of France is", 3)
    templated = base_chat.chat_completion(smollm, "The capital of France is", 3)
    assert "".join(raw["tokens"]) == "The capital of France is"
    assert "<|im_start|>" in templated["tokens"] and "<|im_start|>" not in raw["tokens"]
    assert isinstance(raw["reply"], str) and isinstance(templated["reply"], str)


def test_cutoff_notes_carry_the_clock_and_the_facts():
    day = datetime.date(2026, 11, 30)
    docs = cutoff.documents(day)
    assert "2026" in docs["today.md"] and "Leo XIV" in docs["recent.md"]
    assert [q.truth for q in cutoff.questions(day)][-1] == "2026"
    assert np.all([q.prompt.endswith("?") for q in cutoff.questions(day)])
