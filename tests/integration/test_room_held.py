"""Held for review through the local room: the sender is told the message is held, it waits
in GET .../held, and once approved every connected client receives it (SendEvent) with its
sender and content; a rejected one never reaches anyone, and is decided once."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator

import pytest
import requests

from chatmod.moderation.cli import main as mod_cli
from chatmod.moderation.client import ModerationApiError
from chatmod.moderation.hold import APPROVED_EVENT
from tests.integration.room_support import LiveRoom, receive_until, room_with_policy, send

pytestmark = pytest.mark.timeout(120)
POLICY = """
version: 1
defaults:
  rules:
    - id: hold.giveaways
      category: scam
      action: hold
      terms: [giveaway]
  hold:
    reason: "Held for a moderator: giveaways are checked first."
"""


@pytest.fixture(scope="module")
def room(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveRoom]:
    folder = tmp_path_factory.mktemp("policy")
    env = {"CHATMOD_MODEL_BACKEND": "none"}
    with room_with_policy(folder, POLICY, env, escalations=False) as live:
        yield live


def room_id(room: LiveRoom) -> str:
    return room.urls.room_arn.rsplit("/", 1)[-1]


def test_a_held_message_is_listed_and_once_approved_reaches_every_client(room: LiveRoom) -> None:
    moderator = room.moderator()
    with (
        room.join("gina", {"displayName": "Gina G"}) as gina,
        room.join("hugo") as hugo,
    ):
        answer = send(gina, "giveaway at noon, link in bio")
        assert (answer["Type"], answer["ErrorCode"]) == ("ERROR", 406)
        assert answer["ErrorMessage"] == "Held for a moderator: giveaways are checked first."
        held = moderator.held(room_id(room))["held"]
        assert [(h["messageId"], h["userId"], h["content"]) for h in held] == [
            (answer["Id"], "gina", "giveaway at noon, link in bio")
        ]
        assert held[0]["ruleIds"] == ["hold", "hold.giveaways"]
        approved = moderator.decide_held(room_id(room), answer["Id"], "approve")
        assert approved["status"] == "approved"
        assert approved["decidedBy"].endswith(":user/AKIDMODERATOR")
        for client in (hugo, gina):
            event = receive_until(client, "EVENT")
            assert event["EventName"] == APPROVED_EVENT
            attributes = event["Attributes"]
            assert (attributes["messageId"], attributes["userId"], attributes["content"]) == (
                answer["Id"],
                "gina",
                "giveaway at noon, link in bio",
            )
            assert json.loads(attributes["senderAttributes"]) == {"displayName": "Gina G"}
        assert moderator.held(room_id(room))["held"] == []
        with pytest.raises(ModerationApiError) as twice:
            moderator.decide_held(room_id(room), answer["Id"], "approve")
        assert twice.value.status == 409


def test_a_rejected_message_is_never_delivered_and_cannot_be_approved_after(
    room: LiveRoom, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDCLI")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "local-secret")
    monkeypatch.setenv("CHATMOD_MODERATION_API", room.base_url)
    with room.join("ivan") as ivan, room.join("jade") as jade:
        message_id = send(ivan, "crypto giveaway!!")["Id"]
        assert mod_cli(["held", room_id(room)]) == 0
        assert message_id in capsys.readouterr().out
        assert mod_cli(["reject", room_id(room), message_id]) == 0
        assert json.loads(capsys.readouterr().out)["status"] == "rejected"
        assert mod_cli(["approve", room_id(room), message_id]) == 1
        assert "409" in capsys.readouterr().err
        assert send(jade, "anyone there?")["Type"] == "MESSAGE"  # the next frame is not an event
        with pytest.raises(ModerationApiError) as missing:
            room.moderator().decide_held(room_id(room), "NOSUCHMSG123", "approve")
        assert missing.value.status == 404


def test_the_user_view_shows_refusals_with_reasons_strikes_and_held_messages(
    room: LiveRoom,
) -> None:
    with room.join("kai") as kai:
        slur = send(kai, "you f4ggot")
        held = send(kai, "giveaway again")
        assert send(kai, "hello")["Type"] == "MESSAGE"
    view = room.moderator().user(room_id(room), "kai")
    assert [(d["messageId"], d["result"]) for d in view["decisions"]] == [
        (held["Id"], "HELD"),
        (slur["Id"], "DENY"),
    ]
    assert view["decisions"][1]["reason"] == "Hateful language isn't allowed in this chat."
    assert view["decisions"][1]["categories"][0] == "hate"
    assert [d["strike"] for d in view["decisions"]] == [False, True]
    assert view["strikes"] == 1 and view["strikesExpireAtMs"] > time.time() * 1000
    assert [h["messageId"] for h in view["held"]] == [held["Id"]]
    assert view["sanctions"] == []
    room.moderator().impose(room_id(room), "kai", duration_s=60)
    assert room.moderator().user(room_id(room), "kai")["sanctions"][0]["kind"] == "timeout"


def test_the_cli_shows_a_user(
    room: LiveRoom, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDCLI")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "local-secret")
    monkeypatch.setenv("CHATMOD_MODERATION_API", room.base_url)
    with room.join("lena") as lena:
        refused = send(lena, "you f4ggot")
    assert mod_cli(["user", room_id(room), "lena"]) == 0
    view = json.loads(capsys.readouterr().out)
    assert [d["messageId"] for d in view["decisions"]] == [refused["Id"]]


def test_the_rooms_feed_has_each_moderation_action(room: LiveRoom) -> None:
    with room.join("mona") as mona:
        denied = send(mona, "you f4ggot")
        held = send(mona, "giveaway today")
    room.moderator().decide_held(room_id(room), held["Id"], "approve")
    room.moderator().impose(room_id(room), "mona", duration_s=30, reason="cool down")
    room.moderator().impose(room_id(room), "mona", reason="enough")
    room.moderator().lift(room_id(room), "mona")
    answer = requests.get(f"{room.base_url}/api/feed", params={"roomId": room_id(room)}, timeout=5)
    mine = [e for e in answer.json()["events"] if e["userId"] == "mona"][::-1]
    assert [(e["action"], e["messageId"]) for e in mine] == [
        ("deny", denied["Id"]),
        ("hold", held["Id"]),
        ("approve", held["Id"]),
        ("timeout", None),
        ("ban", None),
        ("lift", None),
    ]
    assert mine[0]["categories"][0] == "hate" and mine[3]["reason"] == "cool down"
    assert mine[2]["by"].endswith(":user/AKIDMODERATOR")


def test_the_pages_moderator_api_needs_a_moderators_key(room: LiveRoom) -> None:
    base = room.base_url
    token = requests.post(
        f"{base}/api/token", json={"userId": "nia", "role": "moderator"}, timeout=5
    )
    key = token.json()["moderatorKey"]
    chatter = requests.post(
        f"{base}/api/token", json={"userId": "ned", "role": "chatter"}, timeout=5
    )
    assert "moderatorKey" not in chatter.json()
    path = f"{base}/api/moderator/rooms/{room_id(room)}/bans"
    assert requests.get(path, timeout=5).status_code == 403
    assert requests.get(path, headers={"X-Moderator-Key": "guess"}, timeout=5).status_code == 403
    made = requests.post(
        path,
        json={"userId": "otto", "durationSeconds": 60},
        headers={"X-Moderator-Key": key},
        timeout=5,
    )
    assert made.status_code == 201
    assert made.json()["by"] == "arn:aws:iam::123456789012:user/page-moderator/nia"
    listed = requests.get(path, headers={"X-Moderator-Key": key}, timeout=5).json()["bans"]
    assert "otto" in {b["userId"] for b in listed}
