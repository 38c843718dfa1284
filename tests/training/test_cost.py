"""Training cost from C = 6 N D on the timeline's published sizes, and the cost / moe / scaling commands' bounds."""

from __future__ import annotations

import json

import pytest

from explain.classroom import history
from explain.cli import main
from explain.training import cost

GPT3_PUBLISHED_FLOPS = 3.14e23  # Brown et al. 2020, arXiv:2005.14165, Table D.1


def test_gpt3_cost_from_its_published_n_and_d_is_the_cited_figure():
    gpt3 = cost.find_model("GPT-3")
    assert (gpt3.parameters, gpt3.training_tokens) == (175_000_000_000, 300_000_000_000)
    flops = cost.training_flops(gpt3.parameters, gpt3.training_tokens)
    assert abs(flops - GPT3_PUBLISHED_FLOPS) / GPT3_PUBLISHED_FLOPS < 0.10
    assert cost.find_model("chinchilla").training_tokens == 1_400_000_000_000


def test_times_and_energy_follow_from_the_stated_assumptions():
    assume = cost.Assumptions(gpu_peak_flops=1e15, gpu_utilisation=0.5, gpu_watts=1000.0)
    c = cost.training_cost(1e9, 1e12, flops_per_s=1e11, assume=assume)
    assert c["flops"] == 6e21
    assert c["seconds_here"] == pytest.approx(6e10) and c["gpu_seconds"] == pytest.approx(1.2e7)
    assert c["gpu_days"] == pytest.approx(1.2e7 / 86_400)
    assert c["gpu_kwh"] == pytest.approx(1.2e7 * 1000 / 3.6e6)
    with pytest.raises(ValueError, match="positive"):
        cost.training_cost(1e9, 1e12, flops_per_s=0)


def test_unpublished_tokens_are_said_not_guessed():
    mixtral = cost.model_cost(cost.find_model("mixtral"), 1e11)
    assert mixtral["flops"] is None and mixtral["note"] == "training tokens not published"
    listed = {m.id for m in cost.costable_models()}
    assert {m.id for m in history.load_timeline() if m.parameters} == listed
    with pytest.raises(ValueError, match="gpt3"):
        cost.find_model("gpt-9")


def test_cost_command(capsys):
    assert main(["cost", "--model", "gpt3", "--flops-per-s", "1e11", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert {"params", "tokens", "flops", "seconds_here", "source"} <= set(out)
    assert out["flops"] == pytest.approx(3.15e23) and out["seconds_here"] == pytest.approx(3.15e12)
    assert "arXiv:2005.14165" in out["source"] and out["measured"] is False


@pytest.mark.parametrize(
    "argv, message",
    [
        (["cost", "--model", "nope"], "choose one of"),
        (["cost", "--model", "gpt3", "--flops-per-s", "0"], "between"),
        (["moe", "--experts", "1"], "between 2 and 16"),
        (["moe", "--experts", "17"], "between 2 and 16"),
        (["moe", "--experts", "4", "--top-k", "5"], "top-k must be between 1 and the number of experts (4)"),
        (["moe", "--corpus", "no-such-corpus"], "built-in ones"),
        (["scaling", "--sizes", "2"], "between 3 and 5"),
        (["scaling", "--sizes", "6"], "between 3 and 5"),
        (["scaling", "--tokens", "10"], "between 20000 and 2000000"),
    ],
)
def test_bad_arguments_exit_2_with_one_line(argv, message, capsys):
    try:
        code = main(argv)  # errors in the command itself: main returns 2
    except SystemExit as exc:  # argparse's errors
        code = exc.code
    err = capsys.readouterr().err.strip()
    assert code == 2 and err.count("\n") == 0 and message in err, err
