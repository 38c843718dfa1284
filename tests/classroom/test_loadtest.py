"""The load script: five concurrent real sessions against a fresh local server, with zero errors."""

import subprocess
import sys

import pytest

from bench.loadtest import LoadConfig, SessionLog, check_loopback, run_loadtest, summarise


def test_five_sessions_without_errors(smollm):  # smollm: the GGUF is converted once, before the server starts
    report = run_loadtest(LoadConfig(sessions=5, rounds=1, total_timeout_s=420))
    assert report["errors"] == 0, report["error_examples"]
    assert report["sessions"] == 5 and report["requests"] == 10
    assert report["p50_ms"] > 0 and report["p95_ms"] >= report["p50_ms"]
    assert report["peak_rss_mb"] > 300  # the server holds SmolLM2


def test_summary_counts_errors_and_percentiles():
    logs = [SessionLog([100.0, 200.0], [], 2), SessionLog([300.0], ["exception: X"], 2)]
    report = summarise(logs, 2, 512.0)
    assert (report["requests"], report["errors"], report["p50_ms"]) == (4, 1, 200.0)


def test_only_this_machine_and_bounded_sessions():
    assert check_loopback("http://127.0.0.1:8501/") == "http://127.0.0.1:8501"
    with pytest.raises(ValueError, match="only runs against this machine"):
        check_loopback("http://example.com")
    for args in (["--sessions", "0"], ["--sessions", "101"], ["--url", "http://10.0.0.1:8501"]):
        out = subprocess.run(
            [sys.executable, "-m", "explain", "loadtest", *args, "--json"], capture_output=True, text=True
        )
        assert out.returncode == 2, (args, out.stderr)
