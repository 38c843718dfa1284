"""The model the anatomy page and commands really use: the shared one in the sidebar's "auto" precision
(bfloat16 on a CPU with native bf16) read through its float32 view (explain/anatomy/upcast.py)."""

import pytest


@pytest.fixture(scope="session")
def shared_auto():
    """SmolLM2 as the app loads it by default: bfloat16 where the CPU has it, else float32."""
    from explain.core.loading import load_model

    return load_model("smollm2-135m", device="cpu", dtype="auto")


@pytest.fixture(scope="session")
def page_lm(shared_auto):
    from explain.anatomy.upcast import float32_view

    return float32_view(shared_auto)
