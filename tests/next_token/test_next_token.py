"""Next-token prediction: sampling knobs, generation with the KV cache, logit lens, perplexity, chat template.

Invariants on numpy inputs, and oracles on the real SmolLM2 (float32): Hugging Face's
greedy `generate`, the model's own logits and its own cross-entropy loss.
"""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
import torch

from explain.core import chat, generation
from explain.core.analysis import analyze, softmax
from explain.core.sampling import SamplingConfig, draw, make_rng, pick, reshape, top_k_mask, top_p_mask
from explain.next_token import logit_lens, perplexity
from explain.next_token.figures import distribution_figure, lens_figure, surprisal_colours

PROMPT = "The capital of France is"


def _random_logits(seed: int, size: int = 50) -> np.ndarray:
    return np.random.default_rng(seed).normal(0, 3, size)


# --- sampling (pure numpy) ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("seed", range(5))
def test_temperature_zero_is_argmax(seed):
    logits = _random_logits(seed)
    shaped = reshape(logits, SamplingConfig(temperature=0))
    assert shaped.probs[np.argmax(logits)] == 1.0 and shaped.probs.sum() == 1.0
    assert pick(logits, SamplingConfig(temperature=0), make_rng(seed))[0] == int(np.argmax(logits))
    near_zero = reshape(logits, SamplingConfig(temperature=1e-3)).probs
    assert int(np.argmax(near_zero)) == int(np.argmax(logits)) and near_zero.max() > 0.999


def test_temperature_flattens_and_sharpens():
    logits = _random_logits(0)
    entropy = [-(p * np.log(p + 1e-30)).sum() for p in (softmax(logits, t) for t in (0.5, 1.0, 2.0))]
    assert entropy[0] < entropy[1] < entropy[2]


def _smallest_nucleus_size(probs: np.ndarray, p: float) -> int:
    """Oracle by brute force: the fewest most-likely tokens whose mass reaches p."""
    ordered = sorted(probs, reverse=True)
    for size in range(1, len(ordered) + 1):
        if sum(ordered[:size]) >= p - 1e-12:
            return size
    return len(ordered)


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("p", [0.05, 0.3, 0.5, 0.9, 0.99])
def test_top_p_keeps_smallest_set_reaching_p(seed, p):
    probs = softmax(_random_logits(seed))
    mask = top_p_mask(probs, p)
    kept = probs[mask]
    assert kept.sum() >= p - 1e-12  # reaches p ...
    assert kept.sum() - kept.min() < p  # ... and dropping its least likely member would not
    assert mask.sum() == _smallest_nucleus_size(probs, p)
    assert probs[~mask].max(initial=0) <= kept.min()  # it is the most likely ones


def test_top_p_worked_example_and_top_k():
    probs = np.array([0.1, 0.5, 0.2, 0.2])
    assert top_p_mask(probs, 0.7).tolist() == [False, True, True, False]  # stable order for the tie
    assert top_p_mask(probs, 0.01).tolist() == [False, True, False, False]  # the top token always stays
    assert top_k_mask(probs, 2).sum() == 2 and top_k_mask(probs, 0).all()
    shaped = reshape(np.log(probs), SamplingConfig(top_k=3, top_p=0.6))
    assert shaped.kept.tolist() == [False, True, True, False]  # top-k first, then top-p renormalised: .5/.9 < .6
    assert shaped.probs.sum() == pytest.approx(1.0) and shaped.probs[~shaped.kept].sum() == 0


def test_seeded_draws_are_reproducible_and_follow_the_distribution():
    probs = np.array([0.6, 0.3, 0.1, 0.0])
    first = [draw(probs, make_rng(7)) for _ in range(3)]
    assert first == [draw(probs, make_rng(7)) for _ in range(3)]
    rng = make_rng(1)
    counts = np.bincount([draw(probs, rng) for _ in range(4000)], minlength=4) / 4000
    assert np.allclose(counts, probs, atol=0.03) and counts[3] == 0


# --- generation on the real model ---------------------------------------------------------------------------------


def test_greedy_stream_matches_hugging_face_generate(smollm):
    ids = analyze(smollm, PROMPT).ids
    steps = list(generation.stream(smollm, ids, SamplingConfig(temperature=0), 4, stop_ids=set()))
    with torch.inference_mode():
        out = smollm.model.generate(
            torch.tensor([ids]),
            attention_mask=torch.ones(1, len(ids), dtype=torch.long),
            max_new_tokens=4,
            do_sample=False,
            pad_token_id=smollm.tokenizer.eos_token_id,
        )
    assert [s.id for s in steps] == out[0, len(ids) :].tolist()
    assert steps[0].text == " Paris" and steps[0].rank == 1
    assert steps[0].model_prob == pytest.approx(float(softmax(analyze(smollm, PROMPT).next_logits).max()), rel=1e-4)


def test_kv_cache_logits_equal_a_full_pass(smollm):
    ids = analyze(smollm, PROMPT).ids
    first = next(generation.stream(smollm, ids, SamplingConfig(temperature=0), 1))
    cached_logits, past = generation._forward(smollm, ids, None)
    step_logits, _ = generation._forward(smollm, [first.id], past)
    full = generation.next_logits(smollm, ids + [first.id])
    np.testing.assert_allclose(step_logits, full, atol=1e-3)


def test_seeded_sampling_is_reproducible_and_matches_clicking(smollm):
    ids = analyze(smollm, PROMPT).ids
    config = SamplingConfig(temperature=1.5, top_k=50, seed=11)
    run = [s.id for s in generation.stream(smollm, ids, config, 3, stop_ids=set())]
    assert run == [s.id for s in generation.stream(smollm, ids, config, 3, stop_ids=set())]
    draws = {
        pick(generation.next_logits(smollm, ids), config, generation.step_rng(seed, len(ids)))[0] for seed in range(8)
    }
    assert len(draws) > 1  # different seeds explore different continuations
    clicked = list(ids)  # "Sample" clicked three times: one full pass each, the same seeded draw per position
    for _ in range(3):
        token, _ = pick(generation.next_logits(smollm, clicked), config, generation.step_rng(config.seed, len(clicked)))
        clicked.append(token)
    assert clicked[len(ids) :] == run


def test_max_new_tokens_is_bounded(smollm):
    ids = analyze(smollm, PROMPT).ids
    assert len(list(generation.stream(smollm, ids, SamplingConfig(temperature=0), 3, stop_ids=set()))) == 3
    assert list(generation.stream(smollm, ids, SamplingConfig(temperature=0), -5)) == []


def test_text_deltas_never_show_half_characters(smollm):
    ids = smollm.tokenizer("Emoji: 🦜🦜 and accents: perché", add_special_tokens=False)["input_ids"]
    steps = [generation.Step(i, smollm.tokenizer.decode([i]), 1.0, 1.0, 1) for i in ids]
    pieces = list(generation.text_deltas(smollm, iter(steps)))
    assert "".join(pieces) == smollm.tokenizer.decode(ids)
    assert not any("\ufffd" in piece for piece in pieces)


# --- logit lens -----------------------------------------------------------------------------------------------------


def test_logit_lens_at_last_layer_equals_model_logits(smollm):
    result = analyze(smollm, PROMPT)
    last = result.hidden_states.shape[0] - 1
    lens = logit_lens.layer_logits(smollm, result.hidden_states, last)  # (T, V)
    with torch.inference_mode():
        logits = smollm.model(input_ids=torch.tensor([result.ids])).logits[0].numpy()
    np.testing.assert_allclose(lens, logits, atol=1e-4)
    # Applying the final norm a second time to the last layer would be wrong: it changes the logits.
    norm, head = logit_lens._norm_and_head(smollm)
    with torch.inference_mode():
        twice = head(norm(torch.from_numpy(result.hidden_states[last]))).numpy()
    assert np.abs(twice - logits).max() > 1.0


def test_lens_grid_shapes_and_answer_forms_late(smollm):
    result = analyze(smollm, PROMPT)
    grid = logit_lens.lens_grid(smollm, result.hidden_states, result.tokens, max_positions=3)
    layers = result.hidden_states.shape[0]
    assert grid.top_probs.shape == grid.top_ids.shape == grid.final_prob.shape == (layers, 3)
    assert grid.positions == list(range(result.n_tokens - 3, result.n_tokens))
    assert grid.top_tokens[-1][-1] == " Paris"
    assert np.allclose(grid.final_prob[-1], grid.top_probs[-1])
    assert grid.final_prob[-1, -1] > grid.final_prob[layers // 2, -1]  # the answer firms up in the upper layers
    fig = lens_figure(grid, "layer", "position")
    assert np.asarray(fig.data[0].z).shape == (layers, 3)


# --- perplexity ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text", ["The cat sat on the mat because it was warm and quiet.", "Il gatto si è seduto sul tappeto."]
)
def test_perplexity_equals_exp_of_model_cross_entropy(smollm, text):
    result = perplexity.score(smollm, text)
    loss = perplexity.model_loss(smollm, analyze(smollm, text).ids)
    assert result.mean_nll == pytest.approx(loss, rel=1e-4)
    assert result.perplexity == pytest.approx(math.exp(loss), rel=1e-4)
    assert len(result.nll) == len(result.tokens) - 1 and (result.nll >= 0).all()


def test_fluent_text_beats_shuffled_words(smollm):
    fluent = "The cat sat on the mat because it was warm and quiet."
    shuffled = perplexity.shuffle_words(fluent, seed=1)
    assert sorted(shuffled.split()) == sorted(fluent.split()) and shuffled != fluent
    assert perplexity.score(smollm, fluent).perplexity * 5 < perplexity.score(smollm, shuffled).perplexity


def test_perplexity_needs_two_tokens(smollm):
    with pytest.raises(ValueError):
        perplexity.score(smollm, "Hello")


# --- chat -----------------------------------------------------------------------------------------------------------


def test_chat_template_round_trip(smollm):
    message = "What is the capital of France?"
    ids = chat.chat_ids(smollm, [{"role": "user", "content": message}])
    decoded = smollm.tokenizer.decode(ids)
    assert "<|im_start|>user\n" + message + "<|im_end|>" in decoded
    assert decoded.endswith("<|im_start|>assistant\n")
    assert "".join(chat.template_tokens(smollm, [{"role": "user", "content": message}])) == decoded


def test_stream_reply_greedy_answers_paris(smollm):
    reply = "".join(
        chat.stream_reply(
            smollm, [{"role": "user", "content": "What is the capital of France?"}], SamplingConfig(temperature=0), 12
        )
    )
    assert "Paris" in reply


# --- figures and CLI ------------------------------------------------------------------------------------------------


def test_distribution_figure_marks_dropped_tokens_and_escapes():
    logits = np.array([3.0, 2.0, 1.0, 0.0])
    shaped = reshape(logits, SamplingConfig(top_k=2))
    labels = {0: "<script>alert(1)</script>", 1: " b", 2: "c", 3: "d"}
    names = {"model": "m", "shaped": "s", "dropped": "x"}
    fig = distribution_figure(shaped, softmax(logits), labels, 3, names)
    bars = fig.data[1]
    assert list(bars.marker.color) == ["#D55E00", "#0072B2", "#0072B2"]  # least likely first (bottom)
    assert bars.text[0] == "x"
    assert all("<script>" not in y for y in bars.y) and "&lt;script&gt;" in bars.y[-1]


def test_surprisal_colours_go_from_green_to_red():
    low, high = surprisal_colours(np.array([0.0, 20.0]))
    assert low != high and int(high[1:3], 16) > int(low[1:3], 16)


def _cli_json(capsys, argv: list[str]) -> dict:
    from explain.cli import main

    assert main(argv) == 0
    return json.loads(capsys.readouterr().out)


def test_cli_perplexity_and_generate(capsys, monkeypatch, smollm):
    from explain.cli import cmd_generate, cmd_perplexity

    for module in (cmd_generate, cmd_perplexity):  # the loading path itself is tested with `next`; reuse the fixture
        monkeypatch.setattr(module, "load_for_cli", lambda *args: smollm)
    out = _cli_json(capsys, ["perplexity", "The cat sat on the mat.", "--json"])
    assert set(out) >= {"perplexity", "tokens"} and out["tokens"][0]["nll"] is None
    mean = np.mean([t["nll"] for t in out["tokens"][1:]])
    assert out["perplexity"] == pytest.approx(math.exp(mean), rel=1e-3)
    gen = _cli_json(capsys, ["generate", PROMPT, "--max-new", "3", "--json"])
    assert gen["tokens"][0]["text"] == " Paris" and len(gen["tokens"]) == 3


@pytest.mark.parametrize(
    "argv",
    [
        ["generate", "   "],
        ["generate", "Hi", "--temperature", "5"],
        ["generate", "Hi", "--max-new", "999"],
        ["generate", "Hi", "--top-p", "nan"],
        ["perplexity", ""],
    ],
)
def test_cli_rejects_bad_input(argv, capsys):
    from explain.cli import main

    try:
        code = main(argv)
    except SystemExit as exc:
        code = exc.code
    assert code == 2
    assert "Traceback" not in capsys.readouterr().err
