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
        code = main(list(args))
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
