"""A live class: students join with a code, the teacher's projector shows the whole class's answers.

Covers the class database (SQLAlchemy models, Alembic migrations, the engine), join codes and the
teacher key, nicknames, what students send (quiz answers, texts, their step), the class's report,
its CSV export and its end. Leaves out drawing (see `ui/live_class*.py`) and the tour itself
(see `explain/classroom/tour.py`).
"""
