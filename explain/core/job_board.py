"""What a background job shows the page: lists it appends to and values it sets, copied under a short lock.

The job's thread writes (`append("steps", record)`, `set(phase="comparing", step=3)`); the page
reads `copy()`, plain lists and a dict it may keep. The lock is held only for an append or a
copy, never while the job computes, so a page polling every second never waits for a step.
Values are replaced, never changed in place, so a shallow copy is a consistent one.

    >>> board = Board(total=2)
    >>> board.append("steps", 1.5); board.set(step=1)
    >>> board.copy()
    ({'steps': [1.5]}, {'total': 2, 'step': 1})

Leaves out the thread and its controls (see `core/jobs.py`).
"""

from __future__ import annotations

import threading
from typing import Any


class Board:
    """Thread-safe records (name -> list) and values (name -> latest value) of one job."""

    def __init__(self, **values: Any) -> None:
        self._lock = threading.Lock()
        self._lists: dict[str, list] = {}
        self._values: dict[str, Any] = dict(values)

    def append(self, name: str, item: Any) -> None:
        with self._lock:
            self._lists.setdefault(name, []).append(item)

    def set(self, **values: Any) -> None:
        with self._lock:
            self._values.update(values)

    def get(self, name: str, default: Any = None) -> Any:
        with self._lock:
            return self._values.get(name, default)

    def copy(self) -> tuple[dict[str, list], dict[str, Any]]:
        """(lists, values): fresh containers holding the same items."""
        with self._lock:
            return {k: list(v) for k, v in self._lists.items()}, dict(self._values)
