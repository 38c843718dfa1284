"""The tiny mixture of experts: its routing against what the expert layer really received, loads, losses, sizes.

One short seeded paired run (module fixture) serves every test that needs trained models.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch

from explain.core.job_board import Board
from explain.training import corpora, moe, moe_figures, routing
from explain.training.moe_run import paired_run, paired_work, route, summary
from explain.training.trainer import TrainConfig, lm_loss

STEPS = 60


@pytest.fixture(scope="module")
def trained(torch_one_thread):
    """(PairedRun, board lists) after STEPS steps of both models on the pizza corpus."""
    config = TrainConfig(max_steps=STEPS, batch_size=16, eval_every=20, sample_every=0, snapshot_every=0, device="cpu")
    run = paired_run(corpora.load_corpus("pizza"), moe.MoEConfig(n_experts=4, top_k=2), config)
    board = Board()
    for _ in paired_work(run, board):
        pass
    records, values = board.copy()
    return run, records | {"values": values}


def test_routing_shown_is_what_the_expert_layers_received(trained):
    run, _ = trained
    model, tokenizer = run.moe.model, run.moe.data.tokenizer
    received = []  # the top_k_index each layer's experts were called with (Mixtral's own choice)
    hooks = [
        layer.mlp.experts.register_forward_hook(lambda _m, args, _out: received.append(args[1].clone()))
        for layer in model.model.layers
    ]
    sentence = "CUSTOMER: Two margheritas, please."
    routes = routing.route_tokens(model, tokenizer, sentence)
    for h in hooks:
        h.remove()
    assert [r["token"] for r in routes] == list(sentence)
    for layer, chosen in enumerate(received):  # (T, k) per layer
        for i, shown in enumerate(routes):
            assert sorted(shown["experts"][layer]) == sorted(chosen[i].tolist())
    # and against the router logits the model returns
    ids = torch.tensor([[tokenizer.convert_tokens_to_ids(c) for c in sentence]])
    logits = model.eval()(input_ids=ids, output_router_logits=True).router_logits
    assert [r["experts"][1] for r in routes] == torch.topk(logits[1], 2, dim=-1).indices.tolist()


def test_expert_loads_sum_to_one_per_layer(trained):
    run, records = trained
    held_out = routing.held_out_load(run.moe.model, run.moe.data.val_ids)
    assert held_out.shape == (2, 4) and np.allclose(held_out.sum(axis=1), 1.0)
    assert len(records["load"]) == len(records["moe_evals"])
    for rec in records["load"]:
        assert rec.load.shape == (2, 4) and np.allclose(rec.load.sum(axis=1), 1.0)
        assert 0 < rec.aux_loss < 4  # k = 2 when perfectly even, E = 4 when every token goes to one expert pair


def test_both_models_learn(trained):
    _, records = trained
    for name in ("moe", "dense"):
        evals = [r.val_loss for r in records[f"{name}_evals"]]
        assert evals[-1] < evals[0] - 0.5, (name, evals)
        steps = [r.loss for r in records[f"{name}_steps"]]
        assert np.mean(steps[-10:]) < np.mean(steps[:10]) - 0.5


def test_active_parameters_match_the_dense_twin(trained):
    run, _ = trained
    cfg, m, d = run.moe_cfg, run.moe.model, run.dense.model
    per_expert = 3 * cfg.n_embd * cfg.expert_width
    unused = cfg.n_layer * (cfg.n_experts - cfg.top_k) * per_expert
    experts = sum(p.numel() for n, p in m.named_parameters() if ".experts." in n)
    assert experts == cfg.n_layer * cfg.n_experts * per_expert  # every expert's weights counted by brute force
    assert moe.count_active(m) == moe.count_total(m) - unused
    router = cfg.n_layer * cfg.n_experts * cfg.n_embd
    assert moe.count_active(m) == moe.count_total(d) + router == moe.count_active(d) + router


def test_balancing_hook_trains_exactly_mixtrals_own_loss():
    """Our hook's gradient equals the gradient of Mixtral's loss with labels (next-token + coef x aux)."""
    model = moe.build_moe(moe.MoEConfig(n_experts=4, top_k=2, aux_coef=0.1), vocab_size=30, seed=0).train()
    gen = torch.Generator().manual_seed(0)
    x, y = torch.randint(30, (4, 16), generator=gen), torch.randint(30, (4, 16), generator=gen)

    def grads(loss):
        model.zero_grad()
        loss.backward()
        return [p.grad.clone() for p in model.parameters()]

    handle = moe.add_balancing_loss(model)
    ours = grads(lm_loss(model, x, y))
    handle.remove()
    plain = grads(lm_loss(model, x, y))
    reference = grads(model(input_ids=x, labels=y, shift_labels=y).loss)
    assert all(torch.allclose(a, b, atol=1e-6) for a, b in zip(ours, reference))
    assert not all(torch.allclose(a, b, atol=1e-6) for a, b in zip(plain, reference))


@pytest.mark.parametrize(
    "fields, message",
    [({"n_experts": 1}, "between 2 and 16"), ({"n_experts": 17}, "between 2 and 16"), ({"top_k": 5}, "top-k")],
)
def test_bounds_are_stated(fields, message):
    cfg = moe.MoEConfig(**fields)
    assert any(message in p for p in cfg.problems())
    with pytest.raises(ValueError, match=message):
        moe.build_moe(cfg, vocab_size=30)


def test_summary_and_figures(trained):
    run, records = trained
    assert records["values"]["routing"] == route(run)  # what the page shows while training: the run's sentence
    assert records["values"]["routing_step"] == STEPS
    result = summary(run, "the red cat")
    assert result["params_active"] < result["params_total"]
    assert len(result["routing"]) == len("the red cat") and all(len(r["experts"]) == 2 for r in result["routing"])
    assert all(abs(sum(row) - 1) < 1e-3 for row in result["expert_load"])
    labels = {k: k for k in ("moe", "dense", "train", "val", "step", "loss", "layer", "expert", "share", "aux",
                             "balanced")}  # fmt: skip
    assert len(moe_figures.loss_pair_figure(records, labels).data) == 4
    assert len(moe_figures.load_figure(records["load"], labels).data) == 2 * 4
    html = moe_figures.routing_html(
        routing.route_tokens(run.moe.model, run.moe.data.tokenizer, "<b>x"), labels
    )  # < and > are not in the corpus
    assert "&lt;unk&gt;" in html and "<unk>" not in html  # characters the corpus lacks, escaped
