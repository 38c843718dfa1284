"""Mixed precision: a seeded bf16-autocast run follows the float32 one within noise, on float32 master weights."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from explain.training import bf16_attention, corpora, precision, tiny_gpt
from explain.training.trainer import TrainConfig, trainer_for_text

SMALL = tiny_gpt.preset("tiny", block_size=32)


@pytest.fixture(autouse=True, scope="module")
def one_thread(torch_one_thread):
    """Training on one torch thread (see conftest)."""


def _run(mode: str):
    config = TrainConfig(max_steps=40, batch_size=16, learning_rate=1e-2, eval_every=40, sample_every=0,
                         snapshot_every=0, device="cpu", precision=mode)  # fmt: skip
    trainer = trainer_for_text(corpora.load_corpus("toy"), SMALL, config)
    seen = []
    hook = trainer.model.model.layers[0].mlp.down_proj.register_forward_hook(lambda m, i, o: seen.append(o.dtype))
    evals = []
    trainer.add_callback("on_eval", lambda _t, rec: evals.append(rec.val_loss))
    trainer.run()
    hook.remove()
    return trainer, np.array(trainer.state.train_losses), evals, seen


def test_bf16_autocast_follows_the_float32_curve_on_float32_weights():
    fp32, curve32, evals32, seen32 = _run("fp32")
    bf16, curve16, evals16, seen16 = _run("bf16")
    assert set(seen32) == {torch.float32} and torch.bfloat16 in seen16  # the matmuls really ran in bf16
    assert all(p.dtype == torch.float32 for p in bf16.model.parameters())  # master weights
    assert curve16[0] == pytest.approx(curve32[0], abs=0.02)  # same init, same batch
    assert np.abs(curve16 - curve32).mean() < 0.05  # within noise over the whole run
    assert curve16[-10:].mean() < 0.6 * curve16[:5].mean()  # and it learns
    assert evals16[-1] == pytest.approx(evals32[-1], abs=0.05)


def test_precision_choice_is_resolved_and_checked():
    assert precision.resolve("cpu", "fp32") == "fp32" and precision.resolve("mps") == "fp32"
    assert precision.resolve("cpu") == ("bf16" if precision.cpu_has_native_bf16() else "fp32")
    assert precision.resolve("cpu", "auto", params=200_000) == "fp32"  # too small to pay back autocast
    assert precision.resolve("cpu", "bf16", params=200_000) == "bf16"  # asked for: given
    assert precision.resolve("cpu", "auto", params=1_000_000) == precision.resolve("cpu")  # the 1 M preset: bf16 too
    assert precision.train_attention("cpu", "bf16", "sdpa") == bf16_attention.ATTENTION  # CPU flash bwd slow in bf16
    assert (
        precision.train_attention("cpu", "fp32", "sdpa") == precision.train_attention("cuda", "bf16", "sdpa") == "sdpa"
    )
    with pytest.raises(ValueError, match="auto, fp32, bf16"):
        precision.resolve("cpu", "fp16")


def test_compiled_steps_follow_the_eager_curve_and_train_the_same_parameters():
    def run(compile: bool):
        config = TrainConfig(max_steps=6, batch_size=8, learning_rate=1e-2, eval_every=6, sample_every=0,
                             snapshot_every=0, device="cpu", precision="fp32", compile=compile)  # fmt: skip
        trainer = trainer_for_text(corpora.load_corpus("toy"), SMALL, config)
        trainer.run()
        return trainer

    eager, compiled = run(False), run(True)
    assert compiled.step_model is not compiled.model and eager.step_model is eager.model
    np.testing.assert_allclose(compiled.state.train_losses, eager.state.train_losses, rtol=1e-4)  # same maths, fused
    for a, b in zip(compiled.model.parameters(), eager.model.parameters(), strict=True):
        torch.testing.assert_close(a, b, rtol=1e-3, atol=1e-5)  # the eager model holds the trained weights


@pytest.mark.parametrize("mode", ["fp32", "bf16"])
def test_fast_bf16_steps_learn_what_the_previous_steps_learnt(mode, monkeypatch):
    """The Trainer's bf16 CPU steps use the project's bf16 attention and bf16 rotary (faster there); the oracle is
    the steps they replaced (sdpa, float32 rotary)."""
    if mode == "fp32":  # fp32 steps keep sdpa; ours in float32 checks the maths where only rounding order differs
        monkeypatch.setattr(precision, "train_attention", lambda device, mode, current: bf16_attention.ATTENTION)
    ours, curve, evals, _ = _run(mode)
    assert ours.model.config._attn_implementation == bf16_attention.ATTENTION
    monkeypatch.setattr(precision, "prepare", lambda model, device, mode: None)  # the steps before: sdpa, fp32 rotary
    before, oracle, oracle_evals, _ = _run(mode)
    assert before.model.config._attn_implementation == "sdpa"
    if mode == "fp32":  # the same maths in another order: float32 rounding only
        np.testing.assert_allclose(curve, oracle, rtol=1e-4)
        assert evals[-1] == pytest.approx(oracle_evals[-1], rel=1e-4)
    else:  # bf16 rounds q.k and the probabilities differently in each kernel: within bf16 noise
        assert curve[0] == pytest.approx(oracle[0], abs=0.01)
        assert np.abs(curve - oracle).mean() < 0.03
        assert evals[-1] == pytest.approx(oracle_evals[-1], abs=0.03)


def test_bf16_rotary_only_under_autocast_and_hooked_once():
    model = tiny_gpt.build_model(SMALL, vocab_size=40, seed=0)
    assert precision.bf16_rotary(model) == 1 and precision.bf16_rotary(model) == 0
    x, ids = torch.zeros(1, 8, SMALL.n_embd), torch.arange(8)[None]
    cos, sin = model.model.rotary_emb(x, ids)
    with torch.autocast("cpu", dtype=torch.bfloat16):
        cos16, sin16 = model.model.rotary_emb(x, ids)
    assert cos.dtype == sin.dtype == torch.float32 and cos16.dtype == sin16.dtype == torch.bfloat16
    torch.testing.assert_close(cos16.float(), cos, atol=4e-3, rtol=0)  # the same angles, rounded to bf16
