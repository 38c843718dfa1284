"""The float32 view of a bfloat16 model against its oracle: a float32 model holding the same bf16-rounded weights."""

import copy
import threading

import numpy as np
import pytest
import torch

from explain.anatomy.ablation import next_probs
from explain.anatomy.attribution import attribute, baseline
from explain.anatomy.neurons import top_neurons
from explain.anatomy.report import anatomy_report
from explain.anatomy.stream import record_stream
from explain.anatomy.upcast import UpcastEmbedding, UpcastLinear, float32_view, upcast_linear
from explain.core.analysis import analyze, encode
from explain.core.loading import LoadedModel

EIFFEL = "The Eiffel Tower is located in the city of"
PARIS = "The capital of France is"


@pytest.fixture(scope="module")
def oracle(smollm_bf16):
    """A float32 copy of the bf16 model: the model the view must equal (every weight upcast, exactly)."""
    model = copy.deepcopy(smollm_bf16.model).float()
    return LoadedModel(
        smollm_bf16.name, smollm_bf16.kind, model, smollm_bf16.tokenizer, "cpu", torch.float32, 0.0, "oracle"
    )


def _close(a: np.ndarray, b: np.ndarray, rel: float = 1e-4) -> bool:
    return float(np.abs(a - b).max()) <= rel * float(np.abs(b).max())


def test_the_view_shares_every_weight_and_leaves_the_model_alone(smollm_bf16, smollm):
    analyze(smollm_bf16, EIFFEL)  # transformers installs its output-capturing hooks on the shared model
    hooks = [len(m._forward_hooks) + len(m._forward_pre_hooks) for m in smollm_bf16.model.modules()]
    view = float32_view(smollm_bf16)
    assert float32_view(smollm_bf16) is view and float32_view(view) is view and float32_view(smollm) is smollm
    shared = {p.data_ptr() for p in smollm_bf16.model.parameters()}
    swapped = [m for m in view.model.modules() if isinstance(m, UpcastLinear | UpcastEmbedding)]
    assert len(swapped) == 30 * 7 + 2 and all(m.weight.data_ptr() in shared for m in swapped)
    own = [*view.model.parameters(), *view.model.buffers()]
    assert sum(t.numel() * t.element_size() for t in own) < 200_000  # the norm gains and rotary tables only
    assert view.dtype == view.model.dtype == torch.float32
    record_stream(view, EIFFEL)
    assert all(p.dtype == torch.bfloat16 for p in smollm_bf16.model.parameters())
    assert [len(m._forward_hooks) + len(m._forward_pre_hooks) for m in smollm_bf16.model.modules()] == hooks
    assert len(analyze(view, EIFFEL).attentions) == 30  # transformers' own output hooks work in the twin


def test_stream_and_report_equal_the_float32_model(smollm_bf16, oracle):
    view = float32_view(smollm_bf16)
    mine, ref = record_stream(view, EIFFEL), record_stream(oracle, EIFFEL)
    for part in ("embedding", "attn", "mlp", "final_pre", "logits"):
        assert _close(getattr(mine, part), getattr(ref, part)), part
    assert mine.reconstruction_max_abs() <= 1e-4 * np.abs(mine.final_pre).max()
    a, b = anatomy_report(view, EIFFEL), anatomy_report(oracle, EIFFEL)
    assert a["target"]["token"] == b["target"]["token"] == " Paris"
    assert a["target"]["logit"] == pytest.approx(b["target"]["logit"], rel=1e-4)
    assert a["dla_sum"] == pytest.approx(a["target"]["logit"], rel=1e-3)
    shares = [[r["dla_attn"], r["dla_mlp"]] for r in a["layers"]]
    assert _close(np.array(shares), np.array([[r["dla_attn"], r["dla_mlp"]] for r in b["layers"]]))
    assert [r["lens_top"]["token"] for r in a["layers"]] == [r["lens_top"]["token"] for r in b["layers"]]


def test_neurons_and_ablation_equal_the_float32_model(smollm_bf16, oracle):
    view, ids = float32_view(smollm_bf16), encode(smollm_bf16, PARIS)
    mine, ref = top_neurons(view, ids, 7, 2, 3), top_neurons(oracle, ids, 7, 2, 3)
    assert [n["index"] for n in mine] == [n["index"] for n in ref]
    assert [t["token"] for t in mine[0]["promotes"]] == [t["token"] for t in ref[0]["promotes"]]
    assert _close(next_probs(view, ids, mlps=[3]), next_probs(oracle, ids, mlps=[3]))


def test_knockouts_on_the_view_never_reach_the_shared_model(smollm_bf16):
    """The view's hooks (here: MLP 0 zeroed) run on its own modules while the shared model serves others."""
    view, ids = float32_view(smollm_bf16), encode(smollm_bf16, PARIS)

    def shared_logits() -> torch.Tensor:
        with torch.inference_mode():
            return smollm_bf16.model(input_ids=torch.tensor([ids])).logits[0, -1].float()

    reference, knocked = shared_logits(), next_probs(view, ids, mlps=[0])
    seen: list = []
    worker = threading.Thread(target=lambda: seen.extend(next_probs(view, ids, mlps=[0]) for _ in range(3)))
    worker.start()
    outs = [shared_logits()]
    while worker.is_alive():
        outs.append(shared_logits())
    worker.join()
    assert len(seen) == 3 and all(np.allclose(p, knocked, atol=1e-7) for p in seen)
    assert all(torch.allclose(o, reference, atol=1e-5) for o in outs)
    assert not np.allclose(knocked, next_probs(view, ids), atol=1e-3)  # the knockout does change the prediction


def test_integrated_gradients_equal_the_float32_model_and_keep_no_float32_weights(smollm_bf16, oracle):
    view, ids = float32_view(smollm_bf16), encode(smollm_bf16, PARIS)
    target = smollm_bf16.tokenizer(" Paris", add_special_tokens=False)["input_ids"][0]
    mine, ref = (attribute(lm, ids, target, "integrated-gradients", steps=8) for lm in (view, oracle))
    assert mine.delta == pytest.approx(ref.delta, rel=1e-4, abs=1e-6)
    assert _close(np.array(mine.attributions), np.array(ref.attributions), rel=1e-3)
    assert mine.detail["gap"] == pytest.approx(ref.detail["gap"], abs=1e-3)
    assert _close(baseline(view, ids, "mean").numpy(), baseline(oracle, ids, "mean").numpy(), rel=1e-5)
    # what autograd keeps for the backward pass of one batch of 8 path points: activations only
    assert _saved_mb(view, ids, target) < 0.2 * _saved_mb(oracle, ids, target)


def _saved_mb(lm: LoadedModel, ids: list[int], target: int) -> float:
    """Megabytes of float32 tensors autograd saves for the backward pass of f(8 path points)."""
    seen: dict[int, int] = {}

    def pack(t: torch.Tensor) -> torch.Tensor:
        if t.dtype == torch.float32:
            seen[t.untyped_storage().data_ptr()] = t.untyped_storage().nbytes()
        return t

    x = lm.model.get_input_embeddings()(torch.tensor([ids])).float().expand(8, -1, -1).clone().requires_grad_()
    with torch.autograd.graph.saved_tensors_hooks(pack, lambda t: t):
        prob = torch.softmax(lm.model(inputs_embeds=x, logits_to_keep=1).logits[:, -1], -1)[:, target]
    prob.sum().backward()
    return sum(seen.values()) / 2**20


@pytest.mark.parametrize("rows", [3, 70_000])
def test_upcast_linear_in_pieces_equals_one_product(rows):
    weight = torch.randn(rows, 64).bfloat16()
    x = torch.randn(2, 5, 64, requires_grad=True)
    out = upcast_linear(x, weight, None)
    assert torch.allclose(out, x @ weight.float().T, atol=1e-4)
    layer = UpcastLinear(torch.nn.Linear(64, rows, bias=False).bfloat16())
    y = torch.randn(2, 5, 64, requires_grad=True)
    layer(y).sum().backward()
    assert torch.allclose(y.grad, layer.weight.float().sum(0).expand(2, 5, 64), atol=1e-3)
