"""Fault injection around ivschat, SQS and DynamoDB, counting lost and duplicated actions.

One run queues 118 escalation records (40 threats, 10 users with three strikes, 38 confirmed
second opinions, 10 poison bodies) on a moto SQS queue with a dead-letter queue after 5
receives, and drains it through the escalation function (``functions/escalation/app.py``) with
the strike ledger, idempotency records and disconnect intents in moto DynamoDB. ivschat is a
real botocore client whose requests are answered by ``FakeIvsChat`` (``before-send``), which
acts on the room and then answers, or fails, as the scenario says. Time is a fake clock: each
ivschat call and pause advances it, and every receive round advances it by the queue's
visibility timeout (180 s), as a redelivery would come. Run it for the figures:

    .venv/bin/python -m tests.integration.fault_injection
"""

from __future__ import annotations

import io
import json
import os
import random
from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import boto3
from botocore.awsrequest import AWSResponse
from botocore.config import Config
from botocore.exceptions import ClientError, ConnectTimeoutError, ReadTimeoutError

from chatmod.aws.dead_letter import DeadLetters
from chatmod.aws.dynamodb_intents import DynamoDBIntentLog
from chatmod.aws.dynamodb_ledger import DynamoDBLedger
from chatmod.aws.idempotency import PowertoolsGuard, dynamodb_store
from chatmod.aws.ivschat import IvsChatActions
from chatmod.escalation import EscalationProcessor, EscalationRecord
from chatmod.policy import load_policy
from chatmod_local.invoke import LocalFunction
from tests.aws_responses import aws_response

from .sqs_events import lambda_sqs_event
from .test_escalation_dynamodb import make_table

ROOM = "arn:aws:ivschat:us-east-1:123456789012:room/g1H2I3J4k5L6"
TABLE = "chatmod-escalation-faults"
T0 = 1_790_000_000_000
MAX_RECEIVES = 5
VISIBILITY_MS = 180_000
CALL_MS = 30  # an answered ivschat call
CONNECT_TIMEOUT_MS = 1_000
READ_TIMEOUT_MS = 2_000
FAULT_RATE = 0.3

# scenario -> (what ivschat does wrong, what DynamoDB does wrong)
SCENARIOS: dict[str, tuple[str | None, str | None]] = {
    "5xx before the effect": ("500_before", None),
    "connect timeout": ("connect_timeout", None),
    "lost reply to the intent write": (None, "lost_intent_reply"),
    "failed withdrawal (throttled, release write fails)": ("throttle_heavy", "failed_release"),
    "throttled": ("throttle", None),
    "5xx after the effect": ("500_after", None),
    "read timeout after the effect": ("read_timeout_after", None),
}
LISTED = tuple(list(SCENARIOS)[:5])  # the scenarios the issue names


class Clock:
    def __init__(self) -> None:
        self.ms = T0

    def now(self) -> int:
        return self.ms

    def sleep(self, ms: float) -> None:
        self.ms += int(ms)


@dataclass
class Call:
    target: str
    at_ms: int
    unknown: bool  # the caller cannot know whether it acted (a 5xx, a read timeout)


@dataclass
class FakeIvsChat:
    """Acts on DeleteMessage and DisconnectUser requests and answers them, with faults."""

    clock: Clock
    fault: str | None
    rng: random.Random
    effects: Counter[tuple[str, str]] = field(default_factory=Counter)
    calls: dict[tuple[str, str], list[Call]] = field(default_factory=lambda: defaultdict(list))
    confirmed: Counter[str] = field(default_factory=Counter)
    injected: int = 0

    def answer(self, request: Any, event_name: str, **_: Any) -> AWSResponse:
        operation_name = event_name.rsplit(".", 1)[-1]
        params = json.loads(request.body or b"{}")
        target = params.get("userId") or params.get("id")
        key = (operation_name, str(target))
        fault = self.fault if self.fault and self.rng.random() < self._rate() else None
        self.injected += fault is not None
        if fault == "connect_timeout":
            self.clock.sleep(CONNECT_TIMEOUT_MS)
            self.calls[key].append(Call(str(target), self.clock.now(), False))
            raise ConnectTimeoutError(endpoint_url=request.url)
        self.calls[key].append(
            Call(str(target), self.clock.now(), fault in ("500_before", "500_after"))
        )
        self.calls[key][-1].unknown |= fault == "read_timeout_after"
        if fault in ("throttle", "throttle_heavy"):
            self.clock.sleep(CALL_MS)
            return self._error(request, 429, "ThrottlingException")
        if fault == "500_before":
            self.clock.sleep(CALL_MS)
            return self._error(request, 500, "InternalServerException")
        self.effects[key] += 1
        if fault == "500_after":
            self.clock.sleep(CALL_MS)
            return self._error(request, 500, "InternalServerException")
        if fault == "read_timeout_after":
            self.clock.sleep(READ_TIMEOUT_MS)
            raise ReadTimeoutError(endpoint_url=request.url)
        self.clock.sleep(CALL_MS)
        self.confirmed[operation_name] += 1
        body = b'{"id": "EVT000000001"}' if operation_name == "DeleteMessage" else b"{}"
        return aws_response(request.url, 200, body)

    def _rate(self) -> float:
        return 0.6 if self.fault == "throttle_heavy" else FAULT_RATE

    @staticmethod
    def _error(request: Any, status: int, code: str) -> AWSResponse:
        body = json.dumps({"message": code}).encode()
        return aws_response(request.url, status, body, {"x-amzn-ErrorType": code})


class FaultyDynamoDB:
    """The intents' DynamoDB client: a reply lost after the write, or a release that fails."""

    def __init__(self, client: Any, fault: str | None, rng: random.Random) -> None:
        self.client = client
        self.fault = fault
        self.rng = rng
        self.injected = 0

    def put_item(self, **kwargs: Any) -> Any:
        state = kwargs["Item"].get("state", {}).get("S")
        releasing = state == "reserved" and kwargs["Item"].get("version", {}).get("N") != "0"
        if self.fault == "failed_release" and releasing and self.rng.random() < 0.5:
            self.injected += 1
            raise ClientError(
                {"Error": {"Code": "InternalServerError", "Message": "injected"}}, "PutItem"
            )
        answer = self.client.put_item(**kwargs)
        if self.fault == "lost_intent_reply" and self.rng.random() < FAULT_RATE:
            self.injected += 1
            raise ReadTimeoutError(endpoint_url="https://dynamodb.us-east-1.amazonaws.com")
        return answer

    def __getattr__(self, name: str) -> Any:
        return getattr(self.client, name)


class ConfirmsEverything:
    """A second opinion that confirms every gray-zone message as an insult."""

    name = "fake:confirms"

    def score(self, text: str, context: Sequence[str] = ()) -> dict[str, float]:
        return {"insult": 0.99, "toxicity": 0.99}


def records() -> list[str]:
    """118 bodies: 40 threats, 10 users x 3 strikes, 38 second opinions, 10 poison."""

    def record(kind: str, n: int, user: str, **extra: Any) -> str:
        return EscalationRecord(
            kind=kind,  # type: ignore[arg-type]
            room_arn=ROOM,
            user_id=user,
            message_id=f"MSG{n:09d}",
            reviewed_at_ms=T0 + n,
            result="DENY" if kind == "strike" else "ALLOW",
            **extra,
        ).to_body()

    bodies = [
        record("strike", i, f"threat-{i}", severity="high", categories=("threat",))
        for i in range(40)
    ]
    bodies += [
        record("strike", 100 + 3 * u + s, f"repeat-{u}", severity="high", categories=("hate",))
        for u in range(10)
        for s in range(3)
    ]
    bodies += [
        record(
            "second_opinion",
            200 + i,
            f"gray-{i}",
            content=f"gray message {i}",
            gray_zone=("insult",),
        )
        for i in range(38)
    ]
    bodies += [f'{{"kind": "strike", "poison": {i}}}' for i in range(10)]
    return bodies


EXPECTED_DISCONNECTS = {f"threat-{i}" for i in range(40)} | {f"repeat-{u}" for u in range(10)}
EXPECTED_DELETES = {f"MSG{200 + i:09d}" for i in range(38)}


@dataclass
class Figures:
    scenario: str
    seed: int
    injected: int = 0
    disconnects_lost_not_in_dlq: int = 0
    disconnects_lost_in_dlq: int = 0
    duplicate_disconnects: int = 0
    deletes_lost_not_in_dlq: int = 0
    deletes_lost_in_dlq: int = 0
    duplicate_deletes: int = 0
    given_up_in_dlq: int = 0  # DLQ entries with a reason (their disconnect may have acted)
    poison_in_dlq: int = 0
    disconnects_metric: int = 0
    confirmed_disconnect_calls: int = 0
    disconnects_lost_metric: int = 0
    latest_repeat_ms: int = 0  # after a call of unknown outcome, when the last repeat started
    rounds: int = 0


def _metric_sum(logs: str, name: str) -> int:
    total = 0.0
    for line in logs.splitlines():
        if '"_aws"' not in line:
            continue
        value = json.loads(line).get(name)
        if value is not None:
            total += sum(value) if isinstance(value, list) else value
    return int(total)


@contextmanager
def _environment() -> Iterator[None]:
    saved = dict(os.environ)
    os.environ.update(
        {
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_SESSION_TOKEN": "testing",
            "AWS_DEFAULT_REGION": "us-east-1",
            "AWS_REGION": "us-east-1",
        }
    )
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


def _queues(sqs: Any) -> tuple[str, str]:
    dlq = sqs.create_queue(QueueName="escalation-faults-dlq")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=dlq, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    queue = sqs.create_queue(
        QueueName="escalation-faults",
        Attributes={
            "VisibilityTimeout": "0",  # the fake clock stands for the real 180 s
            "RedrivePolicy": json.dumps(
                {"deadLetterTargetArn": arn, "maxReceiveCount": str(MAX_RECEIVES)}
            ),
        },
    )["QueueUrl"]
    return queue, dlq


def _ivschat(fake: FakeIvsChat, attempts: int, connect_s: float, read_s: float) -> Any:
    # standard rather than adaptive retries: the adaptive rate limiter waits in real time
    config = Config(
        connect_timeout=connect_s,
        read_timeout=read_s,
        retries={"mode": "standard", "total_max_attempts": attempts},
    )
    client = boto3.client("ivschat", region_name="us-east-1", config=config)
    client.meta.events.register("before-send.ivschat.*", fake.answer)
    return client


def run(scenario: str, seed: int, function: LocalFunction, sleeps: list[float]) -> Figures:
    """One drained queue under ``scenario``; moto must be active (``mock_aws``)."""
    ivschat_fault, dynamodb_fault = SCENARIOS[scenario]
    rng = random.Random(seed)
    clock = Clock()
    fake = FakeIvsChat(clock, ivschat_fault, rng)
    sqs = boto3.client("sqs")
    queue, dlq = _queues(sqs)
    table = make_table(TABLE)
    faulty = FaultyDynamoDB(table, dynamodb_fault, rng)
    actions = IvsChatActions(_ivschat(fake, 4, 2, 5), _ivschat(fake, 1, 1, 2))
    processor = EscalationProcessor(
        load_policy,
        DynamoDBLedger(TABLE, table),
        actions,
        PowertoolsGuard(dynamodb_store(TABLE, table)),
        ConfirmsEverything(),
        clock_ms=clock.now,
        intents=DynamoDBIntentLog(TABLE, faulty),
        disconnect_timeout_ms=actions.call_timeout_ms,
        sleep_ms=clock.sleep,
    )
    module = function.module
    module.HANDLER.processor = processor
    module.HANDLER.dead_letters = DeadLetters(dlq, sqs)
    logs = io.StringIO()
    function.log_stream = logs
    bodies = records()
    random.Random(seed).shuffle(bodies)
    for body in bodies:
        sqs.send_message(QueueUrl=queue, MessageBody=body)
    figures = Figures(scenario, seed)
    while messages := sqs.receive_message(
        QueueUrl=queue, MaxNumberOfMessages=10, AttributeNames=["All"]
    ).get("Messages", []):
        figures.rounds += 1
        sleeps.clear()
        result = function.invoke(lambda_sqs_event(messages, "escalation-faults"))
        for pause in sleeps:  # botocore's backoffs between a delete's attempts
            clock.sleep(pause * 1000)
        failed = {f["itemIdentifier"] for f in result["batchItemFailures"]}
        for m in messages:
            if m["MessageId"] not in failed:
                sqs.delete_message(QueueUrl=queue, ReceiptHandle=m["ReceiptHandle"])
        clock.sleep(VISIBILITY_MS)
    _count(figures, fake, faulty, sqs, dlq, logs.getvalue())
    sqs.delete_queue(QueueUrl=queue)
    sqs.delete_queue(QueueUrl=dlq)
    table.delete_table(TableName=TABLE)
    return figures


def _count(
    figures: Figures, fake: FakeIvsChat, faulty: FaultyDynamoDB, sqs: Any, dlq: str, logs: str
) -> None:
    dead: list[dict[str, Any]] = []
    while batch := sqs.receive_message(
        QueueUrl=dlq, MaxNumberOfMessages=10, MessageAttributeNames=["All"]
    ).get("Messages", []):
        dead.extend(batch)
        for m in batch:
            sqs.delete_message(QueueUrl=dlq, ReceiptHandle=m["ReceiptHandle"])
    dead_users: set[str] = set()
    dead_messages: set[str] = set()
    for m in dead:
        body = json.loads(m["Body"])
        if "user_id" not in body:
            figures.poison_in_dlq += 1
            continue
        dead_users.add(body["user_id"])
        dead_messages.add(body["message_id"])
        if "reason" in m.get("MessageAttributes", {}):
            figures.given_up_in_dlq += 1
    for user in EXPECTED_DISCONNECTS:
        effects = fake.effects[("DisconnectUser", user)]
        if effects == 0 and user in dead_users:
            figures.disconnects_lost_in_dlq += 1
        elif effects == 0:
            figures.disconnects_lost_not_in_dlq += 1
        figures.duplicate_disconnects += max(0, effects - 1)
    for message_id in EXPECTED_DELETES:
        effects = fake.effects[("DeleteMessage", message_id)]
        if effects == 0 and message_id in dead_messages:
            figures.deletes_lost_in_dlq += 1
        elif effects == 0:
            figures.deletes_lost_not_in_dlq += 1
        figures.duplicate_deletes += max(0, effects - 1)
    for (operation, _), calls in fake.calls.items():
        if operation != "DisconnectUser":
            continue
        first_unknown = next((c.at_ms for c in calls if c.unknown), None)
        if first_unknown is None:
            continue
        repeats = [c.at_ms - first_unknown for c in calls if c.at_ms > first_unknown]
        figures.latest_repeat_ms = max([figures.latest_repeat_ms, *repeats])
    figures.injected = faulty.injected + fake.injected
    figures.disconnects_metric = _metric_sum(logs, "Disconnects")
    figures.confirmed_disconnect_calls = fake.confirmed["DisconnectUser"]
    figures.disconnects_lost_metric = _metric_sum(logs, "DisconnectsLost")


def escalation_function() -> tuple[LocalFunction, list[float]]:
    """The template's escalation function (its processor and dead letters are replaced per
    run) and the list botocore's backoff pauses go to once the caller points ``time.sleep``
    at it: the fake clock takes them instead."""
    function = LocalFunction(
        "EscalationFunction",
        env={"CHATMOD_LEDGER": "memory", "CHATMOD_SECOND_OPINION": "none"},
        log_stream=io.StringIO(),
    )
    return function, []


def main() -> None:
    import time

    from moto import mock_aws

    real_sleep = time.sleep
    print(
        "| scenario | seed | faults | disconnects lost (not in DLQ / in DLQ) | duplicate "
        "disconnects | deletes lost (not in DLQ / in DLQ) | duplicate deletes | given up "
        "(DLQ, with reason) | DisconnectsLost | Disconnects metric / confirmed calls | latest "
        "repeat after an unknown outcome |"
    )
    print("|---" * 11 + "|")
    try:
        with _environment(), mock_aws():
            function, sleeps = escalation_function()
            time.sleep = sleeps.append  # type: ignore[assignment]
            for scenario in SCENARIOS:
                for seed in (1, 2, 3):
                    f = run(scenario, seed, function, sleeps)
                    print(
                        f"| {scenario} | {seed} | {f.injected} | "
                        f"{f.disconnects_lost_not_in_dlq} / {f.disconnects_lost_in_dlq} | "
                        f"{f.duplicate_disconnects} | "
                        f"{f.deletes_lost_not_in_dlq} / {f.deletes_lost_in_dlq} | "
                        f"{f.duplicate_deletes} | {f.given_up_in_dlq} | "
                        f"{f.disconnects_lost_metric} | "
                        f"{f.disconnects_metric} / {f.confirmed_disconnect_calls} | "
                        f"{f.latest_repeat_ms} ms |"
                    )
    finally:
        time.sleep = real_sleep


if __name__ == "__main__":
    main()
