"""The review's escalation outbox: records made before the sender wait for it, and a deferred
record that fails to send is counted lost without stopping the background start."""

from __future__ import annotations

import io
import json
import logging

import pytest
from aws_lambda_powertools import Logger, Metrics

from chatmod.aws.escalation_outbox import EscalationOutbox
from chatmod.escalation import EscalationRecord

ROOM = "arn:aws:ivschat:us-east-1:123456789012:room/g1H2I3J4k5L6"


def record(message_id: str) -> EscalationRecord:
    return EscalationRecord(
        kind="second_opinion",
        room_arn=ROOM,
        user_id="viewer-42",
        message_id=message_id,
        reviewed_at_ms=1,
        result="ALLOW",
        gray_zone=("toxicity",),
        content="meh",
    )


class FailingOnce:
    """A sender whose first send raises something no botocore client would."""

    def __init__(self) -> None:
        self.sent: list[str] = []

    def send(self, rec: EscalationRecord) -> None:
        if not self.sent and rec.message_id == "MSG000000001":
            self.sent.append("failed")
            raise ValueError("not serialisable")
        self.sent.append(rec.message_id)


def test_a_deferred_record_that_fails_is_counted_lost_and_the_rest_still_go(
    capsys: pytest.CaptureFixture[str],
) -> None:
    outbox = EscalationOutbox(
        Logger(service="t", logger_handler=logging.StreamHandler(io.StringIO())),
        Metrics(namespace="chatmod", service="t"),
        "t",
        starting=lambda: True,
    )
    assert outbox.post(record("MSG000000001"), 0.1) == "deferred"
    assert outbox.post(record("MSG000000002"), 0.1) == "deferred"
    sender = FailingOnce()
    outbox.open(sender)  # type: ignore[arg-type]
    assert sender.sent == ["failed", "MSG000000002"]
    metrics = [json.loads(line) for line in capsys.readouterr().out.splitlines() if "_aws" in line]
    names = {m["_aws"]["CloudWatchMetrics"][0]["Metrics"][0]["Name"] for m in metrics}
    assert {"EscalationSendFailed", "EscalationsLost"} <= names
