"""`prefer`, `reward`, `bias`, `fingerprint`: JSON contracts and one-line errors, with the session's models."""

from __future__ import annotations

import json

import pytest

from explain.assistant.fingerprint import fingerprint
from explain.cli import main

pytestmark = pytest.mark.usefixtures("torch_one_thread")  # 2 shared cores: one torch thread is far steadier


def run_json(argv: list[str], capsys) -> dict:
    assert main([*argv, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_fingerprint_is_the_sha256_of_every_weight(session_models, smollm, capsys):
    data = run_json(["fingerprint"], capsys)
    assert data["model"] == "smollm2-135m" and data["sha256"] == fingerprint(smollm.model)
    assert len(data["sha256"]) == 64


def test_bias_lists_every_occupation_with_both_probabilities(session_models, capsys):
    rows = run_json(["bias"], capsys)["rows"]
    assert len(rows) >= 20 and {"occupation", "p_he", "p_she"} == set(rows[0])
    assert all(0 < r["p_he"] < 1 and 0 < r["p_she"] < 1 for r in rows)


def test_reward_candidates_are_sorted_by_reward(session_models, capsys):
    data = run_json(["reward", "Do you deliver?", "--n", "2", "--seed", "3"], capsys)
    rewards = [c["reward"] for c in data["candidates"]]
    assert len(rewards) == 2 and rewards == sorted(rewards, reverse=True)
    assert data["heldout_ranking_accuracy"] > 0.5


def test_prefer_reports_the_promised_keys(capsys, torch_one_thread):
    data = run_json(["prefer", "--steps", "1", "--seed", "0"], capsys)
    keys = {"pairs_train", "pairs_heldout", "accuracy_before", "accuracy_after", "margin_before", "margin_after"}
    assert keys | {"base_unchanged", "seconds"} <= set(data)
    assert data["base_unchanged"] is True and data["pairs_train"] + data["pairs_heldout"] >= 60


@pytest.mark.parametrize(
    "content, message",
    [
        (b'{"prompt": "a", "chosen": "b"}\n', "line 1: missing key(s) rejected"),
        (b"\x00\x01binary", "line 1: binary data"),
        (b"", "holds 0 pairs"),
        (b"hello\n", "line 1: not JSON"),
    ],
)
def test_prefer_refuses_bad_files_in_one_line(content, message, tmp_path, capsys):
    path = tmp_path / "pairs.jsonl"
    path.write_bytes(content)
    assert main(["prefer", "--data", str(path), "--json"]) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1


@pytest.mark.parametrize(
    "argv, message",
    [
        (["bias", "--template", "The nurse said"], "exactly once"),
        (["reward", ""], "empty"),
        (["prefer", "--steps", "0"], "between 1 and"),
        (["reward", "hi", "--n", "99"], "between 1 and"),
    ],
)
def test_bad_arguments_exit_2(argv, message, capsys):
    try:
        code = main([*argv, "--json"])
    except SystemExit as exit:  # argparse's own refusals
        code = exit.code
    err = capsys.readouterr().err
    assert code == 2 and message in err and err.count("\n") == 1
