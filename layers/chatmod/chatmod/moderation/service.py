"""What the moderator API does with the sanction store, apart from HTTP: one place for the
rules of a ban (validation, who and when, account-wide scope), used by the moderation
function and by the strike ladder."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from chatmod.contract import REASON_MAX
from chatmod.moderation.sanctions import ACCOUNT_WIDE, Sanction, Source
from chatmod.moderation.store import SanctionStore

MAX_DURATION_S = 366 * 86_400  # longer than a year: a ban
Scope = Literal["room", "account"]


class BanRequest(BaseModel):
    """``POST /moderation/rooms/{roomId}/bans``: no duration is a ban, one is a timeout."""

    model_config = ConfigDict(extra="forbid")

    userId: str = Field(min_length=1, max_length=128)
    durationSeconds: int | None = Field(default=None, ge=1, le=MAX_DURATION_S)
    reason: str | None = Field(default=None, max_length=REASON_MAX)
    scope: Scope = "room"
    # "ladder" when the strike ladder sends it (the local room's escalation worker); the
    # caller's IAM principal is recorded either way.
    source: Source = "moderator"


def _wall_ms() -> int:
    return int(time.time() * 1000)


def scoped_room(room_id: str, scope: Scope) -> str:
    return ACCOUNT_WIDE if scope == "account" else room_id


class SanctionService:
    def __init__(self, store: SanctionStore, clock_ms: Callable[[], int] = _wall_ms) -> None:
        self.store = store
        self.clock_ms = clock_ms

    def impose(
        self,
        room_id: str,
        request: BanRequest,
        *,
        by: str | None = None,
    ) -> Sanction:
        now = self.clock_ms()
        duration = request.durationSeconds
        sanction = Sanction(
            room_id=scoped_room(room_id, request.scope),
            user_id=request.userId,
            until_ms=None if duration is None else now + duration * 1000,
            reason=request.reason,
            created_at_ms=now,
            updated_at_ms=now,
            source=request.source,
            by=by,
        )
        self.store.put(sanction)
        return sanction

    def lift(self, room_id: str, user_id: str, scope: Scope = "room") -> Sanction | None:
        """The lifted sanction, or None when none was in force."""
        now = self.clock_ms()
        current = self.store.get(scoped_room(room_id, scope), user_id)
        if current is None or not current.active(now):
            return None
        lifted = current.lifted_at(now)
        self.store.put(lifted)
        return lifted

    def in_force(self, room_id: str) -> list[Sanction]:
        """The room's timeouts and bans in force, account-wide ones included, newest first."""
        now = self.clock_ms()
        found = [
            s for key in (room_id, ACCOUNT_WIDE) for s in self.store.list_room(key) if s.active(now)
        ]
        return sorted(found, key=lambda s: s.created_at_ms, reverse=True)
