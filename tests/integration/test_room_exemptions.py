"""Exempt roles through the local room: the attributes CreateChatToken put in the token reach
the review function, whose policy exempts moderators from the link check."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.integration.room_support import LiveRoom, room_with_policy, send

pytestmark = pytest.mark.timeout(120)

POLICY = """
version: 1
defaults:
  packs: {links: {action: deny}}
  exempt:
    - attributes: {role: moderator}
      skip: [links]
"""


@pytest.fixture(scope="module")
def room(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveRoom]:
    folder = tmp_path_factory.mktemp("policy")
    env = {"CHATMOD_MODEL_BACKEND": "none"}
    with room_with_policy(folder, POLICY, env, escalations=False) as live:
        yield live


def test_a_moderator_token_posts_a_link_a_chatter_token_cannot(room: LiveRoom) -> None:
    link = "schedule: https://streams.example.org/week"
    with (
        room.join("mia", {"role": "moderator"}) as moderator,
        room.join("carl", {"role": "chatter"}) as chatter,
    ):
        assert send(moderator, link)["Content"] == link
        refused = send(chatter, link)
        assert (refused["Type"], refused["ErrorCode"]) == ("ERROR", 406)
        assert send(moderator, "you f4ggot")["ErrorCode"] == 406  # only links are skipped
