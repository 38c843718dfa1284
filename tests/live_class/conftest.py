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


def open_page(path: str, query: dict | None = None, lang: str = "en", timeout: float = 120):
    """An AppTest session of app.py that opens `path` first (not the home page, which loads a model)."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file("../../app.py", default_timeout=timeout)
    at.session_state["lang"] = lang
    for key, value in (query or {}).items():
        at.query_params[key] = value
    at.switch_page(path)
    at.run()
    assert not at.exception, at.exception
    return at


def shown_text(at) -> str:
    """Everything a session's page shows as text (markdown, captions, alerts, metrics), joined."""
    parts = [e.value for kind in (at.markdown, at.caption, at.success, at.error, at.info, at.warning) for e in kind]
    parts += [m.value for m in at.metric]
    return "\n".join(str(p) for p in parts)
