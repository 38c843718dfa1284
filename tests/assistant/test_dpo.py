"""DPO with LoRA on the built-in pizza pairs: one short seeded run (the defaults), shared by the tests."""

from __future__ import annotations

import pytest

from explain.assistant.dpo import DpoConfig, DpoTuner
from explain.assistant.fingerprint import fingerprint
from explain.assistant.pairs import read_pairs, split_pairs


@pytest.fixture(scope="module")
def run(torch_one_thread):
    train, held = split_pairs(read_pairs())
    tuner = DpoTuner.create(DpoConfig(seed=0), train)
    whole_before = fingerprint(tuner.lm.model)
    before = tuner.evaluate(held, adapted=False)
    for _ in range(tuner.config.steps):
        tuner.step()
    return {"tuner": tuner, "held": held, "before": before, "after": tuner.evaluate(held), "whole_before": whole_before}


def test_the_builtin_set_has_enough_pairs_and_a_fixed_held_out_split():
    train, held = split_pairs(read_pairs())
    assert len(train) + len(held) >= 60 and len(held) >= 12
    assert not {p["prompt"] for p in held} & {p["prompt"] for p in train}


def test_dpo_raises_held_out_preference_accuracy_and_margin(run):
    assert run["after"]["accuracy"] > run["before"]["accuracy"]
    assert run["after"]["margin"] > run["before"]["margin"] + 1.0  # nats


def test_base_weights_are_unchanged_and_only_the_adapters_moved(run):
    tuner = run["tuner"]
    assert tuner.base_fingerprint() == tuner.base_sha256
    assert fingerprint(tuner.lm.model) != run["whole_before"]  # the LoRA adapters did change


def test_adapters_off_give_back_the_base_model_exactly(run):
    """Before-measures taken with adapters off are reproducible after training: the reference never moved."""
    tuner = run["tuner"]
    again = tuner.evaluate(run["held"][:8], adapted=False)  # the same first batch of 8 pairs as before
    flat = [x for pair in again["logps"] for x in pair]
    assert flat == pytest.approx([x for pair in run["before"]["logps"][:8] for x in pair], rel=1e-5)


def test_the_loss_starts_at_log_2_and_falls(run):
    history = run["tuner"].history
    assert history[0].loss == pytest.approx(0.6931, abs=1e-3)  # policy = reference at step 1
    assert min(r.loss for r in history[-3:]) < history[0].loss
