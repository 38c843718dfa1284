"""A class's life as the teacher sees it: create it, prove the key, move its step, end it.

Every function opens its own short transaction on the store's engine (or the one given), so the
UI, the CLI and the load test call the same code. `ClassError.reason` names what went wrong
("not_found", "key", "full", "not_member", "bad_input") so a page can say it in its language; the
message says it in English with the bound. Leaves out what students send (see `submissions.py`) and
the report (see `report.py`).
"""

from __future__ import annotations

from sqlalchemy import Engine, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from explain.core.limits import MAX_LIVE_CLASSES
from explain.live_class import codes
from explain.live_class.expiry import class_hours, delete_classes, expires_at, purge_expired, utc_now
from explain.live_class.schema import ClassRoom
from explain.live_class.store import reading, writing


class ClassError(ValueError):
    """A class that cannot be found or used, or a key that does not match; `reason` is a short name."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


def not_found(code: str) -> ClassError:
    return ClassError(
        "not_found",
        f"No class with code '{code[:16]}': check the code with your teacher "
        f"(a class ends when the teacher ends it, or {class_hours():g} hours after it starts).",
    )


def find_class(session: Session, code: str) -> ClassRoom:
    """The running class with `code` (normalised); ClassError 'not_found' if none, or if its time is up."""
    code = codes.normalise_code(code)
    room = session.scalars(select(ClassRoom).where(ClassRoom.code == code)).first()
    if room is None or room.expires_at <= utc_now():
        raise not_found(code)
    return room


def teacher_class(session: Session, code: str, key: str | None) -> ClassRoom:
    """The class, if `key` is its teacher key; ClassError 'key' otherwise (the same for every wrong key)."""
    room = find_class(session, code)
    if not codes.key_matches(key, room.key_hash):
        raise ClassError("key", "This is not the teacher key of that class: only its teacher can do this.")
    return room


def create_class(engine: Engine | None = None, hours: float | None = None) -> dict:
    """A new class: {"code", "teacher_key", "expires_at"}; the key is returned once and never stored."""
    key = codes.new_teacher_key()
    for _ in range(10):  # a code already in use (one chance in millions) is drawn again
        try:
            with writing(engine) as session:
                purge_expired(session)
                if session.scalar(select(func.count()).select_from(ClassRoom)) >= MAX_LIVE_CLASSES:
                    raise ClassError("too_many", f"{MAX_LIVE_CLASSES} classes are running already: end one first.")
                now = utc_now()
                code = codes.new_code()
                room = ClassRoom(
                    code=code, key_hash=codes.hash_key(key), step=1, created_at=now, expires_at=expires_at(now, hours)
                )
                session.add(room)
            return {"code": code, "teacher_key": key, "expires_at": room.expires_at.isoformat(timespec="seconds")}
        except IntegrityError:
            continue
    raise RuntimeError("Could not draw a free class code; try again.")


def class_step(code: str, engine: Engine | None = None) -> int:
    """The step the teacher is showing (what following students are moved to)."""
    with reading(engine) as session:
        return find_class(session, code).step


def set_step(code: str, key: str, step: int, engine: Engine | None = None) -> None:
    """The teacher moves the class to `step` (the tour bounds it)."""
    with writing(engine) as session:
        teacher_class(session, code, key).step = int(step)


def check_key(code: str, key: str | None, engine: Engine | None = None) -> None:
    """Nothing if `key` is the class's teacher key; ClassError otherwise."""
    with reading(engine) as session:
        teacher_class(session, code, key)


def end_class(code: str, key: str, engine: Engine | None = None) -> dict:
    """End the class now: it and every row below it are deleted. {"code", "ended": True}."""
    with writing(engine) as session:
        room = teacher_class(session, code, key)
        delete_classes(session, [room.id])
    return {"code": codes.normalise_code(code), "ended": True}
