"""What a load test measured, in numbers: latencies per page, errors, server CPU per request, memory.

`SessionLog` is what one simulated student saw; `ServerSampler` watches the server process
(resident memory with its children, sampled in a thread, and CPU seconds over the test);
`summarise` turns both into the report `python -m explain loadtest` prints. Leaves out the
sessions themselves (see `loadtest.py`) and what they do (see `load_plan.py`).
"""

from __future__ import annotations

import contextlib
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import numpy as np


@dataclass
class SessionLog:
    timings: list[tuple[str, float]] = field(default_factory=list)  # (page name, ms) per finished request
    errors: list[str] = field(default_factory=list)  # what went wrong, in words
    requests: int = 0  # reruns sent


def percentiles(values: list[float]) -> dict:
    """{"p50_ms", "p95_ms", "p99_ms"} of `values` (None each when empty).

    >>> percentiles([100.0, 200.0, 300.0])["p50_ms"]
    200.0
    """
    data = np.asarray(values, dtype=float)
    return {f"p{q}_ms": round(float(np.percentile(data, q)), 1) if data.size else None for q in (50, 95, 99)}


def per_page(logs: list[SessionLog]) -> dict:
    """{page: {"requests", "p50_ms", "p95_ms", "p99_ms"}} over all sessions' finished requests."""
    by_page: dict[str, list[float]] = {}
    for log in logs:
        for page, ms in log.timings:
            by_page.setdefault(page, []).append(ms)
    return {page: {"requests": len(ms), **percentiles(ms)} for page, ms in sorted(by_page.items())}


def summarise(logs: list[SessionLog], sessions: int, server: dict | None = None) -> dict:
    """The report: {"sessions", "requests", "errors", "p50_ms", "p95_ms", "p99_ms", "pages", ...}.

    `server` is `ServerSampler.report()`; CPU seconds are divided by the requests sent.
    """
    problems = [e for log in logs for e in log.errors]
    requests = sum(log.requests for log in logs)
    server = server or {}
    cpu = server.get("cpu_s")
    return {
        "sessions": sessions,
        "requests": requests,
        "errors": len(problems),
        **percentiles([ms for log in logs for _, ms in log.timings]),
        "pages": per_page(logs),
        "cpu_s_per_request": round(cpu / requests, 3) if cpu is not None and requests else None,
        "peak_rss_mb": server.get("peak_rss_mb"),
        "rss_trace_mb": server.get("rss_trace_mb", []),
        "error_examples": sorted(set(problems))[:5],
    }


def server_pid(url: str) -> int | None:
    """The process listening on `url`'s port on this machine (None if it cannot be seen)."""
    import psutil

    port = urlsplit(url).port
    with contextlib.suppress(psutil.Error, OSError):
        for conn in psutil.net_connections(kind="tcp"):
            if conn.laddr and conn.laddr.port == port and conn.status == psutil.CONN_LISTEN and conn.pid:
                return conn.pid
    return None


def thin(values: list[float], points: int = 12) -> list[float]:
    """At most `points` values spread evenly over `values`, first and last kept.

    >>> thin([1.0, 2.0, 3.0, 4.0, 5.0], 3)
    [1.0, 3.0, 5.0]
    """
    if len(values) <= points:
        return list(values)
    picks = np.linspace(0, len(values) - 1, points).round().astype(int)
    return [values[i] for i in picks]


class ServerSampler:
    """Samples a process's resident memory (children included) in a thread; notes CPU seconds used meanwhile."""

    def __init__(self, pid: int | None, every_s: float = 0.25) -> None:
        self.pid, self.every_s = pid, every_s
        self.samples: list[float] = []  # MB, one per tick
        self._cpu_start: float | None = None
        self._cpu_s: float | None = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def _procs(self) -> list:
        import psutil

        proc = psutil.Process(self.pid)
        return [proc, *proc.children(recursive=True)]

    def _cpu(self) -> float | None:
        with contextlib.suppress(Exception):
            return sum(sum(p.cpu_times()[:2]) for p in self._procs())
        return None

    def _loop(self) -> None:
        while not self._stop.is_set():
            with contextlib.suppress(Exception):
                self.samples.append(sum(p.memory_info().rss for p in self._procs()) / 2**20)
            self._stop.wait(self.every_s)

    def __enter__(self) -> ServerSampler:
        if self.pid is not None:
            self._cpu_start = self._cpu()
            self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=5)
        end = self._cpu() if self.pid is not None else None
        if end is not None and self._cpu_start is not None:
            self._cpu_s = end - self._cpu_start

    def report(self) -> dict:
        """{"peak_rss_mb", "rss_trace_mb" (about a dozen points over the test), "cpu_s"}."""
        return {
            "peak_rss_mb": round(max(self.samples), 1) if self.samples else None,
            "rss_trace_mb": [round(mb) for mb in thin(self.samples)],
            "cpu_s": round(self._cpu_s, 2) if self._cpu_s is not None else None,
        }


def wait_until(deadline: float, stop: threading.Event | None = None) -> None:
    """Sleep until the monotonic `deadline` (returns at once if it has passed)."""
    pause = deadline - time.monotonic()
    if pause > 0:
        (stop or threading.Event()).wait(pause)
