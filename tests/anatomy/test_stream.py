"""The residual stream's decomposition and direct logit attribution, checked against the real model."""

import numpy as np
import pytest
import torch

from explain.anatomy.diagram import model_shape, stages
from explain.anatomy.dla import UnknownToken, attribute_logit, target_id
from explain.anatomy.report import OutOfRange, anatomy_report
from explain.anatomy.stream import norms, record_stream
from explain.core.analysis import analyze

EIFFEL = "The Eiffel Tower is located in the city of"


def test_shape_is_read_from_the_model(smollm):
    shape = model_shape(smollm)
    assert (shape.layers, shape.heads, shape.kv_heads, shape.head_size) == (30, 9, 3, 64)
    assert (shape.hidden, shape.mlp_hidden, shape.vocab) == (576, 1536, 49152)
    assert (shape.norm, shape.activation, shape.positions, shape.tied) == ("RMSNorm", "SwiGLU", "rotary", True)
    keys = [s.key for s in stages(shape)]
    assert keys[:2] == ["ids", "embed"] and keys[-3:] == ["final_norm", "unembed", "softmax"]


def test_parts_sum_to_the_final_pre_norm_state(smollm):
    stream = record_stream(smollm, EIFFEL)
    scale = np.abs(stream.final_pre).max()
    assert stream.reconstruction_max_abs() <= 1e-4 * scale
    hidden = analyze(smollm, EIFFEL).hidden_states  # the model's own per-layer outputs
    for layer in range(stream.attn.shape[0] - 1):  # the last one is stored after the final norm
        assert np.abs(stream.resid(layer) - hidden[layer + 1]).max() <= 1e-4 * np.abs(hidden[layer + 1]).max()
    assert np.allclose(stream.next_logits, analyze(smollm, EIFFEL).next_logits, atol=1e-3)


@pytest.mark.parametrize("position", [2, -1])
def test_direct_logit_attributions_sum_to_the_logit(smollm, position):
    stream = record_stream(smollm, EIFFEL)
    position %= stream.n_tokens
    with torch.inference_mode():
        full = smollm.model(input_ids=torch.tensor([stream.ids])).logits[0, position].numpy()
    token = int(full.argmax())
    dla = attribute_logit(smollm, stream, position, token)
    assert dla.logit == pytest.approx(float(full[token]), rel=1e-4)
    assert dla.total == pytest.approx(dla.logit, rel=1e-3)
    assert dla.bias == 0.0


def test_norms_are_per_layer(smollm):
    stream = record_stream(smollm, EIFFEL)
    size = norms(stream, 3)
    assert all(v.shape == (30,) and (v > 0).all() for v in size.values())
    assert size["resid"][-1] == pytest.approx(np.linalg.norm(stream.final_pre[3]), rel=1e-4)


def test_report_for_the_eiffel_tower(smollm):
    report = anatomy_report(smollm, EIFFEL)
    assert report["target"]["token"] == " Paris" and report["position"] == len(report["tokens"]) - 1
    assert len(report["layers"]) == 30 and report["config"]["kv_heads"] == 3
    total = report["dla_embedding"] + sum(r["dla_attn"] + r["dla_mlp"] for r in report["layers"])
    assert total == pytest.approx(report["target"]["logit"], rel=1e-3)
    assert report["layers"][-1]["lens_top"]["token"] == " Paris"
    assert report["reconstruction_relative"] <= 1e-4


def test_bad_positions_and_targets_say_the_range(smollm):
    with pytest.raises(OutOfRange, match=r"0\.\.9"):
        anatomy_report(smollm, EIFFEL, position=10)
    with pytest.raises(UnknownToken, match="not one"):
        target_id(smollm, " Parisianly")
    assert anatomy_report(smollm, EIFFEL, target=" London")["target"]["token"] == " London"
