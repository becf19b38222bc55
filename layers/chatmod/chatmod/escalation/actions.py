"""What the escalation function does in a room, and what keeps it from happening twice.

ivschat takes no idempotency token, so each action picks its own guarantee. DeleteMessage is
at least once: a second delete of the same message is harmless, so a retry after any failure
may repeat it (the guard replays a completed one). DisconnectUser is at most once
(``chatmod.escalation.intents``): a second one would kick a user who came back, so a call whose
outcome is unknown is repeated only within seconds of the first, and otherwise given up loudly
(dead-letter queue, ``DisconnectsLost``). A call refused before it acted
(``ActionNotTakenError``: throttled, never connected) may always be tried again.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Literal, Protocol

from chatmod.contract import clip_reason as clip_reason  # re-exported: actions clip reasons
from chatmod.errors import ActionInFlightError as ActionInFlightError
from chatmod.errors import ActionNotTakenError as ActionNotTakenError

# done: this call acted; gone: the message or room no longer exists (counts as done);
# replayed: an earlier attempt confirmed it, nothing was called now
Outcome = Literal["done", "gone", "replayed"]


class ChatActions(Protocol):
    def delete_message(self, room_arn: str, message_id: str, reason: str) -> Outcome: ...

    def disconnect_user(self, room_arn: str, user_id: str, reason: str) -> Outcome: ...


class ActionGuard(Protocol):
    """Runs an action at most once per key (a redelivered record replays the stored outcome)."""

    def run(self, key: Mapping[str, str], action: Callable[[], Outcome]) -> Outcome: ...


class SanctionWriter(Protocol):
    """Where the strike ladder's timeouts and bans go (``chatmod.moderation.ladder`` writes
    them to the moderation store or through the moderator API)."""

    def impose(self, room_id: str, user_id: str, until_ms: int | None, reason: str | None) -> bool:
        """Puts the sanction on the user; False when one lasting as long is already there."""


def action_key(action: str, room_arn: str, target: str) -> dict[str, str]:
    """The idempotency key: which action, in which room, on which message or claim."""
    return {"action": action, "room": room_arn, "target": target}


class DryRunActions:
    """Records what would be done instead of calling ivschat (shadow mode, local runs)."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, str, str, str]] = []

    def delete_message(self, room_arn: str, message_id: str, reason: str) -> Outcome:
        self.calls.append(("DeleteMessage", room_arn, message_id, reason))
        return "done"

    def disconnect_user(self, room_arn: str, user_id: str, reason: str) -> Outcome:
        self.calls.append(("DisconnectUser", room_arn, user_id, reason))
        return "done"
