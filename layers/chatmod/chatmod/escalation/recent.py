"""The sender's recent delivered messages in a room: the second opinion's context.

A toxic line split over several messages ("you are a" / "worthless" / "piece of trash") passes
the review one harmless-looking part at a time; the second opinion can only see it whole if
the record carries the parts that came before. The review function keeps them here, in memory:
per (room, user) the last few delivered messages within a short window, for a bounded number
of senders (least recently active forgotten first). An instance that never saw a sender's
earlier messages simply sends no context, which is the old behaviour.
"""

from __future__ import annotations

import threading
from collections import OrderedDict, deque
from dataclasses import dataclass

CONTEXT_MESSAGES = 3
CONTEXT_WINDOW_MS = 120_000
CONTEXT_SENDERS = 10_000
CONTEXT_MAX_CHARS = 500  # per message, in code points (what a record carries)


@dataclass(frozen=True)
class _Delivered:
    at_ms: int
    text: str


class RecentMessages:
    """A bounded LRU of each sender's last delivered messages per room (thread-safe)."""

    def __init__(
        self,
        *,
        per_sender: int = CONTEXT_MESSAGES,
        window_ms: int = CONTEXT_WINDOW_MS,
        max_senders: int = CONTEXT_SENDERS,
        max_chars: int = CONTEXT_MAX_CHARS,
    ) -> None:
        if per_sender < 1 or max_senders < 1 or window_ms < 1 or max_chars < 1:
            raise ValueError("per_sender, window_ms, max_senders and max_chars must be >= 1")
        self.per_sender = per_sender
        self.window_ms = window_ms
        self.max_senders = max_senders
        self.max_chars = max_chars
        self._senders: OrderedDict[tuple[str, str], deque[_Delivered]] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        with self._lock:
            return len(self._senders)

    def context(self, room_arn: str, user_id: str, now_ms: int) -> tuple[str, ...]:
        """The sender's messages delivered in this room within the window, oldest first."""
        with self._lock:
            kept = self._senders.get((room_arn, user_id))
            if not kept:
                return ()
            return tuple(m.text for m in kept if 0 <= now_ms - m.at_ms < self.window_ms)

    def remember(self, room_arn: str, user_id: str, text: str, now_ms: int) -> None:
        """Keeps a delivered message (its last ``max_chars`` code points: the part nearest
        the next message); empty text is not context and is ignored."""
        text = " ".join(text.split())[-self.max_chars :]
        if not text:
            return
        key = (room_arn, user_id)
        with self._lock:
            kept = self._senders.get(key)
            if kept is None:
                kept = self._senders[key] = deque(maxlen=self.per_sender)
                while len(self._senders) > self.max_senders:
                    self._senders.popitem(last=False)
            else:
                self._senders.move_to_end(key)
            kept.append(_Delivered(now_ms, text))
