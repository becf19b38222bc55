"""The review handler's internal deadline: a cut stage is counted (``DeadlineAnswer``, by
stage) and the message still reaches the second opinion; IVS gets its answer in time."""

from __future__ import annotations

import io
import json
import time
from collections.abc import Sequence
from typing import Any

import boto3
import pytest

from chatmod.escalation import parse_record
from chatmod_local.invoke import LocalContext, LocalFunction
from tests.unit.fakes import KeywordModel

from .review_support import review_event

pytestmark = [
    pytest.mark.usefixtures("moto_aws"),
    pytest.mark.filterwarnings("ignore::DeprecationWarning"),
]
GRAY_MASK = {"idiot": {"toxicity": 0.8}}  # in the default level's mask range


class SleepyModel(KeywordModel):
    """Each run really takes ``seconds``: a model on a starved core."""

    def __init__(self, seconds: float) -> None:
        super().__init__(GRAY_MASK)
        self.seconds = seconds

    def predict(self, texts: Sequence[str]) -> list[dict[str, float]]:
        time.sleep(self.seconds)
        return super().predict(texts)


def review_function(model: KeywordModel) -> tuple[LocalFunction, Any, str, io.StringIO]:
    sqs = boto3.client("sqs")
    url = sqs.create_queue(QueueName="escalation")["QueueUrl"]
    logs = io.StringIO()
    function = LocalFunction(
        "ReviewFunction",
        env={"CHATMOD_ESCALATION_QUEUE_URL": url, "CHATMOD_MODEL_BACKEND": "none"},
        log_stream=logs,
    )
    function.module.RUNTIME.startup.join(60)
    function.module.RUNTIME.use_model(model)
    logs.seek(0)
    logs.truncate()
    return function, sqs, url, logs


def deadline_metrics(logs: io.StringIO) -> list[str]:
    lines = [json.loads(line) for line in logs.getvalue().splitlines() if line.startswith("{")]
    return [line["Stage"] for line in lines if "DeadlineAnswer" in line and "Stage" in line]


def queued(sqs: Any, url: str) -> list[tuple[str, str, tuple[str, ...]]]:
    messages = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", [])
    records = [parse_record(m["Body"]) for m in messages]
    return [(r.message_id, r.kind, r.gray_zone) for r in records]


def test_a_slow_model_skips_attribution_and_the_gray_zone_goes_to_the_second_opinion() -> None:
    model = SleepyModel(0.1)
    function, sqs, url, logs = review_function(model)
    model.calls.clear()  # the warm-up's
    response = function.invoke(review_event("you absolute idiot, nice try", "MSG000000001"))
    assert response["ReviewResult"] == "ALLOW"
    assert response["Content"] == "you absolute idiot, nice try"  # no time to find the word
    assert len(model.calls) == 1  # the reading; no attribution run after it
    assert deadline_metrics(logs) == ["attribution"]
    assert queued(sqs, url) == [("MSG000000001", "second_opinion", ("toxicity",))]


def test_a_nearly_spent_context_answers_with_the_rules_and_queues_the_message() -> None:
    model = KeywordModel(GRAY_MASK)
    function, sqs, url, logs = review_function(model)
    model.calls.clear()  # the warm-up's
    context = LocalContext("ReviewFunction", 1024, timeout_s=0.05)  # 30 ms usable: no model
    with function._sandbox():
        response = function.handler(
            review_event("that boss fight was fucking brutal", "MSG000000002"), context
        )
    assert response["Content"] == "that boss fight was f****** brutal"  # the rules' answer
    assert model.calls == []
    assert deadline_metrics(logs) == ["model"]
    assert queued(sqs, url) == [("MSG000000002", "second_opinion", ())]
