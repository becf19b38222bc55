"""ReviewFunction run from template.yaml the way Lambda runs it, with every sample event."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .review_support import CapturedFunction, assert_valid_ivs_response

EVENTS = Path(__file__).resolve().parents[2] / "events" / "review"


@pytest.fixture(scope="module")
def review() -> CapturedFunction:
    return CapturedFunction()


def load(name: str) -> dict[str, Any]:
    event = json.loads((EVENTS / f"{name}.json").read_text("utf-8"))
    assert isinstance(event, dict)
    return event


def test_every_sample_event_has_an_expectation() -> None:
    assert {p.stem for p in EVENTS.glob("*.json")} == set(EXPECTED)


EXPECTED: dict[str, tuple[str, str | None]] = {
    # event -> (ReviewResult, delivered Content or None when DENY)
    "clean": ("ALLOW", "What a play! gg everyone, see you next stream"),
    "profanity": ("ALLOW", "that boss fight was f****** brutal"),
    "slur": ("DENY", None),
    "threat": ("DENY", None),
    "pii": ("ALLOW", "dm me, my number is ***-***-**** or mail ****.***@*******.***"),
    "link": ("ALLOW", "free skins at ****://*******-*****-*****.***/*****"),
    "obfuscated": ("ALLOW", "this lag is $ * * *, f******* it"),
    "too_long": ("DENY", None),
    "malformed": ("ALLOW", ""),
    "spanish": ("ALLOW", "Fue un partido increíble, qué golazo"),
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_sample_event(review: CapturedFunction, name: str) -> None:
    event = load(name)
    response = review.invoke(event)
    assert_valid_ivs_response(response)
    result, content = EXPECTED[name]
    assert response["ReviewResult"] == result
    if content is not None:
        assert response["Content"] == content
    if result == "ALLOW" and name != "malformed":
        assert response["Attributes"] == event["Attributes"]  # message attributes survive


def test_denials_carry_the_right_reason(review: CapturedFunction) -> None:
    reasons = {
        name: review.invoke(load(name))["Attributes"]["Reason"]
        for name in ("slur", "threat", "too_long")
    }
    # The threat is denied by the threats pack and, once the model is warm, by the model's
    # threat label too: the more severe hit's reason is shown, and both name the threat.
    assert reasons.pop("threat") in (
        "Threats aren't allowed in this chat.",
        "This message was flagged as threat.",
    )
    assert reasons == {
        "slur": "Hateful language isn't allowed in this chat.",
        "too_long": "Your message is longer than 500 characters.",
    }


def test_audit_line_has_the_decision_and_no_raw_ip_or_text(review: CapturedFunction) -> None:
    event = load("profanity")
    review.invoke(event)
    line = review.audit_line()
    assert line["message_id"] == event["MessageId"]
    assert line["room_arn"] == event["RoomArn"]
    assert line["user_id"] == "viewer-42"
    assert line["decision"] == "ALLOW" and line["modified"] is True
    assert line["categories"] == ["profanity"] and line["rule_ids"] == ["profanity"]
    assert isinstance(line["latency_ms"], float)
    assert len(line["ip_hash"]) == 16
    raw = review.logs.getvalue()
    assert event["Sender"]["Ip"] not in raw
    assert "fucking" not in raw


def test_content_is_logged_only_when_turned_on() -> None:
    verbose = CapturedFunction({"CHATMOD_LOG_CONTENT": "true"})
    verbose.invoke(load("profanity"))
    line = verbose.audit_line()
    assert line["content"] == "that boss fight was fucking brutal"
    assert line["delivered_content"] == "that boss fight was f****** brutal"


def test_metrics_count_decisions_and_latency(review: CapturedFunction) -> None:
    review.invoke(load("slur"))
    assert {
        "Decisions",
        "ReviewLatency",
        "HandlerLatency",
        "DecisionsByCategory",
    } <= review.metric_names()


def test_invalid_event_gets_fail_mode_allow_by_default(review: CapturedFunction) -> None:
    response = review.invoke(load("malformed"))
    assert response == {"ReviewResult": "ALLOW", "Content": "", "Attributes": {}}
    assert "FailMode" in review.metric_names()
    assert any(
        line.get("message", "").startswith("invalid review event") for line in review.log_lines()
    )


def test_fail_mode_deny_denies_what_cannot_be_reviewed() -> None:
    strict = CapturedFunction({"CHATMOD_FAIL_MODE": "DENY"})
    response = strict.invoke({"Content": "hello", "RoomArn": 7})
    assert response["ReviewResult"] == "DENY"
    assert response["Content"] == "hello"
    assert "could not be reviewed" in response["Attributes"]["Reason"]


def test_internal_error_gets_fail_mode_and_is_logged(monkeypatch: pytest.MonkeyPatch) -> None:
    broken = CapturedFunction()

    def explode(*_: Any) -> Any:
        raise RuntimeError("boom")

    monkeypatch.setattr(broken.function.module.RUNTIME.policy.current().reviewer, "review", explode)
    response = broken.invoke(load("clean"))
    assert response == {
        "ReviewResult": "ALLOW",
        "Content": load("clean")["Content"],
        "Attributes": {"message_type": "chat"},
    }
    assert "FailMode_InternalError" in broken.metric_names()
    assert any(line.get("message", "").startswith("review failed") for line in broken.log_lines())


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=60),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=12,
)
event_like = st.fixed_dictionaries(
    {},
    optional={
        "Content": st.text(max_size=700) | json_values,
        "MessageId": st.text(max_size=20) | json_values,
        "RoomArn": st.text(max_size=80) | json_values,
        "Attributes": st.dictionaries(st.text(max_size=10), st.text(max_size=10), max_size=3)
        | json_values,
        "Sender": st.fixed_dictionaries(
            {},
            optional={
                "UserId": st.text(max_size=20) | json_values,
                "Ip": json_values,
                "Attributes": json_values,
            },
        )
        | json_values,
    },
)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(event=st.one_of(event_like, json_values))
def test_any_json_event_gets_a_valid_response(review: CapturedFunction, event: Any) -> None:
    assert_valid_ivs_response(review.invoke(event))


def test_a_line_in_another_language_is_judged_by_the_multilingual_model(
    review: CapturedFunction,
) -> None:
    """The warm instance has its language detector and both models: a harmless Spanish line is
    delivered as typed (the English model starred its "Fue"), read by the multilingual model,
    and the audit line and a metric carry the language."""
    event = load("spanish")
    response = review.invoke(event)
    assert response["ReviewResult"] == "ALLOW"
    assert response["Content"] == event["Content"]
    line = review.audit_line()
    assert line["language"] == "es"
    assert line["model"] == "onnx:chatmod-e5-multi"
    assert line["scores"]["toxicity"] < 0.5
    languages = [
        item.get("Language")
        for item in review.log_lines()
        if any(
            m["Name"] == "DecisionsByLanguage"
            for d in item.get("_aws", {}).get("CloudWatchMetrics", [])
            for m in d["Metrics"]
        )
    ]
    assert languages == ["es"]
    english = review.invoke(load("profanity"))
    assert english["Content"] == "that boss fight was f****** brutal"
    assert review.audit_line()["language"] == "en"
    assert review.audit_line()["model"] == "onnx:chatmod-minilm"


def test_a_fail_mode_answer_keeps_to_the_rooms_own_length_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    policy = tmp_path / "policy.yaml"
    policy.write_text("rooms:\n  kidsRoom01:\n    max_length: 200\n", encoding="utf-8")
    function = CapturedFunction({"CHATMOD_POLICY_FILE": str(policy)})

    def explode(*_: Any, **__: Any) -> Any:
        raise RuntimeError("boom")

    monkeypatch.setattr(
        function.function.module.RUNTIME.policy.current().reviewer, "review", explode
    )
    event = load("clean")
    event["Content"] = "x" * 400
    event["RoomArn"] = "arn:aws:ivschat:us-east-1:123456789012:room/kidsRoom01"
    assert len(function.invoke(event)["Content"]) == 200  # the room's limit
    event["RoomArn"] = "arn:aws:ivschat:us-east-1:123456789012:room/otherRoom9"
    assert len(function.invoke(event)["Content"]) == 400  # the default's (500)
    invalid = {**event, "RoomArn": 7}  # no room to look up: the default still bounds it
    assert len(function.invoke(invalid)["Content"]) == 400
