"""The review pipeline: normalize -> rules -> model -> policy -> response."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from chatmod.attribution import occlude
from chatmod.compile import (
    CompiledRoom,
    SharedChecks,
    builtin_harmless,
    builtin_unblamed,
    compile_room,
)
from chatmod.contract import ReviewRequest, ReviewResponse
from chatmod.deadline import Deadline
from chatmod.decision import Decision, decide, model_plan
from chatmod.language import NOT_DETECTED, LanguageDetector, LanguageGuess
from chatmod.model.base import merge_max
from chatmod.model.router import pick_model
from chatmod.moderation.hold_rule import hold_decision
from chatmod.normalize import TextViews, fold, model_readings, normalize
from chatmod.policy import PolicyFile, RoomPolicy, is_skipped, load_policy, with_max_length
from chatmod.rules.base import RuleHit
from chatmod.settings import Settings

if TYPE_CHECKING:
    from chatmod.model import ToxicityModel

Span = tuple[int, int]
# Candidate words attribution weighs at most (the hottest window of a longer message).
ATTRIBUTION_WINDOW = 12
# Attribution's batched run reads the message once per candidate, so its cost grows with the
# message's length times the window: a 100-character line with 12 candidates costs about ten
# single runs (37 ms on one core). The window shrinks so that the variants hold at most this
# many characters together; a chat line of up to ~34 characters keeps all 12.
ATTRIBUTION_WORK_CHARS = 450
ATTRIBUTION_MIN_WINDOW = 3
# The as-typed reading of a message that also has a de-obfuscated one is scored on its first
# this many code points (about 64 tokens of ordinary text): the de-obfuscated reading covers the
# whole message, and two full 128-token runs were most of a crafted 500-code-point review.
TYPED_READING_MAX_CHARS = 200


def attribution_window(chars: int, mask_max_words: int) -> int:
    """How many candidate words attribution weighs for a model view of ``chars`` characters."""
    by_work = max(ATTRIBUTION_MIN_WINDOW, ATTRIBUTION_WORK_CHARS // max(1, chars) - 1)
    return min(ATTRIBUTION_WINDOW, mask_max_words, by_work)


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
        return ReviewResponse.deny(decision.content, decision.reason)
    return ReviewResponse.allow(decision.content, dict(request.attributes))


def keep_harmless(
    compiled: CompiledRoom, content: str, hits: Sequence[RuleHit], language: LanguageGuess
) -> list[RuleHit]:
    """Drop the hits of another language's pack on an everyday word of the message's own
    language ("dick" in a German line is "thick")."""
    if not language.known:
        return list(hits)
    harmless = builtin_harmless(language.code)
    if not harmless:
        return list(hits)
    return [
        h
        for h in hits
        if compiled.pack_languages.get(h.rule_id, language.code) == language.code
        or fold(content[h.start : h.end]).text not in harmless
    ]


class Reviewer:
    """Reviews messages against a policy, with an optional toxicity model, an optional
    multilingual one beside it (``model.router`` picks per message) and an optional language
    detector (without one, every message is of unknown language).

    A room's checks are compiled on its first message and kept: an instance serves few of a
    policy's rooms. ``shared`` holds the compiled checks the rooms have in common (the
    previous policy version's, for a reload)."""

    def __init__(
        self,
        policy: PolicyFile,
        model: ToxicityModel | None = None,
        language_detector: LanguageDetector | None = None,
        multilingual: ToxicityModel | None = None,
        shared: SharedChecks | None = None,
        on_room_error: Callable[[str, BaseException], None] | None = None,
    ) -> None:
        self.policy = policy
        self.model = model
        self.multilingual = multilingual
        self.models: tuple[ToxicityModel, ...] = tuple(
            m for m in (model, multilingual) if m is not None
        )
        self.language_detector = language_detector
        self.shared = SharedChecks() if shared is None else shared
        self._on_room_error = on_room_error
        self._rooms: dict[str | None, CompiledRoom] = {}

    @classmethod
    def from_settings(
        cls,
        settings: Settings,
        model: ToxicityModel | None = None,
        language_detector: LanguageDetector | None = None,
        multilingual: ToxicityModel | None = None,
    ) -> Reviewer:
        """The policy named by the settings (packaged default otherwise), with the models given."""
        policy = load_policy(settings.policy_file)
        return cls(
            with_max_length(policy, settings.max_length), model, language_detector, multilingual
        )

    def model_for(self, language: LanguageGuess, room: str = "") -> ToxicityModel | None:
        """The model that judges a message of ``language`` in ``room`` (None: rules alone)."""
        return self._model_for(language, self.room(room).policy)

    def _model_for(self, language: LanguageGuess, policy: RoomPolicy) -> ToxicityModel | None:
        if not policy.model.enabled:
            return None
        return pick_model(self.models, language, policy.model.languages, policy.languages)

    def detect_language(self, content: str) -> LanguageGuess:
        if self.language_detector is None:
            return NOT_DETECTED
        return self.language_detector.detect(content)

    def room(self, room: str) -> CompiledRoom:
        """The room's compiled checks, compiled now on its first message. A room whose checks
        do not compile (validated, but refused by RE2; ``check-policy`` compiles every room)
        gets the defaults' checks, reported through ``on_room_error`` (raises without one)."""
        key = self.policy.room_key(room)
        compiled = self._rooms.get(key)
        if compiled is None:
            try:
                compiled = compile_room(self.policy.for_room(room), self.shared)
            except Exception as exc:
                if key is None or self._on_room_error is None:
                    raise
                self._on_room_error(key, exc)
                compiled = self.room("")
            self._rooms[key] = compiled
        return compiled

    @property
    def served_rooms(self) -> tuple[str, ...]:
        """The ``rooms`` keys compiled so far (the rooms this instance has served)."""
        return tuple(key for key in self._rooms if key is not None)

    def warm(self, rooms: Iterable[str] = ()) -> None:
        """Compile the defaults and ``rooms`` and run the models once, so the first message
        pays nothing; other rooms compile on their first message."""
        self.room("")
        for room in rooms:
            self.room(room)
        self.shared.release()
        self.review_text("warming up the moderation pipeline")
        if self.multilingual is not None:
            self.multilingual.predict(["calentando el modelo multilingüe"])

    def _score(
        self, model: ToxicityModel, views: TextViews, deadline: Deadline | None = None
    ) -> dict[str, float]:
        """Stage "model": the message as typed and de-obfuscated, the higher of each label
        (timed against the ``deadline``, which then knows what attribution would cost)."""
        readings = model_readings(views, typed_max_chars=TYPED_READING_MAX_CHARS)
        if deadline is None:
            return merge_max(model.predict(readings))
        return merge_max(deadline.timed_run(model.predict, readings))

    def _attribute(
        self,
        model: ToxicityModel,
        compiled: CompiledRoom,
        views: TextViews,
        hits: Sequence[RuleHit],
        scores: Mapping[str, float],
        deadline: Deadline | None = None,
        language: str = "und",
    ) -> tuple[Span, ...]:
        """Stage "attribution", only when a label sits in its mask range and nothing denies:
        the words whose removal brings the message below every mask threshold."""
        if any(h.action in ("deny", "allow") for h in hits):
            return ()  # denied by a rule anyway, or an exception silences the model
        if not getattr(model, "stars_words", True):
            return ()  # its folder says its words are not to be starred: the gray zone decides
        plan = model_plan(compiled.policy.model, scores)
        if plan.deny or not plan.fix or compiled.policy.model.mask_max_words == 0:
            return ()
        view = views.model
        window = attribution_window(len(view.text), compiled.policy.model.mask_max_words)
        # Its full-length inputs: the message, without each candidate, up to two exact checks.
        cost_s = deadline.cost_of(window + 3) if deadline is not None else 0.0
        if deadline is not None and not deadline.allows(
            "attribution", cost_s, chars=len(view.text)
        ):
            return ()  # no word blamed: delivered with its gray zone, for the second opinion
        keep_out = view.from_original([(h.start, h.end) for h in hits if h.action == "mask"])
        batch = getattr(model, "predict_batch", model.predict)
        found = occlude(
            view.text,
            plan.fix,
            batch,
            model.predict,
            keep_out=keep_out,
            window=window,
            unblamed=builtin_unblamed(language),
        )
        return tuple(view.to_original(s, e) for s, e in found.spans)

    def review_text(
        self,
        content: str,
        room: str = "",
        *,
        enforce_length: bool = True,
        deadline: Deadline | None = None,
        skip: frozenset[str] = frozenset(),
    ) -> Decision:
        """Review one message: length -> normalize -> checks -> model -> attribution (when
        needed) -> decision. ``enforce_length=False`` judges text longer than the room allows.
        A ``deadline`` too close skips the model (the rules answer alone) or attribution (the
        message goes out with its gray zone); ``deadline.cut`` then names the stage. ``skip``:
        the checks (rule ids), ``model`` or ``all`` an exempt sender skips (``policy.exempt``)."""
        compiled = self.room(room)
        policy = compiled.policy
        if enforce_length and len(content) > policy.max_length and policy.too_long == "deny":
            return decide(compiled, content, [])  # refused before any rule or model work
        views = normalize(content)
        language = self.detect_language(views.visible.text)
        checks = [c for c in compiled.checks if not skip or not is_skipped(c.rule_id, skip)]
        hits = [hit for check in checks for hit in check.scan(views)]
        hits = keep_harmless(compiled, content, hits, language)
        exempt_from_model = "model" in skip or "all" in skip
        model = None if exempt_from_model else self._model_for(language, policy)
        if model is None or (deadline is not None and not deadline.allows("model")):
            decision = decide(compiled, content, hits, enforce_length=enforce_length)
            return replace(decision, language=language.code)
        masked = [h for h in hits if h.action == "mask"]
        # The model judges the message as the rules masked it: each masked word becomes the
        # model's placeholder (or goes, for a model trained without one), so a swear word alone
        # does not turn into a DENY while "you are a ****" still reads as an insult. The text
        # as sent is then never scored (a second model pass for a score nobody uses).
        placeholder = getattr(model, "mask_placeholder", "")
        judged_views = (
            normalize(masked_for_model(content, masked, placeholder)) if masked else views
        )
        judged = self._score(model, judged_views, deadline)
        blamed = self._attribute(model, compiled, views, hits, judged, deadline, language.code)
        decision = decide(compiled, content, hits, judged, blamed, enforce_length=enforce_length)
        return replace(
            decision, scored_after_masks=bool(masked), language=language.code, model=model.name
        )

    def review(self, request: ReviewRequest, *, deadline: Deadline | None = None) -> Review:
        started = time.perf_counter()
        policy = self.room(request.room_arn).policy
        skip = policy.skipped_for(request.sender.attributes)
        decision = self.review_text(request.content, request.room_arn, deadline=deadline, skip=skip)
        decision = hold_decision(decision, policy)
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


def load_multilingual_from_settings(settings: Settings) -> ToxicityModel | None:
    """The multilingual model read beside the first one (ONNX backend only), or None: turned
    off (``none``), another backend, or no folder found where the default looks."""
    from chatmod.model.base import multilingual_dir

    folder = multilingual_dir(settings.multilingual_model_dir)
    if settings.model_backend != "onnx" or folder is None:
        return None
    from chatmod.model.onnx_backend import OnnxToxicityModel

    return OnnxToxicityModel(
        folder, threads=settings.model_threads, max_tokens=settings.multilingual_max_tokens
    )


def masked_for_model(text: str, hits: Sequence[RuleHit], placeholder: str = "") -> str:
    """The text with every hit's characters replaced: each run of masked characters becomes
    ``placeholder`` once (removed when it is empty). Training builds its rows with the same
    function (``training/rule_masks.py``), so the model reads masks as it learnt them."""
    drop = {i for hit in hits for i in range(hit.start, hit.end)}
    out: list[str] = []
    for i, ch in enumerate(text):
        if i not in drop:
            out.append(ch)
        elif i - 1 not in drop:
            out.append(placeholder)
    return "".join(out)
