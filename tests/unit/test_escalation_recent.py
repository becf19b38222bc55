"""The review instance's memory of each sender's recent delivered messages (second-opinion
context): per room and user, newest few, within the window, bounded in senders."""

from __future__ import annotations

import threading

import pytest

from chatmod.escalation.recent import RecentMessages

ROOM = "arn:aws:ivschat:us-east-1:123456789012:room/g1H2I3J4k5L6"
OTHER_ROOM = "arn:aws:ivschat:us-east-1:123456789012:room/zzzzzzzzzzzz"
T0 = 1_790_000_000_000


def test_context_is_the_senders_last_messages_in_this_room_oldest_first() -> None:
    recent = RecentMessages(per_sender=3)
    for i, text in enumerate(["one", "two", "three", "four"]):
        recent.remember(ROOM, "viewer-42", text, T0 + i)
    recent.remember(ROOM, "viewer-66", "someone else", T0 + 5)
    recent.remember(OTHER_ROOM, "viewer-42", "another room", T0 + 5)
    assert recent.context(ROOM, "viewer-42", T0 + 10) == ("two", "three", "four")
    assert recent.context(ROOM, "viewer-66", T0 + 10) == ("someone else",)
    assert recent.context(OTHER_ROOM, "viewer-42", T0 + 10) == ("another room",)
    assert recent.context(ROOM, "nobody", T0 + 10) == ()


def test_messages_older_than_the_window_are_not_context() -> None:
    recent = RecentMessages(window_ms=120_000)
    recent.remember(ROOM, "viewer-42", "long ago", T0)
    recent.remember(ROOM, "viewer-42", "just now", T0 + 100_000)
    assert recent.context(ROOM, "viewer-42", T0 + 119_999) == ("long ago", "just now")
    assert recent.context(ROOM, "viewer-42", T0 + 120_000) == ("just now",)
    assert recent.context(ROOM, "viewer-42", T0 + 300_000) == ()


def test_the_least_recently_active_sender_is_forgotten_first() -> None:
    recent = RecentMessages(max_senders=2)
    recent.remember(ROOM, "a", "from a", T0)
    recent.remember(ROOM, "b", "from b", T0 + 1)
    recent.remember(ROOM, "a", "a again", T0 + 2)  # a is now the most recent
    recent.remember(ROOM, "c", "from c", T0 + 3)
    assert len(recent) == 2
    assert recent.context(ROOM, "b", T0 + 4) == ()
    assert recent.context(ROOM, "a", T0 + 4) == ("from a", "a again")
    assert recent.context(ROOM, "c", T0 + 4) == ("from c",)


def test_long_messages_keep_their_tail_and_blank_ones_are_ignored() -> None:
    recent = RecentMessages(max_chars=10)
    recent.remember(ROOM, "viewer-42", "   ", T0)
    recent.remember(ROOM, "viewer-42", "a  very\\nlong message here", T0 + 1)
    assert recent.context(ROOM, "viewer-42", T0 + 2) == ("ssage here",)


def test_concurrent_senders_stay_within_the_bound() -> None:
    recent = RecentMessages(max_senders=50, per_sender=2)

    def send(worker: int) -> None:
        for i in range(200):
            recent.remember(ROOM, f"user-{worker}-{i % 80}", f"m{i}", T0 + i)

    threads = [threading.Thread(target=send, args=(w,)) for w in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(recent) == 50


@pytest.mark.parametrize("field", ["per_sender", "window_ms", "max_senders", "max_chars"])
def test_bounds_must_be_positive(field: str) -> None:
    with pytest.raises(ValueError):
        RecentMessages(**{field: 0})
