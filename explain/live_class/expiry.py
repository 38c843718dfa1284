"""When a class ends by itself, and deleting ended classes with every row below them.

A class lasts `CLASS_HOURS` unless `LLM_EXPLAINER_CLASS_HOURS` says otherwise (bounded by
`MAX_CLASS_HOURS`). Expired classes are purged whenever a class is created, joined or reported on,
so no cron job is needed. Rows are deleted child tables first, so the purge does not depend on the
database enforcing ON DELETE CASCADE. Leaves out ending a class by hand (see `classes.end_class`).
"""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from explain.core.limits import CLASS_HOURS, MAX_CLASS_HOURS
from explain.live_class.schema import Answer, ClassRoom, Student, Text

HOURS_ENV = "LLM_EXPLAINER_CLASS_HOURS"


def utc_now() -> datetime:
    """Now, in UTC, without a time zone (how the tables store times)."""
    return datetime.now(UTC).replace(tzinfo=None)


def class_hours() -> float:
    """How long a class lasts: LLM_EXPLAINER_CLASS_HOURS if it is a number in (0, MAX_CLASS_HOURS], else CLASS_HOURS."""
    try:
        hours = float(os.environ.get(HOURS_ENV, ""))
    except ValueError:
        return CLASS_HOURS
    return hours if 0 < hours <= MAX_CLASS_HOURS else CLASS_HOURS


def expires_at(start: datetime, hours: float | None = None) -> datetime:
    """When a class started at `start` ends."""
    return start + timedelta(hours=class_hours() if hours is None else hours)


def delete_classes(session: Session, class_ids: list[int]) -> int:
    """Delete these classes and all their students, answers and texts; the number of classes deleted."""
    if not class_ids:
        return 0
    for table in (Answer, Text, Student):
        session.execute(delete(table).where(table.class_id.in_(class_ids)))
    return session.execute(delete(ClassRoom).where(ClassRoom.id.in_(class_ids))).rowcount


def purge_expired(session: Session, now: datetime | None = None) -> int:
    """Delete every class whose time is up; the number deleted."""
    ids = session.scalars(select(ClassRoom.id).where(ClassRoom.expires_at <= (now or utc_now()))).all()
    return delete_classes(session, list(ids))
