"""The three commands' JSON contracts, in process with the session's model, and their one-line errors."""

import json

import pytest

from explain.cli import main, models_arg


@pytest.fixture
def session_model(smollm, monkeypatch):
    monkeypatch.setattr(models_arg, "load_model", lambda name, **kw: smollm)


def _json(argv, capsys) -> dict:
    assert main([*argv, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_needle_contract(session_model, capsys):
    data = _json(["needle", "--lengths", "64", "--depths", "1"], capsys)
    assert len(data["grid"]) == 1 and set(data["grid"][0]) == {"tokens", "depth", "found"}
    assert len(data["ms_per_token"]) == len(data["kv_cache_mb"]) == 1
    assert data["kv_cache_mb"][0] == round(data["grid"][0]["tokens"] * data["formula"]["bytes_per_token"] / 1e6, 3)


def test_reason_contract(session_model, capsys):
    data = _json(["reason", "--lang", "en", "--problems", "1", "--direct-tokens", "4", "--step-tokens", "6"], capsys)
    assert data["problems"] == 1 and {"direct_accuracy", "step_accuracy", "tokens_direct", "tokens_step"} <= set(data)


def test_vision_contract(capsys):
    data = _json(["vision", "--steps", "5", "--seed", "1"], capsys)
    assert (data["patches"], data["patch_size"]) == (16, 2) and 0 <= data["heldout_accuracy"] <= 1
    assert set(data) >= {"params", "seconds"}


@pytest.mark.parametrize(
    "argv, message",
    [
        (["needle", "--lengths", "10"], "between 64 and 4096"),
        (["needle", "--depths", "9"], "between 1 and 5"),
        (["reason", "--lang", "fr"], "invalid choice"),
        (["vision", "--steps", "99999"], "between 1 and 2000"),
    ],
)
def test_bad_arguments_are_one_line(argv, message, capsys):
    with pytest.raises(SystemExit) as end:
        main([*argv, "--json"])
    err = capsys.readouterr().err
    assert end.value.code == 2 and message in err and err.count("\n") == 1
