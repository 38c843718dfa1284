"""The load script: five concurrent real sessions against a fresh local server, with zero errors."""

import subprocess
import sys

import pytest

from bench.load_plan import parse_pages
from bench.loadtest import LoadConfig, check_loopback, run_loadtest


def test_five_sessions_without_errors(smollm):  # smollm: the GGUF is converted once, before the server starts
    report = run_loadtest(LoadConfig(sessions=5, rounds=1, total_timeout_s=420))
    assert report["errors"] == 0, report["error_examples"]
    assert report["sessions"] == 5 and report["requests"] == 10
    assert report["p50_ms"] > 0 and report["p95_ms"] >= report["p50_ms"]
    assert report["peak_rss_mb"] > 300  # the server holds SmolLM2


def test_class_mode_over_every_page_without_errors(smollm):
    """Two students, thinking, walk all pages for a short class: every page answers, none errs."""
    cfg = LoadConfig(sessions=2, mode="class", minutes=0.75, stay=1, pages=parse_pages("all"), total_timeout_s=420)
    report = run_loadtest(cfg)
    assert report["errors"] == 0, report["error_examples"]
    assert report["requests"] >= 4 and report["pages"] and report["cpu_s_per_request"] > 0


def test_only_this_machine_and_bounded_sessions():
    assert check_loopback("http://127.0.0.1:8501/") == "http://127.0.0.1:8501"
    with pytest.raises(ValueError, match="only runs against this machine"):
        check_loopback("http://example.com")
    bad = (["--sessions", "0"], ["--sessions", "101"], ["--url", "http://10.0.0.1:8501"], ["--mode", "x"],
           ["--pages", "nope"], ["--minutes", "0"], ["--rounds", "101"])  # fmt: skip
    for args in bad:
        out = subprocess.run(
            [sys.executable, "-m", "explain", "loadtest", *args, "--json"], capture_output=True, text=True
        )
        assert out.returncode == 2, (args, out.stderr)
