"""Strike-window math over a ledger entry: which strikes still count, and when to disconnect.

A ledger entry (one per room and user) remembers strikes and delivered flagged messages by
message id with the time they were reviewed. Windows are anchored on the record being handled
(its review time, not the time it is processed), so a record that waited in the queue or was
redriven from the dead-letter queue counts the same, and SQS's unordered delivery cannot hide
a burst: a strike counts every unconsumed strike reviewed within ``window_seconds`` of it,
before or after. A disconnect *consumes* every strike up to the newest one it counted
(``cleared_at_ms``), so the next episode starts from zero and a redelivered strike that was
already counted never triggers a second disconnect.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

# Entries outlive their window by a day, so a quiet user's item disappears through TTL.
TTL_GRACE_SECONDS = 86_400


@dataclass(frozen=True)
class LedgerKey:
    room_arn: str
    user_id: str


@dataclass(frozen=True)
class LedgerState:
    """One room+user entry: message id -> reviewed-at (epoch ms) for each kind of entry."""

    strikes: Mapping[str, int] = field(default_factory=dict)
    flagged: Mapping[str, int] = field(default_factory=dict)
    cleared_at_ms: int | None = None
    pending: frozenset[str] = frozenset()  # claim ids (message ids) not yet confirmed done


def _within(at_ms: int, anchor_ms: int, window_seconds: int) -> bool:
    return abs(at_ms - anchor_ms) < window_seconds * 1000


def is_consumed(state: LedgerState, at_ms: int) -> bool:
    return state.cleared_at_ms is not None and at_ms <= state.cleared_at_ms


def active_strikes(state: LedgerState, anchor_ms: int, window_seconds: int) -> dict[str, int]:
    """Unconsumed strikes reviewed within the window of ``anchor_ms``."""
    return {
        mid: at
        for mid, at in state.strikes.items()
        if _within(at, anchor_ms, window_seconds) and not is_consumed(state, at)
    }


def recent_flagged(state: LedgerState, anchor_ms: int, window_seconds: int) -> dict[str, int]:
    """Delivered flagged messages reviewed within the window of ``anchor_ms``."""
    return {mid: at for mid, at in state.flagged.items() if _within(at, anchor_ms, window_seconds)}


def stale_entries(
    state: LedgerState, anchor_ms: int, window_seconds: int
) -> tuple[dict[str, int], dict[str, int]]:
    """Entries too old to matter to this record or any later one (safe to prune): reviewed
    two windows before the anchor, or strikes already consumed."""
    horizon = anchor_ms - 2 * window_seconds * 1000
    return (
        {m: a for m, a in state.strikes.items() if a <= horizon or is_consumed(state, a)},
        {m: a for m, a in state.flagged.items() if a <= horizon},
    )


def expires_at(now_ms: int, window_seconds: int) -> int:
    """The TTL (epoch seconds) an entry gets each time it is written."""
    return now_ms // 1000 + 2 * window_seconds + TTL_GRACE_SECONDS


@dataclass(frozen=True)
class DisconnectPlan:
    """A disconnect this strike should claim, and the mark that consumes the counted strikes."""

    counted: dict[str, int]
    cleared_at_ms: int


def plan_disconnect(
    state: LedgerState,
    message_id: str,
    at_ms: int,
    *,
    threshold: int,
    window_seconds: int,
    immediate: bool,
) -> DisconnectPlan | None:
    """The disconnect this strike triggers, if any.

    A strike triggers only while it is itself unconsumed: with ``threshold`` active strikes
    in its window, or at once when its category is severe enough (``immediate``).
    """
    if is_consumed(state, at_ms):
        return None
    active = active_strikes(state, at_ms, window_seconds)
    if immediate:
        active[message_id] = at_ms
    elif message_id not in active or len(active) < threshold:
        return None
    return DisconnectPlan(counted=active, cleared_at_ms=max(active.values()))
