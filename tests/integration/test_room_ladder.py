"""The strike ladder through the local room: the escalation function (its own worker process)
times the user out through the moderator API and disconnects them; reconnecting with a new
token does not end the timeout, which ends on its own."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from websockets.exceptions import ConnectionClosed

from chatmod.moderation.client import ModerationApiError
from tests.integration.room_support import (
    LiveRoom,
    receive_until,
    room_with_policy,
    send,
    send_until_refused,
)

pytestmark = pytest.mark.timeout(180)
TIMEOUT_S = 10
POLICY = f"""
version: 1
defaults:
  rules:
    - id: test.harassment
      category: harassment
      action: deny
      severity: high
      terms: ["get rekt loser"]
      reason: "Harassment isn't allowed in this chat."
  escalation:
    window_seconds: 600
    second_opinion: false
    disconnect_reason: "Timed out by the strike ladder."
    ladder: [warn, {{timeout: {TIMEOUT_S}, disconnect: true}}]
"""


@pytest.fixture(scope="module")
def room(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveRoom]:
    env = {"CHATMOD_MODEL_BACKEND": "none", "CHATMOD_SECOND_OPINION": "none"}
    with room_with_policy(tmp_path_factory.mktemp("policy"), POLICY, env) as live:
        yield live


def test_the_second_strike_times_out_and_disconnects_and_reconnecting_does_not_help(
    room: LiveRoom,
) -> None:
    with room.join("rex") as ws:
        for _ in range(2):
            answer = send(ws, "get rekt loser")
            assert answer["ErrorMessage"] == "Harassment isn't allowed in this chat."
        with pytest.raises(ConnectionClosed):
            while True:
                ws.recv(timeout=30)
        assert ws.close_reason == "Timed out by the strike ladder."
    with room.join("rex") as again:  # a new token
        refused = send_until_refused(again, "I am back")
        assert refused["ErrorMessage"].startswith("You are timed out for ")
        assert refused["ErrorMessage"].endswith("Reason: Harassment isn't allowed in this chat.")
        listed = room.moderator().in_force(room.urls.room_arn.rsplit("/", 1)[-1])["bans"]
        ladder = next(b for b in listed if b["userId"] == "rex")
        assert (ladder["kind"], ladder["source"]) == ("timeout", "ladder")
        time.sleep(max(0.0, ladder["untilMs"] / 1000 - time.time()) + 0.05)
        assert send(again, "I am back")["Content"] == "I am back"


def test_a_moderator_disconnects_a_user_with_no_visible_message_and_deletes_a_message(
    room: LiveRoom,
) -> None:
    moderator = room.moderator()
    rid = room.urls.room_arn.rsplit("/", 1)[-1]
    with room.join("lurker") as lurker, room.join("poster") as poster:
        queued = moderator.disconnect(rid, "lurker", "Lurking with intent")
        assert (queued["kind"], queued["userId"]) == ("moderator_disconnect", "lurker")
        with pytest.raises(ConnectionClosed):
            while True:
                lurker.recv(timeout=30)
        assert lurker.close_reason == "Lurking with intent"
        message = send(poster, "a message to remove")
        removed = moderator.delete_message(rid, message["Id"], "Off topic")
        assert removed["requestId"] == message["Id"]
        event = receive_until(poster, "EVENT", timeout_s=30)
        assert event["EventName"] == "aws:DELETE_MESSAGE"
        assert (event["Attributes"]["MessageID"], event["Attributes"]["Reason"]) == (
            message["Id"],
            "Off topic",
        )
    with pytest.raises(ModerationApiError) as bad:
        moderator.delete_message(rid, "not-an-id")
    assert bad.value.status == 400
