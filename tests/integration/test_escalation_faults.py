"""Fault injection around ivschat, SQS and DynamoDB (``fault_injection``): no action is lost
without being in the dead-letter queue and counted, and no disconnect is repeated where its
outcome was known."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from chatmod.escalation.actions import DryRunActions
from chatmod.escalation.intents import RETRY_WINDOW_MS
from chatmod_local.invoke import LocalFunction

from .fault_injection import LISTED, SCENARIOS, Figures, escalation_function, run
from .sqs_events import lambda_sqs_event

pytestmark = [
    pytest.mark.usefixtures("moto_aws"),
    pytest.mark.filterwarnings("ignore::DeprecationWarning"),
    pytest.mark.filterwarnings("ignore:Couldn't determine the remaining time"),
]


@pytest.fixture
def drained(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[str], Figures]]:
    import time

    function, sleeps = escalation_function()
    monkeypatch.setattr(time, "sleep", sleeps.append)  # botocore's backoffs: the fake clock

    def drain(scenario: str) -> Figures:
        return run(scenario, 1, function, sleeps)

    yield drain


def _nothing_silent(f: Figures) -> None:
    assert f.injected > 0  # the scenario did what it says
    assert f.disconnects_lost_not_in_dlq == 0
    assert f.deletes_lost_not_in_dlq == 0 and f.deletes_lost_in_dlq == 0
    assert f.poison_in_dlq == 10
    # every give-up is in the dead-letter queue with its reason, and counted
    assert f.disconnects_lost_metric == f.given_up_in_dlq
    assert f.disconnects_lost_in_dlq <= f.given_up_in_dlq
    # Disconnects counts the calls ivschat confirmed, nothing else
    assert f.disconnects_metric == f.confirmed_disconnect_calls


@pytest.mark.parametrize("scenario", LISTED)
def test_no_disconnect_is_lost_silently_or_repeated(
    drained: Callable[[str], Figures], scenario: str
) -> None:
    f = drained(scenario)
    _nothing_silent(f)
    assert f.duplicate_disconnects == 0
    if "withdrawal" not in scenario:  # there the release write failing leaves it unknown
        assert f.disconnects_lost_in_dlq == 0 and f.confirmed_disconnect_calls == 50


@pytest.mark.parametrize("scenario", [s for s in SCENARIOS if s not in LISTED])
def test_after_the_effect_a_disconnect_is_repeated_only_inside_the_window(
    drained: Callable[[str], Figures], scenario: str
) -> None:
    f = drained(scenario)
    _nothing_silent(f)
    assert f.disconnects_lost_in_dlq == 0
    assert 0 < f.latest_repeat_ms < RETRY_WINDOW_MS


def _given_up_setup() -> tuple[LocalFunction, DryRunActions, str, str]:
    """The function with a disconnect intent left ``calling`` ten minutes ago (a crash)."""
    import boto3

    from chatmod.aws.dead_letter import DeadLetters
    from chatmod.escalation import EscalationProcessor, MemoryLedger
    from chatmod.escalation.intents import Intent, MemoryIntentLog
    from chatmod.escalation.record import EscalationRecord
    from chatmod.policy import load_policy

    from .fault_injection import ROOM, T0

    function, _ = escalation_function()
    intents = MemoryIntentLog()
    actions = DryRunActions()
    module = function.module
    module.HANDLER.processor = EscalationProcessor(
        load_policy,
        MemoryLedger(),
        actions,
        module.HANDLER.guard,
        clock_ms=lambda: T0 + 600_000,
        intents=intents,
        disconnect_timeout_ms=3_000,
    )
    key = {"action": "disconnect", "room": ROOM, "target": "viewer-66#MSG000000066"}
    crashed = Intent("earlier", "calling", T0, version=1, call_ms=T0, calls=1)
    intents.reserve(key, crashed, 99)
    sqs = boto3.client("sqs")
    dlq = sqs.create_queue(QueueName="given-up-dlq")["QueueUrl"]
    module.HANDLER.dead_letters = DeadLetters(dlq, sqs)
    body = EscalationRecord(
        kind="strike",
        room_arn=ROOM,
        user_id="viewer-66",
        message_id="MSG000000066",
        reviewed_at_ms=T0,
        result="DENY",
        severity="high",
        categories=("threat",),
    ).to_body()
    return function, actions, dlq, body


def _event(body: str) -> dict[str, object]:
    message = {
        "MessageId": "m-1",
        "ReceiptHandle": "r-1",
        "Body": body,
        "Attributes": {"ApproximateReceiveCount": "1"},
        "MD5OfBody": "",
    }
    return lambda_sqs_event([message], "escalation")


def test_a_given_up_disconnect_goes_to_the_dead_letter_queue_with_its_reason() -> None:
    import io
    import json

    import boto3

    function, actions, dlq, body = _given_up_setup()
    logs = io.StringIO()
    function.log_stream = logs
    result = function.invoke(_event(body))
    assert result == {"batchItemFailures": []}  # done with here: it waits in the DLQ
    assert actions.calls == []  # never called again past the window
    dead = boto3.client("sqs").receive_message(QueueUrl=dlq, MessageAttributeNames=["All"])
    (message,) = dead["Messages"]
    assert message["Body"] == body
    reason = message["MessageAttributes"]["reason"]["StringValue"]
    assert reason.startswith("DisconnectUser outcome unknown: the outcome of a call 600000 ms")
    assert message["MessageAttributes"]["message_id"]["StringValue"] == "MSG000000066"
    emf = [json.loads(line) for line in logs.getvalue().splitlines() if '"_aws"' in line]
    assert [m["DisconnectsLost"] for m in emf if "DisconnectsLost" in m] == [[1.0]]
    assert not any("Disconnects" in m for m in emf)


def test_without_a_dead_letter_queue_a_given_up_disconnect_fails_back_to_the_queue() -> None:
    function, actions, _, body = _given_up_setup()
    function.module.HANDLER.dead_letters = None
    result = function.invoke(_event(body))
    assert result == {"batchItemFailures": [{"itemIdentifier": "m-1"}]}
    assert actions.calls == []
