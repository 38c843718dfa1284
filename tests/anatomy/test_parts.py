"""MLP neurons and ablation, checked against hook reads and the model's own forward pass."""

import numpy as np
import pytest
import torch

from explain.anatomy.ablation import ablate, head_mask, next_probs, sweep_heads
from explain.anatomy.neurons import activations, top_neurons
from explain.anatomy.report import OutOfRange
from explain.core.analysis import encode

EIFFEL = "The Eiffel Tower is located in the city of"


def test_neuron_activations_equal_a_hook_read(smollm):
    ids = encode(smollm, EIFFEL)
    mlp = smollm.model.model.layers[5].mlp
    seen = {}

    def read(module, inputs, output):  # returns None, so the model's output is left alone
        seen["a"] = inputs[0][0].clone()

    handle = mlp.down_proj.register_forward_hook(read)
    try:
        with torch.inference_mode():
            smollm.model(input_ids=torch.tensor([ids]))
    finally:
        handle.remove()
    assert np.allclose(activations(smollm, ids, 5), seen["a"].numpy(), atol=1e-6)
    listing = top_neurons(smollm, ids, 5, 3, 4)
    acts = np.abs([n["activation"] for n in listing])
    assert len(listing) == 4 and (np.diff(acts) <= 0).all()
    assert acts[0] == pytest.approx(np.abs(seen["a"][3].numpy()).max(), rel=1e-5)
    first = listing[0]
    assert len(first["promotes"]) == 10 and first["promotes"][0]["score"] > first["suppresses"][0]["score"]
    with pytest.raises(OutOfRange, match="0..29"):
        top_neurons(smollm, ids, 30, 0, 4)


def test_ablating_nothing_changes_nothing(smollm):
    ids = encode(smollm, EIFFEL)
    with torch.inference_mode():
        full = torch.softmax(smollm.model(input_ids=torch.tensor([ids])).logits[0, -1], -1).numpy()
    assert np.abs(next_probs(smollm, ids)[0] - full).max() < 1e-6
    assert np.abs(next_probs(smollm, ids, torch.ones(2, 30, 9))[1] - full).max() < 1e-6


def test_ablating_a_head_or_an_mlp_changes_the_prediction(smollm):
    ids = encode(smollm, EIFFEL)
    paris = smollm.tokenizer(" Paris", add_special_tokens=False)["input_ids"][0]
    result = ablate(smollm, ids, paris, mlp=28)
    assert result["before"][0]["token"] == " Paris" and result["target_prob_before"] == pytest.approx(0.70, abs=0.02)
    assert result["target_prob_after"] != pytest.approx(result["target_prob_before"], abs=1e-3)
    one_head = next_probs(smollm, ids, head_mask(smollm, [(1, 4)]))[0, paris]
    assert ablate(smollm, ids, paris, head=(1, 4))["target_prob_after"] == pytest.approx(float(one_head), abs=1e-6)


def test_sweep_finds_damaging_heads_with_progress(smollm):
    ids = encode(smollm, "The capital of France is")
    paris = smollm.tokenizer(" Paris", add_special_tokens=False)["input_ids"][0]
    told = []
    ranked = sweep_heads(smollm, ids, paris, progress=told.append)
    assert len(ranked) == 270 and told[-1] == pytest.approx(1.0) and told == sorted(told)
    assert [p for *_, p in ranked] == sorted(p for *_, p in ranked)
    layer, head, worst = ranked[0]
    alone = next_probs(smollm, ids, head_mask(smollm, [(layer, head)]))[0, paris]
    assert worst == pytest.approx(float(alone), abs=1e-5)
