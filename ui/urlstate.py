"""Mirroring a page's main inputs into the URL, so a shared link opens the exact view.

Pattern in a page:
    bind("tok_text", default="Hello")            # before the widget
    bind("emb_k", 10, int, low=1, high=30)       # a number: the widget's bounds
    st.text_area("Text", key="tok_text")
    mirror("tok_text")                             # after the widgets

`bind` is the one reader of URL state: it reads ?tok_text=... the first time a session sees
the key and always leaves a value the widget accepts (a number clamped into its bounds, a
choice among its options, text cleaned); `mirror` writes the current value back (text cut
to MAX_URL_TEXT_CHARS). The rule itself is `parse_url_value`, pure and tested on its own.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Callable
from typing import Any

import streamlit as st

from explain.core.limits import MAX_URL_TEXT_CHARS
from explain.core.text_input import clean_text


def _number(raw: str, convert: Callable[[str], Any]) -> Any:
    """'５', ' 5 ', '5.0', '1e23' -> a finite number of type `convert`; ValueError otherwise (NaN, inf)."""
    number = float(unicodedata.normalize("NFKC", raw).strip())
    if not math.isfinite(number):
        raise ValueError(f"not a finite number: {raw[:20]!r}")
    return int(number) if convert is int else convert(number)


def _convert(raw: str, default: Any, cast: Callable[[str], Any] | None) -> Any:
    if isinstance(default, bool):
        return unicodedata.normalize("NFKC", raw).strip().lower() in ("1", "true", "yes")
    convert = cast or (type(default) if default is not None else str)
    if convert in (int, float):
        return _number(raw, convert)
    if convert is str:
        return clean_text(raw, MAX_URL_TEXT_CHARS).text
    return convert(clean_text(raw, MAX_URL_TEXT_CHARS).text.strip())


def parse_url_value(
    raw: str | None,
    default: Any,
    cast: Callable[[str], Any] | None = None,
    choices: list | None = None,
    low: float | None = None,
    high: float | None = None,
) -> Any:
    """The value a widget gets from the URL string `raw`: never one it would refuse.

    Numbers are read after NFKC (full-width digits) and stripping, must be finite and are clamped
    into [low, high]; a value not among `choices`, or that does not convert, is `default`.
    >>> parse_url_value("-1", 10, int, low=1, high=30), parse_url_value("１e23", 10, int, low=1, high=30)
    (1, 30)
    """
    if raw is None:
        return default
    try:
        value = _convert(raw, default, cast)
    except (TypeError, ValueError, OverflowError):
        return default
    if low is not None and value < low:
        value = type(value)(low)  # a float widget keeps a float, or Streamlit refuses mixed types
    if high is not None and value > high:
        value = type(value)(high)
    if choices is not None and isinstance(value, str):
        value = value.strip()
    if choices is not None and value not in choices:
        return default
    return value


def bind(
    key: str,
    default: Any,
    cast: Callable[[str], Any] | None = None,
    choices: list | None = None,
    low: float | None = None,
    high: float | None = None,
) -> None:
    """Set st.session_state[key] from the URL (or `default`) once per session, inside the widget's bounds."""
    if key in st.session_state:
        return
    st.session_state[key] = parse_url_value(st.query_params.get(key), default, cast, choices, low, high)


def mirror(*keys: str) -> None:
    """Write the current values of `keys` into the URL's query string."""
    for key in keys:
        if key in st.session_state:
            st.query_params[key] = str(st.session_state[key])[:MAX_URL_TEXT_CHARS]
