"""What the escalation function does in a room, and the guard that makes it happen once."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Literal, Protocol

Outcome = Literal["done", "gone"]  # gone: the message or room no longer exists (counts as done)
REASON_MAX = 256  # ivschat accepts 1-256 characters; botocore does not check the upper bound
ELLIPSIS = "…"


def clip_reason(reason: str | None, default: str) -> str:
    """A reason ivschat accepts: never empty, at most 256 characters."""
    text = " ".join((reason or "").split()) or " ".join(default.split()) or "Moderation action."
    return text if len(text) <= REASON_MAX else text[: REASON_MAX - 1] + ELLIPSIS


class ChatActions(Protocol):
    def delete_message(self, room_arn: str, message_id: str, reason: str) -> Outcome: ...

    def disconnect_user(self, room_arn: str, user_id: str, reason: str) -> Outcome: ...


class ActionGuard(Protocol):
    """Runs an action at most once per key (a redelivered record replays the stored outcome)."""

    def run(self, key: Mapping[str, str], action: Callable[[], Outcome]) -> Outcome: ...


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
