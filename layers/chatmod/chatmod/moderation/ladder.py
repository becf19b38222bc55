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


class StoreSanctionWriter:
    def __init__(self, store: SanctionStore, clock_ms: Callable[[], int] = _wall_ms) -> None:
        self.store = store
        self.clock_ms = clock_ms

    def impose(self, room_id: str, user_id: str, until_ms: int | None, reason: str | None) -> bool:
        now = self.clock_ms()
        if until_ms is not None and until_ms <= now:
            return False
        current = self.store.get(room_id, user_id)
        if current is not None and current.active(now) and outlasts(current.until_ms, until_ms):
            return False
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
        return True


class ApiSanctionWriter:
    """Through the moderator API (the local room's escalation worker)."""

    def __init__(self, client: ModerationClient, clock_ms: Callable[[], int] = _wall_ms) -> None:
        self.client = client
        self.clock_ms = clock_ms

    def impose(self, room_id: str, user_id: str, until_ms: int | None, reason: str | None) -> bool:
        now = self.clock_ms()
        if until_ms is not None and until_ms <= now:
            return False
        for current in self.client.in_force(room_id)["bans"]:
            same = current["userId"] == user_id and current["scope"] == "room"
            if same and outlasts(current["untilMs"], until_ms):
                return False
        seconds = None if until_ms is None else math.ceil((until_ms - now) / 1000)
        self.client.impose(room_id, user_id, duration_s=seconds, reason=reason, source="ladder")
        return True
