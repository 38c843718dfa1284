"""The live class's Streamlit glue: who this session is (teacher, student or neither), joining, starting.

A teacher is a session holding a class code and its teacher key (`lc_teacher`); a student one
holding a code and its random student id (`lc_member`). Nothing else identifies anyone. The
teacher key arrives once, from "Start a class" or from the private teacher link (`?code=..&key=..`),
is checked against the database, kept in the session and removed from the address bar, so the
projector never shows it. Every error is a translated message naming its bound. Leaves out the
projector's board (see `ui/live_class_board.py`) and the tour's hooks (see `ui/live_class_tour.py`).
"""

from __future__ import annotations

import streamlit as st

from explain.core.display import literal
from explain.core.limits import (
    MAX_CLASS_JOINS,
    MAX_CLASS_STARTS,
    MAX_CLASS_STUDENTS,
    MAX_LIVE_CLASSES,
    MAX_NICKNAME_CHARS,
)
from explain.live_class.classes import ClassError, check_key, create_class
from explain.live_class.codes import normalise_code
from explain.live_class.expiry import class_hours
from explain.live_class.nicknames import NicknameError
from explain.live_class.ratelimit import RateLimiter
from explain.live_class.submissions import join
from ui.page import show_error
from ui.text import num, t

TEACHER_KEY = "lc_teacher"  # {"code", "key"}: this session teaches that class
MEMBER_KEY = "lc_member"  # {"code", "student_id", "nickname"}: this session is that student
FOLLOW_KEY = "lc_follow"  # True while the student follows the teacher (not a widget key: it outlives pages)
SENT_KEY = "lc_sent"  # what this session last sent, so an unchanged rerun sends nothing


def teacher() -> dict | None:
    return st.session_state.get(TEACHER_KEY)


def member() -> dict | None:
    return st.session_state.get(MEMBER_KEY)


def sent() -> dict:
    return st.session_state.setdefault(SENT_KEY, {})


def allowed(name: str, limit: int) -> bool:
    """This session's rate limiter `name`: True (and counted) while under `limit` a minute."""
    return st.session_state.setdefault(f"lc_limit_{name}", RateLimiter(limit)).allow()


def class_error(exc: Exception, code: str = "") -> None:
    """A ClassError (or a bad nickname) in the page's language; anything else as the common error box."""
    if isinstance(exc, NicknameError):
        st.error(t("live_class.err_nickname", limit=MAX_NICKNAME_CHARS))
    elif isinstance(exc, ClassError):
        values = {"code": literal(code), "hours": num(class_hours(), "g"), "n": MAX_CLASS_STUDENTS}
        st.error(t(f"live_class.err_{exc.reason}", **values))
    else:
        show_error(exc)


def restore_teacher_from_url() -> None:
    """`?code=X&key=Y` (the private teacher link) makes this session the teacher, if the key is right."""
    key = st.query_params.get("key")
    if not key:
        return
    code = normalise_code(st.query_params.get("code", ""))
    del st.query_params["key"]  # the key leaves the address bar at once, right or wrong
    try:
        check_key(code, key)
    except Exception as exc:
        class_error(exc, code)
        return
    st.session_state[TEACHER_KEY] = {"code": code, "key": key}
    st.session_state.pop(MEMBER_KEY, None)


def _start() -> None:
    if not allowed("start", MAX_CLASS_STARTS):
        st.session_state["lc_start_error"] = t("live_class.err_starts", n=MAX_CLASS_STARTS)
        return
    try:
        made = create_class()
    except ClassError as exc:
        st.session_state["lc_start_error"] = (
            t("live_class.err_too_many", n=MAX_LIVE_CLASSES) if exc.reason == "too_many" else str(exc)
        )
        return
    st.session_state[TEACHER_KEY] = {"code": made["code"], "key": made["teacher_key"]}
    st.session_state.pop(MEMBER_KEY, None)
    st.query_params["code"] = made["code"]


def start_box() -> None:
    """The teacher's side of the landing page: one button."""
    st.subheader(t("live_class.start_header"))
    st.markdown(t("live_class.start_help"))
    try:
        st.button(t("live_class.start"), key="lc_start", on_click=_start, type="primary", icon="📡")
    except Exception as exc:  # the database unreachable: say so, keep the page
        show_error(exc)
    if "lc_start_error" in st.session_state:
        st.error(st.session_state.pop("lc_start_error"))


def _join(code: str, nickname: str) -> None:
    if not allowed("join", MAX_CLASS_JOINS):
        st.error(t("live_class.err_joins", n=MAX_CLASS_JOINS))
        return
    try:
        joined = join(code, nickname)
    except Exception as exc:
        class_error(exc, normalise_code(code))
        return
    st.session_state[MEMBER_KEY] = joined
    st.session_state[FOLLOW_KEY] = True
    st.query_params["code"] = joined["code"]
    st.rerun()


def join_form() -> None:
    """The student's side: code (filled in from a scanned link's ?code=) and nickname."""
    st.subheader(t("live_class.join_header"))
    with st.form("lc_join_form", border=False):
        code = st.text_input(
            t("live_class.code"), value=st.query_params.get("code", "")[:16], max_chars=16, key="lc_code"
        )
        nickname = st.text_input(
            t("live_class.nickname", limit=MAX_NICKNAME_CHARS), max_chars=MAX_NICKNAME_CHARS, key="lc_nickname"
        )
        pressed = st.form_submit_button(t("live_class.join"), type="primary")
    if pressed:
        _join(code, nickname)


def _set_follow(widget_key: str) -> None:
    st.session_state[FOLLOW_KEY] = bool(st.session_state.get(widget_key))
    st.session_state.pop("lc_seen_step", None)  # following again: go to the teacher's step at once


def follow_toggle(where: str, container=st) -> None:
    """The "follow the teacher" switch; its state outlives pages without it (a widget's would not)."""
    key = f"lc_follow_{where}"
    container.toggle(
        t("live_class.follow"),
        value=bool(st.session_state.get(FOLLOW_KEY)),
        key=key,
        on_change=_set_follow,
        args=(key,),
        help=t("live_class.follow_help"),
    )


def _leave() -> None:
    for key in (MEMBER_KEY, FOLLOW_KEY, SENT_KEY):
        st.session_state.pop(key, None)


def student_card() -> None:
    """A joined student's page: who they are, follow mode, the way to the tour, leaving."""
    me = member()
    st.success(t("live_class.joined", code=literal(me["code"]), nickname=literal(me["nickname"])))
    follow_toggle("class")
    st.page_link("pages/tour.py", label=t("live_class.go_tour"), icon="🧭")
    st.button(t("live_class.leave"), key="lc_leave", on_click=_leave)
