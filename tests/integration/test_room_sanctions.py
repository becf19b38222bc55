"""Timeouts and bans through the local room: the moderator API (SigV4-signed, served by the
template's moderation function), the review function refusing with a reason, the CLI."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator

import pytest
import requests

from chatmod.moderation.cli import main as mod_cli
from chatmod.moderation.client import ModerationApiError
from chatmod_local.room.server import RoomOptions
from tests.integration.room_support import (
    LiveRoom,
    running_room,
    send,
    send_until_delivered,
    send_until_refused,
)

pytestmark = pytest.mark.timeout(180)


@pytest.fixture(scope="module")
def room() -> Iterator[LiveRoom]:
    options = RoomOptions(escalations=False, function_env={"CHATMOD_MODEL_BACKEND": "none"})
    with running_room(options) as live:
        yield live


def room_id(room: LiveRoom) -> str:
    return room.urls.room_arn.rsplit("/", 1)[-1]


def test_a_timed_out_user_is_refused_with_a_reason_then_delivered_after_it_ends(
    room: LiveRoom,
) -> None:
    with room.join("tina") as ws:
        assert send(ws, "hello before")["Type"] == "MESSAGE"
        imposed = room.moderator().impose(room_id(room), "tina", duration_s=3, reason="cool off")
        assert (imposed["kind"], imposed["secondsLeft"]) == ("timeout", 3)
        refused = send_until_refused(ws, "am I muted?")
        assert refused["ErrorCode"] == 406
        message = refused["ErrorMessage"]
        assert message.startswith("You are timed out for ")
        assert message.endswith("more seconds. Reason: cool off") or message.endswith(
            "1 more second. Reason: cool off"
        )
        time.sleep(max(0.0, imposed["untilMs"] / 1000 - time.time()) + 0.05)
        delivered = send(ws, "I am back")
        assert (delivered["Type"], delivered["Content"]) == ("MESSAGE", "I am back")


def test_a_ban_survives_reconnecting_with_a_new_token_until_it_is_lifted(room: LiveRoom) -> None:
    moderator = room.moderator()
    moderator.impose(room_id(room), "bruno", reason="raiding")
    with room.join("bruno") as ws:
        refused = send_until_refused(ws, "first try")
    assert refused["ErrorMessage"] == "You are banned from this chat. Reason: raiding"
    with room.join("bruno") as again:  # a new token, a new connection
        assert send(again, "new token, same me")["ErrorMessage"] == refused["ErrorMessage"]
        listed = moderator.in_force(room_id(room))["bans"]
        assert [(b["userId"], b["kind"]) for b in listed if b["userId"] == "bruno"] == [
            ("bruno", "ban")
        ]
        lifted = moderator.lift(room_id(room), "bruno")
        assert lifted["lifted"] is True
        assert send_until_delivered(again, "thanks")["Content"] == "thanks"
    with pytest.raises(ModerationApiError) as gone:
        moderator.lift(room_id(room), "bruno")
    assert gone.value.status == 404


def test_an_account_wide_ban_refuses_in_every_room_and_others_still_chat(room: LiveRoom) -> None:
    room.moderator().impose(room_id(room), "ava", account=True)
    with room.join("ava") as ava, room.join("olga") as olga:
        assert send_until_refused(ava, "hi")["ErrorMessage"] == "You are banned from this chat."
        assert send(olga, "hi all")["Content"] == "hi all"
    listed = room.moderator().in_force(room_id(room))["bans"]
    assert {"userId": "ava", "scope": "account"}.items() <= next(
        b for b in listed if b["userId"] == "ava"
    ).items()


def test_the_api_records_the_caller_and_refuses_bad_requests(room: LiveRoom) -> None:
    moderator = room.moderator()
    made = moderator.impose(room_id(room), "carl", duration_s=600)
    assert made["by"] == "arn:aws:iam::123456789012:user/AKIDMODERATOR"
    with pytest.raises(ModerationApiError) as bad:
        moderator.call("POST", f"/moderation/rooms/{room_id(room)}/bans", {"user": "carl"})
    assert bad.value.status == 400 and "userId" in bad.value.message
    with pytest.raises(ModerationApiError) as negative:
        moderator.impose(room_id(room), "carl", duration_s=0)
    assert negative.value.status == 400
    unsigned = requests.get(f"{room.base_url}/moderation/rooms/{room_id(room)}/bans", timeout=5)
    assert unsigned.status_code == 403  # no SigV4 Authorization header


def test_the_cli_times_out_lists_and_lifts(
    room: LiveRoom, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDCLI")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "local-secret")
    monkeypatch.setenv("CHATMOD_MODERATION_API", room.base_url)
    rid = room_id(room)
    assert mod_cli(["timeout", rid, "dana", "10m", "--reason", "spam"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert (shown["userId"], shown["secondsLeft"], shown["by"]) == (
        "dana",
        600,
        "arn:aws:iam::123456789012:user/AKIDCLI",
    )
    with room.join("dana") as ws:
        assert send_until_refused(ws, "hi")["ErrorMessage"] == (
            "You are timed out for 10 more minutes. Reason: spam"
        )
    assert mod_cli(["bans", rid]) == 0
    assert "dana" in {b["userId"] for b in json.loads(capsys.readouterr().out)["bans"]}
    assert mod_cli(["unban", rid, "dana"]) == 0
    capsys.readouterr()
    assert mod_cli(["unban", rid, "dana"]) == 1
    assert "404" in capsys.readouterr().err
