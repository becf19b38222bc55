"""The policy example in the README is a valid policy and does what the README says."""

from __future__ import annotations

import re
from pathlib import Path

from chatmod.policy import parse_policy
from chatmod.review import Reviewer

README = Path(__file__).resolve().parents[2] / "README.md"


def readme_policy() -> str:
    blocks = re.findall(r"```yaml\n(.*?)```", README.read_text("utf-8"), flags=re.S)
    policies = [b for b in blocks if b.startswith("version: 1")]
    assert len(policies) == 1
    return policies[0]


def test_readme_policy_example_is_valid_and_behaves_as_described() -> None:
    reviewer = Reviewer(parse_policy(readme_policy(), "README.md"))
    scam = reviewer.review_text("get FREE VBUCKS now")
    assert (scam.result, scam.reason) == ("DENY", "Scams aren't allowed here.")
    assert reviewer.review_text("the ending is rosebud").content == "the e***** ** *******"
    assert reviewer.review_text("let's kill the boss").rule_ids == ("allow.game-talk",)
    room = "arn:aws:ivschat:us-east-1:123456789012:room/abcdEFGH1234"
    assert reviewer.review_text("see evil.com").content == "see ****.***"
    assert reviewer.review_text("see evil.com", room).result == "DENY"
    assert reviewer.review_text("see twitch.tv/me").result == "ALLOW"
    assert reviewer.review_text("see evil.com", "kidsRoom01").result == "ALLOW"
