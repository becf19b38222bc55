"""One IVS response builder and one reason clipping, for reviews, the fail mode and ivschat."""

from __future__ import annotations

from chatmod.contract import REASON_MAX, ReviewResponse, clip_reason
from chatmod.failsafe import FAIL_REASON, fail_response


def test_a_long_deny_reason_is_clipped_like_an_ivschat_reason() -> None:
    reason = "word " * 80
    response = ReviewResponse.deny("text", reason).to_ivs()
    assert response["Attributes"] == {"Reason": clip_reason(reason, "x")}
    clipped = clip_reason(reason, "x")
    assert len(clipped) == REASON_MAX and clipped.endswith("…")


def test_a_deny_without_reason_gets_the_default_and_allow_keeps_attributes() -> None:
    assert ReviewResponse.deny("t", None).to_ivs()["Attributes"] == {
        "Reason": "Message not allowed."
    }
    assert ReviewResponse.allow("t", {"k": "v"}).to_ivs() == {
        "ReviewResult": "ALLOW",
        "Content": "t",
        "Attributes": {"k": "v"},
    }


def test_the_fail_mode_answers_through_the_same_builder() -> None:
    event = {"Content": "hello", "Attributes": {"k": "v", "n": 1}}
    assert fail_response(event, "DENY") == ReviewResponse.deny("hello", FAIL_REASON).to_ivs()
    assert fail_response(event, "ALLOW") == ReviewResponse.allow("hello", {"k": "v"}).to_ivs()
    assert fail_response(None, "ALLOW") == {
        "ReviewResult": "ALLOW",
        "Content": "",
        "Attributes": {},
    }
