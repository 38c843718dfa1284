"""The live class inside the guided tour: follow mode, and sending a student's answers and texts.

Hooks the tour calls (each a no-op outside a class, without touching the database):
`tour_bar` under the tour's navigation (the teacher's moves set the class's step; a student's
step is noted, and while following, a fragment polls the class's step every `CLASS_REFRESH_S`
seconds and moves the student when the teacher moves), `send_answer` from the quiz and
`send_text` from the live widgets. A send happens only when something changed, under the
session's rate limit; a failure is a short message, never a broken lesson. Leaves out the tour
itself (see `ui/tour.py`).
"""

from __future__ import annotations

import streamlit as st

from explain.classroom.tour import clamp_step
from explain.core.display import literal
from explain.core.limits import CLASS_REFRESH_S, MAX_CLASS_SUBMISSIONS
from explain.live_class.classes import ClassError, class_step, set_step
from explain.live_class.submissions import record_answer, record_step, record_text
from ui.live_class import FOLLOW_KEY, allowed, class_error, follow_toggle, member, sent, teacher
from ui.text import t

SEEN_KEY = "lc_seen_step"  # the class step this following student was last moved to


def _send(what: str, value: object, call) -> None:
    """Run `call()` when `value` differs from what was last sent as `what`, within the rate limit."""
    memo = sent()
    if memo.get(what) == value:
        return
    if not allowed("submit", MAX_CLASS_SUBMISSIONS):
        st.toast(t("live_class.err_rate", n=MAX_CLASS_SUBMISSIONS), icon="⏳")
        return
    try:
        call()
        memo[what] = value
    except ClassError as exc:
        class_error(exc, (member() or teacher() or {}).get("code", ""))
    except Exception as exc:  # the database unreachable: the lesson goes on
        class_error(exc)


@st.fragment(run_every=CLASS_REFRESH_S)
def follow_poll(n_steps: int) -> None:
    """While following: when the teacher's step changes, move this student there (a full rerun)."""
    from ui.tour import STEP_KEY

    me = member()
    if me is None or not st.session_state.get(FOLLOW_KEY):
        return
    try:
        step = clamp_step(class_step(me["code"]), n_steps)
    except Exception:  # an ended class or a busy database: try again at the next tick
        return
    if st.session_state.get(SEEN_KEY) != step:
        st.session_state[SEEN_KEY] = step
        if st.session_state.get(STEP_KEY) != step:
            st.session_state[STEP_KEY] = step
            st.rerun()


def _join_the_class_step(code: str, step_no: int, n_steps: int) -> None:
    """Move this session's tour to the class's step (rerunning), instead of moving the class to step 1."""
    from ui.tour import STEP_KEY

    try:
        step = clamp_step(class_step(code), n_steps)
    except Exception:  # an ended class: the controls on the class page say so
        return
    sent()["teacher_step"] = step
    if step != step_no:
        st.session_state[STEP_KEY] = step
        st.rerun()


def tour_bar(step_no: int, n_steps: int) -> None:
    """The class line under the tour's title: the teacher drives the class's step; a student may follow."""
    info = teacher()
    if info is not None:
        if "teacher_step" not in sent():  # the teacher's first visit to the tour: go where the class is
            _join_the_class_step(info["code"], step_no, n_steps)
        _send("teacher_step", step_no, lambda: set_step(info["code"], info["key"], step_no))
        st.caption(t("live_class.tour_teacher", code=literal(info["code"])))
        return
    me = member()
    if me is None:
        return
    _send("step", step_no, lambda: record_step(me["code"], me["student_id"], step_no))
    left, right = st.columns([3, 2])
    left.caption(t("live_class.tour_student", code=literal(me["code"]), nickname=literal(me["nickname"])))
    follow_toggle("tour", right)
    follow_poll(n_steps)


def send_answer(question: str, choice: int) -> None:
    """A student's quiz answer ("attention.0", option index) to the class; nothing outside a class."""
    me = member()
    if me is not None:
        _send(f"q:{question}", choice, lambda: record_answer(me["code"], me["student_id"], question, choice))


def send_text(widget: str, text: str, default: str, value: float | None = None, label: str | None = None) -> None:
    """A student's text in a live widget, with what the model made of it; the untouched example is not sent."""
    me = member()
    if me is not None and text and text != default:
        call = lambda: record_text(me["code"], me["student_id"], widget, text, value, label)  # noqa: E731
        _send(f"w:{widget}", (text, label), call)
