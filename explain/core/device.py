"""Which device and number format the models run on.

Covers the automatic choice (cuda, then mps, then cpu), its overrides
(`LLM_EXPLAINER_DEVICE`, `LLM_EXPLAINER_DTYPE`) and whether this CPU does bf16
natively. Leaves out moving models (see `core/loading.py`).
"""

from __future__ import annotations

import os
from functools import lru_cache

import torch

DEVICE_CHOICES = ("auto", "cpu", "cuda", "mps")
DTYPE_CHOICES = ("auto", "float32", "bfloat16", "float16")


def available_devices() -> list[str]:
    """The devices present on this machine, best first, e.g. ["cuda", "cpu"]."""
    found = []
    if torch.cuda.is_available():
        found.append("cuda")
    if getattr(torch.backends, "mps", None) and torch.backends.mps.is_available():
        found.append("mps")
    found.append("cpu")
    return found


def pick_device(requested: str | None = None) -> str:
    """Resolve a device request ("auto", "cpu", ...) to one that exists.

    The request falls back to `LLM_EXPLAINER_DEVICE`, then to the best available.
    An unknown or absent device raises ValueError naming the ones that exist.
    """
    choice = (requested or os.environ.get("LLM_EXPLAINER_DEVICE") or "auto").lower()
    present = available_devices()
    if choice == "auto":
        return present[0]
    if choice not in present:
        raise ValueError(f"Device '{choice}' is not available here; choose one of: {', '.join(present)}.")
    return choice


@lru_cache(maxsize=1)
def cpu_has_native_bf16() -> bool:
    """True when the CPU multiplies bf16 in hardware (AVX512-BF16 or AMX), where bf16 is ~2x faster."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            flags = f.read()
    except OSError:
        return False
    return "avx512_bf16" in flags or "amx_bf16" in flags


def pick_dtype(device: str, requested: str | None = None) -> torch.dtype:
    """The number format for inference on `device`.

    "auto" means bf16 on cuda and on CPUs with native bf16 (AMX / AVX512-BF16), float16 on mps,
    float32 elsewhere. Measured for a 64-token SmolLM2 analysis pass on this project's 2-core
    AMX CPU shared with other work (load average 16-18, two torch threads): bfloat16 0.37-0.59 s
    wall, 161-202 ms CPU, against float32 0.94-0.98 s, 397-398 ms CPU, once torch's threads wait
    passively (explain/__init__.py). The slowdown seen before ("bf16 several times slower under
    load") was OpenMP spin-waiting, which hit bf16 hardest (11.6 s). Attention weights are float32
    in any precision (`core/attention_fp32.py`), so the attention pages use this copy too; only the
    anatomy pages ask for float32 (their residual-stream sums are exact only without bf16 rounding).
    """
    choice = (requested or os.environ.get("LLM_EXPLAINER_DTYPE") or "auto").lower()
    if choice != "auto":
        if choice not in DTYPE_CHOICES:
            raise ValueError(f"Unknown dtype '{choice}'; choose one of: {', '.join(DTYPE_CHOICES)}.")
        return getattr(torch, choice)
    if device == "cuda":
        return torch.bfloat16
    if device == "mps":
        return torch.float16
    return torch.bfloat16 if cpu_has_native_bf16() else torch.float32


def dtype_name(dtype: torch.dtype) -> str:
    """'bfloat16' for torch.bfloat16: the name shown in the sidebar and in JSON."""
    return str(dtype).removeprefix("torch.")
