"""The reviewer: a policy's rooms compiled once, and every message run through the review's
stages (``chatmod.review.stages``) over one ``ReviewState``."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from chatmod.contract import ReviewRequest, ReviewResponse
from chatmod.languages import LanguageDetector, LanguageGuess
from chatmod.model.base import ToxicityModel
from chatmod.policy import PolicyFile, load_policy, with_max_length
from chatmod.review import stages
from chatmod.review.compile import CompiledRoom, SharedChecks, compile_room
from chatmod.review.deadline import Deadline
from chatmod.review.decision import Decision
from chatmod.review.state import ReviewState
from chatmod.settings import Settings


@dataclass(frozen=True)
class Review:
    """One reviewed request: the decision, the response for IVS and how long it took."""

    request: ReviewRequest
    decision: Decision
    response: ReviewResponse
    elapsed_ms: float


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
        self.tools = stages.ReviewTools.of(language_detector, self.models)
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

    def detect_language(self, content: str) -> LanguageGuess:
        return self.tools.detect(content)

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

    def review_text(
        self,
        content: str,
        room: str = "",
        *,
        enforce_length: bool = True,
        deadline: Deadline | None = None,
        skip: frozenset[str] = frozenset(),
    ) -> Decision:
        """Judge one message (the stages up to the decision). ``enforce_length=False`` judges
        text longer than the room allows. A ``deadline`` too close skips the model (the rules
        answer alone) or attribution (the message goes out with its gray zone);
        ``deadline.cut`` then names the stage. ``skip``: the checks (rule ids), ``model`` or
        ``all`` an exempt sender skips (``policy.exempt``)."""
        state = ReviewState(
            content, self.room(room), enforce_length=enforce_length, deadline=deadline, skip=skip
        )
        return _decided(stages.run(self.tools, state, stages.JUDGE))

    def review(self, request: ReviewRequest, *, deadline: Deadline | None = None) -> Review:
        """The whole review of one request: judged, held when the room holds it, answered."""
        started = time.perf_counter()
        compiled = self.room(request.room_arn)
        skip = compiled.policy.skipped_for(request.sender.attributes)
        state = ReviewState(
            request.content, compiled, deadline=deadline, skip=skip, request=request
        )
        stages.run(self.tools, state, stages.REVIEW)
        assert state.response is not None
        elapsed_ms = (time.perf_counter() - started) * 1000
        return Review(request, _decided(state), state.response, elapsed_ms)


def _decided(state: ReviewState) -> Decision:
    assert state.decision is not None, "the review's last judging stage decides"
    return state.decision
