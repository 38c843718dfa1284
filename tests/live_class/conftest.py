"""A private class database per test module: a SQLite file under tmp_path, its engine made and migrated."""

from __future__ import annotations

import pytest

from explain.live_class import store


@pytest.fixture
def db_url(tmp_path, monkeypatch):
    """LLM_EXPLAINER_DB pointing at a fresh SQLite file; the process's engines are forgotten afterwards."""
    url = f"sqlite:///{tmp_path / 'class.sqlite3'}"
    monkeypatch.setenv(store.DB_ENV, url)
    yield url
    store.forget_engines()
