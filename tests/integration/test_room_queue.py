"""The local queue: boto3's SQS client sends into it; Lambda-shaped batches come out, with
redelivery of failed records and a dead-letter list."""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Iterator
from typing import Any

import boto3
import pytest

from chatmod_local.room.background import BackgroundRoom, serve_in_thread
from chatmod_local.room.escalations import SqsEventSource, failed_ids
from chatmod_local.room.messaging import Hub
from chatmod_local.room.queue import LocalQueue, QueuedMessage, SqsEndpoint
from chatmod_local.room.review import ReviewGate
from chatmod_local.room.server import room_app
from chatmod_local.room.state import Directory

pytestmark = pytest.mark.timeout(60)


@pytest.fixture()
def served() -> Iterator[tuple[BackgroundRoom, dict[str, LocalQueue]]]:
    queues: dict[str, LocalQueue] = {}
    directory = Directory()
    gate = ReviewGate({})

    def make_app() -> Any:
        for name in ("escalations", "ordered.fifo"):
            queues[name] = LocalQueue(name, "http://127.0.0.1")
        return room_app(directory, Hub(directory, gate), SqsEndpoint(queues))

    with serve_in_thread(make_app) as bg:
        yield bg, queues
    gate.close()


def sqs_client(bg: BackgroundRoom) -> Any:
    return boto3.client(
        "sqs",
        endpoint_url=bg.base_url,
        region_name="us-east-1",
        aws_access_key_id="l",
        aws_secret_access_key="l",
    )


def test_boto3_sends_into_the_local_queue(
    served: tuple[BackgroundRoom, dict[str, LocalQueue]],
) -> None:
    bg, queues = served
    sqs = sqs_client(bg)
    queue = queues["escalations"]
    sent = sqs.send_message(
        QueueUrl=queue.url,
        MessageBody='{"kind": "strike"}',
        MessageAttributes={"kind": {"DataType": "String", "StringValue": "strike"}},
    )
    assert sent["MD5OfMessageBody"] == hashlib.md5(b'{"kind": "strike"}').hexdigest()
    assert len(sent["MD5OfMessageAttributes"]) == 32
    batch = sqs.send_message_batch(
        QueueUrl=queue.url,
        Entries=[{"Id": "a", "MessageBody": "one"}, {"Id": "b", "MessageBody": "two"}],
    )
    assert [entry["Id"] for entry in batch["Successful"]] == ["a", "b"]
    assert sqs.get_queue_url(QueueName="escalations")["QueueUrl"] == queue.url
    received = bg.call(queue.receive(10, 0))
    assert [m.body for m in received] == ['{"kind": "strike"}', "one", "two"]
    assert received[0].message_id == sent["MessageId"]


def test_unknown_queue_is_an_sqs_error(
    served: tuple[BackgroundRoom, dict[str, LocalQueue]],
) -> None:
    bg, _ = served
    sqs = sqs_client(bg)
    with pytest.raises(sqs.exceptions.QueueDoesNotExist):
        sqs.send_message(QueueUrl="http://127.0.0.1/123456789012/nope", MessageBody="x")


def test_fifo_needs_a_group_and_drops_duplicates(
    served: tuple[BackgroundRoom, dict[str, LocalQueue]],
) -> None:
    bg, queues = served
    sqs = sqs_client(bg)
    queue = queues["ordered.fifo"]
    with pytest.raises(sqs.exceptions.ClientError):
        sqs.send_message(QueueUrl=queue.url, MessageBody="x")
    first = sqs.send_message(
        QueueUrl=queue.url, MessageBody="x", MessageGroupId="g", MessageDeduplicationId="d"
    )
    again = sqs.send_message(
        QueueUrl=queue.url, MessageBody="x", MessageGroupId="g", MessageDeduplicationId="d"
    )
    assert first["MessageId"] == again["MessageId"]
    assert queue.sent == 1
    (message,) = bg.call(queue.receive(10, 0))
    record = queue.record(message)
    assert record["attributes"]["MessageGroupId"] == "g"
    assert record["attributes"]["SequenceNumber"] == first["SequenceNumber"]


def test_failed_ids_reads_partial_batch_responses() -> None:
    batch = [QueuedMessage(body="a", message_id="1"), QueuedMessage(body="b", message_id="2")]
    assert failed_ids({"batchItemFailures": []}, batch) == set()
    assert failed_ids({"batchItemFailures": [{"itemIdentifier": "2"}]}, batch) == {"2"}
    assert failed_ids({"batchItemFailures": [{"itemIdentifier": "9"}]}, batch) == {"1", "2"}
    assert failed_ids({"batchItemFailures": "nope"}, batch) == {"1", "2"}
    assert failed_ids(None, batch) == set()


def test_event_source_redelivers_failures_then_dead_letters_them() -> None:
    async def scenario() -> tuple[list[dict[str, Any]], LocalQueue]:
        queue = LocalQueue("q", "http://127.0.0.1", visibility_timeout_s=0.05, max_receives=3)
        events: list[dict[str, Any]] = []

        async def invoke(event: dict[str, Any]) -> Any:
            events.append(event)
            bad = [r["messageId"] for r in event["Records"] if r["body"] == "bad"]
            return {"batchItemFailures": [{"itemIdentifier": i} for i in bad]}

        source = SqsEventSource(queue, invoke, batch_size=10, batch_window_s=0.01)
        queue.put(QueuedMessage(body="good"))
        queue.put(QueuedMessage(body="bad"))
        source.start()
        for _ in range(200):
            if queue.dead_letters:
                break
            await asyncio.sleep(0.01)
        await source.stop()
        return events, queue

    events, queue = asyncio.run(scenario())
    bodies = [[r["body"] for r in e["Records"]] for e in events]
    assert bodies == [["good", "bad"], ["bad"], ["bad"]]
    counts = [e["Records"][-1]["attributes"]["ApproximateReceiveCount"] for e in events]
    assert counts == ["1", "2", "3"]
    handles = {e["Records"][-1]["receiptHandle"] for e in events}
    assert len(handles) == 3
    assert [m.body for m in queue.dead_letters] == ["bad"]
    record = events[0]["Records"][0]
    assert record["eventSource"] == "aws:sqs"
    assert record["eventSourceARN"] == "arn:aws:sqs:us-east-1:123456789012:q"
    assert record["md5OfBody"] == hashlib.md5(b"good").hexdigest()
    assert int(record["attributes"]["SentTimestamp"]) <= int(
        record["attributes"]["ApproximateFirstReceiveTimestamp"]
    )


def test_a_raising_function_fails_the_whole_batch() -> None:
    async def scenario() -> LocalQueue:
        queue = LocalQueue("q", "http://127.0.0.1", visibility_timeout_s=10, max_receives=1)

        async def invoke(event: dict[str, Any]) -> Any:
            raise RuntimeError("boom")

        source = SqsEventSource(queue, invoke)
        batch = [queue.put(QueuedMessage(body=b)) for b in ("a", "b")]
        for message in batch:
            message.receive_count = 1
        delivery = await source.deliver(batch)
        assert delivery.error == "boom" and set(delivery.failed) == {m.message_id for m in batch}
        return queue

    queue = asyncio.run(scenario())
    assert [m.body for m in queue.dead_letters] == ["a", "b"]
