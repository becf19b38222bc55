"""The local room with the unmodified amazon-ivs-chat-messaging SDK, driven from Node."""

from __future__ import annotations

import json
from typing import Any

import pytest
from conftest import GRAY_WORD, run_node

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(240)]

STRIKE_TEXT = "get rekt loser"  # tests/e2e/policy.yaml: a high-severity custom rule
EMOJI_TEXT = "gg 🎮 wp 🏆 run 🎉 ok!!"


def scenario(room: dict[str, Any], name: str, **extra: Any) -> dict[str, Any]:
    return run_node("sdk_scenarios.mjs", name, json.dumps({**room, **extra}))


def test_clean_message_reaches_everyone_and_resolves_the_send(room: dict[str, Any]) -> None:
    result = scenario(room, "chat")
    clean = result["clean"]
    assert clean["answer"]["content"] == "good game everyone"
    assert clean["bobSaw"] == clean["answer"]
    assert clean["bobSaw"]["sender"]["userId"] == result["alice"]
    assert clean["bobSaw"]["sender"]["attributes"] == {"displayName": result["alice"]}
    assert clean["bobSaw"]["attributes"] == {"kind": "chat"}
    assert len(clean["answer"]["id"]) == 12 and clean["answer"]["id"].isalnum()
    assert clean["answer"]["sendTime"] is not None

    profane = result["profane"]
    assert profane["answer"]["content"] == "that boss fight was f****** brutal"
    assert profane["bobSaw"]["content"] == "that boss fight was f****** brutal"

    assert result["slur"] == {
        "ok": False,
        "code": 406,
        "message": "Hateful language isn't allowed in this chat.",
    }
    assert not any("f4ggot" in text for text in result["bobContents"] + result["aliceContents"])
    assert result["bobContents"][:2] == ["good game everyone", "that boss fight was f****** brutal"]


def test_capabilities_moderator_delete_and_disconnect(room: dict[str, Any]) -> None:
    result = scenario(room, "moderation")
    forbidden = result["forbidden"]
    assert forbidden["aliceDelete"]["code"] == 403
    assert forbidden["aliceDisconnect"]["code"] == 403
    assert forbidden["viewerSend"]["code"] == 403

    deleted = result["modDelete"]
    assert deleted["reason"] == "No advertising"
    assert result["bobDelete"]["messageId"] == deleted["messageId"]
    assert result["bobDelete"]["reason"] == "No advertising"
    assert result["bobDelete"]["attributes"]["MessageId"] == deleted["messageId"]

    assert result["modDisconnect"] == {"userId": result["alice"], "reason": "Spamming"}
    assert result["bobDisconnect"] == {"userId": result["alice"], "reason": "Spamming"}
    assert result["aliceSawOwnDisconnect"] is True
    assert result["aliceClosed"] == "serverDisconnect"  # a clean close: the SDK does not reconnect
    assert result["aliceState"] == "disconnected"
    assert result["bobState"] == "connected"


def test_room_limits_length_in_code_points_and_rate(room: dict[str, Any]) -> None:
    assert len(EMOJI_TEXT) == 20 and len(EMOJI_TEXT.encode("utf-16-le")) // 2 > 20
    result = scenario(room, "limits", emojiText=EMOJI_TEXT)
    assert result["created"] == {"status": 200, "maximumMessageLength": 20}
    assert result["tooLong"]["code"] == 413
    assert result["emoji"] == {"ok": True, "length": 20}
    accepted = [answer for answer in result["burst"] if answer["ok"]]
    throttled = [answer for answer in result["burst"] if not answer["ok"]]
    assert len(accepted) == 3
    assert [answer["code"] for answer in throttled] == [429, 429, 429]


def test_strikes_disconnect_the_user(room: dict[str, Any]) -> None:
    result = scenario(room, "strikes", strikeMessages=[STRIKE_TEXT, f"{STRIKE_TEXT} again"])
    assert (
        result["answers"]
        == [{"ok": False, "code": 406, "message": "Harassment isn't allowed in this chat."}] * 2
    )
    assert result["erinSaw"] == {
        "userId": result["dave"],
        "reason": "Disconnected after repeated violations.",
    }
    assert result["daveSawOwnDisconnect"] is True
    assert result["daveClosed"] == "serverDisconnect"


def test_gray_zone_message_is_delivered_then_deleted_after_a_second_opinion(
    room: dict[str, Any],
) -> None:
    text = f"you absolute {GRAY_WORD} goose"
    result = scenario(room, "flagged", flaggedMessage=text)
    assert result["sent"]["ok"] is True
    assert result["delivered"]["content"] == text  # gray zone: delivered untouched first
    assert result["deleted"] == {
        "messageId": result["sent"]["id"],
        "reason": "Removed after a second look.",
    }
    assert result["frankSawDelete"] is True


def test_the_shipped_model_and_policy_in_the_room(shipped_room: dict[str, Any]) -> None:
    """What ``make dev`` runs: neutral chat and identity mentions pass untouched, swearing is
    masked, a threat and a disguised insult are refused with the model's reason."""
    result = scenario(shipped_room, "shipped")
    outcomes = {r["text"]: r for r in result["results"]}
    for text in ("gg wp everyone", "I'm a gay man and I love this stream", "kill the boss first"):
        assert outcomes[text] == {"text": text, "ok": True, "content": text}
    masked = outcomes["that boss fight was fucking brutal"]
    assert masked["ok"] and masked["content"] == "that boss fight was f****** brutal"
    for text in ("i will find you and hurt you", "shut up you stup1d b1tch"):
        assert outcomes[text]["ok"] is False and outcomes[text]["code"] == 406, outcomes[text]
        assert outcomes[text]["message"].startswith("This message was flagged as")
    delivered = [r["content"] for r in result["results"] if r["ok"]]
    assert [c for c in result["bobContents"] if not c.startswith("fence")] == delivered
