"""The frame every page shares: title, two-line intro, and friendly errors."""

from __future__ import annotations

import streamlit as st

from explain.display import escape
from ui.text import t


def header(section: str) -> None:
    """Title and intro of a page, from `assets/i18n/<section>.json` keys `title` and `intro`."""
    st.title(t(f"{section}.title"))
    st.markdown(t(f"{section}.intro"))


def show_error(exc: BaseException) -> None:
    """A clear message instead of a traceback (the details stay in the server log)."""
    st.error(t("common.error", detail=escape(str(exc))[:300]))


def notice_truncated(total: int, shown: int) -> None:
    st.info(t("common.truncated", total=total, shown=shown))
