"""A training run in progress during a load test: the teacher presses Start on the training page first.

The teacher is one more websocket session (`bench.loadtest`'s protocol) that opens the training page,
presses its Start button with the page's defaults and stays connected while the class runs, so the
job keeps running in the server exactly as it would for a teacher demonstrating it (on the one job
runner, with the thread budget `explain/core/priority.py` gives jobs while students are active). At
the end it reruns the page and reads the progress line, so the report says how far the run got.
Leaves out timing the teacher's own requests (they are not a student's).
"""

from __future__ import annotations

import contextlib

from bench.load_plan import PageSpec
from bench.load_report import SessionLog
from bench.loadtest import _connect, _rerun_message

TRAINING = PageSpec("training", "training", (("lang", "en"),), "train_start")


def _run(ws, widget=None) -> tuple[list[str], list[str], list[str]]:
    """One rerun: (widget ids, progress texts, problems) of what the page drew."""
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    ws.send_binary(_rerun_message(TRAINING, widget))
    ids, progress, problems = [], [], []
    while True:
        msg = ForwardMsg()
        msg.ParseFromString(ws.recv())
        kind = msg.WhichOneof("type")
        if kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
            element = msg.delta.new_element
            what = element.WhichOneof("type")
            if what == "progress":  # the run's bar: percent of its steps done
                progress.append(f"{element.progress.value} %")
            elif what in ("exception",) or (what == "alert" and element.alert.format == element.alert.ERROR):
                problems.append(f"training page: {getattr(element, what)}"[:160])
            elif what and getattr(getattr(element, what), "id", ""):
                ids.append(getattr(element, what).id)
        elif kind == "script_finished" and msg.script_finished != msg.FINISHED_EARLY_FOR_RERUN:
            return ids, progress, problems


class TrainingInProgress:
    """`with TrainingInProgress(base) as run:` a training job runs in the server; `run.report()` after."""

    def __init__(self, base: str, timeout_s: float = 120.0) -> None:
        self.base, self.timeout_s = base, timeout_s
        self.log = SessionLog()
        self.started, self.last_progress = False, None
        self.ws = None

    def __enter__(self) -> TrainingInProgress:
        self.ws = _connect(self.base, self.timeout_s)
        ids, _, problems = _run(self.ws)
        start = next((i for i in ids if i.endswith(TRAINING.text_key)), None)
        if start is None:
            problems.append("no Start button on the training page")
        else:
            _, progress, more = _run(self.ws, (start, True))
            problems += more
            self.started = not more
        self.log.errors += problems
        return self

    def __exit__(self, *exc) -> None:
        with contextlib.suppress(Exception):
            _, progress, problems = _run(self.ws)
            self.last_progress = progress[-1] if progress else None
            self.log.errors += problems
        with contextlib.suppress(Exception):
            self.ws.close()

    def report(self) -> dict:
        return {"training_started": self.started, "training_progress_at_end": self.last_progress,
                "training_errors": self.log.errors[:3]}  # fmt: skip
