"""Many students, one server: N concurrent real sessions against a local app, timed.

Each session speaks Streamlit's own websocket protocol (the protobuf messages
the browser sends), which is far lighter than N browser tabs: it opens the
tour's next-token step, then types its own sentence into the step's text box
a few times, each time waiting for the script to finish. Each of those reruns
is one request; its latency runs from sending the message to the server's
"script finished". Errors are exception or error boxes on the page, failed
runs, timeouts and disconnects. Peak memory is the server process's resident
set (with its children), sampled while the sessions run.

Loopback only, bounded in sessions, rounds and time; it stops by itself. Leaves
out browsers (rendering cost is the client's, not the server's).
"""

from __future__ import annotations

import contextlib
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import urlencode, urlsplit

import numpy as np

from explain.core.limits import MAX_SESSIONS

LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")


@dataclass
class LoadConfig:
    sessions: int = 5  # concurrent sessions, 1..MAX_SESSIONS
    url: str | None = None  # a running app on this machine; None = start one on a free port
    page: str = "tour"  # url path of the page the sessions open
    query: dict = field(default_factory=lambda: {"step": "6", "lang": "en"})  # the tour's next-token step
    text_key: str = "tour_nt_text"  # widget key of the text box each session types into
    rounds: int = 2  # interactions per session after opening the page
    request_timeout_s: float = 120.0  # longest wait for one rerun to finish
    total_timeout_s: float = 600.0  # the whole test stops after this, finished or not


@dataclass
class SessionLog:
    latencies_ms: list[float] = field(default_factory=list)  # one per finished request
    errors: list[str] = field(default_factory=list)  # what went wrong, in words
    requests: int = 0  # reruns sent


def check_loopback(url: str) -> str:
    """`url` without a trailing slash, if it points at this machine; ValueError otherwise."""
    host = urlsplit(url).hostname
    if host not in LOOPBACK_HOSTS:
        raise ValueError(f"The load test only runs against this machine (127.0.0.1 or localhost), not '{host}'.")
    return url.rstrip("/")


def _rerun_message(cfg: LoadConfig, widget: tuple[str, str] | None) -> bytes:
    from streamlit.proto.BackMsg_pb2 import BackMsg

    msg = BackMsg()
    msg.rerun_script.query_string = urlencode(cfg.query)
    msg.rerun_script.page_name = cfg.page
    if widget is not None:
        state = msg.rerun_script.widget_states.widgets.add()
        state.id, state.string_value = widget
    return msg.SerializeToString()


def _element_problem(element) -> tuple[str | None, str | None]:
    """(problem, widget id) of one new element: an exception or error box is a problem."""
    kind = element.WhichOneof("type")
    if kind == "exception":
        return f"exception: {element.exception.type}: {element.exception.message[:120]}", None
    if kind == "alert" and element.alert.format == element.alert.ERROR:
        return f"error box: {element.alert.body[:120]}", None
    widget = getattr(element, kind, None) if kind else None
    return None, getattr(widget, "id", None) or None


def _wait_finished(ws, log: SessionLog, widget_ids: list[str]) -> bool:
    """Read messages until the script finishes; note problems and widget ids. False on a failed run."""
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    while True:
        msg = ForwardMsg()
        msg.ParseFromString(ws.recv())
        kind = msg.WhichOneof("type")
        if kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
            problem, widget_id = _element_problem(msg.delta.new_element)
            if problem:
                log.errors.append(problem)
            if widget_id:
                widget_ids.append(widget_id)
        elif kind == "script_finished":
            if msg.script_finished == msg.FINISHED_WITH_COMPILE_ERROR:
                log.errors.append("the page failed to compile")
                return False
            if msg.script_finished == msg.FINISHED_SUCCESSFULLY:
                return True
            # FINISHED_EARLY_FOR_RERUN: another run follows; keep reading


def _request(ws, cfg: LoadConfig, log: SessionLog, widget: tuple[str, str] | None, ids: list[str]) -> None:
    log.requests += 1
    start = time.perf_counter()
    ws.send_binary(_rerun_message(cfg, widget))
    if _wait_finished(ws, log, ids):
        log.latencies_ms.append((time.perf_counter() - start) * 1000)


def run_session(base: str, cfg: LoadConfig, number: int, deadline: float) -> SessionLog:
    """One student: open the page, then type `cfg.rounds` sentences of their own, each a timed rerun."""
    import websocket

    log = SessionLog()
    ws_url = base.replace("http://", "ws://", 1).replace("https://", "wss://", 1) + "/_stcore/stream"
    try:
        ws = websocket.create_connection(ws_url, subprotocols=["streamlit"], timeout=cfg.request_timeout_s)
    except Exception as exc:  # refused, reset, timed out: all count as errors
        log.errors.append(f"connect: {type(exc).__name__}: {exc}")
        return log
    try:
        ids: list[str] = []
        _request(ws, cfg, log, None, ids)
        text_id = next((i for i in ids if i.endswith(cfg.text_key)), None)
        if text_id is None:
            log.errors.append(f"no widget with key '{cfg.text_key}' on page '{cfg.page}'")
            return log
        for round_no in range(cfg.rounds):
            if time.monotonic() > deadline:
                log.errors.append("stopped: total time limit reached")
                break
            sentence = f"Student {number} asks, in round {round_no}: the capital of Italy is"
            _request(ws, cfg, log, (text_id, sentence), [])
    except Exception as exc:  # timeouts and disconnects
        log.errors.append(f"{type(exc).__name__}: {exc}")
    finally:
        with contextlib.suppress(Exception):
            ws.close()
    return log


def server_pid(url: str) -> int | None:
    """The process listening on `url`'s port on this machine (None if it cannot be seen)."""
    import psutil

    port = urlsplit(url).port
    with contextlib.suppress(psutil.Error, OSError):
        for conn in psutil.net_connections(kind="tcp"):
            if conn.laddr and conn.laddr.port == port and conn.status == psutil.CONN_LISTEN and conn.pid:
                return conn.pid
    return None


class RssSampler:
    """Samples a process's resident memory (children included) in a thread, keeping the peak in MB."""

    def __init__(self, pid: int | None, every_s: float = 0.1) -> None:
        self.pid, self.every_s, self.peak_mb = pid, every_s, 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def _sample(self) -> float:
        import psutil

        proc = psutil.Process(self.pid)
        procs = [proc, *proc.children(recursive=True)]
        return sum(p.memory_info().rss for p in procs) / 2**20

    def _loop(self) -> None:
        while not self._stop.is_set():
            with contextlib.suppress(Exception):
                self.peak_mb = max(self.peak_mb, self._sample())
            self._stop.wait(self.every_s)

    def __enter__(self) -> RssSampler:
        if self.pid is not None:
            self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=5)


def summarise(logs: list[SessionLog], sessions: int, peak_rss_mb: float | None) -> dict:
    """The report: {"sessions", "requests", "errors", "p50_ms", "p95_ms", "peak_rss_mb", ...}."""
    latencies = np.array([ms for log in logs for ms in log.latencies_ms])
    problems = [e for log in logs for e in log.errors]
    return {
        "sessions": sessions,
        "requests": sum(log.requests for log in logs),
        "errors": len(problems),
        "p50_ms": round(float(np.percentile(latencies, 50)), 1) if latencies.size else None,
        "p95_ms": round(float(np.percentile(latencies, 95)), 1) if latencies.size else None,
        "peak_rss_mb": round(peak_rss_mb, 1) if peak_rss_mb else None,
        "error_examples": sorted(set(problems))[:5],
    }


def prime(base: str, timeout_s: float = 300.0) -> None:
    """Open the app's main page once, as the first visitor normally does.

    With a `pages/` folder beside app.py, Streamlit runs a fresh server's very first
    script run in its old folder-based mode unless that run is the main page; after
    one main-page run, `st.navigation` (app.py) takes over for every session.
    """
    import websocket
    from streamlit.proto.BackMsg_pb2 import BackMsg

    ws = websocket.create_connection(
        base.replace("http://", "ws://", 1) + "/_stcore/stream", subprotocols=["streamlit"], timeout=timeout_s
    )
    try:
        msg = BackMsg()
        msg.rerun_script.query_string = "lang=en"
        ws.send_binary(msg.SerializeToString())
        _wait_finished(ws, SessionLog(), [])
    finally:
        ws.close()


def _run_against(base: str, cfg: LoadConfig) -> dict:
    deadline = time.monotonic() + cfg.total_timeout_s
    start = time.perf_counter()
    prime(base, cfg.request_timeout_s)
    warm = run_session(base, LoadConfig(**{**cfg.__dict__, "rounds": 1}), -1, deadline)  # loads the model once
    warmup_ms = round((time.perf_counter() - start) * 1000, 1)
    logs: list[SessionLog] = [SessionLog() for _ in range(cfg.sessions)]

    def worker(i: int) -> None:
        logs[i] = run_session(base, cfg, i, deadline)

    with RssSampler(server_pid(base)) as sampler:
        threads = [threading.Thread(target=worker, args=(i,), daemon=True) for i in range(cfg.sessions)]
        begin = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=max(0.0, deadline - time.monotonic()))
        wall_s = time.perf_counter() - begin
    unfinished = sum(thread.is_alive() for thread in threads)
    for i in range(unfinished):
        logs.append(SessionLog(errors=[f"session still running at the time limit ({i + 1})"]))
    report = summarise(logs, cfg.sessions, sampler.peak_mb)
    warm_errors = [f"warm-up: {e}" for e in warm.errors]
    report["errors"] += len(warm_errors)
    report["error_examples"] = (warm_errors + report["error_examples"])[:5]
    return {**report, "warmup_ms": warmup_ms, "wall_s": round(wall_s, 2), "rounds": cfg.rounds, "page": cfg.page}


def run_loadtest(cfg: LoadConfig) -> dict:
    """Run the load test; start a private server on a free localhost port unless `cfg.url` is given."""
    if not 1 <= cfg.sessions <= MAX_SESSIONS:
        raise ValueError(f"sessions must be between 1 and {MAX_SESSIONS}, got {cfg.sessions}")
    if cfg.url:
        return {**_run_against(check_loopback(cfg.url), cfg), "url": cfg.url}
    from tools.serve import streamlit_server

    with streamlit_server() as base:
        return {**_run_against(base, cfg), "url": "own server on " + base}
