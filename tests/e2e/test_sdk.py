"""The local room with the unmodified amazon-ivs-chat-messaging SDK, driven from Node."""

from __future__ import annotations

import json
from typing import Any

import pytest
from conftest import GRAY_WORD, WEBSOCKETS, run_node

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(240)]

STRIKE_TEXT = "get rekt loser"  # tests/e2e/policy.yaml: a high-severity custom rule
EMOJI_TEXT = "gg 🎮 wp 🏆 run 🎉 ok!!"


def scenario(
    room: dict[str, Any], name: str, websocket: str = "ws", **extra: Any
) -> dict[str, Any]:
    result = run_node("sdk_scenarios.mjs", name, json.dumps({**room, **extra}), websocket=websocket)
    assert result["websocket"] == websocket
    return result


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


@pytest.mark.parametrize("websocket", WEBSOCKETS)
def test_capabilities_moderator_delete_and_disconnect(room: dict[str, Any], websocket: str) -> None:
    result = scenario(room, "moderation", websocket)
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
    assert result["aliceConnects"] == 1  # no reconnect after the disconnect
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


@pytest.mark.parametrize("websocket", WEBSOCKETS)
def test_strikes_disconnect_the_user(room: dict[str, Any], websocket: str) -> None:
    strikes = [STRIKE_TEXT, f"{STRIKE_TEXT} again"]
    result = scenario(room, "strikes", websocket, strikeMessages=strikes)
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
    assert (result["daveState"], result["daveConnects"]) == ("disconnected", 1)


@pytest.mark.parametrize("websocket", WEBSOCKETS)
def test_an_expired_session_is_closed_and_the_sdk_comes_back_on_a_new_session(
    short_session_room: dict[str, Any], websocket: str
) -> None:
    """What a client sees when its session runs out, under each WebSocket.

    The room ends the session with the messaging API's error for an expired connection, ERROR
    401 "The connection has expired" (no RequestId), then a clean Close (1000). The unmodified
    SDK then reconnects, and would against IVS too: ``ChatRoom.receiveErrorJson``
    (node_modules/amazon-ivs-chat-messaging/dist/esm/ChatRoom.js) takes any 401 for an expired
    token and calls ``reconnect()``, which moves to ``connecting``, closes the old socket itself
    and asks the token provider for a fresh token, with no ``disconnect`` event; the SDK's user
    guide says the room refreshes its token when the connection breaks or the session expires.
    Only a clean close without that 401 reads as ``serverDisconnect`` with no reconnect (what
    DisconnectUser does, tested above), so a session that ended that way would be reported as a
    moderation disconnect, which is not what an expiry is. Against IVS the SDK seldom reaches
    this point at all: when the token provider passes ``tokenExpirationTime`` on, it opens its
    next connection 30 s before it (``scheduleReconnect``), and IVS tokens expire a minute after
    they are made, so it replaces its connection about every 30 s, well before even a one-minute
    session ends. This room runs a minute of session in a second, so the session ends first.

    So the test asserts what a client can tell: the old socket got the 401 and a clean close,
    the SDK came back on a second socket with a fresh token (a new session, which delivers), it
    reported no disconnect, and the old token opens nothing (a token is accepted once)."""
    result = scenario(short_session_room, "expiry", websocket, sessionMinutes=3)
    first, second = result["sockets"]
    assert first["opened"] is True
    assert first["errors"] == [
        {"code": 401, "message": "The connection has expired", "requestId": None}
    ]
    # The SDK closes its own socket as soon as it reads the 401 (reconnect), so whichever Close
    # frame goes first names the reason: the room's "Session expired", or none when the SDK's
    # own Close reached the room first (1 run in 3 on a loaded machine). Either way it is clean.
    assert (first["close"]["code"], first["close"]["wasClean"]) == (1000, True)
    assert first["close"]["reason"] in ("Session expired", "")
    assert second["opened"] is True and second["errors"] == []
    assert result["secondSocketToken"] is True
    assert result["distinctTokens"] == result["tokens"] >= 2
    assert result["firstTokenAgain"] == 403
    assert result["closed"] is None  # the SDK never reported a disconnect
    assert (result["state"], result["connects"], result["connecting"]) == ("connected", 2, 2)
    assert result["jonSawIvy"] == ["end of the expiry messages"]
    assert result["jonState"] == "connected"


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


# The shipped model is retrained and its thresholds tuned over time: only lines whose decision
# no reasonable model or level would change. Exact decisions use the e2e policy's keyword model;
# the model's quality on harder lines is the functional suite's job (layers/model/MODEL_CARD.md).
SHIPPED_NEUTRAL = ("gg wp everyone", "good game everyone")
SHIPPED_SWEAR = "that boss fight was fucking brutal"  # the bundled profanity rule masks it
SHIPPED_THREAT = "I will kill you and your whole family"


def test_the_shipped_model_and_policy_in_the_room(shipped_room: dict[str, Any]) -> None:
    """What ``make dev`` runs: neutral chat passes untouched, a swear word is masked, a clear
    threat is refused with the model's reason."""
    texts = [*SHIPPED_NEUTRAL, SHIPPED_SWEAR, SHIPPED_THREAT]
    result = scenario(shipped_room, "shipped", texts=texts)
    outcomes = {r["text"]: r for r in result["results"]}
    for text in SHIPPED_NEUTRAL:
        assert outcomes[text] == {"text": text, "ok": True, "content": text}
    masked = outcomes[SHIPPED_SWEAR]
    assert masked["ok"] and masked["content"] == "that boss fight was f****** brutal"
    threat = outcomes[SHIPPED_THREAT]
    assert threat["ok"] is False and threat["code"] == 406, threat
    assert threat["message"].startswith("This message was flagged as")
    delivered = [r["content"] for r in result["results"] if r["ok"]]
    assert [c for c in result["bobContents"] if not c.startswith("end of the ")] == delivered


# A German viewer and a Spanish viewer in a room that serves en, de and es. Harmless lines in
# both languages, including words other languages' packs list ("dick" is "thick" in German),
# go out untouched; each language's swearing is starred and its slurs refused; threats and
# hate written in ordinary words, which no pack lists, are refused by the multilingual model.
CONVERSATION = [
    ("anna", "Hallo zusammen, wie geht's euch heute?"),
    ("beto", "Fue un partido increíble, qué golazo"),
    ("anna", "Der Endboss ist echt dick gepanzert, passt auf"),
    ("beto", "Jajaja tienes razón, vamos a por él otra vez"),
    ("anna", "Scheiße, schon wieder gestorben"),
    ("beto", "callate maricón"),
    ("anna", "good game everyone"),
    # Each from a viewer of their own: strikes would disconnect a sender of two of them.
    ("dirk", "ich weiß wo du wohnst, warte nur bis heute abend"),
    ("carla", "te voy a encontrar y te vas a arrepentir"),
    ("emil", "Ausländer raus, die sind alle Abschaum"),
]
MODEL_REFUSED = CONVERSATION[7:]


def test_a_conversation_in_german_and_spanish(languages_room: dict[str, Any]) -> None:
    result = scenario(languages_room, "conversation", turns=CONVERSATION)
    turns = {t["text"]: t for t in result["turns"]}
    untouched = [
        text
        for who, text in CONVERSATION[:7]
        if text not in (CONVERSATION[4][1], CONVERSATION[5][1])
    ]
    for text in untouched:
        assert turns[text]["ok"] is True, turns[text]
        assert turns[text]["content"] == text
        assert turns[text]["otherSaw"] == text  # the other viewer got it as sent
    swearing = turns["Scheiße, schon wieder gestorben"]
    assert (
        swearing["ok"]
        and swearing["content"].startswith("S")
        and "Scheiße" not in swearing["content"]
    )
    assert swearing["otherSaw"] == swearing["content"]
    slur = turns["callate maricón"]
    assert (slur["ok"], slur["code"]) == (False, 406)
    assert slur["message"] == "Hateful language isn't allowed in this chat."
    for _, text in MODEL_REFUSED:
        refused = turns[text]
        assert (refused["ok"], refused["code"]) == (False, 406), refused
        assert (
            refused["message"].startswith("This message was flagged as")
            or refused["message"] == "Hateful language isn't allowed in this chat."
        ), refused


def test_moderator_tools_with_the_sdk_timeout_ban_and_held_approval(room: dict[str, Any]) -> None:
    """Through the local room with unmodified SDK clients: a 3-second timeout refuses with its
    reason and the next message after it is delivered; a ban survives a new token; a held
    message is listed and, once approved, reaches every connected client with its sender."""
    result = scenario(room, "moderatorTools")
    assert result["timeout"] == {"status": 201, "kind": "timeout"}
    timed_out = result["timedOut"]
    assert timed_out["code"] == 406
    assert timed_out["message"].startswith("You are timed out for ")
    assert timed_out["message"].endswith(" Reason: cool off")
    assert result["back"] == {"ok": True, "content": "I am back"}

    assert result["banned"] == {
        "ok": False,
        "code": 406,
        "message": "You are banned from this chat. Reason: raiding",
    }
    assert result["bannedAgain"] == result["banned"]
    assert result["jonTokens"] == 2  # a new token for the second connection

    assert (result["held"]["ok"], result["held"]["code"]) == (False, 406)
    assert result["held"]["message"] == "Your message is held for a moderator."
    listed = result["listed"]
    assert (listed["userId"], listed["content"]) == (result["hana"], "free giveaway for everyone")
    assert result["approved"] == {"status": 200, "state": "approved"}
    for seen in (result["ivoEvent"], result["hanaEvent"]):
        assert seen["eventName"] == "chatmod:held-message-approved"
        assert (seen["userId"], seen["content"], seen["messageId"]) == (
            result["hana"],
            "free giveaway for everyone",
            listed["messageId"],
        )
        assert json.loads(seen["senderAttributes"]) == {"displayName": result["hana"]}
