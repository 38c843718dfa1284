"""Sharing model work between sessions: identical requests in flight computed once, and a bounded queue.

Thirty students pressing the same button at the same moment ask for the same forward pass;
`SingleFlight.do(key, fn)` runs `fn` for the first of them and hands its result (or its error)
to every caller that arrives with the same key while it runs. `Turns` is the queue in front of
a model: it says how many are ahead (for a "busy, you are number N" message) and refuses a
caller beyond `MAX_QUEUE` at once with a message, instead of letting it wait into a timeout.
Leaves out batching distinct requests into one pass (`core/batching.py` for analyses,
`core/decode_batching.py` for generation steps) and the message's wording (see `ui/`).
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Hashable, Iterator
from dataclasses import dataclass, field
from typing import Any

from explain.core import priority
from explain.core.limits import MAX_QUEUE


@dataclass
class _Call:
    done: threading.Event = field(default_factory=threading.Event)
    value: Any = None
    error: BaseException | None = None
    sharers: int = 0  # callers that joined after the first


class SingleFlight:
    """Identical calls at the same moment computed once.

    >>> SingleFlight().do("k", lambda: 42)
    42
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._calls: dict[Hashable, _Call] = {}
        self.shared = 0  # calls answered by another caller's computation, since the start

    def do(self, key: Hashable, fn: Callable[[], Any]) -> Any:
        with self._lock:
            call = self._calls.get(key)
            leader = call is None
            if leader:
                call = self._calls[key] = _Call()
            else:
                call.sharers += 1
                self.shared += 1
        if not leader:
            call.done.wait()
            if call.error is not None:
                raise call.error
            return call.value
        try:
            call.value = fn()
            return call.value
        except BaseException as exc:
            call.error = exc
            raise
        finally:
            with self._lock:
                del self._calls[key]
            call.done.set()


_NOTICE = threading.local()  # the current thread's "you are number N" callback (one per script run)


def set_wait_notice(fn: Callable[[int], None] | None) -> None:
    """Make `fn(position)` the way this thread is told it waits (the UI sets it once per script run)."""
    _NOTICE.fn = fn


class Busy(RuntimeError):
    """The queue in front of a model is full; the message says so and what to do."""


class Turns:
    """A model's queue: one caller at a time, at most `limit` waiting; `ahead` says the caller's place."""

    def __init__(self, lock: threading.RLock, limit: int = MAX_QUEUE) -> None:
        self.lock, self.limit = lock, limit
        self._count = threading.Lock()
        self.waiting = 0  # callers inside `turn`, running or waiting

    @contextlib.contextmanager
    def turn(self, on_wait: Callable[[int], None] | None = None) -> Iterator[None]:
        """Hold the model's lock for the block; if it is taken, call `on_wait(position)` first (1 = next).

        Counts as a student's pass for background jobs' thread budget (`core/priority.py`).
        """
        priority.student_started()
        try:
            with self._held(on_wait):
                yield
        finally:
            priority.student_finished()

    @contextlib.contextmanager
    def _held(self, on_wait: Callable[[int], None] | None) -> Iterator[None]:
        if self.lock.acquire(blocking=False):
            self._enter(0)
        else:
            position = self._enter(self.limit)
            notice = on_wait or getattr(_NOTICE, "fn", None)
            if notice is not None:
                notice(position)
            self.lock.acquire()
        try:
            yield
        finally:
            self.lock.release()
            with self._count:
                self.waiting -= 1

    def _enter(self, limit: int) -> int:
        with self._count:
            if limit and self.waiting > limit:
                raise Busy(f"The model is busy: {self.waiting} requests are queued. Try again in a few seconds.")
            self.waiting += 1
            return self.waiting - 1
