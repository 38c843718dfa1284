"""Mirroring a page's main inputs into the URL, so a shared link opens the exact view.

Pattern in a page:
    bind("tok_text", default="Hello")            # before the widget
    st.text_area("Text", key="tok_text")
    mirror("tok_text")                             # after the widgets

`bind` reads ?tok_text=... the first time a session sees the key; `mirror`
writes the current value back (text cut to MAX_URL_TEXT_CHARS).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import streamlit as st

from explain.core.limits import MAX_URL_TEXT_CHARS


def bind(key: str, default: Any, cast: Callable[[str], Any] | None = None, choices: list | None = None) -> None:
    """Set st.session_state[key] from the URL (or `default`) once per session.

    `cast` converts the URL string (int, float...); a value that fails to cast,
    or is not among `choices`, falls back to `default` rather than erroring.
    """
    if key in st.session_state:
        return
    raw = st.query_params.get(key)
    value = default
    if raw is not None:
        try:
            value = (cast or type(default) if default is not None else str)(raw)
        except (TypeError, ValueError):
            value = default
        if isinstance(default, bool):
            value = raw.lower() in ("1", "true", "yes")
    if choices is not None and value not in choices:
        value = default
    st.session_state[key] = value


def mirror(*keys: str) -> None:
    """Write the current values of `keys` into the URL's query string."""
    for key in keys:
        if key in st.session_state:
            st.query_params[key] = str(st.session_state[key])[:MAX_URL_TEXT_CHARS]
