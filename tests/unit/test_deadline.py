"""The review's internal deadline: a stage that no longer fits is skipped, never overrun."""

from __future__ import annotations

import textwrap
from collections.abc import Sequence

from chatmod.policy import parse_policy
from chatmod.review import Reviewer
from chatmod.review.deadline import (
    ATTRIBUTION_MAX_CHARS,
    STAGE_RESERVE_S,
    Deadline,
    invocation_deadline,
)

from .fakes import KeywordModel

POLICY = textwrap.dedent(
    """
    defaults:
      rules:
        - {id: deny.rekt, category: harassment, action: deny, severity: high, terms: ["get rekt"]}
        - {id: mask.darn, category: profanity, action: mask, terms: ["darn"]}
      model:
        level: custom
        thresholds:
          toxicity: {deny: 0.95, mask: 0.8, allow: 0.5}
    """
)
WEIGHTS = {"idiot": {"toxicity": 0.85}, "dumb": {"toxicity": 0.6}}


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class SlowModel(KeywordModel):
    """A keyword model whose every input takes ``per_text_s`` of the fake clock's time."""

    def __init__(self, clock: FakeClock, per_text_s: float) -> None:
        super().__init__(WEIGHTS)
        self.clock, self.per_text_s = clock, per_text_s

    def predict(self, texts: Sequence[str]) -> list[dict[str, float]]:
        self.clock.now += self.per_text_s * len(texts)
        return super().predict(texts)


def reviewer(clock: FakeClock, per_text_s: float) -> tuple[Reviewer, SlowModel]:
    model = SlowModel(clock, per_text_s)
    return Reviewer(parse_policy(POLICY), model), model


def test_with_time_to_spare_every_stage_runs() -> None:
    clock = FakeClock()
    review, model = reviewer(clock, per_text_s=0.001)
    deadline = Deadline.after(0.15, clock)
    decision = review.review_text("you absolute idiot, nice try", deadline=deadline)
    assert decision.content == "you absolute i****, nice try"
    assert deadline.cut is None and len(model.calls) > 1  # scored, then words located


def test_too_little_left_for_the_model_answers_with_the_rules_alone() -> None:
    clock = FakeClock()
    review, model = reviewer(clock, per_text_s=0.001)
    late = Deadline.after(STAGE_RESERVE_S["model"] - 0.001, clock)
    denied = review.review_text("get rekt you idiot", deadline=late)
    assert (denied.result, denied.rule_ids) == ("DENY", ("deny.rekt",))
    masked = review.review_text("darn, you idiot", deadline=late)
    assert (masked.result, masked.content, masked.scores) == ("ALLOW", "d***, you idiot", {})
    assert late.cut == "model" and model.calls == []


def test_with_rule_masks_only_what_they_leave_is_scored() -> None:
    """One model pass, on the text without the masked words: the cheapest review that still
    judges what will be shown."""
    clock = FakeClock()
    review, model = reviewer(clock, per_text_s=0.03)
    deadline = Deadline.after(STAGE_RESERVE_S["model"] + 0.025, clock)
    decision = review.review_text("darn, you idiot", deadline=deadline)
    assert decision.result == "ALLOW" and decision.content.startswith("d***, you")
    assert decision.scores["toxicity"] == 0.85
    assert model.calls[0] == [", you idiot"]


def test_under_the_attribution_reserve_the_gray_zone_goes_out_unmasked() -> None:
    clock = FakeClock()
    review, model = reviewer(clock, per_text_s=0.001)
    deadline = Deadline.after(STAGE_RESERVE_S["model"] + 0.0005, clock)
    decision = review.review_text("you absolute idiot, nice try", deadline=deadline)
    assert decision.result == "ALLOW"
    assert decision.content == "you absolute idiot, nice try"  # nothing starred
    assert decision.gray_zone == ("toxicity",)  # so the second opinion re-scores it
    assert deadline.cut == "attribution" and len(model.calls) == 1


def test_a_slow_model_skips_attribution_it_could_not_finish_in_time() -> None:
    """The reserve fits, but the runs attribution needs at this model's measured speed do not:
    skipped before it starts rather than overrunning the deadline."""
    clock = FakeClock()
    review, model = reviewer(clock, per_text_s=0.02)
    deadline = Deadline.after(0.15, clock)
    decision = review.review_text("you absolute idiot, nice try", deadline=deadline)
    assert deadline.left_s() >= STAGE_RESERVE_S["attribution"]
    assert deadline.cut == "attribution" and len(model.calls) == 1
    assert (decision.content, decision.gray_zone) == ("you absolute idiot, nice try", ("toxicity",))


def test_attribution_is_bounded_by_length_even_with_time_left() -> None:
    """A long message's attribution would cost several reviews' worth: never bought, however
    early in the budget, while a chat line's is."""
    clock = FakeClock()
    review, model = reviewer(clock, per_text_s=0.0001)
    long = "you absolute idiot, " + "nice try on that boss fight " * 4
    assert len(long) > ATTRIBUTION_MAX_CHARS
    deadline = Deadline.after(10.0, clock)
    decision = review.review_text(long, deadline=deadline)
    assert deadline.cut == "attribution" and len(model.calls) == 1
    assert (decision.modified, decision.gray_zone) == (False, ("toxicity",))
    assert review.review_text(long).modified  # no deadline (the CLI, tests): words located
    deadline = Deadline.after(10.0, clock)
    assert review.review_text("you absolute idiot, nice try", deadline=deadline).modified
    assert deadline.cut is None


def test_no_cut_is_recorded_when_attribution_is_not_needed() -> None:
    clock = FakeClock()
    review, _ = reviewer(clock, per_text_s=0.02)
    for text in ("good game everyone", "that was a dumb move"):  # clean; gray zone only
        deadline = Deadline.after(0.15, clock)
        review.review_text(text, deadline=deadline)
        assert deadline.cut is None


def test_the_invocation_deadline_is_the_budget_or_the_context_s_time_whichever_is_sooner() -> None:
    clock = FakeClock()
    started = clock()
    clock.now += 0.01
    assert invocation_deadline(started, None, clock).at == started + 0.15
    assert invocation_deadline(started, 3000, clock).at == started + 0.15
    short = invocation_deadline(started, 60, clock)  # a function timeout nearly spent
    assert abs(short.at - (clock() + 0.06 - 0.02)) < 1e-9
    assert not short.allows("model") and short.cut == "model"
