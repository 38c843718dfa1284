"""A training run in progress during a load test: the teacher presses Start on the training page first.

The teacher is one more websocket session (`bench.loadtest`'s protocol) that opens the training page,
sets the longest run the page allows (STEPS) and presses Start, then reruns the page every `POLL_S` seconds
while the class runs, as the projector's browser redraws the live panel (a session that stops reading is
dropped by the server, and its job with it), so the job keeps running exactly as it would for a teacher
demonstrating it (on the one job
runner, with the thread budget `explain/core/priority.py` gives jobs while students are active). At
the end it reruns the page and reads the progress line, so the report says how far the run got.
Leaves out timing the teacher's own requests (they are not a student's).
"""

from __future__ import annotations

import contextlib
import threading

from bench.load_plan import PageSpec
from bench.load_report import SessionLog
from bench.loadtest import _connect, _rerun_message, _wait_finished

TRAINING = PageSpec("training", "training", (("lang", "en"),), "train_start")
STEPS = 20_000  # the page's most (TRAIN_MAX_STEPS): the run outlasts any class the load test plays
POLL_S = 5.0  # the teacher's page redraws this often (the live panel itself polls every second)


def _press_start(start_id: str, steps_id: str | None) -> bytes:
    """The rerun that sets the steps box to STEPS and presses Start, as a browser sends both."""
    from streamlit.proto.BackMsg_pb2 import BackMsg

    msg = BackMsg()
    msg.ParseFromString(_rerun_message(TRAINING, (start_id, True)))
    if steps_id is not None:
        state = msg.rerun_script.widget_states.widgets.add()
        state.id, state.int_value = steps_id, STEPS
    return msg.SerializeToString()


def _run(ws, log: SessionLog, message: bytes | None = None) -> tuple[list[str], list[str]]:
    """One rerun (a plain one, or `message`): (widget ids, progress bars' values) of what the page drew;
    its problems go to `log`."""
    ws.send_binary(message or _rerun_message(TRAINING, None))
    ids, progress = [], []

    def note_progress(element) -> None:  # the run's bar: percent of its steps done
        if element.WhichOneof("type") == "progress":
            progress.append(f"{element.progress.value} %")

    _wait_finished(ws, log, ids, on_element=note_progress)
    return [widget_id for widget_id, _ in ids], progress


class TrainingInProgress:
    """`with TrainingInProgress(base) as run:` a training job runs in the server; `run.report()` after."""

    def __init__(self, base: str, timeout_s: float = 120.0) -> None:
        self.base, self.timeout_s = base, timeout_s
        self.log = SessionLog()
        self.started, self.last_progress, self.polls = False, None, 0
        self.ws = None
        self._done = threading.Event()
        self._poller = threading.Thread(target=self._poll, daemon=True)

    def __enter__(self) -> TrainingInProgress:
        self.ws = _connect(self.base, self.timeout_s)
        ids, _ = _run(self.ws, self.log)
        start = next((i for i in ids if i.endswith(TRAINING.text_key)), None)
        if start is None:
            self.log.errors.append("no Start button on the training page")
        else:
            steps = next((i for i in ids if i.endswith("train_steps")), None)
            _run(self.ws, self.log, _press_start(start, steps))
            self.started = not self.log.errors
        self._poller.start()
        return self

    def _poll(self) -> None:
        """Redraw the page every POLL_S seconds until told to stop; note the last progress seen."""
        while not self._done.wait(POLL_S):
            try:
                _, progress = _run(self.ws, self.log)
            except Exception as exc:  # a dropped teacher is a finding
                self.log.errors.append(f"teacher: {type(exc).__name__}: {exc}"[:160])
                return
            self.polls += 1
            self.last_progress = progress[-1] if progress else self.last_progress

    def __exit__(self, *exc) -> None:
        self._done.set()
        self._poller.join(timeout=60)
        with contextlib.suppress(Exception):
            self.ws.close()

    def report(self) -> dict:
        return {"training_started": self.started, "training_progress_at_end": self.last_progress,
                "teacher_redraws": self.polls,
                "training_errors": self.log.errors[:3]}  # fmt: skip
