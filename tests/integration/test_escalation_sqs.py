"""The queue between the functions, on moto SQS: the review function sends the right records,
the escalation function consumes them, and a poison record ends in the dead-letter queue."""

from __future__ import annotations

import io
import json
import threading
from pathlib import Path
from typing import Any

import boto3
import pytest

from chatmod.escalation import EscalationRecord, parse_record
from chatmod_local.invoke import LocalFunction
from tests.integration.sqs_events import lambda_sqs_event
from tests.unit.fakes import KeywordModel

pytestmark = [
    pytest.mark.usefixtures("moto_aws"),
    pytest.mark.filterwarnings("ignore::DeprecationWarning"),
]

ROOT = Path(__file__).resolve().parents[2]
ROOM = "arn:aws:ivschat:us-east-1:123456789012:room/g1H2I3J4k5L6"
MAX_RECEIVES = 3


def review_event(content: str, message_id: str, user: str = "viewer-42") -> dict[str, Any]:
    return {
        "MessageId": message_id,
        "RoomArn": ROOM,
        "Attributes": {},
        "Sender": {"UserId": user, "Attributes": {}, "Ip": "203.0.113.7"},
        "Content": content,
    }


def make_queues() -> tuple[Any, str, str]:
    sqs = boto3.client("sqs")
    dlq = sqs.create_queue(QueueName="escalation-dlq")["QueueUrl"]
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    queue = sqs.create_queue(
        QueueName="escalation",
        Attributes={
            "RedrivePolicy": json.dumps(
                {"deadLetterTargetArn": dlq_arn, "maxReceiveCount": str(MAX_RECEIVES)}
            )
        },
    )["QueueUrl"]
    return sqs, queue, dlq


def drain(sqs: Any, url: str) -> list[dict[str, Any]]:
    messages: list[dict[str, Any]] = []
    while batch := sqs.receive_message(
        QueueUrl=url, MaxNumberOfMessages=10, MessageAttributeNames=["All"], AttributeNames=["All"]
    ).get("Messages", []):
        messages.extend(batch)
        for m in batch:
            sqs.delete_message(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"])
    return messages


def review_function(queue_url: str, model: KeywordModel | None = None) -> LocalFunction:
    function = LocalFunction(
        "ReviewFunction",
        env={"CHATMOD_ESCALATION_QUEUE_URL": queue_url, "CHATMOD_MODEL_BACKEND": "none"},
        log_stream=io.StringIO(),
    )
    function.module.RUNTIME.startup.join(60)
    if model is not None:
        function.module.RUNTIME.use_model(model)
    return function


def records(sqs: Any, url: str) -> list[EscalationRecord]:
    return [parse_record(m["Body"]) for m in drain(sqs, url)]


def test_review_function_queues_strikes_and_second_opinions_only() -> None:
    sqs, queue, _ = make_queues()
    model = KeywordModel({"meh": {"toxicity": 0.7}, "you will regret": {"threat": 0.95}})
    review = review_function(queue, model)
    responses = [
        review.invoke(review_event("good game everyone", "MSG000000001")),
        review.invoke(review_event("get out of here you f4ggot", "MSG000000002")),
        review.invoke(review_event("meh, whatever you say", "MSG000000003")),
        review.invoke(review_event("you will regret this", "MSG000000004", user="viewer-66")),
        review.invoke(review_event("x" * 501, "MSG000000005")),  # a low-severity deny
    ]
    assert [r["ReviewResult"] for r in responses] == ["ALLOW", "DENY", "ALLOW", "DENY", "DENY"]
    queued = sorted(records(sqs, queue), key=lambda r: r.message_id)
    assert [(r.message_id, r.kind) for r in queued] == [
        ("MSG000000002", "strike"),
        ("MSG000000003", "second_opinion"),
        ("MSG000000004", "strike"),
    ]
    strike, gray, threat = queued
    assert (strike.user_id, strike.room_arn, strike.severity, strike.content) == (
        "viewer-42",
        ROOM,
        "high",
        None,
    )
    assert gray.content == "meh, whatever you say" and gray.gray_zone == ("toxicity",)
    # The sender's earlier delivered message travels as context; the denied one never arrived.
    assert gray.context == ("good game everyone",)
    assert strike.context == () and threat.context == ()
    assert threat.categories == ("threat",) and threat.user_id == "viewer-66"


def test_second_opinion_context_is_this_senders_recent_messages_in_this_room() -> None:
    sqs, queue, _ = make_queues()
    review = review_function(queue, KeywordModel({"meh": {"toxicity": 0.7}}))
    review.invoke(review_event("you are a", "MSG000000001"))
    review.invoke(review_event("hello from someone else", "MSG000000002", user="viewer-66"))
    review.invoke(review_event("that boss fight was fucking brutal", "MSG000000003"))  # masked
    review.invoke(review_event("meh loser", "MSG000000004"))
    review.invoke(review_event("meh indeed", "MSG000000005", user="viewer-66"))
    gray = {r.message_id: r for r in records(sqs, queue) if r.kind == "second_opinion"}
    assert gray["MSG000000004"].context == ("you are a", "that boss fight was f****** brutal")
    assert gray["MSG000000005"].context == ("hello from someone else",)


def test_text_sqs_refuses_is_queued_escaped_and_read_back_exactly() -> None:
    """U+FFFE, U+FFFF and a control character in a gray-zone message: the bodies are what SQS
    accepts, the next message's context carries the text, and the escalation function reads it
    back as sent. (Lone surrogates: the review reads them as U+FFFD before anything is queued;
    a record holding one is covered in tests/unit/test_escalation_wire.py.)"""
    from chatmod.escalation.wire import sqs_allows

    sqs, queue, _ = make_queues()
    review = review_function(queue, KeywordModel({"meh": {"toxicity": 0.7}}))
    user = "viewer-7"
    first = review.invoke(review_event("meh \ufffe odd \uffff\x01 text", "MSG000000001", user))
    second = review.invoke(review_event("meh again", "MSG000000002", user))
    assert first["ReviewResult"] == second["ReviewResult"] == "ALLOW"
    bodies = [m["Body"] for m in drain(sqs, queue)]
    assert len(bodies) == 2
    assert all(sqs_allows(c) for body in bodies for c in body)
    queued = {r.message_id: r for r in map(parse_record, bodies)}
    delivered = queued["MSG000000001"].content
    assert delivered is not None and "\ufffe" in delivered and "\uffff" in delivered
    assert queued["MSG000000002"].context == (delivered,)
    assert {r.user_id for r in queued.values()} == {user}


def test_a_failed_send_never_changes_the_decision(capfd: pytest.CaptureFixture[str]) -> None:
    """The failure is loud whether it came before the deadline or after it (a slow machine)."""
    sqs, queue, _ = make_queues()
    review = review_function(queue)
    sqs.delete_queue(QueueUrl=queue)
    logs = io.StringIO()
    review.log_stream = logs
    response = review.invoke(review_event("get out of here you f4ggot", "MSG000000002"))
    assert response["ReviewResult"] == "DENY" and response["Attributes"]["Reason"]
    review.module.RUNTIME.outbox.sender._worker.submit(lambda: None).result(
        timeout=10
    )  # the send ended
    captured = capfd.readouterr()
    text = logs.getvalue() + captured.out + captured.err
    in_time = "escalation not sent" in text and "EscalationSendFailed" in text
    late = "late escalation send failed" in text and "EscalationLateFailed" in text
    assert in_time or late
    assert '"EscalationsLost"' in text


def _hang(review: LocalFunction, then_fail: bool) -> threading.Event:
    """Holds the sender's next send until the returned event is set; then it goes to SQS, or
    fails as a connection would."""
    client = review.module.RUNTIME.outbox.sender.client
    real_send = client.send_message
    release = threading.Event()

    def hung_send(**kwargs: Any) -> Any:
        release.wait(timeout=10)
        if then_fail:
            raise ConnectionError("connection reset by peer")
        return real_send(**kwargs)

    client.send_message = hung_send
    return release


def test_a_hung_send_never_holds_the_answer_back_and_says_when_it_arrived(
    capfd: pytest.CaptureFixture[str],
) -> None:
    """The send is still blocked when the handler answers; it completes afterwards, and the
    late send's end is logged and counted (from the sender's thread, on the process's own
    stderr)."""
    sqs, queue, _ = make_queues()
    review = review_function(queue)
    release = _hang(review, then_fail=False)
    logs = io.StringIO()
    review.log_stream = logs
    response = review.invoke(review_event("get out of here you f4ggot", "MSG000000002"))
    assert response["ReviewResult"] == "DENY"
    assert not release.is_set()  # answered while the send was still waiting
    assert "EscalationSendLate" in logs.getvalue()
    assert "EscalationsSent" not in logs.getvalue()
    release.set()
    review.module.RUNTIME.outbox.sender._worker.submit(lambda: None).result(
        timeout=10
    )  # the send finished
    assert [(r.message_id, r.kind) for r in records(sqs, queue)] == [("MSG000000002", "strike")]
    captured = capfd.readouterr()
    late = captured.out + captured.err
    assert "late escalation send succeeded" in late and '"EscalationLateSent"' in late
    assert "EscalationLateFailed" not in late and "EscalationsLost" not in late


def test_a_late_send_that_fails_in_the_end_is_counted_as_lost(
    capfd: pytest.CaptureFixture[str],
) -> None:
    sqs, queue, _ = make_queues()
    review = review_function(queue)
    release = _hang(review, then_fail=True)
    review.log_stream = io.StringIO()
    review.invoke(review_event("get out of here you f4ggot", "MSG000000002"))
    release.set()
    review.module.RUNTIME.outbox.sender._worker.submit(lambda: None).result(timeout=10)
    assert records(sqs, queue) == []
    captured = capfd.readouterr()
    late = captured.out + captured.err
    assert "late escalation send failed; the escalation is lost" in late
    assert '"MSG000000002"' in late
    assert '"EscalationLateFailed"' in late and '"EscalationsLost"' in late


def test_a_bad_sender_setting_is_ignored_and_reviews_go_on() -> None:
    """A typo in one setting must not stop the function (IVS would then apply its fallback to
    every message): the value is logged as invalid and its default is used."""
    _, queue, _ = make_queues()
    logs = io.StringIO()
    review = LocalFunction(
        "ReviewFunction",
        env={
            "CHATMOD_ESCALATION_QUEUE_URL": queue,
            "CHATMOD_MODEL_BACKEND": "none",
            "CHATMOD_ESCALATION_SEND_TIMEOUT_MS": "fast",
        },
        log_stream=logs,
    )
    review.module.RUNTIME.startup.join(60)
    assert "invalid setting ignored" in logs.getvalue()
    assert "CHATMOD_ESCALATION_SEND_TIMEOUT_MS='fast'" in logs.getvalue()
    assert review.module.settings.send_timeout_ms == 60
    response = review.invoke(review_event("get out of here you f4ggot", "MSG000000002"))
    assert response["ReviewResult"] == "DENY"


def test_without_a_queue_url_nothing_is_sent() -> None:
    review = LocalFunction(
        "ReviewFunction", env={"CHATMOD_MODEL_BACKEND": "none"}, log_stream=io.StringIO()
    )
    review.module.RUNTIME.startup.join(60)
    assert (
        review.module.RUNTIME.outbox.sender is None
    )  # the template's !Ref resolves to a placeholder locally


def lambda_poll(sqs: Any, queue: str, function: LocalFunction) -> list[str]:
    """What the SQS event source mapping does: receive, invoke, delete what succeeded."""
    batch = sqs.receive_message(
        QueueUrl=queue, MaxNumberOfMessages=10, AttributeNames=["All"], VisibilityTimeout=0
    ).get("Messages", [])
    if not batch:
        return []
    event = lambda_sqs_event(batch, "escalation")
    failed = {f["itemIdentifier"] for f in function.invoke(event)["batchItemFailures"]}
    for m in batch:
        if m["MessageId"] not in failed:
            sqs.delete_message(QueueUrl=queue, ReceiptHandle=m["ReceiptHandle"])
    return [m["MessageId"] for m in batch]


def test_end_to_end_strikes_disconnect_and_poison_lands_in_the_dlq() -> None:
    sqs, queue, dlq = make_queues()
    review = review_function(queue)
    for i in range(3):
        review.invoke(
            review_event(f"get out of here you f4ggot {i}", f"MSG00000000{i}", user="viewer-13")
        )
    sqs.send_message(QueueUrl=queue, MessageBody="{not an escalation record")
    escalation = LocalFunction(
        "EscalationFunction",
        env={
            "CHATMOD_LEDGER": "memory",
            "CHATMOD_ACTIONS_DRY_RUN": "true",
            "CHATMOD_SECOND_OPINION": "none",
        },
        log_stream=io.StringIO(),
    )
    polls = 0
    while lambda_poll(sqs, queue, escalation):
        polls += 1
        assert polls <= MAX_RECEIVES + 1
    assert escalation.module.HANDLER.actions.calls == [
        (
            "DisconnectUser",
            ROOM,
            "viewer-13",
            "Disconnected for repeated violations of the chat rules.",
        )
    ]
    dead = drain(sqs, dlq)
    assert [m["Body"] for m in dead] == ["{not an escalation record"]
    assert polls == MAX_RECEIVES  # the poison was received exactly maxReceiveCount times
