"""Shared fixtures: the real models, loaded once per test session, and a private cache folder.

The cache folder is fresh for each run (so conversion is exercised) and shared
by every test, AppTest run and server the suite starts.
"""

from __future__ import annotations

import os
import tempfile

import pytest

_CACHE = tempfile.mkdtemp(prefix="llm-explainer-test-cache-")
os.environ["LLM_EXPLAINER_CACHE"] = _CACHE
os.environ["HF_HUB_OFFLINE"] = "1"
# numba's compiled UMAP code is kept across runs (it is only machine code, keyed by source): compiling it
# again in every run would cost a minute on 2 cores.
os.environ.setdefault(
    "NUMBA_CACHE_DIR",
    os.path.join(os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "llm-explainer-numba"),
)


@pytest.fixture(scope="session")
def cache_root() -> str:
    return _CACHE


@pytest.fixture(scope="session")
def smollm():
    """SmolLM2-135M in float32 on the CPU: exact enough to check recomputations to 1e-4."""
    from explain.loading import load_model

    return load_model("smollm2-135m", device="cpu", dtype="float32")


@pytest.fixture(scope="session")
def minilm():
    from explain.loading import load_model

    return load_model("minilm-l6", device="cpu", dtype="float32")


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


@pytest.fixture(scope="module")
def torch_one_thread():
    """One intra-op thread for training tests: on 2 shared cores, two torch threads can be 30x slower under load."""
    import torch

    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)
