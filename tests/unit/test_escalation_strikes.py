"""Strike-window math and the in-memory ledger's atomic semantics."""

from __future__ import annotations

import threading

from chatmod.escalation import LedgerKey, LedgerState, MemoryLedger
from chatmod.escalation.strikes import (
    active_strikes,
    expires_at,
    plan_disconnect,
    recent_flagged,
    stale_entries,
)

T0 = 1_790_000_000_000
W = 900  # seconds
KEY = LedgerKey("arn:aws:ivschat:us-east-1:123456789012:room/g1H2I3J4k5L6", "viewer-42")


def state(**strikes: int) -> LedgerState:
    return LedgerState(strikes=strikes)


def test_active_strikes_are_those_within_the_window_of_the_anchor_either_side() -> None:
    s = state(a=T0 - W * 1000, b=T0 - W * 1000 + 1, c=T0, d=T0 + W * 1000 - 1, e=T0 + W * 1000)
    assert sorted(active_strikes(s, T0, W)) == ["b", "c", "d"]


def test_consumed_strikes_never_count_again() -> None:
    s = LedgerState(strikes={"a": T0, "b": T0 + 1, "c": T0 + 2}, cleared_at_ms=T0 + 1)
    assert list(active_strikes(s, T0 + 2, W)) == ["c"]


def test_plan_needs_threshold_active_strikes_including_this_one() -> None:
    s = state(a=T0, b=T0 + 1000)
    assert (
        plan_disconnect(s, "b", T0 + 1000, threshold=3, window_seconds=W, immediate=False) is None
    )
    s = state(a=T0, b=T0 + 1000, c=T0 + 2000)
    plan = plan_disconnect(s, "b", T0 + 1000, threshold=3, window_seconds=W, immediate=False)
    assert plan is not None
    assert plan.counted == {"a": T0, "b": T0 + 1000, "c": T0 + 2000}
    assert plan.cleared_at_ms == T0 + 2000  # consumes the later strike too


def test_unordered_delivery_still_reaches_the_threshold() -> None:
    # c arrived first, then a; b is handled last and sees the whole burst
    s = state(a=T0, b=T0 + 1000, c=T0 + 2000)
    assert plan_disconnect(s, "b", T0 + 1000, threshold=3, window_seconds=W, immediate=False)


def test_strikes_further_apart_than_the_window_do_not_add_up() -> None:
    s = state(a=T0, b=T0 + W * 1000, c=T0 + 2 * W * 1000)
    for mid, at in s.strikes.items():
        assert plan_disconnect(s, mid, at, threshold=3, window_seconds=W, immediate=False) is None


def test_immediate_disconnects_on_a_single_unconsumed_strike() -> None:
    s = state(a=T0)
    plan = plan_disconnect(s, "a", T0, threshold=3, window_seconds=W, immediate=True)
    assert plan is not None and plan.cleared_at_ms == T0
    consumed = LedgerState(strikes={"a": T0}, cleared_at_ms=T0)
    assert plan_disconnect(consumed, "a", T0, threshold=3, window_seconds=W, immediate=True) is None


def test_flagged_and_stale_entries() -> None:
    s = LedgerState(
        strikes={"old": T0 - 2 * W * 1000, "used": T0 - 10, "new": T0},
        flagged={"f_old": T0 - 2 * W * 1000, "f_new": T0 - 1000},
        cleared_at_ms=T0 - 10,
    )
    assert recent_flagged(s, T0, W) == {"f_new": T0 - 1000}
    strikes, flagged = stale_entries(s, T0, W)
    assert sorted(strikes) == ["old", "used"]
    assert list(flagged) == ["f_old"]
    assert expires_at(T0, W) == T0 // 1000 + 2 * W + 86_400


def test_memory_ledger_adds_each_message_once() -> None:
    ledger = MemoryLedger()
    ledger.add_strike(KEY, "a", T0, 10)
    after = ledger.add_strike(KEY, "a", T0, 20)
    assert after.strikes == {"a": T0}
    assert ledger.get(KEY).strikes == {"a": T0}


def test_memory_ledger_claim_is_compare_and_set() -> None:
    ledger = MemoryLedger()
    ledger.add_strike(KEY, "a", T0, 10)
    assert ledger.claim_disconnect(KEY, None, T0, "a")
    assert not ledger.claim_disconnect(KEY, None, T0 + 5, "b")  # lost the race
    assert ledger.get(KEY).pending == frozenset({"a"})
    assert ledger.claim_disconnect(KEY, T0, T0 + 5, "b")
    ledger.complete_disconnect(KEY, "a")
    assert ledger.get(KEY) == LedgerState(
        strikes={"a": T0}, cleared_at_ms=T0 + 5, pending=frozenset({"b"})
    )


def test_memory_ledger_counts_concurrent_strikes() -> None:
    ledger = MemoryLedger()
    barrier = threading.Barrier(8)

    def strike(i: int) -> None:
        barrier.wait()
        for j in range(25):
            ledger.add_strike(KEY, f"m{i:02d}{j:02d}", T0 + i * 100 + j, 10)

    threads = [threading.Thread(target=strike, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(ledger.get(KEY).strikes) == 200
