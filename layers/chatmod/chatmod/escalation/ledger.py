"""The strike ledger interface and an in-memory implementation (local runs and tests).

Every write is atomic per entry, so concurrent deliveries count right: adding a strike is
idempotent per message id, and claiming a disconnect is a compare-and-set on the entry's
``cleared_at_ms`` mark, so exactly one of several racing strikes wins it.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Protocol

from chatmod.escalation.strikes import LedgerKey, LedgerState


class StrikeLedger(Protocol):
    def get(self, key: LedgerKey) -> LedgerState:
        """The entry as stored now (an empty state when there is none)."""
        ...

    def add_strike(
        self, key: LedgerKey, message_id: str, at_ms: int, expires_at: int
    ) -> LedgerState:
        """Records a strike once per message id; returns the entry after the write."""
        ...

    def note_flagged(self, key: LedgerKey, message_id: str, at_ms: int, expires_at: int) -> None:
        """Remembers a delivered, flagged message (deleted on disconnect when purging)."""
        ...

    def claim_disconnect(
        self, key: LedgerKey, seen_cleared_at_ms: int | None, cleared_at_ms: int, claim_id: str
    ) -> bool:
        """Consumes strikes up to ``cleared_at_ms`` and marks the claim pending, if the
        entry's mark is still ``seen_cleared_at_ms``; False when another claim won."""
        ...

    def complete_disconnect(self, key: LedgerKey, claim_id: str) -> None:
        """Drops a pending claim once its disconnect is done."""
        ...

    def forget(
        self, key: LedgerKey, strikes: Iterable[tuple[str, int]], flagged: Iterable[tuple[str, int]]
    ) -> None:
        """Prunes entries that can no longer matter (best effort)."""
        ...


@dataclass
class _Entry:
    state: LedgerState = field(default_factory=LedgerState)


class MemoryLedger:
    """A process-local ledger with the same semantics as the DynamoDB one (its entries last as
    long as the process: ``expires_at`` is the table's TTL, which a process does not need)."""

    def __init__(self) -> None:
        self._entries: dict[LedgerKey, _Entry] = {}
        self._lock = threading.Lock()

    def _entry(self, key: LedgerKey) -> _Entry:
        return self._entries.setdefault(key, _Entry())

    def get(self, key: LedgerKey) -> LedgerState:
        with self._lock:
            entry = self._entries.get(key)
            return entry.state if entry else LedgerState()

    def add_strike(
        self, key: LedgerKey, message_id: str, at_ms: int, expires_at: int
    ) -> LedgerState:
        with self._lock:
            entry = self._entry(key)
            strikes = dict(entry.state.strikes)
            strikes.setdefault(message_id, at_ms)
            entry.state = replace(entry.state, strikes=strikes)
            return entry.state

    def note_flagged(self, key: LedgerKey, message_id: str, at_ms: int, expires_at: int) -> None:
        with self._lock:
            entry = self._entry(key)
            flagged = dict(entry.state.flagged)
            flagged.setdefault(message_id, at_ms)
            entry.state = replace(entry.state, flagged=flagged)

    def claim_disconnect(
        self, key: LedgerKey, seen_cleared_at_ms: int | None, cleared_at_ms: int, claim_id: str
    ) -> bool:
        with self._lock:
            entry = self._entry(key)
            if entry.state.cleared_at_ms != seen_cleared_at_ms:
                return False
            pending = entry.state.pending | {claim_id}
            entry.state = replace(entry.state, cleared_at_ms=cleared_at_ms, pending=pending)
            return True

    def complete_disconnect(self, key: LedgerKey, claim_id: str) -> None:
        with self._lock:
            entry = self._entry(key)
            pending = entry.state.pending - {claim_id}
            entry.state = replace(entry.state, pending=pending)

    def forget(
        self, key: LedgerKey, strikes: Iterable[tuple[str, int]], flagged: Iterable[tuple[str, int]]
    ) -> None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return
            drop_s = {m for m, _ in strikes}
            drop_f = {m for m, _ in flagged}
            entry.state = replace(
                entry.state,
                strikes={m: a for m, a in entry.state.strikes.items() if m not in drop_s},
                flagged={m: a for m, a in entry.state.flagged.items() if m not in drop_f},
            )
