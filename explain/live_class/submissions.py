"""What students send: joining with a nickname, quiz answers, texts from the tour's widgets, their step.

A student is known only by the random id `join` returns, held in their own session; every
submission names the class and that id, and is refused if the id is not a student of that class,
so nobody can answer for someone else. Whether an answer is right is decided here, from the tour's
own questions, not taken from the sender. A new answer to the same question, or a new text in the
same widget, replaces the old one, so rows per student are bounded by the tour itself. Leaves out
rate limiting (per browser session, in the UI; see `ratelimit.py`).
"""

from __future__ import annotations

import math

from sqlalchemy import Engine, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from explain.classroom.tour import load_steps
from explain.core.limits import MAX_CLASS_STUDENTS, MAX_WIDGET_CHARS
from explain.core.text_input import clean_text
from explain.live_class import codes
from explain.live_class.classes import ClassError, find_class
from explain.live_class.expiry import purge_expired, utc_now
from explain.live_class.nicknames import clean_nickname, unique_nickname
from explain.live_class.schema import Answer, Student, Text
from explain.live_class.store import reading, writing

TEXT_WIDGETS = ("tokenize", "next_token", "perplexity")  # tour widgets whose texts the board aggregates


def questions() -> dict[str, object]:
    """{"attention.0": Question, ...}: every quiz question of the tour, by id."""
    return {f"{s.id}.{i}": q for s in load_steps() for i, q in enumerate(s.quiz)}


def join(code: str, nickname: str, engine: Engine | None = None) -> dict:
    """Join the class: {"code", "student_id", "nickname"} (the nickname made unique in the class)."""
    name = clean_nickname(nickname)
    with writing(engine) as session:  # on its own, so a refused join still clears ended classes
        purge_expired(session)
    for _ in range(5):  # two students taking the same name at the same moment: the later one retries
        try:
            with writing(engine) as session:
                room = find_class(session, code)
                taken = set(session.scalars(select(Student.nickname).where(Student.class_id == room.id)))
                if len(taken) >= MAX_CLASS_STUDENTS:
                    raise ClassError("full", f"This class is full ({MAX_CLASS_STUDENTS} students at most).")
                student = Student(
                    id=codes.new_student_id(),
                    class_id=room.id,
                    nickname=unique_nickname(name, taken),
                    step=room.step,
                    joined_at=utc_now(),
                )
                session.add(student)
            return {"code": room.code, "student_id": student.id, "nickname": student.nickname}
        except IntegrityError:
            continue
    raise RuntimeError("Could not join the class right now; try again.")


def _member(session: Session, code: str, student_id: str) -> Student:
    room = find_class(session, code)
    student = session.get(Student, str(student_id)[:64])
    if student is None or student.class_id != room.id:
        raise ClassError("not_member", "You are not in this class (any more): join it again with its code.")
    return student


def record_answer(code: str, student_id: str, question: str, choice: int, engine: Engine | None = None) -> bool:
    """Store the student's choice for `question` ("attention.0"), replacing an earlier one; True if right."""
    known = questions().get(question)
    if known is None or not 0 <= int(choice) < len(known.options["en"]):
        raise ClassError("bad_input", f"There is no question '{str(question)[:40]}' with an option {choice}.")
    correct = int(choice) == known.answer
    with writing(engine) as session:
        student = _member(session, code, student_id)
        row = session.scalars(
            select(Answer).where(Answer.student_id == student.id, Answer.question == question)
        ).first()
        if row is None:
            row = Answer(class_id=student.class_id, student_id=student.id, question=question)
            session.add(row)
        row.choice, row.correct, row.answered_at = int(choice), correct, utc_now()
    return correct


def record_text(
    code: str,
    student_id: str,
    widget: str,
    text: str,
    value: float | None = None,
    label: str | None = None,
    engine: Engine | None = None,
) -> None:
    """Store the student's latest text in a tour widget, with what the model made of it (`value`, `label`)."""
    if widget not in TEXT_WIDGETS:
        raise ClassError("bad_input", f"Texts are collected from the widgets {', '.join(TEXT_WIDGETS)} only.")
    cleaned = clean_text(text, MAX_WIDGET_CHARS).text
    value = value if value is not None and math.isfinite(value) else None
    label = None if label is None else clean_text(label, 64).text
    with writing(engine) as session:
        student = _member(session, code, student_id)
        row = session.scalars(select(Text).where(Text.student_id == student.id, Text.widget == widget)).first()
        if row is None:
            row = Text(class_id=student.class_id, student_id=student.id, widget=widget)
            session.add(row)
        row.text, row.value, row.label, row.sent_at = cleaned, value, label, utc_now()


def record_step(code: str, student_id: str, step: int, engine: Engine | None = None) -> None:
    """Note which tour step the student is on (the board counts students per step)."""
    with writing(engine) as session:
        _member(session, code, student_id).step = max(1, min(int(step), len(load_steps())))


def student_count(code: str, engine: Engine | None = None) -> int:
    """How many students the class has."""
    with reading(engine) as session:
        room = find_class(session, code)
        return session.scalar(select(func.count()).select_from(Student).where(Student.class_id == room.id)) or 0
