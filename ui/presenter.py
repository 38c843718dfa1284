"""Classroom glue: presenter mode, share links with a QR code, exportable charts, myth boxes.

Presenter mode (`?present=1`, or the toggle) enlarges the type, raises the
contrast and hides the sidebar, on every page: `app.py` calls `apply()` after the
sidebar. Share links carry the view's state in the URL (language, presenter
mode, the page's own keys), so a QR code opens the same view on a student's
phone. Every chart goes through `show_chart`: modebar export as PNG or SVG, an
HTML download, and the numbers as a table on demand (a text alternative).
Leaves out the pages' own widgets.
"""

from __future__ import annotations

import functools
import io
from urllib.parse import urlencode, urlsplit

import plotly.graph_objects as go
import segno
import streamlit as st

from explain.classroom.myths import load_myths
from ui.text import language, localise, t
from ui.urlstate import parse_url_value

PRESENT_KEY = "present"  # URL parameter of presenter mode
STATE_KEY = "presenting"  # session key (not a widget key, so it survives pages without the toggle)
EXPORT_FORMATS = ("png", "svg")

# Large type, black on white, no sidebar. Focus rings stay visible for keyboard users.
_PRESENTER_CSS = """
<style>
html, body, [data-testid="stAppViewContainer"] { font-size: 22px; }
[data-testid="stAppViewContainer"], [data-testid="stMain"] { background: #ffffff; color: #000000; }
[data-testid="stMarkdownContainer"] p, [data-testid="stMarkdownContainer"] li {
  font-size: 1.25rem; line-height: 1.5; color: #000; }
h1 { font-size: 3rem !important; } h2, h3 { font-size: 2.1rem !important; }
section[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stExpandSidebarButton"] {
  display: none !important; }
button { font-size: 1.2rem !important; }
:focus-visible { outline: 4px solid #0072B2 !important; outline-offset: 2px; }
.block-container { max-width: 1400px; padding-top: 1.5rem; }
</style>
"""


def is_presenting() -> bool:
    """Presenter mode for this session, read once from ?present=1 and then from the toggle."""
    if STATE_KEY not in st.session_state:
        st.session_state[STATE_KEY] = parse_url_value(st.query_params.get(PRESENT_KEY), False)
    return bool(st.session_state[STATE_KEY])


def _set_from_toggle() -> None:
    st.session_state[STATE_KEY] = bool(st.session_state.get("present_toggle"))


def _leave() -> None:
    st.session_state[STATE_KEY] = False
    st.session_state["present_toggle"] = False


def apply() -> None:
    """Inject presenter styles when on (with a way out, since the sidebar is hidden); mirror ?present=1."""
    if is_presenting():
        st.html(_PRESENTER_CSS)
        st.button(t("tour.presenter_exit"), key="present_exit", on_click=_leave, icon="🖥️")
        st.query_params[PRESENT_KEY] = "1"
    elif PRESENT_KEY in st.query_params:
        del st.query_params[PRESENT_KEY]


def toggle() -> None:
    """The presenter-mode switch (in the page, since the sidebar disappears when it is on)."""
    st.toggle(
        t("tour.presenter"),
        value=is_presenting(),
        key="present_toggle",
        on_change=_set_from_toggle,
        help=t("tour.presenter_help"),
    )


def share_url(page: str, params: dict[str, object]) -> str:
    """The address of `page` with `params` and the language, on the host the browser used.

    Behind `localhost` a QR code is useless to phones: the page says so (see `share_box`).
    """
    base = st.context.url or "http://localhost:8501"
    parts = urlsplit(base)
    query = {"lang": language(), **{k: v for k, v in params.items() if v not in (None, "")}}
    return f"{parts.scheme}://{parts.netloc}/{page}?{urlencode(query)}"


def qr_svg(url: str, scale: int = 5) -> str:
    """An inline SVG QR code for `url` (black on white, with a quiet zone), as markup."""
    return segno.make(url, error="m").svg_inline(scale=scale, dark="#000000", light="#ffffff")


@functools.lru_cache(maxsize=64)  # the same link on every run of a page: ~10 ms of encoding saved each time
def qr_image(url: str, scale: int = 5) -> str:
    """The QR code for `url` as a standalone SVG (with its namespace) for `st.image`.

    `st.html` cannot show it: Streamlit sanitises st.html with DOMPurify's HTML-only profile, which
    removes every <svg>; `st.image` draws an SVG string as an image.
    """
    buff = io.BytesIO()
    segno.make(url, error="m").save(
        buff, kind="svg", xmldecl=False, svgns=True, nl=False, scale=scale, dark="#000000", light="#ffffff"
    )
    return buff.getvalue().decode("utf-8")


def share_box(page: str, params: dict[str, object]) -> str:
    """A QR code and the short link that open this exact view; returns the link."""
    url = share_url(page, params)
    with st.popover(t("tour.share"), icon="📱"):
        st.markdown(t("tour.share_help"))
        st.image(qr_image(url), caption=t("tour.qr_alt"), width=200)
        st.code(url, language=None)
        host = urlsplit(url).hostname or ""
        if host in ("localhost", "127.0.0.1", "::1"):
            st.caption(t("tour.share_localhost"))
    return url


def _config(fmt: str, filename: str) -> dict:
    return {
        "displaylogo": False,
        "toImageButtonOptions": {"format": fmt, "filename": filename, "scale": 2},
    }


def show_chart(fig: go.Figure, key: str, rows: list[dict] | None = None, filename: str = "chart") -> None:
    """A chart with export (PNG/SVG from the toolbar camera, HTML download) and its numbers on demand."""
    fmt = st.session_state.get("export_format", "png")
    st.plotly_chart(localise(fig), key=f"{key}_chart", config=_config(fmt, filename), theme=None)
    left, right = st.columns([1, 1])
    with left.popover(t("tour.export"), icon="⬇️"):
        st.radio(t("tour.export_format"), EXPORT_FORMATS, key="export_format", horizontal=True)
        st.caption(t("tour.export_help"))
        st.download_button(
            t("tour.export_html"),
            data=lambda: fig.to_html(include_plotlyjs=True, full_html=True),
            file_name=f"{filename}.html",
            mime="text/html",
            key=f"{key}_html",
            on_click="ignore",
        )
    if rows is not None:
        table = right.expander(t("tour.as_table"), key=f"{key}_table", on_change="rerun")
        if table.open:  # converted only when opened: a class retyping texts would each pay for a hidden table
            with table:
                st.dataframe(rows, hide_index=True, width="stretch")


def myth_box(myth_id: str) -> None:
    """A 'myth vs fact' box: the wrong claim, then the correction and its source."""
    myth = load_myths().get(myth_id)
    if myth is None:
        return
    lang = language()
    with st.container(border=True):
        st.markdown(f"**{t('tour.myth')}** ❌ {myth.myth.get(lang, myth.myth['en'])}")
        st.markdown(f"**{t('tour.fact')}** ✅ {myth.fact.get(lang, myth.fact['en'])}")
        st.caption(f"{t('tour.source')}: {myth.source}")
