"""The policy file: validation with clear errors, custom rules, per-room overrides."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from chatmod.policy import PolicyError, load_policy, parse_policy, with_max_length
from chatmod.review import Reviewer

ROOM_A = "arn:aws:ivschat:us-east-1:123456789012:room/roomAAAAAAAA"
ROOM_B = "arn:aws:ivschat:us-east-1:123456789012:room/roomBBBBBBBB"


def reviewer(yaml_text: str) -> Reviewer:
    return Reviewer(parse_policy(textwrap.dedent(yaml_text)))


def test_default_policy_loads_and_has_every_pack() -> None:
    policy = load_policy()
    packs = policy.defaults.packs
    assert (packs.profanity.action, packs.slurs.action, packs.pii.action) == (
        "mask",
        "deny",
        "mask",
    )
    assert policy.defaults.max_length == 500


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("defaults: {max_lenght: 10}", "max_lenght"),
        ("defaults: {max_length: 900}", "max_length"),
        ("defaults: {packs: {profanity: {action: explode}}}", "action"),
        (
            "defaults: {rules: [{id: x, category: c, action: deny, severity: huge, terms: [a]}]}",
            "huge",
        ),
        ("defaults: {rules: [{id: x, category: c, action: deny}]}", "needs terms or patterns"),
        (
            "defaults: {rules: [{id: x, category: c, action: deny, patterns: ['(a)\\1']}]}",
            "not valid RE2",
        ),
        (
            "defaults: {model: {thresholds: {toxicity: {deny: 0.5, mask: 0.9}}}}",
            "allow <= mask <= deny",
        ),
        ("defaults: {model: {thresholds: {rudeness: {deny: 0.5}}}}", "unknown model labels"),
        ("rooms: {r1: {packs: {links: {allow_domains: 5}}}}", "rooms['r1']"),
        ("- just a list", "must be a mapping"),
        ("defaults: {max_length: [", "not valid YAML"),
        ("version: 2", "version"),
    ],
)
def test_invalid_policies_fail_with_a_clear_message(text: str, fragment: str) -> None:
    with pytest.raises(PolicyError) as caught:
        parse_policy(text, "my-policy.yaml")
    assert "my-policy.yaml" in str(caught.value)
    assert fragment in str(caught.value)


def test_a_yaml_error_says_where_it_is() -> None:
    text = "defaults:\n  max_length: 200\n  packs: {links: {enabled: false}\n"
    with pytest.raises(PolicyError) as caught:
        parse_policy(text, "my-policy.yaml")
    assert "line 3" in str(caught.value)
    assert "column" in str(caught.value)


def test_missing_policy_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(PolicyError, match="cannot read policy file"):
        load_policy(tmp_path / "nope.yaml")


def test_json_policy_files_work(tmp_path: Path) -> None:
    path = tmp_path / "policy.json"
    path.write_text(json.dumps({"defaults": {"packs": {"links": {"enabled": False}}}}))
    assert Reviewer(load_policy(path)).review_text("see example.com").result == "ALLOW"


def test_custom_term_and_pattern_rules() -> None:
    r = reviewer(
        """
        defaults:
          rules:
            - id: scam.terms
              category: scam
              action: deny
              severity: high
              terms: [free vbucks, "crypto giveaway"]
              reason: Scams are not allowed.
            - id: spoiler.pattern
              category: spoiler
              action: mask
              patterns: ['ending is \\w+']
        """
    )
    denied = r.review_text("get FREE V-BUCKS here")
    assert denied.result == "DENY"
    assert denied.reason == "Scams are not allowed."
    assert denied.rule_ids == ("scam.terms",)
    masked = r.review_text("the ending is snape!")
    assert masked.result == "ALLOW"
    assert masked.content == "the e***** ** *****!"
    assert masked.categories == ("spoiler",)


def test_pattern_rules_can_target_the_original_text() -> None:
    r = reviewer(
        """
        defaults:
          rules:
            - {id: caps.code, category: codes, action: mask, target: original, patterns: ['[A-Z]{4}-[0-9]{4}']}
        """
    )
    assert r.review_text("code ABCD-1234 and abcd-1234").content == "code A***-**** and abcd-1234"


def test_allow_exception_suppresses_overlapping_hits_only() -> None:
    r = reviewer(
        """
        defaults:
          rules:
            - {id: allow.dickens, category: exception, action: allow, terms: [dick van dyke]}
        """
    )
    decision = r.review_text("Dick Van Dyke was great, dick")
    assert decision.result == "ALLOW"
    assert decision.content == "Dick Van Dyke was great, d***"
    assert "allow.dickens" in decision.rule_ids


def test_room_overrides_by_arn_and_by_id() -> None:
    r = reviewer(
        f"""
        defaults:
          packs: {{links: {{action: deny}}}}
        rooms:
          "{ROOM_A}":
            packs: {{links: {{action: mask, allow_domains: [twitch.tv]}}}}
          roomBBBBBBBB:
            packs: {{profanity: {{enabled: false}}}}
            max_length: 20
        """
    )
    text = "see twitch.tv/x and evil.com"
    assert r.review_text(text).result == "DENY"  # defaults
    in_a = r.review_text(text, ROOM_A)
    assert (in_a.result, in_a.content) == ("ALLOW", "see twitch.tv/x and ****.***")
    assert r.review_text("fuck", ROOM_B).content == "fuck"  # profanity off in B (matched by id)
    assert r.review_text("fuck", ROOM_A).content == "f***"  # but still on in A
    assert r.review_text("hello there, everyone", ROOM_B).result == "DENY"
    assert r.review_text("hello there, everyone", ROOM_A).result == "ALLOW"


def test_room_rules_add_to_and_replace_default_rules() -> None:
    r = reviewer(
        """
        defaults:
          rules:
            - {id: r.one, category: c, action: mask, terms: [apple]}
            - {id: r.two, category: c, action: mask, terms: [banana]}
        rooms:
          special:
            rules:
              - {id: r.two, category: c, action: deny, terms: [banana]}
              - {id: r.three, category: c, action: mask, terms: [cherry]}
            disable_rules: [r.one, spam]
        """
    )
    room = "arn:aws:ivschat:eu-west-1:1:room/special"
    assert r.review_text("apple banana cherry").content == "a**** b***** cherry"
    special = r.review_text("apple banana cherry", room)
    assert (special.result, special.rule_ids) == ("DENY", ("r.two",))
    assert r.review_text("apple cherry", room).content == "apple c*****"
    assert r.review_text("!!!!!!!!!!!!!!!!!!!!", room).result == "ALLOW"  # spam pack disabled


def test_too_long_can_truncate_instead_of_deny() -> None:
    r = reviewer("defaults: {max_length: 10, too_long: truncate}")
    decision = r.review_text("hello world, fuck")
    assert (decision.result, decision.content) == ("ALLOW", "hello worl")
    assert decision.modified


def test_mask_char_is_configurable() -> None:
    assert reviewer("defaults: {mask_char: '#'}").review_text("shit").content == "s###"


def test_settings_max_length_overrides_policy_default() -> None:
    policy = with_max_length(load_policy(), 12)
    assert Reviewer(policy).review_text("thirteen chars").result == "DENY"
