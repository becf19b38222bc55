"""Disconnect intents in DynamoDB (moto): reserved once, moved by compare-and-set, and a write
whose reply was lost settled by reading it back."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ReadTimeoutError

from chatmod.aws.dynamodb_intents import DynamoDBIntentLog, intent_pk
from chatmod.aws.dynamodb_ledger import KEY_ATTR
from chatmod.escalation.actions import ActionInFlightError, Outcome
from chatmod.escalation.intents import Intent, OnceSettings, OutcomeUnknownError, run_once

from .test_escalation_dynamodb import TABLE, make_table

pytestmark = pytest.mark.usefixtures("moto_aws")
KEY = {"action": "disconnect", "room": "room/abc", "target": "viewer-1#MSG000000001"}


def intents(client: Any = None) -> DynamoDBIntentLog:
    return DynamoDBIntentLog(TABLE, client or make_table())


class LosesReplies:
    """A DynamoDB client whose next ``lose`` put_item calls are applied, then answered with a
    read timeout (the reply lost on the way back)."""

    def __init__(self, client: Any, lose: int) -> None:
        self.client = client
        self.lose = lose

    def put_item(self, **kwargs: Any) -> Any:
        answer = self.client.put_item(**kwargs)
        if self.lose:
            self.lose -= 1
            raise ReadTimeoutError(endpoint_url="https://dynamodb.us-east-1.amazonaws.com")
        return answer

    def __getattr__(self, name: str) -> Any:
        return getattr(self.client, name)


def test_an_intent_is_reserved_once_and_moved_only_from_the_version_seen() -> None:
    log = intents()
    first = Intent("a", "reserved", 1_000)
    assert log.reserve(KEY, first, 99) == first
    assert log.reserve(KEY, Intent("b", "reserved", 5_000), 99) == first
    calling = first.then(state="calling", call_ms=1_100, calls=1)
    assert log.swap(KEY, first, calling, 99)
    assert not log.swap(KEY, first, first.then(token="b"), 99)  # a stale version loses
    assert log.get(KEY) == calling


def test_a_lost_reply_to_the_reservation_is_settled_by_reading_it_back() -> None:
    client = make_table()
    log = intents(LosesReplies(client, lose=1))
    mine = Intent("a", "reserved", 1_000)
    assert log.reserve(KEY, mine, 99) == mine  # the write landed: it is ours
    assert log.swap(KEY, mine, mine.then(state="calling", call_ms=1_001), 99)


def test_a_lost_reply_to_a_swap_is_settled_by_reading_it_back() -> None:
    client = make_table()
    lossy = LosesReplies(client, lose=0)
    log = intents(lossy)
    mine = log.reserve(KEY, Intent("a", "reserved", 1_000), 99)
    lossy.lose = 1
    calling = mine.then(state="calling", call_ms=1_001)
    assert log.swap(KEY, mine, calling, 99)
    assert log.get(KEY) == calling


def test_an_intent_from_before_states_is_given_up_loudly_never_repeated() -> None:
    client = make_table()
    client.put_item(
        TableName=TABLE,
        Item={KEY_ATTR: {"S": intent_pk(KEY)}, "intent_at_ms": {"N": "5"}},
    )
    calls: list[int] = []

    def act() -> Outcome:
        calls.append(1)
        return "done"

    with pytest.raises(OutcomeUnknownError):
        how = OnceSettings(call_timeout_ms=3_000, now_ms=lambda: 600_000)
        run_once(intents(client), KEY, act, how)
    assert calls == []


def test_run_once_through_dynamodb_repeats_within_the_window_and_then_gives_up() -> None:
    log = intents()
    now = [0]
    calls: list[int] = []

    def act() -> Outcome:
        calls.append(now[0])
        now[0] += 3_000  # each call times out
        raise RuntimeError("read timeout")

    how = OnceSettings(
        call_timeout_ms=3_000,
        retry_window_ms=5_000,
        now_ms=lambda: now[0],
        sleep_ms=lambda ms: now.__setitem__(0, now[0] + ms),
    )
    with pytest.raises(RuntimeError):
        run_once(log, KEY, act, how)
    assert calls == [0, 3_200]  # the second call started inside the window, a third would not
    stored = log.get(KEY)
    assert stored is not None and stored.state == "calling" and stored.unknown_since_ms == 0
    now[0] += 180_000  # the queue's next delivery: long past the window
    with pytest.raises(OutcomeUnknownError) as given_up:
        run_once(log, KEY, act, how)
    assert calls == [0, 3_200] and given_up.value.intent.calls == 2


def test_a_call_another_attempt_started_moments_ago_is_left_to_it() -> None:
    log = intents()
    theirs = log.reserve(KEY, Intent("theirs", "reserved", 0), 99)
    assert log.swap(KEY, theirs, theirs.then(state="calling", call_ms=0, calls=1), 99)

    def act() -> Outcome:
        raise AssertionError("called while another attempt may still be calling")

    how = OnceSettings(call_timeout_ms=3_000, now_ms=lambda: 1_000)
    with pytest.raises(ActionInFlightError):
        run_once(log, KEY, act, how)
