"""Keeping results that are costly to recompute: in memory (a small LRU) and on disk (.npy arrays).

The one cache helper of the app: the UMAP layouts, the sentence vectors of the common words and
the analyses of each model go through here. A file on disk is trusted only when it loads, has
the expected shape and holds finite numbers that are not all zero; anything else is recomputed
and replaced atomically (write to a temporary name, then rename), so a second process never reads
half a file; temporaries left by a killed writer are removed (`remove_leftovers`). Leaves out expiry
by time and the cache folder itself (see `core/paths.py`).
"""

from __future__ import annotations

import glob
import json
import os
import shutil
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from pathlib import Path
from typing import Any

import numpy as np


class LRU:
    """Keeps the `capacity` most recently used entries.

    >>> c = LRU(1); c.put("a", 1); c.put("b", 2); c.get("a") is None
    True
    """

    def __init__(self, capacity: int) -> None:
        self.capacity = capacity
        self._items: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> Any | None:
        with self._lock:
            if key not in self._items:
                return None
            self._items.move_to_end(key)
            return self._items[key]

    def put(self, key: Hashable, value: Any) -> None:
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.capacity:
                self._items.popitem(last=False)

    def __len__(self) -> int:
        return len(self._items)

    def get_or_compute(self, key: Hashable, compute: Callable[[], Any]) -> Any:
        """The value kept under `key`, else `compute()` kept there and returned (a costly result computed once)."""
        value = self.get(key)
        if value is None:
            value = compute()
            self.put(key, value)
        return value


def safe_name(name: str, limit: int = 80) -> str:
    """`name` as a file-name piece: letters, digits, '-', '_' and '.' kept, the rest '_'.

    >>> safe_name("trained/pizza shop")
    'trained_pizza_shop'
    """
    return "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in name)[:limit]


def load_array(path: Path, shape: tuple[int, ...]) -> np.ndarray | None:
    """The array saved at `path` if it is sound (that shape, finite, not all zero), else None."""
    if not path.is_file():
        return None
    try:
        array = np.load(path, allow_pickle=False)
    except (OSError, ValueError, EOFError):
        return None
    if array.shape != shape or not np.isfinite(array).all() or (array.size and not np.any(array)):
        return None
    return array


def save_array(path: Path, array: np.ndarray) -> None:
    """Save atomically: a reader sees the old file or the whole new one, never half of it.

    The temporary file is named after the writing process, so one left by a killed writer is removed here.
    """
    remove_leftovers(path.parent, f"{path.name}.tmp-")
    tmp = path.with_name(f"{path.name}.tmp-{os.getpid()}-{threading.get_ident()}.npy")
    np.save(tmp, array)
    os.replace(tmp, path)


def _writer_alive(pid_text: str) -> bool:
    """True when `pid_text` names a running process ('123'); False for a dead one or no pid at all."""
    if not pid_text.isdigit() or not 0 < int(pid_text) < 2**22:  # Linux's largest pid is 2**22
        return False
    try:
        os.kill(int(pid_text), 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, someone else's
        return True
    return True


def remove_leftovers(folder: Path, prefix: str) -> int:
    """Delete the files or folders `<prefix><pid>-...` in `folder` whose writer is gone (killed mid-write).

    Writers in this app name what they have not finished after their pid; a live writer's work is kept.
    """
    removed = 0
    for path in folder.glob(f"{glob.escape(prefix)}*"):
        if _writer_alive(path.name[len(prefix) :].split("-", 1)[0]):
            continue
        shutil.rmtree(path, ignore_errors=True) if path.is_dir() else path.unlink(missing_ok=True)
        removed += 1
    return removed


def cached_array(path: Path, shape: tuple[int, ...], compute: Callable[[], np.ndarray]) -> tuple[np.ndarray, str]:
    """(array, "disk") when `path` holds a sound copy, else (compute(), "computed") saved to `path`."""
    array = load_array(path, shape)
    if array is not None:
        return array, "disk"
    array = compute()
    save_array(path, array)
    return array, "computed"


def load_json(path: Path) -> Any | None:
    """The JSON value saved at `path`, or None when it is missing or unreadable (then it is recomputed)."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def save_json(path: Path, value: Any) -> None:
    """Save a JSON value atomically, like `save_array` (a reader never sees half a file)."""
    remove_leftovers(path.parent, f"{path.name}.tmp-")
    tmp = path.with_name(f"{path.name}.tmp-{os.getpid()}-{threading.get_ident()}")
    tmp.write_text(json.dumps(value, ensure_ascii=False), encoding="utf-8")
    os.replace(tmp, path)
