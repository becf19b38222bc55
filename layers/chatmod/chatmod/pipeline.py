"""The review pipeline: normalize -> rules -> model -> policy -> response."""

from __future__ import annotations

import functools
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import re2

from chatmod.compile import CompiledRoom, compile_room
from chatmod.contract import ReviewRequest, ReviewResponse
from chatmod.decision import Decision, WordLocator, decide
from chatmod.normalize import TextViews, deleet, fold, normalize
from chatmod.policy import PolicyFile, load_policy, with_max_length
from chatmod.rules.base import RuleHit
from chatmod.settings import Settings

if TYPE_CHECKING:
    from chatmod.model import ToxicityModel

_WORD = re2.compile(r"\S+")
Span = tuple[int, int]


@dataclass(frozen=True)
class Review:
    """One reviewed request: the decision, the response for IVS and how long it took."""

    request: ReviewRequest
    decision: Decision
    response: ReviewResponse
    elapsed_ms: float


def response_for(request: ReviewRequest, decision: Decision) -> ReviewResponse:
    """ALLOW keeps the message's attributes; DENY carries the user-facing reason."""
    if decision.result == "DENY":
        attributes = {"Reason": (decision.reason or "Message not allowed.")[:256]}
    else:
        attributes = dict(request.attributes)
    return ReviewResponse(
        ReviewResult=decision.result, Content=decision.content, Attributes=attributes
    )


class Reviewer:
    """Reviews messages against a policy, with an optional toxicity model."""

    def __init__(self, policy: PolicyFile, model: ToxicityModel | None = None) -> None:
        self.policy = policy
        self.model = model
        self._rooms: dict[str | None, CompiledRoom] = {}

    @classmethod
    def from_settings(cls, settings: Settings, model: ToxicityModel | None = None) -> Reviewer:
        """The policy named by the settings (packaged default otherwise), with the model given."""
        policy = load_policy(settings.policy_file)
        return cls(with_max_length(policy, settings.max_length), model)

    def room(self, room: str) -> CompiledRoom:
        key = self.policy.room_key(room)
        compiled = self._rooms.get(key)
        if compiled is None:
            compiled = compile_room(self.policy.for_room(room))
            self._rooms[key] = compiled
        return compiled

    def warm(self) -> None:
        """Compile every room and run the model once, so the first message pays nothing."""
        for key in [None, *self.policy.rooms]:
            self.room(key or "")
        self.review_text("warming up the moderation pipeline")

    def scores(self, views: TextViews) -> dict[str, float]:
        """Model scores for the text as typed and as de-obfuscated, the higher of each."""
        return self._predict_merged(views)

    def _predict_merged(self, views: TextViews) -> dict[str, float]:
        if self.model is None:
            return {}
        texts = [views.original]
        if views.model.text.strip() and views.model.text != views.original.casefold():
            texts.append(views.model.text)
        results = self.model.predict(texts)
        merged: dict[str, float] = {}
        for result in results:
            for label, value in result.items():
                merged[label] = max(merged.get(label, 0.0), float(value))
        return merged

    def _word_locator(self, original: str, limit: int) -> WordLocator:
        """Finds the words that score on their own; each word is scored once per message,
        however many labels ask."""
        model = self.model

        @functools.cache  # once per message, for the first label that asks
        def words_and_scores() -> tuple[list[Span], list[str], dict[str, dict[str, float]]]:
            assert model is not None
            spans = [m.span() for m in _WORD.finditer(original)][:limit]
            words = [deleet(fold(original[s:e])).text for s, e in spans]
            unique = list(dict.fromkeys(words))
            scored = dict(zip(unique, model.predict(unique), strict=True)) if unique else {}
            return spans, words, scored

        def locate(label: str, threshold: float) -> list[tuple[int, int]]:
            if model is None or limit == 0:
                return []
            spans, words, scored = words_and_scores()
            return [
                span
                for span, word in zip(spans, words, strict=True)
                if scored[word].get(label, 0.0) >= threshold
            ]

        return locate

    def review_text(self, content: str, room: str = "", *, enforce_length: bool = True) -> Decision:
        """Review one message; ``enforce_length=False`` judges text longer than the room allows."""
        compiled = self.room(room)
        views = normalize(content)
        hits = [hit for check in compiled.checks for hit in check.scan(views)]
        use_model = self.model is not None and compiled.policy.model.enabled
        if not use_model:
            return decide(compiled, content, hits, enforce_length=enforce_length)
        scores = self.scores(views)
        masked = [h for h in hits if h.action == "mask"]
        residual: dict[str, float] = {}
        if masked:
            # The model judges what remains once the rules have masked what they know, so a
            # masked swear word alone does not turn into a DENY.
            residual = self.scores(normalize(without_spans(content, masked)))
        locator = self._word_locator(content, compiled.policy.model.mask_max_words)
        decision = decide(
            compiled,
            content,
            hits,
            residual if masked else scores,
            locator,
            enforce_length=enforce_length,
        )
        return replace(decision, scores=scores, residual_scores=residual)

    def review(self, request: ReviewRequest) -> Review:
        started = time.perf_counter()
        decision = self.review_text(request.content, request.room_arn)
        response = response_for(request, decision)
        return Review(request, decision, response, (time.perf_counter() - started) * 1000)

    def review_many(
        self, contents: Sequence[str], room: str = "", *, enforce_length: bool = True
    ) -> list[Decision]:
        return [self.review_text(c, room, enforce_length=enforce_length) for c in contents]


def load_model_from_settings(settings: Settings) -> ToxicityModel | None:
    """The configured model backend, or None when the backend is ``none``."""
    if settings.model_backend == "none":
        return None
    from chatmod.model import load_model

    return load_model(
        settings.model_backend,
        model_dir=settings.model_dir,
        checkpoint=settings.detoxify_checkpoint,
        model_type=settings.detoxify_model_type,
        huggingface_config_path=settings.detoxify_config_path,
        threads=settings.model_threads,
        max_tokens=settings.model_max_tokens,
    )


def without_spans(text: str, hits: Sequence[RuleHit]) -> str:
    """The text with every hit's characters removed."""
    drop = {i for hit in hits for i in range(hit.start, hit.end)}
    return "".join(ch for i, ch in enumerate(text) if i not in drop)
