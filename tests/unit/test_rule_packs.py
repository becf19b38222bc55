"""Each built-in pack on its own: what it catches, what it leaves alone, what it does."""

from __future__ import annotations

import pytest

from chatmod.policy import parse_policy
from chatmod.review import Reviewer


@pytest.mark.parametrize(
    ("typed", "delivered"),
    [
        ("what the fuck", "what the f***"),
        ("FUCKING hell", "F****** hell"),
        ("sh1iiit happens", "s****** happens"),
        ("you $hit", "you $***"),
        ("f u c k this", "f * * * this"),
        ("f.u.c.k this", "f.*.*.* this"),
        ("what a b!tch", "what a b****"),
        ("a$$hole", "a******"),
        ("motherfuckers", "m************"),
        ("f*ck", "f***"),
        ("fu\u200bck", "f*\u200b**"),
        ("ѕһіt", "ѕ***"),
    ],
)
def test_profanity_is_masked(rules_reviewer: Reviewer, typed: str, delivered: str) -> None:
    decision = rules_reviewer.review_text(typed)
    assert decision.result == "ALLOW"
    assert decision.content == delivered
    assert decision.modified
    assert "profanity" in decision.rule_ids
    assert decision.categories == ("profanity",)


@pytest.mark.parametrize(
    "typed",
    [
        "you are a f4ggot",
        "n1gg3r",
        "go back home you w e t b a c k",
        "ｋｉｋｅ",
        "dirty k1kes",
        "chіnk",
    ],
)
def test_slurs_are_denied_with_a_reason(rules_reviewer: Reviewer, typed: str) -> None:
    decision = rules_reviewer.review_text(typed)
    assert decision.result == "DENY"
    assert decision.categories == ("hate",)
    assert decision.rule_ids == ("slurs",)
    assert decision.reason and "Hateful" in decision.reason
    assert decision.severity is not None and decision.severity.label == "high"


@pytest.mark.parametrize(
    "innocent",
    [
        "classic",
        "assassin",
        "Scunthorpe",
        "cocktail",
        "therapist",
        "I passed the class assignment",
        "Dickens wrote great books",
        "the shitake mushrooms",  # not "shit"
        "pass the bass",
        "spicy food in Niger",
        "I am a gay man",
        "she is a Muslim woman",
        "raccoons are cute",
        "grape juice",
    ],
)
def test_no_scunthorpe_problem(rules_reviewer: Reviewer, innocent: str) -> None:
    decision = rules_reviewer.review_text(innocent)
    assert decision.result == "ALLOW"
    assert decision.content == innocent
    assert not decision.modified
    assert decision.rule_ids == ()


@pytest.mark.parametrize(
    ("typed", "delivered", "rule_id"),
    [
        ("mail me: jane.doe@example.com ok", "mail me: ****.***@*******.*** ok", "pii.email"),
        ("call 555-867-5309", "call ***-***-****", "pii.phone"),
        ("call +1 (415) 555-2671 now", "call +* (***) ***-**** now", "pii.phone"),
        ("card 4111 1111 1111 1111", "card **** **** **** ****", "pii.card"),
        ("card 4111-1111-1111-1111!", "card ****-****-****-****!", "pii.card"),
    ],
)
def test_personal_data_is_masked(
    rules_reviewer: Reviewer, typed: str, delivered: str, rule_id: str
) -> None:
    decision = rules_reviewer.review_text(typed)
    assert decision.result == "ALLOW"
    assert decision.content == delivered
    assert rule_id in decision.rule_ids
    assert "pii" in decision.categories


@pytest.mark.parametrize(
    "innocent",
    [
        "4111 1111 1111 1112",  # fails Luhn: not a card
        "the score was 2024-01-05",
        "I have 3 cats and 2 dogs",
        "meet at 10:30",
        "we raised 1,250,000 dollars",
    ],
)
def test_numbers_that_are_not_personal_data(rules_reviewer: Reviewer, innocent: str) -> None:
    decision = rules_reviewer.review_text(innocent)
    assert decision.content == innocent
    assert not any(r.startswith("pii") for r in decision.rule_ids)


@pytest.mark.parametrize(
    ("typed", "delivered"),
    [
        ("go to https://evil.example.com/x", "go to *****://****.*******.***/*"),
        ("www.freestuff.net", "***.*********.***"),
        ("check scam-site.xyz/claim now", "check ****-****.***/***** now"),
        ("see https://twitch.tv/foo.", "see *****://******.**/***."),
    ],
)
def test_links_are_masked_by_default(rules_reviewer: Reviewer, typed: str, delivered: str) -> None:
    decision = rules_reviewer.review_text(typed)
    assert (decision.result, decision.content) == ("ALLOW", delivered)
    assert decision.rule_ids == ("links",)


def test_links_can_be_denied_with_an_allow_list() -> None:
    policy = parse_policy("defaults: {packs: {links: {action: deny, allow_domains: [twitch.tv]}}}")
    reviewer = Reviewer(policy)
    denied = reviewer.review_text("free stuff at scam.xyz")
    assert (denied.result, denied.reason) == ("DENY", "Links aren't allowed in this chat.")
    assert reviewer.review_text("follow me on https://www.twitch.tv/me").result == "ALLOW"


@pytest.mark.parametrize(
    "innocent",
    ["that was fun... ok", "e.g. this", "version 1.2.3", "mr.smith is here", "end.Start"],
)
def test_text_that_is_not_a_link(rules_reviewer: Reviewer, innocent: str) -> None:
    assert rules_reviewer.review_text(innocent).result == "ALLOW"


@pytest.mark.parametrize(
    ("typed", "rule_id"),
    [
        (
            "THIS STREAM IS THE BEST EVER AND EVERYONE HERE MUST FOLLOW MY CHANNEL RIGHT NOW "
            "OR I WILL KEEP POSTING THIS SAME MESSAGE IN EVERY SINGLE STREAM I CAN FIND TODAY",
            "spam.shouting",
        ),
        ("!" * 25, "spam.repeat"),
        ("n" + "o" * 70 + " way", "spam.repeat"),
        ("follow " * 8, "spam.flood"),
        ("xoxo" * 10, "spam.flood"),
    ],
)
def test_spam_is_denied(rules_reviewer: Reviewer, typed: str, rule_id: str) -> None:
    decision = rules_reviewer.review_text(typed)
    assert decision.result == "DENY"
    assert rule_id in decision.rule_ids
    assert decision.categories == ("spam",)


@pytest.mark.parametrize(
    "innocent",
    [
        "OMG",
        "LOL that was GREAT",
        "noooo",
        "gg gg",
        "hahahaha nice",
        "OMG THAT WAS AMAZING HAHAHA",
        "GG WP EVERYONE SEE YOU TOMORROW",
        "LETS GOOOOOOOOOOOOOO",
        "LETS GOOOOOOOOOOOOOOOOOOOOOOOOOOOOOO",
        "n" + "o" * 24 + " way",
        "wait what???????????",
        "REALLY????????????????????????? that was AMAZING",
        "THIS STREAM IS THE BEST EVER AND EVERYONE HERE MUST FOLLOW",
        "POG POG POG POG POG",
    ],
)
def test_excitement_is_not_spam(rules_reviewer: Reviewer, innocent: str) -> None:
    assert rules_reviewer.review_text(innocent).result == "ALLOW"


def test_deny_beats_mask_and_lists_every_cause(rules_reviewer: Reviewer) -> None:
    decision = rules_reviewer.review_text("fuck you f4ggot")
    assert decision.result == "DENY"
    assert decision.categories == ("hate",)
    assert {h.rule_id for h in decision.hits} == {"slurs", "profanity"}


def test_masked_content_keeps_everything_else_byte_for_byte(rules_reviewer: Reviewer) -> None:
    typed = "  Héllo 👋🏽 wörld, this is fucking 🔥 — ok?\n"
    decision = rules_reviewer.review_text(typed)
    assert len(decision.content) == len(typed)
    changed = [i for i, (a, b) in enumerate(zip(typed, decision.content, strict=True)) if a != b]
    start = typed.index("fucking")
    assert changed == list(range(start + 1, start + len("fucking")))
