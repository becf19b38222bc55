"""Disconnect intents in DynamoDB (moto): written once, the earlier time read back, withdrawn."""

from __future__ import annotations

import pytest

from chatmod.aws.dynamodb_intents import DynamoDBIntentLog
from chatmod.escalation.actions import ActionInFlightError, Outcome, at_most_once

from .test_escalation_dynamodb import TABLE, make_table

pytestmark = pytest.mark.usefixtures("moto_aws")
KEY = {"action": "disconnect", "room": "room/abc", "target": "viewer-1#MSG000000001"}


def intents() -> DynamoDBIntentLog:
    client = make_table()
    return DynamoDBIntentLog(TABLE, client)


def test_an_intent_is_recorded_once_and_the_first_time_is_kept() -> None:
    log = intents()
    assert log.record(KEY, 1_000, 99) is None
    assert log.record(KEY, 5_000, 99) == 1_000
    log.withdraw(KEY)
    assert log.record(KEY, 7_000, 99) is None


def test_at_most_once_through_dynamodb() -> None:
    log = intents()
    calls: list[int] = []

    def act() -> Outcome:
        calls.append(1)
        raise RuntimeError("500 after the effect")

    with pytest.raises(RuntimeError):
        at_most_once(log, KEY, act, timeout_ms=30_000, now_ms=lambda: 0)
    with pytest.raises(ActionInFlightError):
        at_most_once(log, KEY, act, timeout_ms=30_000, now_ms=lambda: 10_000)
    assert at_most_once(log, KEY, act, timeout_ms=30_000, now_ms=lambda: 31_000) == "attempted"
    assert calls == [1]
