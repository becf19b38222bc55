"""At-most-once actions whose every outcome is known or loud (DisconnectUser).

ivschat takes no idempotency token, and a second DisconnectUser would kick a user who came back.
So each action has a durable intent, moved through its states by compare-and-set on the token of
the attempt that owns it:

- ``reserved``: written before anything else; no call has started under it (a later attempt
  takes it over and calls, safely: a call only starts after its owner moved it to ``calling``);
- ``calling``: a call started at ``call_ms``; once older than the call's timeout, its outcome is
  unknown (a 5xx, a read timeout, a crash, a lost reply);
- ``done`` / ``gone``: confirmed; a later attempt replays it and never calls.

A call that certainly did not act (``ActionNotTakenError``: throttled, never connected) may be
repeated at any time. A call whose outcome is unknown is repeated only while the first such call
started less than ``retry_window_ms`` ago (the user, if kicked, has not had the time to come
back), and only inside this invocation's time; past that the action is given up:
``OutcomeUnknownError``, which the function sends to the dead-letter queue with its reason and
counts (``DisconnectsLost``). Nothing is ever given up silently.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, replace
from typing import Literal, Protocol

from chatmod.errors import OutcomeUnknownError as OutcomeUnknownError
from chatmod.escalation.actions import (
    ActionInFlightError,
    ActionNotTakenError,
    Outcome,
)

IntentState = Literal["reserved", "calling", "done", "gone"]
RETRY_WINDOW_MS = 5_000  # unknown outcomes are retried only this soon after the first call
RETRY_PAUSES_MS = (200, 400, 800)  # between calls in one invocation (at most four calls)
KEEP_MS = 86_400_000

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Intent:
    """One action's durable state; ``token`` names the attempt that owns it now, ``version``
    counts its writes (every compare-and-set is on it)."""

    token: str
    state: IntentState
    reserved_ms: int
    version: int = 0
    call_ms: int | None = None  # start of the call under way (state ``calling``)
    unknown_since_ms: int | None = None  # start of the first call whose outcome is unknown
    calls: int = 0  # calls that may have reached the service, every attempt together

    def then(self, **changes: object) -> Intent:
        """The next version of this intent."""
        return replace(self, version=self.version + 1, **changes)  # type: ignore[arg-type]


class IntentLog(Protocol):
    """Durable intents, each write a compare-and-set on the version last seen."""

    def reserve(self, key: Mapping[str, str], intent: Intent, expires_at: int) -> Intent:
        """Writes ``intent`` unless one exists; returns the intent stored now."""
        ...

    def swap(self, key: Mapping[str, str], seen: Intent, new: Intent, expires_at: int) -> bool:
        """Writes ``new`` if the stored intent is still ``seen``; False when it changed."""
        ...


class MemoryIntentLog:
    """A process-local intent log (local runs, tests)."""

    def __init__(self) -> None:
        self._intents: dict[tuple[tuple[str, str], ...], Intent] = {}
        self._lock = threading.Lock()

    @staticmethod
    def _id(key: Mapping[str, str]) -> tuple[tuple[str, str], ...]:
        return tuple(sorted(key.items()))

    def reserve(self, key: Mapping[str, str], intent: Intent, expires_at: int) -> Intent:
        with self._lock:
            return self._intents.setdefault(self._id(key), intent)

    def swap(self, key: Mapping[str, str], seen: Intent, new: Intent, expires_at: int) -> bool:
        with self._lock:
            stored = self._intents.get(self._id(key))
            if stored is None or (stored.token, stored.version) != (seen.token, seen.version):
                return False
            self._intents[self._id(key)] = new
            return True

    def get(self, key: Mapping[str, str]) -> Intent | None:
        with self._lock:
            return self._intents.get(self._id(key))


@dataclass
class OnceSettings:
    """How an at-most-once action is run (the clock and pauses are injected in tests)."""

    call_timeout_ms: int  # the longest one call can take
    retry_window_ms: int = RETRY_WINDOW_MS
    pauses_ms: tuple[int, ...] = RETRY_PAUSES_MS
    now_ms: Callable[[], int] = lambda: int(time.time() * 1000)
    sleep_ms: Callable[[int], None] = lambda ms: time.sleep(ms / 1000)
    time_left_ms: Callable[[], int] = lambda: 1 << 30  # of the invocation


def run_once(
    intents: IntentLog,
    key: Mapping[str, str],
    action: Callable[[], Outcome],
    how: OnceSettings,
) -> Outcome:
    """Runs ``action`` at most once per ``key``, repeating it only while that is safe.

    Returns the action's outcome, or ``"replayed"`` when an earlier attempt confirmed it.
    Raises ``ActionInFlightError`` when another attempt may still be calling (look again
    later), what a call refused before acting raised once the pauses are spent (safe to try
    later), or ``OutcomeUnknownError`` when the action must be given up.
    """
    token = uuid.uuid4().hex
    now = how.now_ms()
    expires = (now + KEEP_MS) // 1000
    seen = intents.reserve(key, Intent(token, "reserved", now), expires)
    if seen.state in ("done", "gone"):
        return "replayed"
    unknown_since = seen.unknown_since_ms
    if seen.state == "calling" and seen.call_ms is not None:
        if now - seen.call_ms < how.call_timeout_ms:
            raise ActionInFlightError(f"{dict(key)}: a call started {now - seen.call_ms} ms ago")
        unknown_since = min(unknown_since or seen.call_ms, seen.call_ms)
    pauses = iter(how.pauses_ms)
    while True:
        now = how.now_ms()
        if unknown_since is not None and now - unknown_since >= how.retry_window_ms:
            raise OutcomeUnknownError(
                key,
                seen,
                f"the outcome of a call {now - unknown_since} ms ago is unknown and is not "
                f"repeated past {how.retry_window_ms} ms",
            )
        calling = seen.then(
            token=token,
            state="calling",
            call_ms=now,
            unknown_since_ms=unknown_since,
            calls=seen.calls + 1,
        )
        if not intents.swap(key, seen, calling, expires):
            raise ActionInFlightError(f"{dict(key)}: another attempt owns the intent")
        seen = calling
        try:
            outcome = action()
        except ActionNotTakenError as exc:
            # Nothing happened: back to reserved. If this write fails, the stored ``calling``
            # reads as unknown later and is given up loudly, never repeated.
            released = seen.then(state="reserved", call_ms=None, calls=seen.calls - 1)
            if _write(intents, key, seen, released, expires):
                seen = released
            pause = _next_pause(pauses, how) if exc.transient else None
            if pause is None:
                raise
        except Exception:
            # A 5xx, a read timeout, a dropped connection: the service may or may not have acted.
            if unknown_since is None:
                unknown_since = now
            pause = _next_pause(pauses, how)
            if pause is None or how.now_ms() + pause - unknown_since >= how.retry_window_ms:
                raise
        else:
            final = seen.then(state="gone" if outcome == "gone" else "done", call_ms=None)
            if not _write(intents, key, seen, final, expires):
                logger.warning("action confirmed but its intent not marked done", extra=key)
            return outcome
        how.sleep_ms(pause)


def _write(
    intents: IntentLog, key: Mapping[str, str], seen: Intent, new: Intent, expires: int
) -> bool:
    """A write after the call: its failure must not hide what the call itself did."""
    try:
        return intents.swap(key, seen, new, expires)
    except Exception:
        logger.exception("intent not updated", extra=dict(key))
        return False


def _next_pause(pauses: Iterator[int], how: OnceSettings) -> int | None:
    """The next pause, if there is one and another call still fits in the invocation."""
    pause = next(pauses, None)
    if pause is None or how.time_left_ms() < pause + how.call_timeout_ms + 1_000:
        return None
    return pause
