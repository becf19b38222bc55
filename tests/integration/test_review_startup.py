"""A new review instance: rules-only answers until the model is loaded, queued for the second
opinion and counted; no second opinions queued when none is deployed; keyed IP hashes."""

from __future__ import annotations

import hashlib
import hmac
import io
import json
import sys
import threading
from typing import Any

import boto3
import pytest

from chatmod.escalation import EscalationRecord, parse_record
from chatmod_local.invoke import LocalFunction
from tests.unit.fakes import KeywordModel

from .review_support import IP, ROOM, CapturedFunction, review_event

pytestmark = [
    pytest.mark.usefixtures("moto_aws"),
    pytest.mark.filterwarnings("ignore::DeprecationWarning"),
]


def queued(sqs: Any, url: str) -> list[EscalationRecord]:
    messages = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", [])
    return sorted((parse_record(m["Body"]) for m in messages), key=lambda r: r.message_id)


class SlowModel:
    """Stands in for the model load: blocks until released, then returns a keyword model."""

    def __init__(self) -> None:
        self.release = threading.Event()
        self.model = KeywordModel({"meh": {"toxicity": 0.7}})

    def __call__(self, settings: Any) -> KeywordModel:
        assert self.release.wait(timeout=30)
        return self.model


def fresh_function(
    monkeypatch: pytest.MonkeyPatch, loader: SlowModel, env: dict[str, str]
) -> tuple[LocalFunction, io.StringIO]:
    monkeypatch.setattr("chatmod.pipeline.load_model_from_settings", loader)
    logs = io.StringIO()
    function = LocalFunction("ReviewFunction", env=env, log_stream=logs)
    return function, logs


def test_answers_before_the_model_is_ready_are_rules_only_and_go_to_the_second_opinion(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    sqs = boto3.client("sqs")
    url = sqs.create_queue(QueueName="escalation")["QueueUrl"]
    loader = SlowModel()
    function, logs = fresh_function(monkeypatch, loader, {"CHATMOD_ESCALATION_QUEUE_URL": url})
    cold = function.invoke(review_event("that boss fight was fucking brutal", "MSG000000001"))
    assert cold == {
        "ReviewResult": "ALLOW",
        "Content": "that boss fight was f****** brutal",
        "Attributes": {},
    }
    assert "RulesOnlyAnswers" in logs.getvalue()
    loader.release.set()
    function.module.RUNTIME.startup.join(30)
    assert [(r.message_id, r.kind, r.content) for r in queued(sqs, url)] == [
        ("MSG000000001", "second_opinion", "that boss fight was f****** brutal")
    ]
    logs.seek(0)
    logs.truncate()
    function.invoke(review_event("good game everyone", "MSG000000002"))
    assert "RulesOnlyAnswers" not in logs.getvalue()
    function.invoke(review_event("meh, whatever", "MSG000000003"))  # gray zone: the model scored it
    assert [(r.message_id, r.gray_zone) for r in queued(sqs, url)] == [
        ("MSG000000003", ("toxicity",))
    ]
    assert len(loader.model.calls) > 0


def test_with_no_second_opinion_nothing_is_queued_for_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    sqs = boto3.client("sqs")
    url = sqs.create_queue(QueueName="escalation")["QueueUrl"]
    loader = SlowModel()
    function, _ = fresh_function(
        monkeypatch,
        loader,
        {"CHATMOD_ESCALATION_QUEUE_URL": url, "CHATMOD_SECOND_OPINION": "none"},
    )
    function.invoke(review_event("good game everyone", "MSG000000001"))  # rules only
    loader.release.set()
    function.module.RUNTIME.startup.join(30)
    function.invoke(review_event("meh, whatever", "MSG000000002"))  # gray zone
    function.invoke(review_event("get out of here you f4ggot", "MSG000000003"))  # a strike
    assert [(r.message_id, r.kind) for r in queued(sqs, url)] == [("MSG000000003", "strike")]


def test_ip_hashes_are_keyed_by_the_stack_secret() -> None:
    secret = "k" * 64
    arn = boto3.client("secretsmanager").create_secret(Name="ip-key", SecretString=secret)["ARN"]
    review = CapturedFunction({"CHATMOD_IP_HASH_SECRET": arn, "CHATMOD_MODEL_BACKEND": "none"})
    review.invoke(review_event("hello", "MSG000000001"))
    line = review.audit_line()
    expected = hmac.new(secret.encode(), IP.encode(), hashlib.sha256).hexdigest()[:16]
    assert (line["ip_hash"], line["ip_key"]) == (expected, "stack")
    salted = hashlib.sha256(f"chatmod-local{IP}".encode()).hexdigest()[:16]
    assert line["ip_hash"] != salted
    assert IP not in json.dumps(review.log_lines())


def test_an_unreadable_secret_falls_back_to_an_instance_key_and_is_counted() -> None:
    arn = "arn:aws:secretsmanager:us-east-1:123456789012:secret:missing-AbCdEf"
    review = CapturedFunction({"CHATMOD_IP_HASH_SECRET": arn, "CHATMOD_MODEL_BACKEND": "none"})
    assert review.function.module.RUNTIME.ip_hasher.key_source == "instance"
    review.invoke(review_event("hello", "MSG000000001"))
    line = review.audit_line()
    assert line["ip_key"] == "instance" and len(line["ip_hash"]) == 16


def test_the_background_start_waits_for_the_first_answer(monkeypatch: pytest.MonkeyPatch) -> None:
    """Nothing loads beside a new instance's first answer: the model load starts once it is
    given (here the loader would return at once)."""
    calls: list[float] = []

    def loader(settings: Any) -> KeywordModel:
        calls.append(1.0)
        return KeywordModel({})

    monkeypatch.setattr("chatmod.pipeline.load_model_from_settings", loader)
    function = LocalFunction("ReviewFunction", env={}, log_stream=io.StringIO())
    module = function.module
    assert not module.RUNTIME.first_answered.is_set()
    assert calls == []  # waiting for the first answer (up to FIRST_ANSWER_WAIT_S, 1 s)
    function.invoke(review_event("good game everyone", "MSG000000001"))
    assert module.RUNTIME.first_answered.is_set()
    module.RUNTIME.startup.join(30)
    assert calls == [1.0] and module.RUNTIME.model is not None


HATEFUL_NO_SWEAR_WORDS = "people like them are not worth anything"


def first_answer(init_type: str) -> tuple[dict[str, Any], str, bool]:
    """The first response of a new instance with the shipped models, its log, and whether the
    background start was still running when that message came."""
    logs = io.StringIO()
    function = LocalFunction(
        "ReviewFunction", env={"AWS_LAMBDA_INITIALIZATION_TYPE": init_type}, log_stream=logs
    )
    loading = function.module.RUNTIME.startup.is_alive()
    response = function.invoke(review_event(HATEFUL_NO_SWEAR_WORDS, "MSG000000001"))
    function.module.RUNTIME.startup.join(60)
    return response, logs.getvalue(), loading


@pytest.mark.parametrize("init_type", ["provisioned-concurrency", "snap-start"])
def test_a_frozen_instance_judges_its_very_first_message_with_the_model(init_type: str) -> None:
    response, logs, loading = first_answer(init_type)
    assert not loading
    assert response["ReviewResult"] == "DENY"
    audit = next(
        json.loads(line)
        for line in logs.splitlines()
        if line.startswith("{") and '"review decision"' in line
    )
    assert [r for r in audit["rule_ids"] if not r.startswith("model.")] == []
    assert audit["rule_ids"]
    assert "RulesOnlyAnswers" not in logs


@pytest.mark.parametrize("init_type", ["provisioned-concurrency", "snap-start"])
def test_a_frozen_instance_refuses_a_banned_sender_from_its_first_message(init_type: str) -> None:
    from chatmod.moderation.sanctions import Sanction
    from chatmod.moderation.store import shared_memory_store

    room_id = ROOM.rsplit("/", 1)[1]
    shared_memory_store().put(
        Sanction(room_id=room_id, user_id="viewer-42", created_at_ms=1, updated_at_ms=1)
    )
    function = LocalFunction(
        "ReviewFunction",
        env={
            "AWS_LAMBDA_INITIALIZATION_TYPE": init_type,
            "CHATMOD_MODEL_BACKEND": "none",
            "CHATMOD_MODERATION_STORE": "memory",
        },
        log_stream=io.StringIO(),
    )
    function.module.RUNTIME.startup.join(30)
    response = function.invoke(review_event("hello everyone", "MSG000000002"))
    assert response["ReviewResult"] == "DENY"


def test_an_on_demand_instance_answers_its_first_message_with_the_rules() -> None:
    response, logs, loading = first_answer("on-demand")
    assert loading
    assert response["ReviewResult"] == "ALLOW"  # no rule denies it; the model comes later
    assert "RulesOnlyAnswers" in logs


def test_a_snapstart_restore_makes_a_new_instance_key_and_checks_the_policy(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    hooks: list[Any] = []
    fake = type(sys)("snapshot_restore_py")
    fake.register_after_restore = hooks.append  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "snapshot_restore_py", fake)
    function = LocalFunction(
        "ReviewFunction",
        env={"AWS_LAMBDA_INITIALIZATION_TYPE": "snap-start", "CHATMOD_MODEL_BACKEND": "none"},
        log_stream=io.StringIO(),
    )
    module = function.module
    assert len(hooks) == 1
    snapshot_key = module.RUNTIME.ip_hasher.key
    module.RUNTIME.policy._next_check = float("inf")
    hooks[0]()
    assert (
        module.RUNTIME.ip_hasher.key_source == "instance"
        and module.RUNTIME.ip_hasher.key != snapshot_key
    )
    assert module.RUNTIME.policy._next_check == 0.0
