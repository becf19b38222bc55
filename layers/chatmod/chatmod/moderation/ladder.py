"""How the escalation function puts a strike ladder's timeout or ban on a user.

Deployed, it writes the moderation table like the moderator API does; the local room's
escalation worker runs in a process of its own, so there it goes through the room's moderator
API. Either way a ladder step never shortens a sanction already in force (a moderator's ban
stays a ban when the ladder would time the user out).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from chatmod.escalation.actions import SanctionWriter as SanctionWriter
from chatmod.moderation.sanctions import Sanction
from chatmod.moderation.store import SanctionStore

if TYPE_CHECKING:
    from chatmod.moderation.client import ModerationClient


def _wall_ms() -> int:
    return int(time.time() * 1000)


def outlasts(current_until: int | None, until_ms: int | None) -> bool:
    """Whether a sanction ending at ``current_until`` (None: never) lasts at least as long."""
    return current_until is None or (until_ms is not None and current_until >= until_ms)


class _LadderWriter:
    """One rule for both writers: a step that has already ended, or that a sanction in force
    outlasts, is not written; ``impose`` says whether it was."""

    def __init__(self, clock_ms: Callable[[], int]) -> None:
        self.clock_ms = clock_ms

    def impose(self, room_id: str, user_id: str, until_ms: int | None, reason: str | None) -> bool:
        now = self.clock_ms()
        if until_ms is not None and until_ms <= now:
            return False
        if self._outlasted(room_id, user_id, until_ms, now):
            return False
        self._write(room_id, user_id, until_ms, reason, now)
        return True

    def _outlasted(self, room_id: str, user_id: str, until_ms: int | None, now: int) -> bool:
        raise NotImplementedError

    def _write(
        self, room_id: str, user_id: str, until_ms: int | None, reason: str | None, now: int
    ) -> None:
        raise NotImplementedError


class StoreSanctionWriter(_LadderWriter):
    def __init__(self, store: SanctionStore, clock_ms: Callable[[], int] = _wall_ms) -> None:
        super().__init__(clock_ms)
        self.store = store

    def _outlasted(self, room_id: str, user_id: str, until_ms: int | None, now: int) -> bool:
        current = self.store.get(room_id, user_id)
        return current is not None and current.active(now) and outlasts(current.until_ms, until_ms)

    def _write(
        self, room_id: str, user_id: str, until_ms: int | None, reason: str | None, now: int
    ) -> None:
        self.store.put(
            Sanction(
                room_id=room_id,
                user_id=user_id,
                until_ms=until_ms,
                reason=reason,
                created_at_ms=now,
                updated_at_ms=now,
                source="ladder",
            )
        )


class ApiSanctionWriter(_LadderWriter):
    """Through the moderator API (the local room's escalation worker)."""

    def __init__(self, client: ModerationClient, clock_ms: Callable[[], int] = _wall_ms) -> None:
        super().__init__(clock_ms)
        self.client = client

    def _outlasted(self, room_id: str, user_id: str, until_ms: int | None, now: int) -> bool:
        return any(
            current["userId"] == user_id
            and current["scope"] == "room"
            and outlasts(current["untilMs"], until_ms)
            for current in self.client.in_force(room_id)["bans"]
        )

    def _write(
        self, room_id: str, user_id: str, until_ms: int | None, reason: str | None, now: int
    ) -> None:
        seconds = None if until_ms is None else math.ceil((until_ms - now) / 1000)
        self.client.impose(room_id, user_id, duration_s=seconds, reason=reason, source="ladder")
