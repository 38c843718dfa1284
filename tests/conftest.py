"""Shared fixtures: the real models, loaded once per test session, and a private cache folder.

The cache folder is fresh for each run (so conversion is exercised) and shared
by every test, AppTest run and server the suite starts.
"""

from __future__ import annotations

import os
import shutil
import tempfile

import pytest

# Reused if this module is ever imported a second time in the same run, so every test sees one cache.
_OWN_CACHE = not os.environ.get("LLM_EXPLAINER_TEST_CACHE")  # this run made it, so this run removes it
_CACHE = os.environ.get("LLM_EXPLAINER_TEST_CACHE") or tempfile.mkdtemp(prefix="llm-explainer-test-cache-")
os.environ["LLM_EXPLAINER_TEST_CACHE"] = _CACHE
os.environ["LLM_EXPLAINER_CACHE"] = _CACHE
os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["LLM_EXPLAINER_PRECOMPUTE"] = "0"  # pages do not start the background UMAP maps (tested on its own)
# numba's compiled UMAP code is kept across runs (it is only machine code, keyed by source): compiling it
# again in every run would cost a minute on 2 cores.
os.environ.setdefault(
    "NUMBA_CACHE_DIR",
    os.path.join(os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "llm-explainer-numba"),
)


def pytest_sessionfinish(session, exitstatus):
    """Remove the run's private cache: it holds a converted SmolLM2 (517 MB), and runs that left theirs in the
    temporary folder filled a 250 GB disk."""
    if _OWN_CACHE:
        shutil.rmtree(_CACHE, ignore_errors=True)


@pytest.fixture(scope="session")
def cache_root() -> str:
    return _CACHE


@pytest.fixture(scope="session")
def smollm():
    """SmolLM2-135M in float32 on the CPU: exact enough to check recomputations to 1e-4."""
    from explain.core.loading import load_model

    return load_model("smollm2-135m", device="cpu", dtype="float32")


@pytest.fixture(scope="session")
def smollm_bf16():
    """SmolLM2-135M in bfloat16 on the CPU, as "auto" runs it where the CPU has bf16 units (loaded once)."""
    from explain.core.loading import load_model

    return load_model("smollm2-135m", device="cpu", dtype="bfloat16")


@pytest.fixture(scope="session")
def minilm():
    from explain.core.loading import load_model

    return load_model("minilm-l6", device="cpu", dtype="float32")


@pytest.fixture(scope="module")
def torch_one_thread():
    """One intra-op thread for training tests: on 2 shared cores, two torch threads can be 30x slower under load."""
    import torch

    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


@pytest.fixture(scope="module")
def session_models(smollm, minilm):
    """CLI handlers get the session's already loaded models instead of loading their own copies."""
    from explain.cli import models_arg

    patch = pytest.MonkeyPatch()
    real = models_arg.load_model
    loaded = {"smollm2-135m": smollm, "minilm-l6": minilm}
    patch.setattr(models_arg, "load_model", lambda name, **kw: loaded.get(name) or real(name, **kw))
    yield
    patch.undo()
