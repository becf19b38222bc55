"""How rule hits and model scores combine into one decision."""

from __future__ import annotations

import textwrap

from chatmod.policy import parse_policy
from chatmod.review import Reviewer
from chatmod.review.attribution import ATTRIBUTION_WORK_CHARS, attribution_window
from chatmod.rules.base import RuleHit, Severity
from chatmod.text.views import masked_for_model

from .fakes import KeywordModel

POLICY = textwrap.dedent(
    """
    defaults:
      rules:
        - {id: allow.game, category: exception, action: allow, terms: ["kill the boss"]}
      model:
        level: custom
        thresholds:
          toxicity: {deny: 0.95, mask: 0.8, allow: 0.5}
          threat: {deny: 0.9, allow: 0.4}
        severity: {threat: critical}
    """
)
MODEL = KeywordModel(
    {
        "i will find you": {"threat": 0.97, "toxicity": 0.7},
        "kill": {"threat": 0.95},
        "idiot": {"toxicity": 0.85, "insult": 0.9},
        "moron": {"toxicity": 0.85},
        "dumb": {"toxicity": 0.6},
        "garbage human": {"toxicity": 0.99},
    }
)


def reviewer() -> Reviewer:
    return Reviewer(parse_policy(POLICY), KeywordModel(MODEL.weights))


def test_model_deny_threshold_denies_with_label_reason_and_severity() -> None:
    decision = reviewer().review_text("i will find you tonight")
    assert decision.result == "DENY"
    assert decision.categories == ("threat",)
    assert decision.rule_ids == ("model.threat",)
    assert decision.reason == "This message was flagged as threat."
    assert decision.severity is not None and decision.severity.label == "critical"
    assert decision.scores["threat"] == 0.97


def test_model_mask_threshold_masks_only_the_words_that_score() -> None:
    decision = reviewer().review_text("you absolute idiot, nice try")
    assert decision.result == "ALLOW"
    assert decision.content == "you absolute i****, nice try"
    assert decision.rule_ids == ("model.toxicity",)
    assert decision.gray_zone == ()


def test_gray_zone_allows_and_flags_for_a_second_opinion() -> None:
    decision = reviewer().review_text("that was a dumb move")
    assert decision.result == "ALLOW"
    assert not decision.modified
    assert decision.gray_zone == ("toxicity",)
    assert "toxicity" in decision.categories


def test_mask_level_score_with_no_single_word_to_blame_is_gray_zone() -> None:
    # Removing any one or two words leaves a "garbage" or a "trash": no word carries the score
    # alone, so nothing is starred and the message goes to the second opinion.
    model = KeywordModel({"garbage": {"toxicity": 0.9}, "trash": {"toxicity": 0.9}})
    text = "garbage trash garbage trash"
    decision = Reviewer(parse_policy(POLICY), model).review_text(text)
    assert decision.result == "ALLOW"
    assert decision.content == text
    assert decision.gray_zone == ("toxicity",)


def test_mask_stars_the_word_whose_removal_clears_the_message() -> None:
    # "garbage human" is toxic only as a phrase; without "garbage" the message is clean, so
    # that word is blamed (not "human", a word that would hide who was addressed).
    model = KeywordModel({"garbage human": {"toxicity": 0.9}})
    decision = Reviewer(parse_policy(POLICY), model).review_text("you garbage human")
    assert decision.content == "you g****** human"
    assert decision.rule_ids == ("model.toxicity",)


def test_threat_in_its_gray_zone_is_never_masked_into_acceptability() -> None:
    model = KeywordModel({"idiot": {"toxicity": 0.85, "threat": 0.6}})
    decision = Reviewer(parse_policy(POLICY), model).review_text("you idiot")
    assert decision.result == "ALLOW"
    assert decision.content == "you idiot"
    assert set(decision.gray_zone) == {"toxicity", "threat"}


def test_clean_text_is_allowed_unchanged_with_its_scores() -> None:
    decision = reviewer().review_text("what a great stream")
    assert (decision.result, decision.modified, decision.gray_zone) == ("ALLOW", False, ())
    assert set(decision.scores) == set(MODEL.labels)


def test_allow_exception_is_never_overridden_by_the_model() -> None:
    decision = reviewer().review_text("let's kill the boss now")
    assert decision.result == "ALLOW"
    assert decision.content == "let's kill the boss now"
    assert decision.rule_ids == ("allow.game",)
    assert decision.gray_zone == ()


def test_model_sees_the_deobfuscated_text_too() -> None:
    r = reviewer()
    decision = r.review_text("you 1d1ot")
    assert decision.result == "ALLOW"
    assert decision.content == "you 1****"
    assert ["you 1d1ot", "you idiot"] in r.model.calls  # type: ignore[union-attr]


def test_rules_deny_wins_over_model_mask() -> None:
    decision = reviewer().review_text("idiot f4ggot")
    assert decision.result == "DENY"
    assert decision.categories == ("hate",)


def test_model_disabled_per_room_ignores_scores() -> None:
    policy = parse_policy(POLICY + "rooms: {quiet: {model: {enabled: false}}}\n")
    r = Reviewer(policy, KeywordModel(MODEL.weights))
    decision = r.review_text("i will find you", "arn:aws:ivschat:us-east-1:1:room/quiet")
    assert decision.result == "ALLOW"
    assert decision.scores == {}


def test_model_judges_what_is_left_after_rule_masks() -> None:
    # The fake model finds "fuck" toxic; the profanity pack masks it, so the model's part of
    # the decision sees "what a  game" and the message is delivered masked, not denied.
    model = KeywordModel({"fuck": {"toxicity": 0.99}, "idiot": {"toxicity": 0.99}})
    r = Reviewer(parse_policy(POLICY), model)
    masked = r.review_text("what a fucking game")
    assert (masked.result, masked.content) == ("ALLOW", "what a f****** game")
    assert masked.scores["toxicity"] == 0.01  # what the decision used: the rest
    assert masked.scored_after_masks
    assert r.model.calls[0] == ["what a  game"]  # type: ignore[union-attr]
    denied = r.review_text("fucking idiot")
    assert denied.result == "DENY"
    assert denied.rule_ids == ("model.toxicity",)


def test_a_model_trained_with_a_placeholder_reads_masks_as_it() -> None:
    # An insult made only of a swear word: the model that reads "you are a ****" denies it;
    # untargeted swearing reads "what a **** game" and goes out starred.
    model = KeywordModel({"you are a ****": {"toxicity": 0.99}}, mask_placeholder="****")
    r = Reviewer(parse_policy(POLICY), model)
    insult = r.review_text("you are a cunt")
    assert insult.result == "DENY"
    assert model.calls[0] == ["you are a ****"]
    swearing = r.review_text("what a fucking game")
    assert (swearing.result, swearing.content) == ("ALLOW", "what a f****** game")
    assert model.calls[-1] == ["what a **** game"]


def test_masked_for_model_puts_one_placeholder_per_masked_run() -> None:
    hits = [
        RuleHit("profanity", "profanity", "mask", Severity.MEDIUM, 0, 4),
        RuleHit("profanity", "profanity", "mask", Severity.MEDIUM, 2, 4),
        RuleHit("profanity", "profanity", "mask", Severity.MEDIUM, 13, 16),
    ]
    assert masked_for_model("fuck off you ass!", hits, "****") == "**** off you ****!"
    assert masked_for_model("fuck off you ass!", hits) == " off you !"
    assert masked_for_model("clean line", [], "****") == "clean line"


def test_without_rule_masks_the_message_is_scored_once() -> None:
    r = reviewer()
    decision = r.review_text("hello there")
    assert not decision.scored_after_masks
    assert len(r.model.calls) == 1  # type: ignore[union-attr]


def _attribution_calls(model: KeywordModel, message: str) -> list[list[str]]:
    """The model calls one review made after scoring the message itself (attribution's)."""
    first = model.calls[0]
    assert first[0] == message, "the review scores the message as typed first"
    return model.calls[1:]


def test_words_are_not_located_when_the_model_denies() -> None:
    """toxicity reaches deny while threat only reaches mask: locating words would be wasted."""
    policy = parse_policy(
        POLICY.replace("threat: {deny: 0.9, allow: 0.4}", "threat: {deny: 0.99, mask: 0.9}")
    )
    model = KeywordModel({"garbage human": {"toxicity": 0.99, "threat": 0.95}})
    message = "you garbage human go away"
    decision = Reviewer(policy, model).review_text(message)
    assert decision.result == "DENY" and decision.rule_ids == ("model.toxicity",)
    assert _attribution_calls(model, message) == []


def test_words_are_not_located_when_a_rule_denies() -> None:
    model = KeywordModel({"idiot": {"toxicity": 0.85}})
    message = "you f4ggot idiot"
    decision = Reviewer(parse_policy(POLICY), model).review_text(message)
    assert decision.result == "DENY" and "hate" in decision.categories
    assert _attribution_calls(model, message) == []


def test_attribution_costs_one_batch_and_one_check_however_many_labels_mask() -> None:
    policy = parse_policy(
        POLICY.replace("threat: {deny: 0.9, allow: 0.4}", "insult: {deny: 0.99, mask: 0.8}")
    )
    model = KeywordModel(MODEL.weights)
    message = "you idiot stop it"
    decision = Reviewer(policy, model).review_text(message)
    assert decision.result == "ALLOW" and decision.content == "you i**** stop it"
    assert set(decision.rule_ids) == {"model.toxicity", "model.insult"}
    batch, check = _attribution_calls(model, message)
    # the message without each content word ("you" and "it" are never candidates) ...
    assert batch == ["you idiot stop it", "you stop it", "you idiot it"]
    assert check == ["you stop it"]  # ... and the exact re-check of the chosen removal


def test_attribution_window_shrinks_with_the_message_length() -> None:
    """Chat lines keep all 12 candidates; a long line weighs fewer, so the batched run's work
    (length x candidates) stays bounded; never fewer than 3 or more than the policy allows."""
    assert attribution_window(30, 24) == 12
    assert attribution_window(60, 24) == 6
    assert attribution_window(100, 24) == 3
    assert attribution_window(1000, 24) == 3
    assert attribution_window(30, 2) == 2


def test_a_long_line_still_stars_its_insult_with_a_narrow_window() -> None:
    """About 100 characters, so attribution weighs 3 candidates: the hottest window holds the
    insult, and no batched run reads more than the work bound plus the message itself."""
    model = KeywordModel(MODEL.weights)
    text = "what a long day at work today and the traffic was slow again, honestly you idiot, see you all later on"
    assert 100 <= len(text) < 120
    decision = Reviewer(parse_policy(POLICY), model).review_text(text)
    assert decision.content == text.replace("idiot", "i****")
    assert max(sum(map(len, call)) for call in model.calls) <= ATTRIBUTION_WORK_CHARS + len(text)
