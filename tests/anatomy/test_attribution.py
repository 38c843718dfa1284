"""Input attribution: completeness on a small random model, honesty on the real one, occlusion's clear case."""

import json

import pytest
import torch

from explain.anatomy.attribution import TOLERANCE, _embeds, attribute, baseline
from explain.anatomy.diagram import model_shape
from explain.anatomy.stream import run_stream
from explain.core.analysis import encode
from explain.core.loading import LoadedModel
from explain.training.tiny_gpt import build_model, preset

EIFFEL = "The Eiffel Tower is located in the city of"


class _Letters:
    """A stand-in tokenizer for the random model: id i decodes to 't{i}'."""

    def decode(self, ids):
        return f"t{ids[0]}"

    def __call__(self, text, add_special_tokens=False):
        return {"input_ids": [3]}


@pytest.fixture(scope="module")
def tiny():
    model = build_model(preset("tiny", n_layer=2), vocab_size=50, seed=1, attn="eager").eval().requires_grad_(False)
    return LoadedModel("tiny", "causal-lm", model, _Letters(), "cpu", torch.float32, 0.0, "random")


@pytest.mark.parametrize("steps", [32, 64])
def test_integrated_gradients_add_up_on_a_small_random_model(tiny, steps):
    result = attribute(tiny, [5, 9, 2, 7, 11, 3], 4, "integrated-gradients", steps=steps)
    assert abs(result.total - result.delta) <= TOLERANCE * abs(result.delta)
    assert result.converged is True and len(result.attributions) == 6


@pytest.mark.parametrize("base", ["zero", "neutral"])
def test_delta_is_f_of_the_text_minus_f_of_the_baseline(tiny, base):
    ids = [5, 9, 2, 7, 11, 3]
    result = attribute(tiny, ids, 4, "integrated-gradients", steps=16, base=base)
    with torch.no_grad():
        ends = (_embeds(tiny, ids), baseline(tiny, ids, base))
        p = [torch.softmax(tiny.model(inputs_embeds=e).logits[0, -1], -1)[4] for e in ends]
    assert result.delta == pytest.approx(float(p[0] - p[1]), abs=1e-6)
    assert result.converged == (abs(result.total - result.delta) <= TOLERANCE * abs(result.delta))


def test_the_whole_stack_works_on_a_random_config(tiny):
    shape = model_shape(tiny)
    assert (shape.layers, shape.heads, shape.hidden, shape.vocab) == (2, 4, 64, 50)
    parts = run_stream(tiny, [5, 9, 2, 7])
    total = parts["embedding"] + parts["attn"].sum(0) + parts["mlp"].sum(0)
    assert abs(total - parts["final_pre"]).max() <= 1e-4 * abs(parts["final_pre"]).max()


def test_the_convergence_flag_is_honest_on_the_real_model(smollm):
    ids = encode(smollm, "The capital of France is")
    paris = smollm.tokenizer(" Paris", add_special_tokens=False)["input_ids"][0]
    for steps in (4, 32):
        result = attribute(smollm, ids, paris, "integrated-gradients", steps=steps)
        gap = abs(result.total - result.delta) / abs(result.delta)
        assert result.converged == (gap <= TOLERANCE) and result.detail["gap"] == pytest.approx(gap)
        assert result.delta == pytest.approx(0.773 - 0.0, abs=0.01)  # p(Paris) = 0.773; about 0 from the baseline
        data = result.as_json()
        assert {"tokens", "target", "method", "attributions", "sum", "delta", "converged"} <= set(data)
        json.dumps(data)
    assert result.converged  # the default (32 steps, mean baseline) was measured to converge here


def test_occlusion_finds_the_eiffel_tower(smollm):
    ids = encode(smollm, EIFFEL)
    paris = smollm.tokenizer(" Paris", add_special_tokens=False)["input_ids"][0]
    result = attribute(smollm, ids, paris, "occlusion")
    best = result.tokens[max(range(len(ids)), key=lambda i: result.attributions[i])]
    assert best in ("iffel", " city", " of")
    assert max(result.attributions) == pytest.approx(0.7, abs=0.05)  # p(Paris) = 0.70 falls almost to 0


def test_gradient_x_input_has_one_score_per_token(smollm):
    ids = encode(smollm, EIFFEL)
    result = attribute(smollm, ids, 7042, "gradient-x-input")
    assert len(result.attributions) == len(ids) and result.converged is None and result.delta is None
