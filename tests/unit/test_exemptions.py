"""Exempt roles: the policy lets senders with given chat-token attributes skip chosen checks
or the model, and nothing else changes for them or for anyone else."""

from __future__ import annotations

import pytest

from chatmod.contract import ReviewRequest
from chatmod.policy import PolicyError, parse_policy
from chatmod.review import Reviewer
from tests.unit.fakes import KeywordModel

POLICY = """
version: 1
defaults:
  packs: {links: {action: deny}}
  exempt:
    - attributes: {role: moderator}
      skip: [links, model]
    - attributes: {role: vip, verified: "yes"}
      skip: [spam]
rooms:
  openRoom0001:
    exempt:
      - attributes: {role: streamer}
        skip: [all]
"""
ROOM = "arn:aws:ivschat:us-east-1:123456789012:room/mainRoom0001"
OPEN_ROOM = "arn:aws:ivschat:us-east-1:123456789012:room/openRoom0001"


@pytest.fixture(scope="module")
def reviewer() -> Reviewer:
    model = KeywordModel({"dreadful": {"toxicity": 0.99}})
    return Reviewer(parse_policy(POLICY), model)


def review(reviewer: Reviewer, text: str, attributes: dict[str, str], room: str = ROOM) -> str:
    request = ReviewRequest.model_validate(
        {
            "Content": text,
            "MessageId": "ABCDEFGH1234",
            "RoomArn": room,
            "Sender": {"UserId": "u1", "Attributes": attributes},
        }
    )
    return str(reviewer.review(request).response.review_result)


MODERATOR = {"role": "moderator", "displayName": "Mo"}


def test_a_moderator_skips_the_link_check_and_the_model_but_not_the_slur_pack(
    reviewer: Reviewer,
) -> None:
    link = "rules are at https://evil.example.net/rules"
    assert review(reviewer, link, {"role": "chatter"}) == "DENY"
    assert review(reviewer, link, MODERATOR) == "ALLOW"
    assert review(reviewer, "what a dreadful take", {"role": "chatter"}) == "DENY"
    assert review(reviewer, "what a dreadful take", MODERATOR) == "ALLOW"
    assert review(reviewer, "you f4ggot", MODERATOR) == "DENY"


def test_every_listed_attribute_must_match(reviewer: Reviewer) -> None:
    flood = "A" * 30
    assert review(reviewer, flood, {"role": "vip"}) == "DENY"
    assert review(reviewer, flood, {"role": "vip", "verified": "no"}) == "DENY"
    assert review(reviewer, flood, {"role": "vip", "verified": "yes"}) == "ALLOW"


def test_a_room_can_exempt_a_role_from_everything(reviewer: Reviewer) -> None:
    streamer = {"role": "streamer"}
    assert review(reviewer, "you f4ggot", streamer, OPEN_ROOM) == "ALLOW"
    assert review(reviewer, "you f4ggot", streamer) == "DENY"  # the default room lists none
    assert review(reviewer, "https://evil.example.net", MODERATOR, OPEN_ROOM) == "DENY"


def test_an_exemption_needs_attributes_and_something_to_skip() -> None:
    for bad in ("{attributes: {}, skip: [links]}", "{attributes: {role: mod}, skip: []}"):
        with pytest.raises(PolicyError):
            parse_policy(f"version: 1\ndefaults:\n  exempt: [{bad}]\n")
