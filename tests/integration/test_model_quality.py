"""The shipped model through the whole review pipeline, judged on the functional suite.

Every line of ``tests/functional/suite.yaml`` was written for this project and is kept out of
training. The target is 80% of every category at the default level; the model card lists the
categories still below it, and these tests hold the shipped model to what it measured (no
category below 60%, 85% on average) so that a retrained model cannot quietly lose ground. Every
word the model's part of a decision stars must be one that attribution blames on the real
model's outputs: the message without it scores clearly lower.
"""

from __future__ import annotations

from functools import cache

import pytest

from chatmod.model.base import REPO_MODEL_DIR, merge_max
from chatmod.model.onnx_backend import OnnxToxicityModel
from chatmod.policy import load_policy
from chatmod.review import Reviewer
from chatmod.review.attribution import FUNCTION_WORDS, IDENTITY_WORDS
from chatmod.review.decision import Decision
from chatmod.text.views import masked_for_model, model_readings, normalize
from training.functional_suite import Category, is_correct, load_suite

SUITE = load_suite()
MIN_ACCURACY = 60.0  # per category; the target is 80 (see the model card)
MIN_MEAN_ACCURACY = 85.0
MIN_DROP = 0.15


@cache
def reviewer() -> Reviewer:
    return Reviewer(load_policy(), OnnxToxicityModel(REPO_MODEL_DIR))


# Categories held more tightly than MIN_ACCURACY: swearing aimed at nobody is delivered with
# its stars although the model now reads the rules' placeholder (the target for insults made
# only of swear words, 90%, is not met by this model: it measured 62.5%; see the model card).
FLOORS = {"profanity_untargeted": 95.0}


@cache
def decisions(name: str) -> tuple[tuple[str, Decision], ...]:
    category = next(c for c in SUITE if c.name == name)
    return tuple((line, reviewer().review_text(line)) for line in category.lines)


@pytest.mark.parametrize("category", SUITE, ids=lambda c: c.name)
def test_category_meets_its_gold_decision(category: Category) -> None:
    wrong = [
        (line, d.result, d.content)
        for line, d in decisions(category.name)
        if not is_correct(category.gold, d.result, d.modified)
    ]
    accuracy = 100 * (1 - len(wrong) / len(category.lines))
    assert accuracy >= FLOORS.get(category.name, MIN_ACCURACY), (
        f"{category.name} {accuracy:.0f}% (gold {category.gold}): {wrong}"
    )


def test_the_suite_as_a_whole_meets_its_mean() -> None:
    accuracies = []
    for category in SUITE:
        ok = sum(
            is_correct(category.gold, d.result, d.modified) for _, d in decisions(category.name)
        )
        accuracies.append(100 * ok / len(category.lines))
    assert sum(accuracies) / len(accuracies) >= MIN_MEAN_ACCURACY


@pytest.mark.parametrize("category", SUITE, ids=lambda c: c.name)
def test_every_word_the_model_stars_is_one_attribution_blames(category: Category) -> None:
    model = reviewer().model
    assert model is not None
    thresholds = reviewer().policy.defaults.model.label_thresholds
    for line, decision in decisions(category.name):
        model_masks = [
            h for h in decision.hits if h.rule_id.startswith("model.") and h.action == "mask"
        ]
        if not model_masks:
            continue
        spans = sorted({(h.start, h.end) for h in model_masks})
        for start, end in spans:
            word = line[start:end].casefold().strip(".,!?")
            assert word not in FUNCTION_WORDS | IDENTITY_WORDS, (line, word)
        rule_masks = [h for h in decision.hits if h.action == "mask" and h not in model_masks]
        # What the model read: the rules' masks as its placeholder, then also without the stars.
        as_read = masked_for_model(line, rule_masks, model.mask_placeholder)
        before = merge_max(model.predict(model_readings(normalize(as_read))))
        starred_too = masked_for_model(line, rule_masks + model_masks, model.mask_placeholder)
        after = merge_max(model.predict(model_readings(normalize(starred_too))))
        for label in {h.category for h in model_masks}:
            mask = thresholds[label].mask
            assert mask is not None
            assert after[label] < mask, (line, label, after[label])
            assert before[label] - after[label] >= MIN_DROP, (
                line,
                label,
                before[label],
                after[label],
            )


@pytest.mark.parametrize(
    "line",
    ["streamer i like you", "gonna sleep now bro see u", "i will commend u all if we win",
     "u should come visit my city", "I have no idea where you are", "Fue un partido increíble"],
)  # fmt: skip
def test_short_harmless_lines_from_the_report_are_delivered_untouched(line: str) -> None:
    decision = reviewer().review_text(line)
    assert (decision.result, decision.content) == ("ALLOW", line)


@pytest.mark.parametrize(
    "line",
    ["I'm going to shoot the next streamer I see", "people like them are not worth anything",
     "all of them should be locked up for good", "they are never going to be smart"],
)  # fmt: skip
def test_hate_and_threats_without_swear_words_are_denied(line: str) -> None:
    assert reviewer().review_text(line).result == "DENY"


@pytest.mark.parametrize("line", ["youarea waste of space", "ur so stpuid", "fck u"])
def test_disguised_insults_are_acted_on(line: str) -> None:
    decision = reviewer().review_text(line)
    assert decision.result == "DENY" or decision.modified
