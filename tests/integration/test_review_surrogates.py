"""Lone surrogates (JSON ``\\ud800`` escapes) are reviewed as U+FFFD and never echoed back."""

from __future__ import annotations

import json
from typing import Any

import pytest

from chatmod.failsafe import fail_response

from .review_support import CapturedFunction, assert_valid_ivs_response

ROOM = "arn:aws:ivschat:us-east-1:123456789012:room/g1H2I3J4k5L6"


@pytest.fixture(scope="module")
def review() -> CapturedFunction:
    return CapturedFunction()


def event(content: str, attributes: dict[str, str] | None = None) -> dict[str, Any]:
    return {
        "Content": content,
        "MessageId": "MSG000000777",
        "RoomArn": ROOM,
        "Attributes": attributes or {},
        "Sender": {"UserId": "viewer-\udc01", "Ip": "203.0.113.7", "Attributes": {}},
    }


def encodable(response: dict[str, Any]) -> bool:
    json.dumps(response, ensure_ascii=False).encode("utf-8")  # raises on a lone surrogate
    return True


def test_content_with_a_surrogate_is_reviewed_and_masked(review: CapturedFunction) -> None:
    response = review.invoke(event("that was \ud800 fucking brutal"))
    assert_valid_ivs_response(response)
    assert response["ReviewResult"] == "ALLOW"
    assert response["Content"] == "that was \ufffd f****** brutal"
    assert "FailMode" not in review.metric_names()
    assert encodable(response)


def test_surrogates_in_attributes_are_replaced_in_the_echo(review: CapturedFunction) -> None:
    response = review.invoke(event("hello", {"emote\ud83d": "wave\udc4b"}))
    assert response["Attributes"] == {"emote\ufffd": "wave\ufffd"}
    assert encodable(response)


def test_a_slur_next_to_a_surrogate_is_still_denied(review: CapturedFunction) -> None:
    response = review.invoke(event("\udfff faggot"))
    assert response["ReviewResult"] == "DENY"
    assert encodable(response)


def test_fail_mode_answer_never_echoes_a_surrogate() -> None:
    raw = {"Content": "a\ud800b", "Attributes": {"k\udc00": "v"}}
    assert fail_response(raw, "ALLOW") == {
        "ReviewResult": "ALLOW",
        "Content": "a\ufffdb",
        "Attributes": {"k\ufffd": "v"},
    }
