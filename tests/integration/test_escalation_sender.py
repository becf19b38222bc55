"""The review function's escalation sender: made from the settings read at init, in a process
whose environment the function owns, and no escalation dropped without a log line and a metric."""

from __future__ import annotations

import io
import json
import os
import threading
from typing import Any

import pytest

from chatmod_local.invoke import LocalFunction
from tests.unit.fakes import KeywordModel

from .review_support import review_event

pytestmark = [
    pytest.mark.usefixtures("moto_aws"),
    pytest.mark.filterwarnings("ignore::DeprecationWarning"),
]


def test_escalations_without_a_sender_are_logged_and_counted_each() -> None:
    """No region for a non-AWS queue URL: the sender is not made, and no strike goes silently."""
    logs = io.StringIO()
    review = LocalFunction(
        "ReviewFunction",
        env={
            "CHATMOD_ESCALATION_QUEUE_URL": "http://127.0.0.1:9/000000000000/escalations",
            "CHATMOD_MODEL_BACKEND": "none",
            "AWS_REGION": "",
            "AWS_DEFAULT_REGION": "",
        },
        log_stream=logs,
    )
    review.module.RUNTIME.startup.join(60)
    assert review.module.RUNTIME.outbox.sender is None
    for message_id in ("MSG000000002", "MSG000000003"):
        response = review.invoke(review_event("get out of here you f4ggot", message_id))
        assert response["ReviewResult"] == "DENY"
    dropped = [
        json.loads(line) for line in logs.getvalue().splitlines() if '"escalation dropped"' in line
    ]
    assert [(d["message_id"], d["kind"]) for d in dropped] == [
        ("MSG000000002", "strike"),
        ("MSG000000003", "strike"),
    ]
    assert logs.getvalue().count('"EscalationDropped":[1.0]') == 2  # one metric each


def test_a_function_that_owns_its_process_keeps_its_environment_for_background_threads() -> None:
    """As in Lambda: the sender made after init still gets the function's SQS endpoint."""
    endpoint = "http://127.0.0.1:9"
    review = LocalFunction(
        "ReviewFunction",
        env={
            "CHATMOD_ESCALATION_QUEUE_URL": f"{endpoint}/000000000000/escalations",
            "CHATMOD_MODEL_BACKEND": "none",
            "AWS_ENDPOINT_URL_SQS": endpoint,
        },
        log_stream=io.StringIO(),
        owns_process=True,
    )
    try:
        review.module.RUNTIME.startup.join(60)
        assert review.module.RUNTIME.outbox.sender.client.meta.endpoint_url == endpoint
        assert os.environ["AWS_ENDPOINT_URL_SQS"] == endpoint  # still there after init
    finally:
        review.close()
    assert os.environ.get("AWS_ENDPOINT_URL_SQS") != endpoint


def test_records_held_during_startup_are_dropped_loudly_when_no_sender_comes(
    monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    release = threading.Event()

    def slow_model(settings: Any) -> KeywordModel:
        assert release.wait(timeout=30)
        return KeywordModel({})

    monkeypatch.setattr("chatmod.pipeline.load_model_from_settings", slow_model)
    logs = io.StringIO()
    review = LocalFunction(
        "ReviewFunction",
        env={
            "CHATMOD_ESCALATION_QUEUE_URL": "http://127.0.0.1:9/000000000000/escalations",
            "AWS_REGION": "",
            "AWS_DEFAULT_REGION": "",
        },
        log_stream=logs,
    )
    review.invoke(review_event("get out of here you f4ggot", "MSG000000001"))
    assert "EscalationDeferred" in logs.getvalue()
    release.set()
    review.module.RUNTIME.startup.join(30)
    captured = capfd.readouterr()  # the startup thread writes to the process's own streams
    background = captured.out + captured.err
    dropped = [json.loads(line) for line in background.splitlines() if "dropped" in line]
    assert [(d["message_id"], d["reason"]) for d in dropped] == [
        ("MSG000000001", "no escalation sender")
    ]
    assert background.count('"EscalationDropped":[1.0]') == 1
