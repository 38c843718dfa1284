"""The class database: migrations build the models' schema, SQLite survives a restart and 30 writers at once."""

from __future__ import annotations

import threading

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import func, inspect, select

from explain.live_class import classes, store, submissions
from explain.live_class.report import class_report
from explain.live_class.schema import Answer, Base, ClassRoom, Student, Text


def test_the_migrated_schema_is_exactly_the_models(db_url):
    engine = store.get_engine()
    with engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []
        assert conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar() == "0001"
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    assert set(inspect(engine).get_table_names()) == {*Base.metadata.tables, "alembic_version"}


def test_migrating_twice_changes_nothing_and_downgrade_empties(db_url):
    engine = store.get_engine()
    store.migrate(engine)  # a second server start: already at head
    command.downgrade(store.alembic_config(engine), "base")
    assert set(inspect(engine).get_table_names()) == {"alembic_version"}


def test_a_server_restart_keeps_the_class(db_url):
    made = classes.create_class()
    student = submissions.join(made["code"], "Anna")
    submissions.record_answer(made["code"], student["student_id"], "attention.0", 2)
    store.forget_engines()  # the process ends; a new one opens the same file with a new engine
    restarted = store.make_engine(db_url)
    report = class_report(made["code"], made["teacher_key"], engine=restarted)
    assert report["nicknames"] == ["Anna"]
    assert report["answers"][0] | {"who": None} == {
        "question": "attention.0",
        "counts": [0, 0, 1],
        "correct": 1,
        "answered": 1,
        "answer": 2,
        "top_wrong": None,
        "who": None,
    }
    restarted.dispose()


def test_thirty_threads_writing_at_once_never_see_database_is_locked(db_url):
    made = classes.create_class()
    code, n = made["code"], 30
    start, errors = threading.Barrier(n), []
    question_ids = list(submissions.questions())[:6]

    def student(i: int) -> None:
        try:
            start.wait()
            me = submissions.join(code, f"s{i}")
            for q in question_ids:
                submissions.record_answer(code, me["student_id"], q, i % 3)
            submissions.record_text(code, me["student_id"], "perplexity", f"text {i}", float(i))
        except Exception as exc:  # noqa: BLE001 - every failure is the test's result
            errors.append(repr(exc))

    threads = [threading.Thread(target=student, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    with store.reading() as session:
        assert session.scalar(select(func.count()).select_from(Answer)) == n * len(question_ids)
        assert session.scalar(select(func.count()).select_from(Text)) == n


def test_an_ended_class_leaves_no_rows(db_url):
    made = classes.create_class()
    other = classes.create_class()
    for name in ("a", "b"):
        me = submissions.join(made["code"], name)
        submissions.record_answer(made["code"], me["student_id"], "what.0", 0)
        submissions.record_text(made["code"], me["student_id"], "next_token", "The sky is", 0.5, " blue")
    keep = submissions.join(other["code"], "c")
    with pytest.raises(classes.ClassError):
        classes.end_class(made["code"], other["teacher_key"])  # another class's key ends nothing
    assert classes.end_class(made["code"], made["teacher_key"]) == {"code": made["code"], "ended": True}
    with store.reading() as session:
        assert session.scalars(select(ClassRoom.code)).all() == [other["code"]]
        assert session.scalars(select(Student.id)).all() == [keep["student_id"]]
        assert session.scalar(select(func.count()).select_from(Answer)) == 0
        assert session.scalar(select(func.count()).select_from(Text)) == 0
    with pytest.raises(classes.ClassError, match="No class with code"):
        submissions.join(made["code"], "late")


def test_an_expired_class_is_refused_then_purged(db_url, monkeypatch):
    made = classes.create_class(hours=-1)  # already over
    with pytest.raises(classes.ClassError) as caught:
        submissions.join(made["code"], "late")
    assert caught.value.reason == "not_found" and "hours after it starts" in str(caught.value)
    with store.reading() as session:  # the join purged it
        assert session.scalar(select(func.count()).select_from(ClassRoom)) == 0


def test_the_number_of_running_classes_is_bounded(db_url, monkeypatch):
    monkeypatch.setattr(classes, "MAX_LIVE_CLASSES", 2)
    first = classes.create_class()
    classes.create_class()
    with pytest.raises(classes.ClassError, match="2 classes are running already"):
        classes.create_class()
    classes.end_class(first["code"], first["teacher_key"])
    assert classes.create_class()["code"]
