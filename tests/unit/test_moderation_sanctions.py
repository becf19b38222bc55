"""Timeouts and bans: what the sender is told, which sanction applies, how the review's
in-memory view follows the store, and the refusal the review gives."""

from __future__ import annotations

import argparse

import pytest

from chatmod.contract import ReviewRequest
from chatmod.moderation.cache import OVERLAP_MS, SanctionCache
from chatmod.moderation.cli import duration_seconds
from chatmod.moderation.enforce import sanctioned_review
from chatmod.moderation.sanctions import ACCOUNT_WIDE, Sanction, SanctionIndex, remaining_text
from chatmod.moderation.service import BanRequest, SanctionService
from chatmod.moderation.store import MemorySanctionStore

ROOM = "arn:aws:ivschat:us-east-1:123456789012:room/abcdEFGH1234"
NOW = 1_800_000_000_000


def sanction(user: str = "u1", room: str = "abcdEFGH1234", **extra: object) -> Sanction:
    values: dict[str, object] = {
        "room_id": room,
        "user_id": user,
        "created_at_ms": NOW,
        "updated_at_ms": NOW,
    }
    values.update(extra)
    return Sanction.model_validate(values)


@pytest.mark.parametrize(
    ("left_ms", "text"),
    [
        (540_000, "9 more minutes"),
        (8 * 60_000 + 1, "9 more minutes"),
        (60_000, "1 more minute"),
        (90_000, "2 more minutes"),
        (42_000, "42 more seconds"),
        (400, "1 more second"),
        (3 * 3_600_000, "3 more hours"),
        (3 * 86_400_000, "3 more days"),
    ],
)
def test_time_left_is_rounded_up_in_the_largest_sensible_unit(left_ms: int, text: str) -> None:
    assert remaining_text(left_ms) == text


def test_the_refusal_says_how_long_and_why() -> None:
    timeout = sanction(until_ms=NOW + 540_000, reason="spam")
    assert timeout.refusal(NOW) == "You are timed out for 9 more minutes. Reason: spam"
    assert sanction().refusal(NOW) == "You are banned from this chat."
    assert len(sanction(reason="x" * 256).refusal(NOW)) == 256


def test_the_index_applies_room_and_account_wide_sanctions_and_forgets_ended_ones() -> None:
    index = SanctionIndex().merged(
        [
            sanction("timed", until_ms=NOW + 1_000),
            sanction("banned", room=ACCOUNT_WIDE),
            sanction("over", until_ms=NOW - 1),
            sanction("elsewhere", room="otherRoom0001"),
        ],
        NOW,
    )
    assert index.find(ROOM, "timed", NOW) is not None
    assert index.find(ROOM, "timed", NOW + 1_000) is None  # ends on its own, no refresh needed
    assert index.find(ROOM, "banned", NOW) is not None
    assert index.find(ROOM, "over", NOW) is None
    assert index.find(ROOM, "elsewhere", NOW) is None
    assert len(index) == 3


def test_the_longest_sanction_applies_and_an_older_write_never_wins() -> None:
    index = SanctionIndex().merged(
        [sanction("u1", until_ms=NOW + 60_000), sanction("u1", room=ACCOUNT_WIDE)], NOW
    )
    found = index.find(ROOM, "u1", NOW)
    assert found is not None and found.kind == "ban"
    newer = sanction("u2", until_ms=NOW + 5_000, updated_at_ms=NOW + 10)
    stale = sanction("u2", lifted=True)
    index = SanctionIndex().merged([newer], NOW).merged([stale], NOW)
    assert index.find(ROOM, "u2", NOW) == newer
    lifted = newer.lifted_at(NOW + 20)
    assert SanctionIndex().merged([newer], NOW).merged([lifted], NOW).find(ROOM, "u2", NOW) is None


class CountingStore(MemorySanctionStore):
    def __init__(self) -> None:
        super().__init__()
        self.asked: list[int] = []

    def changes_since(self, since_ms: int) -> list[Sanction]:
        self.asked.append(since_ms)
        return super().changes_since(since_ms)


def test_the_cache_follows_the_store_by_its_changes_not_by_reading_everything() -> None:
    store = CountingStore()
    clock = [NOW]
    cache = SanctionCache(store, wall_ms=lambda: clock[0])
    service = SanctionService(store, clock_ms=lambda: clock[0])
    service.impose("abcdEFGH1234", BanRequest(userId="u1", durationSeconds=60))
    cache.refresh()
    assert cache.find(ROOM, "u1") is not None
    clock[0] += 1_000
    service.lift("abcdEFGH1234", "u1")
    assert cache.find(ROOM, "u1") is not None  # not refreshed yet: no store call per message
    cache.refresh()
    assert cache.find(ROOM, "u1") is None
    assert store.asked == [0, NOW - OVERLAP_MS]


def test_a_stale_cache_without_its_thread_answers_from_memory() -> None:
    store = MemorySanctionStore()
    store.put(sanction("u1"))
    cache = SanctionCache(store, wall_ms=lambda: NOW)
    assert cache.find(ROOM, "u1") is None  # never loaded, never started: nothing refused
    cache.start()
    cache.refresh()
    assert cache.find(ROOM, "u1") is not None


def test_the_service_lifts_only_what_is_in_force_and_lists_newest_first() -> None:
    clock = [NOW]
    service = SanctionService(MemorySanctionStore(), clock_ms=lambda: clock[0])
    service.impose("room1", BanRequest(userId="a", durationSeconds=10))
    clock[0] += 1
    service.impose("room1", BanRequest(userId="b", scope="account"))
    clock[0] += 1
    service.impose("room2", BanRequest(userId="c"))
    assert [s.user_id for s in service.in_force("room1")] == ["b", "a"]
    clock[0] += 10_000
    assert [s.user_id for s in service.in_force("room1")] == ["b"]
    assert service.lift("room1", "a") is None  # its timeout is over
    assert service.lift("room1", "b") is None  # it is account-wide, not this room's
    lifted = service.lift("room1", "b", "account")
    assert lifted is not None and lifted.lifted


def test_a_sanctioned_sender_is_refused_before_review() -> None:
    store = MemorySanctionStore()
    store.put(sanction("u1", until_ms=NOW + 120_000, reason="flood"))
    cache = SanctionCache(store, wall_ms=lambda: NOW)
    cache.refresh()
    request = ReviewRequest.model_validate(
        {
            "Content": "hello",
            "MessageId": "ABCDEFGH1234",
            "RoomArn": ROOM,
            "Sender": {"UserId": "u1"},
        }
    )
    review = sanctioned_review(cache, request)
    assert review is not None
    assert review.response.to_ivs() == {
        "ReviewResult": "DENY",
        "Content": "hello",
        "Attributes": {"Reason": "You are timed out for 2 more minutes. Reason: flood"},
    }
    assert review.decision.rule_ids == ("sanction.timeout",)
    other = request.model_copy(
        update={"sender": request.sender.model_copy(update={"user_id": "x"})}
    )
    assert sanctioned_review(cache, other) is None
    assert sanctioned_review(None, request) is None


@pytest.mark.parametrize(("text", "seconds"), [("90", 90), ("90s", 90), ("10m", 600), ("2h", 7200)])
def test_cli_durations(text: str, seconds: int) -> None:
    assert duration_seconds(text) == seconds


@pytest.mark.parametrize("text", ["0", "10x", "-5m", ""])
def test_cli_refuses_what_is_not_a_duration(text: str) -> None:
    with pytest.raises(argparse.ArgumentTypeError):
        duration_seconds(text)


@pytest.mark.parametrize(
    ("name", "table"),
    [
        ("chatmod-ModerationTable-1ABC", True),
        ("arn:aws:dynamodb:us-east-1:123456789012:table/moderation", True),
        ("arn:aws:local:us-east-1:123456789012:ModerationTable", False),  # a local !Ref
        ("", False),
    ],
)
def test_a_local_placeholder_is_not_taken_for_a_table(name: str, table: bool) -> None:
    from chatmod.moderation.wiring import is_table

    assert is_table(name) is table


class FailingStore(MemorySanctionStore):
    def changes_since(self, since_ms: int) -> list[Sanction]:
        raise ConnectionError("table unreachable")


def test_a_failing_store_keeps_the_last_index_and_messages_stop_waiting_for_it() -> None:
    errors: list[BaseException] = []
    cache = SanctionCache(FailingStore(), wall_ms=lambda: NOW, on_error=errors.append)
    assert cache.stale() is False  # not started: nothing to wait for
    cache.start()
    assert cache.tried(5)  # the first attempt (it fails)
    assert cache.find(ROOM, "u1") is None and errors
    assert cache.age_s() is None  # never loaded...
    assert cache.stale() is False  # ...but tried just now: the next message does not wait
