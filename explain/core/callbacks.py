"""Listeners by event name, shared by every loop that reports as it goes (minGPT's trainer callbacks).

A class lists its events in `EVENTS`; `add_callback(event, fn)` registers `fn(owner, record)`,
and the loop calls `fire(event, record)` without knowing who listens. Used by the tiny GPT's
`Trainer`, the LoRA fine-tuner and, through the trainer, the distillation students.

    >>> class Loop(Callbacks):
    ...     EVENTS = ("on_step",)
    >>> loop, seen = Loop(), []
    >>> loop.add_callback("on_step", lambda _loop, record: seen.append(record))
    >>> loop.fire("on_step", 1); seen
    [1]

Leaves out threads: a listener runs on the loop's thread (see `core/jobs.py` for the page side).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


class Callbacks:
    """A mixin: `EVENTS` names the events; listeners are kept per instance, created on first use."""

    EVENTS: tuple[str, ...] = ()

    def _listeners(self) -> dict[str, list[Callable]]:
        return self.__dict__.setdefault("_callbacks", {})

    def add_callback(self, event: str, fn: Callable[[Any, Any], None]) -> None:
        """Call `fn(self, record)` each time `event` fires."""
        if event not in self.EVENTS:
            raise ValueError(f"Unknown event '{event}'; events are: {', '.join(self.EVENTS)}.")
        self._listeners().setdefault(event, []).append(fn)

    def fire(self, event: str, record: Any = None) -> None:
        """Tell every listener of `event`, in the order they were added."""
        for fn in list(self._listeners().get(event, ())):
            fn(self, record)
