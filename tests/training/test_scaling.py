"""The scaling sweep: held-out loss falls with size on the default corpus, and the power law fitted to it.

One short seeded sweep (module fixture) of three sizes of the ladder (about 54 k, 0.8 M and 4 M parameters).
"""

from __future__ import annotations

import numpy as np
import pytest

from explain.core.job_board import Board
from explain.training import corpora, scaling, scaling_figures, tiny_gpt
from explain.training.power_law import fit_power_law

TOKENS = 40_000  # per size: 40 steps of 16 x 64 tokens


@pytest.fixture(scope="module")
def swept(torch_one_thread):
    sweep = scaling.ScalingSweep(corpora.load_corpus(scaling.DEFAULT_CORPUS), n_sizes=3, tokens=TOKENS, device="cpu")
    board = Board()
    for _ in sweep.work(board):
        pass
    return sweep, board.copy()


def test_held_out_loss_falls_with_size_and_the_exponent_is_negative(swept):
    sweep, _ = swept
    points = sweep.points
    assert [p.params for p in points] == sorted(p.params for p in points) and len(points) == 3
    losses = [p.val_loss for p in points]
    assert losses[0] > losses[1] > losses[2], losses
    assert fit_power_law([p.params for p in points], losses).exponent < 0
    assert fit_power_law([p.flops for p in points], losses).exponent < 0


def test_every_size_sees_the_same_tokens_and_compute_is_6nd(swept):
    sweep, (records, values) = swept
    assert {p.tokens for p in sweep.points} == {sweep.steps * scaling.BATCH * 64}
    for p in sweep.points:
        assert p.flops == 6 * p.params * p.tokens
    for e in records["evals"]:
        assert e.flops == 6 * e.params * e.step * scaling.BATCH * 64
    frontier = scaling.compute_frontier(records["evals"])
    flops, losses = [e.flops for e in frontier], [e.val_loss for e in frontier]
    assert flops == sorted(flops) and losses == sorted(losses, reverse=True)
    for e in records["evals"]:  # brute force: nothing beats a frontier point with less compute
        if e.step > 1:
            assert any(f.flops <= e.flops and f.val_loss <= e.val_loss for f in frontier)
    assert [p.params for p in sweep.points] == sweep.params  # the estimate the page shows before training is exact
    assert values["step"] == sweep.total_steps() and len(records["points"]) == 3
    assert {e.size for e in records["evals"]} == {0, 1, 2}


def test_the_ladder_spans_50k_to_5m_parameters():
    params = [tiny_gpt.estimate_parameters(c, 60) for c in scaling.LADDER]
    assert params == sorted(params) and 50_000 <= params[0] and params[-1] <= 5_000_000
    assert [c.n_embd for c in scaling.ladder(3)] == [40, 128, 224]
    for bad in (2, 6):
        with pytest.raises(ValueError, match="between 3 and 5"):
            scaling.ladder(bad)
    with pytest.raises(ValueError, match="between 20,000 and 2,000,000"):
        scaling.steps_for(100)


@pytest.mark.parametrize("exponent, prefactor", [(-0.076, 13.0), (-0.5, 2.0), (0.3, 1e-3)])
def test_power_law_fit_recovers_a_known_law(exponent, prefactor):
    xs = np.geomspace(1e4, 1e8, 6)
    fit = fit_power_law(xs, prefactor * xs**exponent)
    assert fit.exponent == pytest.approx(exponent, abs=1e-9) and fit.prefactor == pytest.approx(prefactor, rel=1e-6)
    assert fit.r2 == pytest.approx(1.0) and np.allclose(fit(xs), prefactor * xs**exponent)
    noisy = fit_power_law(xs, prefactor * xs**exponent * np.array([1.1, 0.9, 1.05, 0.95, 1.02, 0.98]))
    slope = np.polyfit(np.log(xs), np.log(noisy(xs)), 1)[0]
    assert noisy.r2 < 1 and slope == pytest.approx(noisy.exponent)


@pytest.mark.parametrize("xs, ys", [([1.0], [1.0]), ([1.0, 2.0], [1.0, 0.0]), ([3.0, 3.0], [1.0, 2.0])])
def test_power_law_refuses_what_it_cannot_fit(xs, ys):
    with pytest.raises(ValueError):
        fit_power_law(xs, ys)


def test_figures_carry_the_points(swept):
    sweep, (records, _) = swept
    frontier = scaling.compute_frontier(records["evals"])
    fits = (
        fit_power_law([p.params for p in sweep.points], [p.val_loss for p in sweep.points]),
        fit_power_law([e.flops for e in frontier], [e.val_loss for e in frontier]),
    )
    assert fits[1].exponent < 0  # the best loss reachable falls with compute
    labels = {k: k for k in ("vs_params", "vs_flops", "params", "flops", "val", "points", "fit_params", "fit_flops")}
    fig = scaling_figures.scaling_figure(sweep.points, records["evals"], fits, labels)
    assert list(fig.data[0].x) == [p.params for p in sweep.points] and fig.layout.xaxis.type == "log"
    assert len(fig.data) == 1 + 1 + 3 + 1  # points, fit, one curve per size, fit
    sweep_fig = scaling_figures.sweep_figure(records["evals"], ["a", "b", "c"], labels | {"step": "step"})
    assert len(sweep_fig.data) == 3
