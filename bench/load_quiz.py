"""The load test's `quiz` mode: N students join one live class and answer the whole tour quiz at once,
while the teacher's projector view keeps refreshing over Streamlit's own protocol.

Students write to the class database the way the app does (`explain.live_class.submissions`, one
thread each, the same SQLite file or `LLM_EXPLAINER_DB` as the server); the teacher is a real session
(`bench.loadtest`'s websocket) that opens the class page with the teacher link and reruns it every
`CLASS_REFRESH_S` seconds, as the board's fragment does, each rerun timed. At the end the class's
report must hold exactly the planned answers, and the teacher's last view must count them all.
Leaves out browsers, and students' tour pages (the burst and class modes load those).
"""

from __future__ import annotations

import threading
import time

import numpy as np

from bench.load_plan import PageSpec
from bench.load_report import ServerSampler, SessionLog, percentiles, server_pid
from bench.loadtest import _connect, _rerun_message, _wait_finished
from explain.core.limits import CLASS_REFRESH_S
from explain.live_class.classes import create_class, end_class
from explain.live_class.report import class_report
from explain.live_class.submissions import join, questions, record_answer


def planned_choice(student: int, question_index: int, n_options: int) -> int:
    """The option student `student` picks for the `question_index`-th question: spread, reproducible.

    >>> [planned_choice(s, 0, 3) for s in range(4)]
    [0, 1, 2, 0]
    """
    return (student + question_index) % n_options


def expected_counts(sessions: int) -> dict[str, list[int]]:
    """{question id: count per option} that `sessions` students answering by `planned_choice` must give."""
    expected = {}
    for qi, (qid, question) in enumerate(questions().items()):
        counts = [0] * len(question.options["en"])
        for s in range(sessions):
            counts[planned_choice(s, qi, len(counts))] += 1
        expected[qid] = counts
    return expected


def _student(code: str, number: int, pause_s: float, log: SessionLog) -> None:
    rng = np.random.default_rng(number)
    try:
        start = time.perf_counter()
        me = join(code, f"student {number}")
        log.timings.append(("join", (time.perf_counter() - start) * 1000))
        for qi, (qid, question) in enumerate(questions().items()):
            time.sleep(rng.uniform(0, pause_s))
            log.requests += 1
            start = time.perf_counter()
            record_answer(code, me["student_id"], qid, planned_choice(number, qi, len(question.options["en"])))
            log.timings.append(("answer", (time.perf_counter() - start) * 1000))
    except Exception as exc:  # every failure is a finding: "database is locked" included
        log.errors.append(f"{type(exc).__name__}: {exc}")


def _board(query: tuple[tuple[str, str], ...]) -> PageSpec:
    return PageSpec("teacher_board", "class", query, text_key="")


def _teacher(base: str, made: dict, flags: tuple, log: SessionLog, metrics: list) -> None:
    """One teacher session: open the class page with the teacher link (set `ready`), then rerun it every
    CLASS_REFRESH_S seconds until `stop`, and once more after; `metrics` ends holding the last view's
    (label, value)s. The first opening (a fresh server imports the page's modules) is timed apart."""
    ready, stop = flags
    spec = _board((("code", made["code"]), ("key", made["teacher_key"]), ("lang", "en")))
    ws = _connect(base, 120)
    try:
        while True:
            last, began = stop.is_set(), time.monotonic()
            log.requests += 1
            metrics.clear()
            if _wait_for(ws, spec, log, metrics):
                name = "teacher_board" if ready.is_set() else "teacher_first"
                log.timings.append((name, (time.monotonic() - began) * 1000))
            ready.set()
            spec = _board((("code", made["code"]), ("lang", "en")))  # the key left the address bar
            if last:
                return
            stop.wait(max(0.0, CLASS_REFRESH_S - (time.monotonic() - began)))
    except Exception as exc:  # a disconnect or a timeout
        log.errors.append(f"teacher: {type(exc).__name__}: {exc}")
    finally:
        ready.set()
        ws.close()


def _wait_for(ws, spec: PageSpec, log: SessionLog, metrics: list) -> bool:
    ws.send_binary(_rerun_message(spec, None))
    return _wait_finished(ws, log, [], metrics)


def _check(report: dict, sessions: int, metrics: list) -> list[str]:
    """What differs between the class's report, the teacher's last view and the plan, in words."""
    problems = []
    if report["students"] != sessions:
        problems.append(f"{report['students']} students in the report, {sessions} joined")
    got = {a["question"]: a["counts"] for a in report["answers"]}
    missing = [q for q, counts in expected_counts(sessions).items() if got.get(q) != counts]
    problems += [f"question {q}: counted {got.get(q)}" for q in missing[:5]]
    total = sessions * len(questions())
    if dict(metrics).get("Answers") != f"{total:,}":
        problems.append(f"the teacher's view showed {dict(metrics).get('Answers')} answers, not {total:,}")
    return problems


def run_quiz(base: str, sessions: int, pause_s: float = 0.5) -> dict:
    """The quiz mode against the server at `base` (which must share this process's class database)."""
    made = create_class()
    logs = [SessionLog() for _ in range(sessions)]
    teacher_log, metrics, ready, stop = SessionLog(), [], threading.Event(), threading.Event()
    teacher = threading.Thread(target=_teacher, args=(base, made, (ready, stop), teacher_log, metrics))
    teacher.start()
    ready.wait(300)  # the teacher's projector is up before the students start
    with ServerSampler(server_pid(base)) as sampler:
        threads = [threading.Thread(target=_student, args=(made["code"], i, pause_s, logs[i])) for i in range(sessions)]
        begin = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(600)
        wall_s = time.perf_counter() - begin
        stop.set()
        teacher.join(300)
    report = class_report(made["code"], made["teacher_key"])
    end_class(made["code"], made["teacher_key"])
    problems = [e for log in [*logs, teacher_log] for e in log.errors] + _check(report, sessions, metrics)
    board = [ms for name, ms in teacher_log.timings if name == "teacher_board"]
    first = [ms for name, ms in teacher_log.timings if name == "teacher_first"]
    answers = [ms for log in logs for name, ms in log.timings if name == "answer"]
    return {
        "mode": "quiz",
        "sessions": sessions,
        "answers_expected": sessions * len(questions()),
        "answers_counted": sum(sum(a["counts"]) for a in report["answers"]),
        "errors": len(problems),
        "error_examples": problems[:5],
        "teacher_refreshes": len(board),
        "teacher_board": percentiles(board),
        "teacher_first_ms": round(first[0], 1) if first else None,
        "answer_write": percentiles(answers),
        "wall_s": round(wall_s, 2),
        **{k: v for k, v in sampler.report().items() if k != "rss_trace_mb"},
    }
