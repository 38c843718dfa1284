"""The first schema of the class database: classes, students, answers, texts.

Revision ID: 0001
Revises:
Create Date: 2026-11-30
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def _class_fk() -> sa.Column:
    return sa.Column("class_id", sa.Integer, sa.ForeignKey("live_classes.id", ondelete="CASCADE"), nullable=False)


def _student_fk() -> sa.Column:
    return sa.Column("student_id", sa.String(64), sa.ForeignKey("live_students.id", ondelete="CASCADE"), nullable=False)


def upgrade() -> None:
    op.create_table(
        "live_classes",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("code", sa.String(16), nullable=False, unique=True),
        sa.Column("key_hash", sa.String(64), nullable=False),
        sa.Column("step", sa.Integer, nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("expires_at", sa.DateTime, nullable=False),
    )
    op.create_index("ix_live_classes_expires_at", "live_classes", ["expires_at"])
    op.create_table(
        "live_students",
        sa.Column("id", sa.String(64), primary_key=True),
        _class_fk(),
        sa.Column("nickname", sa.String(64), nullable=False),
        sa.Column("step", sa.Integer, nullable=False),
        sa.Column("joined_at", sa.DateTime, nullable=False),
        sa.UniqueConstraint("class_id", "nickname"),
    )
    op.create_index("ix_live_students_class_id", "live_students", ["class_id"])
    op.create_table(
        "live_answers",
        sa.Column("id", sa.Integer, primary_key=True),
        _class_fk(),
        _student_fk(),
        sa.Column("question", sa.String(64), nullable=False),
        sa.Column("choice", sa.Integer, nullable=False),
        sa.Column("correct", sa.Boolean, nullable=False),
        sa.Column("answered_at", sa.DateTime, nullable=False),
        sa.UniqueConstraint("student_id", "question"),
    )
    op.create_index("ix_live_answers_class_id", "live_answers", ["class_id"])
    op.create_table(
        "live_texts",
        sa.Column("id", sa.Integer, primary_key=True),
        _class_fk(),
        _student_fk(),
        sa.Column("widget", sa.String(32), nullable=False),
        sa.Column("text", sa.String(400), nullable=False),
        sa.Column("value", sa.Float, nullable=True),
        sa.Column("label", sa.String(64), nullable=True),
        sa.Column("sent_at", sa.DateTime, nullable=False),
        sa.UniqueConstraint("student_id", "widget"),
    )
    op.create_index("ix_live_texts_class_id", "live_texts", ["class_id"])


def downgrade() -> None:
    for table in ("live_texts", "live_answers", "live_students", "live_classes"):
        op.drop_table(table)
