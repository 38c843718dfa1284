"""`python -m explain`: JSON contracts and one-line errors, run as a user would (a subprocess)."""

import json
import subprocess
import sys

import pytest


def explain(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "explain", *args], capture_output=True, text=True, timeout=300)


def test_models_lists_every_builtin_with_its_availability():
    out = explain("models", "--json")
    assert out.returncode == 0, out.stderr
    models = {m["name"]: m for m in json.loads(out.stdout)["models"]}
    assert {"smollm2-135m", "minilm-l6", "cl100k", "o200k"} <= set(models)
    assert set(models["cl100k"]) == {"name", "kind", "available", "source"}


def test_tokenize_returns_ids_and_text():
    out = explain("tokenize", "What is the tallest building?", "--tokenizer", "cl100k", "--json")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["tokenizer"] == "cl100k"
    assert "".join(t["text"] for t in data["tokens"]) == "What is the tallest building?"


def test_next_prints_a_sorted_distribution(smollm):  # the fixture converts the GGUF into the shared cache first
    out = explain("next", "The capital of France is", "--top-k", "5", "--json")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    probs = [c["prob"] for c in data["candidates"]]
    assert data["model"] == "smollm2-135m" and len(probs) == 5
    assert probs == sorted(probs, reverse=True) and 0 < sum(probs) <= 1.0001
    assert data["candidates"][0]["token"] == " Paris"


def test_attention_rows_are_query_positions(smollm):
    out = explain("attention", "one two three four", "--model", "smollm2-135m", "--layer", "3", "--head", "2", "--json")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert len(data["weights"]) == len(data["tokens"]) == 4
    assert data["weights"][0][1:] == [0.0, 0.0, 0.0]
    assert all(abs(sum(row) - 1) < 1e-3 for row in data["weights"])


@pytest.mark.parametrize(
    "args, message",
    [
        (["next", ""], "empty"),
        (["next", "hi", "--top-k", "0"], "between 1 and"),
        (["tokenize", "hi", "--tokenizer", "nope"], "Unknown or unavailable tokenizer"),
        (["next", "hi", "--model", "<script>"], "not a model name"),
        (["attention", "hi", "--layer", "99"], "--layer must be between 0 and 29"),
        (["frobnicate"], "invalid choice"),
    ],
)
def test_bad_arguments_exit_2_with_one_line(args, message, smollm):
    out = explain(*args)
    assert out.returncode == 2
    assert message in out.stderr
    assert "Traceback" not in out.stderr
