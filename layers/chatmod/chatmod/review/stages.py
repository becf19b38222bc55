"""The review's stages, each one step over the one ``ReviewState``:
read -> detect -> check -> score -> attribute -> decide -> respond.

Every stage has the same contract: ``(tools, state) -> None``, reading what the stages before
it wrote and writing its own part. ``run`` walks them in order; once a stage has decided the
message (a message too long for its room, say), only the stages that answer still run.

A module a message enters more than once, and why: ``chatmod.text.views`` serves each stage the
reading it needs from the one ``TextViews`` that ``read`` built (a method call, never a second
normalization; the text the model reads once rules masked words is another text to it, read
once by ``TextViews.masked``); ``decision`` refuses a message too long before any other work
(``read``) and decides the rest last (``decide``); ``starring`` gives the model's plan as soon as
it has scored (``score``) and says whether words may be blamed (``attribute``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from chatmod.contract import ReviewResponse
from chatmod.languages import NOT_DETECTED, LanguageDetector, LanguageGuess
from chatmod.languages.packs import NO_LISTS, LanguageLists, Unblamed, language_lists
from chatmod.model.base import merge_max
from chatmod.model.router import pick_model
from chatmod.policy import RoomPolicy, is_skipped
from chatmod.review.attribution import attribution_window, occlude
from chatmod.review.decision import decide, too_long
from chatmod.review.hold import hold_decision
from chatmod.review.starring import may_blame_words, model_plan
from chatmod.review.state import ReviewState
from chatmod.rules.base import RuleHit
from chatmod.text.views import normalize

if TYPE_CHECKING:
    from chatmod.model.base import ToxicityModel
    from chatmod.review.compile import CompiledRoom
    from chatmod.text.views import TextViews

# The as-typed reading of a message that also has a de-obfuscated one is scored on its first
# this many code points (about 64 tokens of ordinary text): the de-obfuscated reading covers the
# whole message, and two full 128-token runs were most of a crafted 500-code-point review.
TYPED_READING_MAX_CHARS = 200


@dataclass(frozen=True)
class ReviewTools:
    """What a review consults besides its room: the language detector (None: every message
    is of unknown language), the loaded models in order of preference (English first) and each
    detectable language's lists (``languages.packs.language_lists``), which only a detected
    language reads: a reviewer without a detector (a new instance's first answers) never
    loads them, one with a detector loads them before its first message, never during one."""

    detector: LanguageDetector | None = None
    models: tuple[ToxicityModel, ...] = ()
    lists: Mapping[str, LanguageLists] = field(default_factory=dict)

    @classmethod
    def of(
        cls, detector: LanguageDetector | None, models: tuple[ToxicityModel, ...]
    ) -> ReviewTools:
        return cls(detector, models, language_lists() if detector is not None else {})

    def harmless(self, language: str) -> frozenset[str]:
        return self.lists.get(language, NO_LISTS).harmless

    def unblamed(self, language: str) -> Unblamed:
        return self.lists.get(language, NO_LISTS).unblamed

    def detect(self, text: str) -> LanguageGuess:
        return NOT_DETECTED if self.detector is None else self.detector.detect(text)

    def model_for(self, language: LanguageGuess, policy: RoomPolicy) -> ToxicityModel | None:
        """The model that judges a message of ``language`` under ``policy`` (None: rules
        alone)."""
        if not policy.model.enabled:
            return None
        return pick_model(self.models, language, policy.model.languages, policy.languages)


Stage = Callable[[ReviewTools, ReviewState], None]


def read(tools: ReviewTools, state: ReviewState) -> None:
    """The length, checked once, then every reading of the message, built once."""
    if state.enforce_length:
        state.decision = too_long(state.room, state.content)  # refused before any other work
    if state.decision is None:
        state.views = normalize(state.content)


def detect(tools: ReviewTools, state: ReviewState) -> None:
    state.language = tools.detect(_views(state).visible.text)


def check(tools: ReviewTools, state: ReviewState) -> None:
    """The room's checks, less those the sender is exempt from, and harmless words of the
    message's own language spared."""
    views, skip = _views(state), state.skip
    checks = [c for c in state.room.checks if not skip or not is_skipped(c.rule_id, skip)]
    hits = [hit for c in checks for hit in c.scan(views)]
    language = state.language
    state.hits = keep_harmless(state.room, views, hits, language, tools.harmless(language.code))


def score(tools: ReviewTools, state: ReviewState) -> None:
    """The model judges the message as the rules masked it: each masked word becomes the
    model's placeholder (or goes, for a model trained without one), so a swear word alone does
    not turn into a DENY while "you are a ****" still reads as an insult. The text as sent is
    then never scored (a second model pass for a score nobody uses). Skipped for an exempt
    sender, a language no model reads, or a deadline too close (the rules answer alone)."""
    exempt = "model" in state.skip or "all" in state.skip
    model = None if exempt else tools.model_for(state.language, state.policy)
    deadline = state.deadline
    if model is None or (deadline is not None and not deadline.allows("model")):
        return
    masked = [(h.start, h.end) for h in state.hits if h.action == "mask"]
    readings = (
        _views(state).masked(masked, model.mask_placeholder).readings(TYPED_READING_MAX_CHARS)
    )
    runs = (
        model.predict(readings) if deadline is None else deadline.timed_run(model.predict, readings)
    )
    state.model = model
    state.scores = merge_max(runs)
    state.scored_after_masks = bool(masked)
    state.plan = model_plan(state.policy.model, state.scores)


def attribute(tools: ReviewTools, state: ReviewState) -> None:
    """The words whose removal brings the message below every mask threshold, when words may
    be blamed at all (``chatmod.review.starring``) and the deadline leaves time."""
    model, plan, policy = state.model, state.plan, state.policy
    if model is None or plan is None or not may_blame_words(state.hits, model, plan, policy.model):
        return
    view, deadline = _views(state).model, state.deadline
    keep_out = view.from_original([(h.start, h.end) for h in state.hits if h.action == "mask"])
    window = attribution_window(len(view.text), policy.model.mask_max_words)
    # Its full-length inputs: the message, without each candidate, up to two exact checks.
    cost_s = deadline.cost_of(window + 3) if deadline is not None else 0.0
    if deadline is not None and not deadline.allows("attribution", cost_s, chars=len(view.text)):
        return  # no word blamed: delivered with its gray zone, for the second opinion
    found = occlude(
        view.text,
        plan.fix,
        model.predict_batch,
        model.predict,
        keep_out=keep_out,
        window=window,
        unblamed=tools.unblamed(state.language.code),
    )
    state.blamed = tuple(view.to_original(s, e) for s, e in found.spans)


def decide_message(tools: ReviewTools, state: ReviewState) -> None:
    decision = decide(
        state.room,
        state.content,
        state.hits,
        state.scores,
        state.plan,
        state.blamed,
        enforce_length=state.enforce_length,
    )
    state.decision = replace(
        decision,
        scored_after_masks=state.scored_after_masks,
        language=state.language.code,
        model=state.model.name if state.model is not None else None,
    )


def respond(tools: ReviewTools, state: ReviewState) -> None:
    """The room's hold rule, then the answer IVS gets."""
    assert state.decision is not None and state.request is not None
    state.decision = hold_decision(state.decision, state.policy)
    state.response = ReviewResponse.answering(state.request, state.decision)


# The stages that judge a message, and the whole review (which also answers).
JUDGE: tuple[Stage, ...] = (read, detect, check, score, attribute, decide_message)
REVIEW: tuple[Stage, ...] = (*JUDGE, respond)
ANSWERING: frozenset[Stage] = frozenset({respond})


def run(tools: ReviewTools, state: ReviewState, stages: Sequence[Stage] = REVIEW) -> ReviewState:
    """Each stage in order; once one has decided, only the answering stages run."""
    for stage in stages:
        if state.decision is None or stage in ANSWERING:
            stage(tools, state)
    return state


def keep_harmless(
    room: CompiledRoom,
    views: TextViews,
    hits: Sequence[RuleHit],
    language: LanguageGuess,
    harmless: frozenset[str],
) -> list[RuleHit]:
    """Drop the hits of another language's pack on an everyday word of the message's own
    language ("dick" in a German line is "thick"); ``harmless``: that language's words."""
    if not language.known or not harmless:
        return list(hits)
    return [
        h
        for h in hits
        if room.pack_languages.get(h.rule_id, language.code) == language.code
        or views.folded_span(h.start, h.end) not in harmless
    ]


def _views(state: ReviewState) -> TextViews:
    assert state.views is not None, "the read stage builds the views first"
    return state.views
