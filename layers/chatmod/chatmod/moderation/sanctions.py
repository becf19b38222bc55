"""Timeouts and bans: what a moderator (or the strike ladder) puts on a user, and what the
sender is told while it lasts.

A sanction is keyed by room id and user id; the room id ``*`` makes it account-wide. Lifting
one writes a tombstone (``lifted``) instead of deleting it, so review instances that follow
the store's changes (``chatmod.moderation.cache``) learn about the lift as they learn about a
new ban.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from chatmod.contract import REASON_MAX, clip_reason, room_id_from_arn

ACCOUNT_WIDE = "*"
# Room ids of IVS are 12 alphanumerics; the local room and tests use longer ones.
ROOM_ID_PATTERN = r"^(\*|[A-Za-z0-9-]{1,128})$"
Source = Literal["moderator", "ladder"]
Kind = Literal["ban", "timeout"]


class Sanction(BaseModel):
    """One timeout (``until_ms`` set) or ban (``until_ms`` None) of a user in a room."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    room_id: str = Field(pattern=ROOM_ID_PATTERN)
    user_id: str = Field(min_length=1, max_length=128)
    until_ms: int | None = Field(default=None, ge=0)
    reason: str | None = Field(default=None, max_length=REASON_MAX)
    created_at_ms: int = Field(ge=0)
    updated_at_ms: int = Field(ge=0)
    source: Source = "moderator"
    by: str | None = Field(default=None, max_length=512)  # the moderator's IAM principal
    lifted: bool = False

    @property
    def kind(self) -> Kind:
        return "ban" if self.until_ms is None else "timeout"

    @property
    def key(self) -> tuple[str, str]:
        return (self.room_id, self.user_id)

    def active(self, now_ms: int) -> bool:
        return not self.lifted and (self.until_ms is None or self.until_ms > now_ms)

    def refusal(self, now_ms: int) -> str:
        """What the sender sees on the refused message (IVS's 256-character reason)."""
        if self.until_ms is None:
            text = "You are banned from this chat."
        else:
            text = f"You are timed out for {remaining_text(self.until_ms - now_ms)}."
        if self.reason:
            text = f"{text} Reason: {self.reason}"
        return clip_reason(text, "You may not send messages here right now.")

    def lifted_at(self, now_ms: int) -> Sanction:
        return self.model_copy(update={"lifted": True, "updated_at_ms": now_ms})

    def describe(self, now_ms: int) -> dict[str, object]:
        """The moderator API's view (camelCase, like the ivschat API)."""
        left = None if self.until_ms is None else max(0, math.ceil((self.until_ms - now_ms) / 1000))
        return {
            "roomId": self.room_id,
            "userId": self.user_id,
            "kind": self.kind,
            "scope": "account" if self.room_id == ACCOUNT_WIDE else "room",
            "untilMs": self.until_ms,
            "secondsLeft": left,
            "reason": self.reason,
            "source": self.source,
            "by": self.by,
            "createdAtMs": self.created_at_ms,
        }


def remaining_text(left_ms: int) -> str:
    """``9 more minutes``, ``42 more seconds``, ``2 more hours`` (rounded up, never zero)."""
    seconds = max(1, math.ceil(left_ms / 1000))
    for unit, size in (("day", 86_400), ("hour", 3_600), ("minute", 60)):
        if seconds >= 2 * size or (unit == "minute" and seconds > size):
            count = math.ceil(seconds / size)
            return f"{count} more {unit}s"
    if seconds >= 60:
        return "1 more minute"
    return f"{seconds} more second{'s' if seconds > 1 else ''}"


class SanctionIndex:
    """The sanctions in force, by (room id, user id): a dict lookup per message."""

    def __init__(self, sanctions: Mapping[tuple[str, str], Sanction] | None = None) -> None:
        self._by_key: dict[tuple[str, str], Sanction] = dict(sanctions or {})

    def __len__(self) -> int:
        return len(self._by_key)

    def merged(self, changes: Iterable[Sanction], now_ms: int) -> SanctionIndex:
        """A new index with ``changes`` applied (the newer write of a key wins); lifted and
        expired entries leave it."""
        merged = dict(self._by_key)
        for change in changes:
            current = merged.get(change.key)
            if current is not None and current.updated_at_ms > change.updated_at_ms:
                continue
            merged[change.key] = change
        return SanctionIndex({k: s for k, s in merged.items() if s.active(now_ms)})

    def find(self, room_arn: str, user_id: str, now_ms: int) -> Sanction | None:
        """The sanction that refuses this sender here now (the longest-lasting one)."""
        found = [
            s
            for s in (
                self._by_key.get((room_id_from_arn(room_arn), user_id)),
                self._by_key.get((ACCOUNT_WIDE, user_id)),
            )
            if s is not None and s.active(now_ms)
        ]
        if not found:
            return None
        return max(found, key=lambda s: math.inf if s.until_ms is None else s.until_ms)
