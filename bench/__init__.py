"""`python -m explain bench`: speed and memory, measured on the current device.

Each `bench/bench_*.py` module defines `run(quick: bool) -> dict`
and is found automatically; its result appears under its name without the
`bench_` prefix. `quick` means fewer repetitions (for smoke tests), never
different code paths. Leaves out asserting targets: the numbers are reported,
and the targets are compared in the closing notes.
"""

from __future__ import annotations

import importlib
import os
import pkgutil
import platform
import statistics
import time
from collections.abc import Callable


def section_names() -> list[str]:
    package = importlib.import_module("bench")
    return sorted(
        m.name.removeprefix("bench_") for m in pkgutil.iter_modules(package.__path__) if m.name.startswith("bench_")
    )


def run_section(name: str, quick: bool) -> dict:
    module = importlib.import_module(f"bench.bench_{name}")
    start = time.perf_counter()
    before = load_average()
    result = module.run(quick)
    result["section_seconds"] = round(time.perf_counter() - start, 2)
    result["section_loadavg"] = {"before": before, "after": load_average()}
    return result


def environment() -> dict:
    import torch

    from explain.core.device import cpu_has_native_bf16, dtype_name, pick_device, pick_dtype

    device = pick_device()
    return {
        "device": device,
        "gpu": torch.cuda.get_device_name(0) if device == "cuda" else "skipped: no GPU lent (CPU figures only)",
        "loadavg": load_average(),
        "dtype": dtype_name(pick_dtype(device)),
        "torch": torch.__version__,
        "threads": torch.get_num_threads(),
        "cpu_native_bf16": cpu_has_native_bf16(),
        "python": platform.python_version(),
        "machine": platform.machine(),
    }


def load_average() -> list[float] | None:
    """The 1, 5 and 15-minute load averages: on a shared machine every timing needs them beside it."""
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return None


def median_ms(work: Callable[[], object], repeats: int, warmup: int = 1) -> float:
    """Median wall time of `work()` in milliseconds, after `warmup` untimed calls."""
    for _ in range(warmup):
        work()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        work()
        times.append((time.perf_counter() - start) * 1000)
    return round(statistics.median(times), 2)
