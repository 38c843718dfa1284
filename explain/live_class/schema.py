"""The class database's tables, as SQLAlchemy 2.x declarative models.

A class (its join code, the hash of its teacher key, the step the teacher shows, when it ends) has
students (a random id, a nickname, the step each is on), their quiz answers (one row per student
and question: a new choice replaces the old) and their texts (one row per student and widget, with
what the model made of it). Deleting a class deletes everything below it (ON DELETE CASCADE).
Leaves out creating the tables: Alembic's migrations do that (see `migrations/`), and a test checks
that they build exactly these models.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, Float, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class ClassRoom(Base):
    __tablename__ = "live_classes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)  # what students type, e.g. "K7QF2M"
    key_hash: Mapped[str] = mapped_column(String(64))  # SHA-256 of the teacher key; the key itself is never stored
    step: Mapped[int] = mapped_column(Integer, default=1)  # the tour step the teacher shows (1-based)
    created_at: Mapped[datetime] = mapped_column(DateTime)  # UTC, naive
    expires_at: Mapped[datetime] = mapped_column(DateTime, index=True)  # UTC; the class and its rows go after this


class Student(Base):
    __tablename__ = "live_students"
    __table_args__ = (UniqueConstraint("class_id", "nickname"),)

    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # random token held in the student's session
    class_id: Mapped[int] = mapped_column(ForeignKey("live_classes.id", ondelete="CASCADE"), index=True)
    nickname: Mapped[str] = mapped_column(String(64))  # cleaned, bounded, unique in its class
    step: Mapped[int] = mapped_column(Integer, default=1)  # the tour step this student is on
    joined_at: Mapped[datetime] = mapped_column(DateTime)


class Answer(Base):
    __tablename__ = "live_answers"
    __table_args__ = (UniqueConstraint("student_id", "question"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    class_id: Mapped[int] = mapped_column(ForeignKey("live_classes.id", ondelete="CASCADE"), index=True)
    student_id: Mapped[str] = mapped_column(ForeignKey("live_students.id", ondelete="CASCADE"))
    question: Mapped[str] = mapped_column(String(64))  # "<step id>.<question index>", e.g. "attention.0"
    choice: Mapped[int] = mapped_column(Integer)  # index of the option in the question's own order
    correct: Mapped[bool] = mapped_column(Boolean)
    answered_at: Mapped[datetime] = mapped_column(DateTime)


class Text(Base):
    __tablename__ = "live_texts"
    __table_args__ = (UniqueConstraint("student_id", "widget"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    class_id: Mapped[int] = mapped_column(ForeignKey("live_classes.id", ondelete="CASCADE"), index=True)
    student_id: Mapped[str] = mapped_column(ForeignKey("live_students.id", ondelete="CASCADE"))
    widget: Mapped[str] = mapped_column(String(32))  # the tour widget it was typed into, e.g. "next_token"
    text: Mapped[str] = mapped_column(String(400))  # the cleaned text (bounded by the widget)
    value: Mapped[float | None] = mapped_column(Float, nullable=True)  # e.g. perplexity, or tokens per word
    label: Mapped[str | None] = mapped_column(String(64), nullable=True)  # e.g. the top next token
    sent_at: Mapped[datetime] = mapped_column(DateTime)
