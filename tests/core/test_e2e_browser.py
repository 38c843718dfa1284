"""End to end: `streamlit run app.py` in a subprocess, opened in headless Chromium like a visitor would."""

import os
import shutil

import pytest

from tools.browser import CHROMIUM, chromium_page
from tools.serve import streamlit_server


@pytest.fixture(scope="module")
def server_url(smollm, tmp_path_factory):
    """A real server sharing the suite's model cache (the fixture has converted the GGUF into it)."""
    assert os.path.exists(CHROMIUM), "scripts/test installs Debian's chromium; run it, or apt-get install chromium"
    log = tmp_path_factory.mktemp("server") / "streamlit.log"
    with streamlit_server(log_path=log) as url:
        yield url
    shutil.rmtree(log.parent, ignore_errors=True)


def test_home_page_renders_in_chromium(server_url, tmp_path):
    with chromium_page() as page:
        page.goto(server_url, timeout=60_000)
        page.get_by_text("Follow the journey").first.wait_for(timeout=60_000)
        assert page.get_by_role("link", name="Tokenization").count() >= 1
        page.get_by_text("Causal language model").first.wait_for(timeout=30_000)
        page.screenshot(path=str(tmp_path / "home.png"))
        assert (tmp_path / "home.png").stat().st_size > 10_000


def test_italian_link_opens_the_italian_page(server_url):
    with chromium_page() as page:
        page.goto(f"{server_url}/?lang=it", timeout=60_000)
        page.get_by_text("Segui il percorso").first.wait_for(timeout=60_000)
        page.get_by_text("Tokenizzazione").first.wait_for(timeout=30_000)


def test_a_deep_link_on_a_fresh_server_gets_the_full_app_frame(smollm, tmp_path):
    """A shared link opened first, before anyone visited the home page, still shows the sidebar and language."""
    with streamlit_server(log_path=tmp_path / "log") as url, chromium_page() as page:
        page.goto(f"{url}/history?lang=it", timeout=60_000)
        page.get_by_text("Lingua").first.wait_for(timeout=60_000)
        page.get_by_text("Modello linguistico causale").first.wait_for(timeout=30_000)
