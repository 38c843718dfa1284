"""`t("home.title")`: the current language's text for a key (see explain.core.i18n)."""

from __future__ import annotations

import streamlit as st

from explain.core.i18n import DEFAULT_LANGUAGE, LANGUAGES, translate
from explain.core.numbers import fmt_number


def language() -> str:
    """The language chosen in the sidebar, or given as ?lang=it in the URL."""
    lang = st.session_state.get("lang")  # one lookup: every t() and num() of every run asks
    if lang is None:
        from ui.urlstate import parse_url_value

        lang = parse_url_value(st.query_params.get("lang"), DEFAULT_LANGUAGE, choices=list(LANGUAGES))
        st.session_state["lang"] = lang
    return lang


def t(key: str, **values: object) -> str:
    return translate(key, language(), **values)


def num(value: float, spec: str = "") -> str:
    """A number written the current language's way: num(20000, ",") is '20.000' on Italian pages."""
    return fmt_number(value, spec, language())


def localise(fig):
    """A plotly figure that writes the numbers plotly itself formats (axes, hover, bar labels) the current
    language's way: 0,75 and 20.000 on Italian pages. Every chart passes through here before it is drawn."""
    fig.update_layout(separators=",." if language() == "it" else ".,")
    return fig
