"""Many students, one server: N concurrent real sessions against a local app, timed.

Each session speaks Streamlit's own websocket protocol (the protobuf messages
the browser sends), which is far lighter than N browser tabs. It walks through
its pages (see `load_plan.py`): opens one, types its own texts into the page's
text box, moves on. Each rerun is one request; its latency runs from sending the
message to the server's "script finished". Two modes: `burst`, every session
acting at the same moment (open + `rounds` texts each), and `class`, each
session thinking 5–20 s between actions for `minutes`. Errors are exception or
error boxes on the page, failed runs, timeouts and disconnects. The report
(see `load_report.py`) gives p50/p95/p99 per page, server CPU seconds per
request and the server's resident memory over the test.

Loopback only, bounded in sessions, rounds and time; it stops by itself. Leaves
out browsers (rendering cost is the client's, not the server's).
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlencode, urlsplit

import numpy as np

from bench.load_plan import DEFAULT_PAGES, MODES, PAGES, PageSpec, actions, start_offset, student_text, think_seconds
from bench.load_report import ServerSampler, SessionLog, server_pid, summarise
from explain.core.limits import MAX_SESSIONS

LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")


@dataclass
class LoadConfig:
    sessions: int = 5  # concurrent sessions, 1..MAX_SESSIONS
    url: str | None = None  # a running app on this machine; None = start one on a free port
    mode: str = "burst"  # "burst": all act at once; "class": each thinks 5-20 s between actions
    pages: tuple[PageSpec, ...] = tuple(PAGES[n] for n in DEFAULT_PAGES)  # pages the sessions walk through
    rounds: int = 2  # burst: texts each session types after opening its page
    stay: int = 2  # class: texts typed on a page before moving to the next
    minutes: float = 5.0  # class: how long the class runs
    seed: int = 0  # think times and start offsets
    training: bool = False  # a teacher's training run in progress during the test (bench/load_training.py)
    server_env: dict = field(default_factory=dict)  # extra environment of the server this test starts
    request_timeout_s: float = 120.0  # longest wait for one rerun to finish
    total_timeout_s: float = 600.0  # the whole test stops after this, finished or not


def check_loopback(url: str) -> str:
    """`url` without a trailing slash, if it points at this machine; ValueError otherwise."""
    host = urlsplit(url).hostname
    if host not in LOOPBACK_HOSTS:
        raise ValueError(f"The load test only runs against this machine (127.0.0.1 or localhost), not '{host}'.")
    return url.rstrip("/")


def _rerun_message(spec: PageSpec | None, widget: tuple[str, str | bool] | None, fragment_id: str = "") -> bytes:
    """The browser's rerun request; with `fragment_id`, a change inside an `st.fragment` reruns only it."""
    from streamlit.proto.BackMsg_pb2 import BackMsg

    msg = BackMsg()
    msg.rerun_script.query_string = urlencode(spec.query) if spec else "lang=en"
    msg.rerun_script.page_name = spec.page if spec else ""
    msg.rerun_script.fragment_id = fragment_id
    if widget is not None:  # (id, text) types into a box; (id, True) presses a button
        state = msg.rerun_script.widget_states.widgets.add()
        state.id = widget[0]
        if widget[1] is True:
            state.trigger_value = True
        else:
            state.string_value = widget[1]
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


def _wait_finished(
    ws,
    log: SessionLog,
    widget_ids: list[tuple[str, str]],
    metrics: list | None = None,
    texts: list | None = None,
    on_element: Callable | None = None,
) -> bool:
    """Read messages until the script finishes; note problems and (widget id, id of the fragment drawing
    it or "") pairs (and, given lists, the (label, value) of each metric shown and the body of each
    markdown or caption; given `on_element`, hand it every new element). False on a failed run."""
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
                widget_ids.append((widget_id, msg.delta.fragment_id))
            if metrics is not None and msg.delta.new_element.WhichOneof("type") == "metric":
                metrics.append((msg.delta.new_element.metric.label, msg.delta.new_element.metric.body))
            if texts is not None and msg.delta.new_element.WhichOneof("type") == "markdown":
                texts.append(msg.delta.new_element.markdown.body)
            if on_element is not None:
                on_element(msg.delta.new_element)
        elif kind == "script_finished":
            if msg.script_finished == msg.FINISHED_WITH_COMPILE_ERROR:
                log.errors.append("the page failed to compile")
                return False
            if msg.script_finished in (msg.FINISHED_SUCCESSFULLY, msg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY):
                return True
            # FINISHED_EARLY_FOR_RERUN: another run follows; keep reading


def _connect(base: str, timeout_s: float):
    import websocket

    ws_url = base.replace("http://", "ws://", 1).replace("https://", "wss://", 1) + "/_stcore/stream"
    return websocket.create_connection(ws_url, subprotocols=["streamlit"], timeout=timeout_s)


class Student:
    """One simulated session: a websocket, the text box id of each page it opened, its log."""

    def __init__(self, base: str, cfg: LoadConfig, number: int) -> None:
        self.base, self.cfg, self.number = base, cfg, number
        self.log = SessionLog()
        self.ws = None
        self.text_ids: dict[str, tuple[str, str]] = {}  # page name -> (widget id, fragment id or "") of its text box
        self.tour_step: str | None = None  # the tour remembers its step per session: a new step needs a new one

    def _request(self, spec: PageSpec, widget: tuple[str, str] | None, ids: list, fragment_id: str = "") -> None:
        self.log.requests += 1
        start = time.perf_counter()
        self.ws.send_binary(_rerun_message(spec, widget, fragment_id))
        if _wait_finished(self.ws, self.log, ids):
            self.log.timings.append((spec.name, (time.perf_counter() - start) * 1000))

    def open(self, spec: PageSpec) -> bool:
        """Open `spec`'s page (a timed request) and find its text box; False (and an error) if it is missing."""
        step = dict(spec.query).get("step") if spec.page == "tour" else None
        if self.ws is None or (step and self.tour_step and step != self.tour_step):
            self.close()
            self.ws = _connect(self.base, self.cfg.request_timeout_s)
        self.tour_step = step or self.tour_step
        ids: list[tuple[str, str]] = []
        self._request(spec, None, ids)
        found = next((pair for pair in ids if pair[0].endswith(spec.text_key)), None)
        if found is None:
            self.log.errors.append(f"no widget with key '{spec.text_key}' on page '{spec.name}'")
            return False
        self.text_ids[spec.name] = found
        return True

    def type(self, spec: PageSpec, action: int) -> None:
        widget_id, fragment_id = self.text_ids[spec.name]
        self._request(spec, (widget_id, student_text(spec, self.number, action)), [], fragment_id)

    def close(self) -> None:
        if self.ws is not None:
            with contextlib.suppress(Exception):
                self.ws.close()
        self.ws = None


def _walk(student: Student, cfg: LoadConfig, deadline: float, class_end: float | None) -> None:
    rng = np.random.default_rng([cfg.seed, student.number + 1])
    if class_end is not None:
        time.sleep(min(start_offset(rng), max(0.0, class_end - time.monotonic())))
    stay = cfg.rounds if class_end is None else cfg.stay
    for i, (what, spec) in enumerate(actions(cfg.pages, student.number, stay)):
        if class_end is None and i > cfg.rounds:
            return
        if class_end is not None and i > 0:
            time.sleep(think_seconds(rng))
        if time.monotonic() > (class_end if class_end is not None else deadline):
            return
        if time.monotonic() > deadline:
            student.log.errors.append("stopped: total time limit reached")
            return
        if what == "open" and not student.open(spec):
            return
        if what == "type":
            student.type(spec, i)


def run_session(base: str, cfg: LoadConfig, number: int, deadline: float, class_end: float | None = None) -> SessionLog:
    """One student: burst (open, then `cfg.rounds` texts) or, with `class_end`, a class lasting until then."""
    student = Student(base, cfg, number)
    try:
        _walk(student, cfg, deadline, class_end)
    except Exception as exc:  # refused connections, timeouts and disconnects all count as errors
        student.log.errors.append(f"{type(exc).__name__}: {exc}")
    finally:
        student.close()
    return student.log


def prime(base: str, timeout_s: float = 300.0) -> None:
    """Open the app's main page once, as the first visitor normally does.

    With a `pages/` folder beside app.py, Streamlit runs a fresh server's very first
    script run in its old folder-based mode unless that run is the main page; after
    one main-page run, `st.navigation` (app.py) takes over for every session.
    """
    ws = _connect(base, timeout_s)
    try:
        ws.send_binary(_rerun_message(None, None))
        _wait_finished(ws, SessionLog(), [])
    finally:
        ws.close()


def _warm_up(base: str, cfg: LoadConfig, deadline: float) -> tuple[float, list[str]]:
    """Prime, then open every page once and type once (loads each model); (ms taken, errors)."""
    start = time.perf_counter()
    prime(base, cfg.request_timeout_s)
    errors: list[str] = []
    for spec in cfg.pages:
        warm = LoadConfig(**{**cfg.__dict__, "pages": (spec,), "rounds": 1, "mode": "burst"})
        errors += [f"warm-up {spec.name}: {e}" for e in run_session(base, warm, -1, deadline).errors]
    return round((time.perf_counter() - start) * 1000, 1), errors


def _run_against(base: str, cfg: LoadConfig) -> dict:
    deadline = time.monotonic() + cfg.total_timeout_s
    warmup_ms, warm_errors = _warm_up(base, cfg, deadline)
    logs: list[SessionLog] = [SessionLog() for _ in range(cfg.sessions)]
    class_end = time.monotonic() + cfg.minutes * 60 if cfg.mode == "class" else None

    def worker(i: int) -> None:
        logs[i] = run_session(base, cfg, i, deadline, class_end)

    from bench.load_training import TrainingInProgress  # it speaks this module's protocol

    training = TrainingInProgress(base) if cfg.training else contextlib.nullcontext()
    with ServerSampler(server_pid(base)) as sampler, training:
        threads = [threading.Thread(target=worker, args=(i,), daemon=True) for i in range(cfg.sessions)]
        begin = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=max(0.0, deadline - time.monotonic()))
        wall_s = time.perf_counter() - begin
    unfinished = sum(thread.is_alive() for thread in threads)
    logs += [SessionLog(errors=[f"session still running at the time limit ({i + 1})"]) for i in range(unfinished)]
    report = summarise(logs, cfg.sessions, sampler.report())
    report["errors"] += len(warm_errors)
    report["error_examples"] = (warm_errors + report["error_examples"])[:5]
    extra = {"mode": cfg.mode, "rounds": cfg.rounds, "minutes": cfg.minutes if cfg.mode == "class" else None}
    if cfg.training:
        extra |= training.report()
        report["errors"] += len(training.log.errors)
    return {**report, "warmup_ms": warmup_ms, "wall_s": round(wall_s, 2), **extra}


def run_loadtest(cfg: LoadConfig) -> dict:
    """Run the load test; start a private server on a free localhost port unless `cfg.url` is given."""
    if not 1 <= cfg.sessions <= MAX_SESSIONS:
        raise ValueError(f"sessions must be between 1 and {MAX_SESSIONS}, got {cfg.sessions}")
    if cfg.mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}, got {cfg.mode!r}")
    run = _run_against
    if cfg.mode == "quiz":  # one live class: students answer the tour's quiz, the teacher's view refreshes
        from bench.load_quiz import run_quiz
        from explain.live_class.store import DB_ENV, database_url

        run = lambda base, cfg: run_quiz(base, cfg.sessions)  # noqa: E731
        cfg.server_env = {DB_ENV: database_url(), **cfg.server_env}  # the server writes where we read
    if cfg.url:
        return {**run(check_loopback(cfg.url), cfg), "url": cfg.url}
    from tools.serve import streamlit_server

    with streamlit_server(extra_env=cfg.server_env) as base:
        return {**run(base, cfg), "url": "own server on " + base}
