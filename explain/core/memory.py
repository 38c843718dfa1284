"""Keeping Python's full garbage collections cheap in a server that holds models for its whole life.

A loaded model, torch, transformers and plotly are millions of Python objects that live until
the process ends. Every full collection (`gc.collect(2)`) walks all of them, looking for cycles
that cannot be there: with them alive one took hundreds of milliseconds, and Streamlit used to run
one after every script run (`runner.postScriptGC`, off in `.streamlit/config.toml`). `settle()`
collects once, then moves every surviving object into the permanent generation (`gc.freeze()`),
so later collections, Python's own and anyone's explicit ones, walk only what was created since.
Objects frozen are never collected; call it after loading something long-lived, not per request.
Leaves out measuring memory (see `bench/loadtest.py`, which samples the server's RSS).
"""

from __future__ import annotations

import gc
import threading
import time

_SETTLED: set[str] = set()  # what settle_once has seen, for the life of the process
_LOCK = threading.Lock()


def settle() -> dict:
    """Collect, then freeze what survives; {"frozen": objects now frozen, "seconds": time taken}.

    >>> settle()["frozen"] > 0
    True
    """
    start = time.perf_counter()
    gc.collect()
    gc.freeze()
    return {"frozen": gc.get_freeze_count(), "seconds": round(time.perf_counter() - start, 3)}


def settle_once(key: str) -> dict | None:
    """`settle()` the first time `key` is seen (e.g. the first run of each page, when its imports are
    done), None after: at most one settle per key for the life of the process."""
    with _LOCK:
        if key in _SETTLED:
            return None
        _SETTLED.add(key)
    return settle()


def full_collection_ms() -> float:
    """How long one full collection takes right now, in ms: what a page would wait for."""
    start = time.perf_counter()
    gc.collect(2)
    return (time.perf_counter() - start) * 1000
