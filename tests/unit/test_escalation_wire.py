"""Escalation records survive SQS's character set: every code point class SQS refuses in a
message body, lone surrogates included, is written as ASCII and read back exactly."""

from __future__ import annotations

import pytest

from chatmod.escalation import EscalationRecord, parse_record
from chatmod.escalation.wire import readable, sqs_allows

ROOM = "arn:aws:ivschat:us-east-1:123456789012:room/g1H2I3J4k5L6"

# What SQS refuses (anything outside #x9 | #xA | #xD | #x20-#xD7FF | #xE000-#xFFFD |
# #x10000-#x10FFFF), class by class, every code point of each.
REFUSED = {
    "C0 controls but tab, LF and CR": [chr(c) for c in range(0x20) if c not in (9, 10, 13)],
    "high surrogates (lone)": [chr(c) for c in range(0xD800, 0xDC00)],
    "low surrogates (lone)": [chr(c) for c in range(0xDC00, 0xE000)],
    "U+FFFE and U+FFFF": ["\ufffe", "\uffff"],
}
ALLOWED_EDGES = "\t\n\r \x7f\ud7ff\ue000\ufdd0\ufffd\U00010000\U0010ffff\U0001fffe😀"


def test_the_refused_classes_are_what_sqs_documents() -> None:
    assert not any(sqs_allows(c) for chars in REFUSED.values() for c in chars)
    assert all(sqs_allows(c) for c in ALLOWED_EDGES)
    refused = {c for chars in REFUSED.values() for c in chars}
    assert all(sqs_allows(chr(c)) for c in range(0x110000) if chr(c) not in refused)


def record(
    content: str, context: tuple[str, ...] = (), user_id: str = "viewer-42"
) -> EscalationRecord:
    return EscalationRecord(
        kind="second_opinion",
        room_arn=ROOM,
        user_id=user_id,
        message_id="MSG000000001",
        reviewed_at_ms=1,
        result="ALLOW",
        gray_zone=("toxicity",),
        content=content,
        context=context,
    )


def _chunks(chars: list[str], size: int) -> list[str]:
    return ["".join(chars[i : i + size]) for i in range(0, len(chars), size)]


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_every_refused_code_point_survives_the_body(name: str) -> None:
    for text in _chunks(REFUSED[name], 500):
        sent = record(
            f"{text}", context=(text[:500], f"before {text[:100]}"), user_id=f"id{text[:120]}"
        )
        body = sent.to_body()
        assert all(sqs_allows(c) for c in body), name
        assert body.isascii()
        received = parse_record(body)
        assert received == sent
        assert (received.content, received.context, received.user_id) == (
            sent.content,
            sent.context,
            sent.user_id,
        )


def test_allowed_text_comes_back_as_it_was() -> None:
    sent = record(f"meh {ALLOWED_EDGES} ¿qué? 你好")
    assert parse_record(sent.to_body()).content == sent.content


def test_a_body_written_before_escaping_still_parses() -> None:
    old = record("meh, qué tal 😀").model_dump_json(exclude_none=True, exclude={"context"})
    assert parse_record(old) == record("meh, qué tal 😀")


def test_limits_still_hold_for_text_checked_in_python() -> None:
    from pydantic import ValidationError

    with pytest.raises(ValidationError):
        record("x" * 501)
    with pytest.raises(ValidationError):
        record("x", user_id="")
    with pytest.raises(ValidationError):
        record("x", user_id="u" * 129)
    with pytest.raises(ValidationError):
        record("x", context=("",))


def test_the_second_opinion_reads_a_lone_surrogate_as_u_fffd() -> None:
    assert readable("a\ud800b\udfff 😀") == "a\ufffdb\ufffd 😀"
    assert readable("\ud83d\ude00") == "😀"  # a pair written as two code points joins


def test_the_largest_record_escaped_stays_far_under_the_sqs_limit() -> None:
    """Escaping makes an astral character 12 bytes; a record at every text limit still fits
    SQS's 256 KiB with room to spare."""
    worst = "\U0001f600"
    sent = record(worst * 500, context=(worst * 500,) * 3, user_id=worst * 128)
    body = sent.to_body()
    assert len(body.encode()) < 40_000 < 256 * 1024
    assert parse_record(body) == sent
