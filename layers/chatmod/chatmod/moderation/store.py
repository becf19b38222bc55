"""Where sanctions live: a protocol with an in-memory store (local runs, tests) beside the
DynamoDB one (``chatmod.aws.dynamodb_sanctions``).

Review instances never read the store per message: they follow its changes
(``changes_since``) in the background, so a store only needs to answer "what was written after
this moment", tombstones included.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, Protocol, TypeVar

from chatmod.moderation.sanctions import Sanction

T = TypeVar("T")


class SanctionStore(Protocol):
    def put(self, sanction: Sanction) -> None:
        """Writes (or replaces) the sanction of its room and user."""

    def get(self, room_id: str, user_id: str) -> Sanction | None:
        """The latest write for this room and user, lifted or not."""

    def list_room(self, room_id: str) -> list[Sanction]:
        """Every write for this room (lifted and expired ones included)."""

    def changes_since(self, since_ms: int) -> list[Sanction]:
        """Every write whose ``updated_at_ms`` is at or after ``since_ms`` (0: everything)."""


class MemorySanctionStore:
    """A thread-safe dict; what the local room and the tests use."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._items: dict[tuple[str, str], Sanction] = {}
        # Called with each write: the local room's feed (a table's stream, deployed).
        self.listeners: list[Callable[[Any], None]] = []

    def put(self, sanction: Sanction) -> None:
        with self._lock:
            self._items[sanction.key] = sanction
        for listener in self.listeners:
            listener(sanction)

    def get(self, room_id: str, user_id: str) -> Sanction | None:
        with self._lock:
            return self._items.get((room_id, user_id))

    def list_room(self, room_id: str) -> list[Sanction]:
        with self._lock:
            return [s for s in self._items.values() if s.room_id == room_id]

    def changes_since(self, since_ms: int) -> list[Sanction]:
        with self._lock:
            return [s for s in self._items.values() if s.updated_at_ms >= since_ms]


def one_per_process(factory: Callable[[], T]) -> Callable[[], T]:
    """A getter that makes ``factory()`` once per process, even when threads race for it."""
    lock = threading.Lock()
    made: list[T] = []

    def get() -> T:
        with lock:
            if not made:
                made.append(factory())
            return made[0]

    return get


# One store per process: the local room runs the review and moderation functions in one
# process, and they must see the same sanctions (as they share a table when deployed).
shared_memory_store = one_per_process(MemorySanctionStore)
