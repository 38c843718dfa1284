"""The anatomy chapter's commands: JSON contracts and one-line errors (the model is the session's fixture)."""

import json
import subprocess
import sys

import pytest

from explain.cli import main

EIFFEL = "The Eiffel Tower is located in the city of"


@pytest.fixture
def cli(smollm, monkeypatch, capsys):
    """Run `python -m explain ARGS` in this process on the already loaded model; (exit code, JSON or stderr)."""
    import explain.cli.models_arg as models_arg

    monkeypatch.setattr(models_arg, "load_model", lambda *a, **k: smollm)

    def run(*args: str):
        try:
            code = main(list(args))
        except SystemExit as exit_:  # argparse's own errors
            code = exit_.code
        out = capsys.readouterr()
        return code, (json.loads(out.out) if code == 0 else out.err)

    return run


def test_anatomy_json_contract(cli):
    code, data = cli("anatomy", EIFFEL, "--json")
    assert code == 0
    expected = {"model", "tokens", "position", "config", "layers", "target", "dla_embedding", "reconstruction_max_abs"}
    assert expected <= set(data)
    assert set(data["config"]) == {
        "layers", "heads", "kv_heads", "hidden", "mlp_hidden", "vocab", "norm", "activation", "positions", "tied"
    }  # fmt: skip
    assert set(data["layers"][0]) == {"layer", "resid_norm", "attn_norm", "mlp_norm", "dla_attn", "dla_mlp", "lens_top"}
    assert data["target"]["token"] == " Paris"


@pytest.mark.parametrize(
    "args, message",
    [
        (["anatomy", EIFFEL, "--position", "10"], "0..9"),
        (["anatomy", EIFFEL, "--target", " Parisianly"], "not one"),
        (["anatomy", ""], "empty"),
    ],
)
def test_anatomy_errors_are_one_line(cli, args, message):
    code, err = cli(*args)
    assert code == 2 and message in err and err.count("\n") == 1


def test_anatomy_runs_as_a_subprocess(smollm):  # the fixture converted the GGUF into the shared cache
    out = subprocess.run(
        [sys.executable, "-m", "explain", "anatomy", "Hello world", "--position", "0", "--json"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["position"] == 0


def test_neurons_and_ablate_json(cli):
    code, data = cli("neurons", EIFFEL, "--layer", "5", "--top", "3", "--json")
    assert code == 0 and data["layer"] == 5 and data["position"] == 9 and len(data["neurons"]) == 3
    assert set(data["neurons"][0]) == {"index", "activation", "promotes", "suppresses"}
    code, data = cli("ablate", EIFFEL, "--head", "1.4", "--json")
    assert code == 0 and len(data["before"]) == len(data["after"]) == 5
    assert data["target_prob_before"] > data["target_prob_after"]
    code, data = cli("ablate", EIFFEL, "--mlp", "0", "--target", " Paris", "--json")
    assert code == 0 and data["target"]["token"] == " Paris"


@pytest.mark.parametrize(
    "args, message",
    [
        (["neurons", EIFFEL, "--layer", "30"], "layer 30 is out of range: valid values are 0..29"),
        (["neurons", EIFFEL, "--layer", "2", "--position", "-1"], "0..9"),
        (["ablate", EIFFEL, "--head", "3.9"], "head 9 is out of range"),
        (["ablate", EIFFEL, "--head", "x"], "LAYER.HEAD"),
        (["ablate", EIFFEL, "--mlp", "-2"], "0..29"),
        (["ablate", EIFFEL, "--mlp", "1", "--target", "nonexistentword"], "not one"),
    ],
)
def test_neurons_and_ablate_errors(cli, args, message):
    code, err = cli(*args)
    assert code == 2 and message in err, err


def test_attribute_json(cli):
    code, data = cli("attribute", EIFFEL, "--target", " Paris", "--method", "occlusion", "--json")
    assert code == 0 and {"tokens", "target", "method", "attributions", "sum", "delta", "converged"} <= set(data)
    assert data["tokens"][max(range(10), key=data["attributions"].__getitem__)] in ("iffel", " city", " of")
    code, data = cli("attribute", "The capital of France is", "--target", " Paris", "--steps", "4", "--json")
    assert code == 0 and data["method"] == "integrated-gradients" and isinstance(data["converged"], bool)
    assert data["converged"] == (abs(data["sum"] - data["delta"]) <= 0.05 * abs(data["delta"]))


@pytest.mark.parametrize(
    "args, message",
    [
        (["attribute", EIFFEL, "--target", "Eiffelish tower"], "not one"),
        (["attribute", EIFFEL, "--target", " Paris", "--steps", "100000"], "between 2 and 256"),
        (["attribute", EIFFEL, "--target", " Paris", "--method", "magic"], "invalid choice"),
        (["attribute", EIFFEL], "--target"),
    ],
)
def test_attribute_errors(cli, args, message):
    code, err = cli(*args)
    assert code == 2 and message in err, err
