"""The room's limits: message length in code points and messages per second for the room."""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable


def too_long(content: str, maximum_length: int) -> bool:
    """IVS counts runes (code points), not bytes or UTF-16 units; Python's len() does the same."""
    return len(content) > maximum_length


class RateLimiter:
    """A sliding one-second window over every message sent to one room, by all clients."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._sent: deque[float] = deque()

    def allow(self, per_second: int) -> bool:
        """Counts the message and says whether the room is still within its rate."""
        now = self._clock()
        while self._sent and now - self._sent[0] >= 1.0:
            self._sent.popleft()
        if len(self._sent) >= per_second:
            return False
        self._sent.append(now)
        return True
