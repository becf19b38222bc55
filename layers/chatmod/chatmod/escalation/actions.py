"""What the escalation function does in a room, and what keeps it from happening twice.

ivschat takes no idempotency token, so each action picks its own guarantee. DeleteMessage is
at least once: a second delete of the same message is harmless, so a retry after any failure
may repeat it (the guard replays a completed one). DisconnectUser is at most once: a second
one would kick a user who came back, so the intent is recorded before the call and a retry
never repeats an intent older than the call's timeout, even when the first attempt's outcome
is unknown (a 5xx after the effect, a crash). Only a call refused before it acted
(``ActionNotTakenError``: throttled) withdraws its intent and may be tried again.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from typing import Literal, Protocol

from chatmod.contract import clip_reason as clip_reason  # re-exported: actions clip reasons

# gone: the message or room no longer exists (counts as done); attempted: an earlier attempt
# whose outcome is unknown, never repeated
Outcome = Literal["done", "gone", "attempted"]


class ChatActions(Protocol):
    def delete_message(self, room_arn: str, message_id: str, reason: str) -> Outcome: ...

    def disconnect_user(self, room_arn: str, user_id: str, reason: str) -> Outcome: ...


class ActionGuard(Protocol):
    """Runs an action at most once per key (a redelivered record replays the stored outcome)."""

    def run(self, key: Mapping[str, str], action: Callable[[], Outcome]) -> Outcome: ...


class ActionNotTakenError(RuntimeError):
    """The service refused the call before acting (throttling): trying again is safe."""


class ActionInFlightError(RuntimeError):
    """An earlier attempt of an at-most-once action may still be running: look again later."""


class IntentLog(Protocol):
    """Durable intents of at-most-once actions, written before the action runs."""

    def record(self, key: Mapping[str, str], at_ms: int, expires_at: int) -> int | None:
        """Writes the intent unless one exists; returns the earlier intent's time, or None."""
        ...

    def withdraw(self, key: Mapping[str, str]) -> None:
        """Drops an intent whose action certainly did not happen."""
        ...


class MemoryIntentLog:
    """A process-local intent log (local runs, tests)."""

    def __init__(self) -> None:
        self._intents: dict[tuple[tuple[str, str], ...], int] = {}
        self._lock = threading.Lock()

    def record(self, key: Mapping[str, str], at_ms: int, expires_at: int) -> int | None:
        with self._lock:
            earlier = self._intents.get(tuple(sorted(key.items())))
            if earlier is None:
                self._intents[tuple(sorted(key.items()))] = at_ms
            return earlier

    def withdraw(self, key: Mapping[str, str]) -> None:
        with self._lock:
            self._intents.pop(tuple(sorted(key.items())), None)


def at_most_once(
    intents: IntentLog,
    key: Mapping[str, str],
    action: Callable[[], Outcome],
    *,
    timeout_ms: int,
    now_ms: Callable[[], int] = lambda: int(time.time() * 1000),
    keep_ms: int = 86_400_000,
) -> Outcome:
    """Runs ``action`` only if no intent for ``key`` exists; records one first.

    An earlier intent younger than ``timeout_ms`` (the longest the call can take) may belong
    to a call still running: ActionInFlightError, so the record comes back later. An older one
    is never repeated: ``"attempted"``.
    """
    now = now_ms()
    earlier = intents.record(key, now, (now + keep_ms) // 1000)
    if earlier is not None:
        if now - earlier < timeout_ms:
            raise ActionInFlightError(f"{dict(key)}: an attempt started {now - earlier} ms ago")
        return "attempted"
    try:
        return action()
    except ActionNotTakenError:
        intents.withdraw(key)
        raise


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
