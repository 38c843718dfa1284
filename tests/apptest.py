"""Opening app.py under Streamlit's AppTest the way a visitor (or a shared link) would."""

from __future__ import annotations


def app_test(
    page: str | None = None,
    lang: str = "en",
    timeout: float = 180,
    query: dict | None = None,
    state: dict | None = None,
):
    """An AppTest of app.py, switched to `page` (e.g. "pages/attention.py") and run once.

    `query` plays a shared link (URL query parameters); `state` presets session values.
    """
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file("../app.py", default_timeout=timeout)
    if query and "lang" in query:
        lang = query["lang"]
    else:
        at.session_state["lang"] = lang
    for key, value in (query or {}).items():
        at.query_params[key] = value
    for key, value in (state or {}).items():
        at.session_state[key] = value
    at.run()
    if page:
        at.switch_page(page)
        at.run()
    return at
