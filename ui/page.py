"""The frame every page shares: title, two-line intro, and friendly errors."""

from __future__ import annotations

import streamlit as st
from streamlit.errors import StreamlitAPIException

from explain.core.display import literal
from explain.core.flight import Busy
from explain.core.limits import MAX_TEXT_CHARS
from explain.core.text_input import CleanText, clean_text
from ui.text import t


def ensure_router() -> None:
    """Make a deep link on a fresh server go through app.py (sidebar, language, wide layout).

    Streamlit starts in its old "pages directory" mode whenever a `pages/` folder
    exists, and in that mode a first visit to /attention runs pages/attention.py
    alone, without app.py's frame. The mode ends as soon as app.py calls
    st.navigation; here we end it ourselves and rerun, so the same URL is served
    by the router. A no-op once the router has run (the usual case).
    """
    try:
        from streamlit.runtime import Runtime
        from streamlit.runtime.pages_manager import PagesManager
    except ImportError:  # a future Streamlit without the old mode
        return
    # AppTest resets the mode before every run and drives pages itself; rerunning there would
    # swallow the widget event of that run. Only a real server (a real Runtime) needs the fix.
    if type(Runtime.instance()) is not Runtime:
        return
    if getattr(PagesManager, "uses_pages_directory", False):
        PagesManager.uses_pages_directory = False
        st.rerun()


def header(section: str) -> None:
    """Title and intro of a page, from `assets/i18n/<section>.json` keys `title` and `intro`."""
    ensure_router()
    st.title(t(f"{section}.title"))
    st.markdown(t(f"{section}.intro"))


def busy_notice(position: int) -> None:
    """Told to a session whose request waits for the model: its place in the queue (1 = next, not worth a word)."""
    if position >= 2:
        st.toast(t("common.busy", n=position), icon="⏳")


def show_error(exc: BaseException) -> None:
    """A clear message instead of a traceback (the details stay in the server log)."""
    if isinstance(exc, Busy):
        st.warning(t("common.busy_full"))
        return
    st.error(t("common.error", detail=literal(str(exc)[:300])))


def file_upload(label: str, **kwargs):
    """`st.file_uploader`, but a file Streamlit itself refuses is a message, not a broken page.

    A crafted client can send a type the widget does not accept; Streamlit then raises
    StreamlitAPIException where the widget is drawn, before any check of the page can run.
    """
    try:
        return st.file_uploader(label, **kwargs)
    except StreamlitAPIException as exc:
        show_error(exc)
        return [] if kwargs.get("accept_multiple_files") else None


def typed_text(key: str, limit: int = MAX_TEXT_CHARS) -> CleanText:
    """What the visitor typed into the widget `key`, cleaned here, once, where it enters the app.

    The one edge for typed text (the CLI's is `cli/common.text_argument`, uploads' is
    `embeddings/chunking.check_upload`): functions in `explain/` trust the text they are given.
    """
    return clean_text(st.session_state.get(key) or "", limit)


def notice_truncated(total: int, shown: int) -> None:
    st.info(t("common.truncated", total=total, shown=shown))
