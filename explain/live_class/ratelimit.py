"""A per-session bound on how often something may happen: at most `limit` events in any `window` seconds.

Each browser session keeps its own limiter (in its Streamlit session state), so one student
clicking very fast, or a script hammering the page, cannot flood the class database. Leaves out
identifying sessions (the UI holds one limiter per session).
"""

from __future__ import annotations

import time
from collections import deque
from dataclasses import dataclass, field


@dataclass
class RateLimiter:
    limit: int  # events allowed in any window
    window: float = 60.0  # seconds
    times: deque = field(default_factory=deque)  # monotonic times of the events still inside the window

    def allow(self, now: float | None = None) -> bool:
        """Record an event and return True, or return False (recording nothing) when the bound is reached.

        >>> r = RateLimiter(2, 60); [r.allow(0), r.allow(1), r.allow(2), r.allow(61)]
        [True, True, False, True]
        """
        now = time.monotonic() if now is None else now
        while self.times and now - self.times[0] >= self.window:
            self.times.popleft()
        if len(self.times) >= self.limit:
            return False
        self.times.append(now)
        return True
