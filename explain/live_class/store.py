"""Where the class database lives: the engine, its SQLite settings, sessions, and migrating on first use.

`LLM_EXPLAINER_DB` takes any SQLAlchemy URL (e.g. `postgresql+psycopg://user:pw@host/db`, so several
app replicas share one server); without it, a SQLite file in the cache folder. SQLite is set up on
every new connection: WAL (readers never wait for the writer), a busy timeout (a writer waits for
another instead of failing with "database is locked"), foreign keys on; and every write transaction
starts with BEGIN IMMEDIATE, so two writers queue at the start instead of one failing half-way.
The schema is created and upgraded only by Alembic (`migrate`), once per engine. Leaves out what is
stored (see `schema.py`) and the operations (see `classes.py`, `submissions.py`).
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session

from explain.core.paths import cache_dir

DB_ENV = "LLM_EXPLAINER_DB"
DB_FILE = "live_class.sqlite3"
BUSY_TIMEOUT_MS = 30_000  # how long a writer waits for another before giving up
MIGRATIONS = Path(__file__).with_name("migrations")

_engines: dict[str, Engine] = {}
_lock = threading.Lock()


def database_url() -> str:
    """`LLM_EXPLAINER_DB`, or the SQLite file in the cache folder."""
    return os.environ.get(DB_ENV) or f"sqlite:///{cache_dir() / DB_FILE}"


def _sqlite_setup(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:
        dbapi_connection.isolation_level = None  # we emit BEGIN ourselves (below), not the driver
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")  # safe in WAL mode; a commit costs no fsync
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection) -> None:
        writing = not connection.get_execution_options().get("read_only", False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if writing else "BEGIN")


def make_engine(url: str | None = None) -> Engine:
    """A new engine for `url` (default `database_url()`), migrated to the newest schema."""
    url = url or database_url()
    engine = create_engine(url, pool_pre_ping=not url.startswith("sqlite"))
    if engine.dialect.name == "sqlite":
        _sqlite_setup(engine)
    migrate(engine)
    return engine


def get_engine(url: str | None = None) -> Engine:
    """The process's engine for `url`, made (and migrated) on first use."""
    url = url or database_url()
    with _lock:
        if url not in _engines:
            _engines[url] = make_engine(url)
        return _engines[url]


def forget_engines() -> None:
    """Close every engine of this process (a test's 'server restart')."""
    with _lock:
        for engine in _engines.values():
            engine.dispose()
        _engines.clear()


def alembic_config(engine: Engine):
    """Alembic's configuration for our migrations, bound to `engine` (no alembic.ini needed)."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = engine
    return config


def migrate(engine: Engine, revision: str = "head") -> None:
    """Bring the schema to `revision` with Alembic (creates it on an empty database)."""
    from alembic import command

    command.upgrade(alembic_config(engine), revision)


@contextlib.contextmanager
def writing(engine: Engine | None = None) -> Iterator[Session]:
    """A session in one write transaction: committed on success, rolled back on an error."""
    with Session(engine or get_engine(), expire_on_commit=False) as session, session.begin():
        yield session


@contextlib.contextmanager
def reading(engine: Engine | None = None) -> Iterator[Session]:
    """A session in one read-only transaction (on SQLite it never blocks the writer)."""
    engine = engine or get_engine()
    with engine.connect().execution_options(read_only=True) as conn, Session(bind=conn) as session:
        yield session
