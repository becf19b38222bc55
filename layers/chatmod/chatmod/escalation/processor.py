"""Acts on one escalation record: count the strike, maybe disconnect, or get a second opinion.

Strikes go through the ledger (atomic, idempotent per message id). Deletes go through the
action guard: a redelivered record replays a completed delete, and a retry after a failure
may delete again, which is harmless. Disconnects are at most once (``intents.run_once``): a
call whose outcome is unknown is repeated only within seconds of the first, otherwise it is
given up with ``OutcomeUnknownError`` (the function dead-letters the record with its reason).
Any other exception leaves the record to be retried by the queue.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from chatmod.contract import room_id_from_arn
from chatmod.errors import SecondOpinionUnavailableError as SecondOpinionUnavailableError
from chatmod.escalation.actions import (
    ActionGuard,
    ChatActions,
    Outcome,
    SanctionWriter,
    action_key,
    clip_reason,
)
from chatmod.escalation.intents import (
    RETRY_WINDOW_MS,
    IntentLog,
    MemoryIntentLog,
    OnceSettings,
    run_once,
)
from chatmod.escalation.ledger import StrikeLedger
from chatmod.escalation.record import EscalationRecord
from chatmod.escalation.second_opinion import (
    RoutedSecondOpinion,
    SecondOpinion,
    confirmed_labels,
)
from chatmod.escalation.strikes import (
    LedgerKey,
    LedgerState,
    active_strikes,
    expires_at,
    is_consumed,
    plan_disconnect,
    recent_flagged,
    stale_entries,
)
from chatmod.escalation.wire import readable
from chatmod.languages import NOT_DETECTED, LanguageDetector, LanguageGuess
from chatmod.model.router import reads
from chatmod.policy import EscalationPolicy, PolicyFile, RoomPolicy
from chatmod.rules.base import Severity

CLAIM_ATTEMPTS = 5
DISCONNECT_TIMEOUT_MS = 30_000  # the longest a DisconnectUser call can run (ivschat client)


@dataclass
class EscalationResult:
    """What one record led to (logged by the function, asserted by tests)."""

    kind: str
    message_id: str
    skipped: str | None = None
    active_strikes: int | None = None
    confirmed: tuple[str, ...] = ()
    second_opinion_scores: dict[str, float] = field(default_factory=dict)
    deleted: dict[str, Outcome] = field(default_factory=dict)
    disconnected: Outcome | None = None
    # The strike ladder's step taken ("warn", "timeout:60", "ban"), when the policy has one.
    ladder_step: str | None = None
    sanctioned: bool = False  # the step's timeout or ban was written (none lasting longer)


def _now_ms() -> int:
    return int(time.time() * 1000)


class EscalationProcessor:
    """The escalation function's logic, with every dependency injected."""

    def __init__(
        self,
        policy: Callable[[], PolicyFile],
        ledger: StrikeLedger,
        actions: ChatActions,
        guard: ActionGuard,
        scorer: SecondOpinion | None = None,
        *,
        confirm_threshold: float | None = None,
        clock_ms: Callable[[], int] = _now_ms,
        intents: IntentLog | None = None,
        disconnect_timeout_ms: int = DISCONNECT_TIMEOUT_MS,
        retry_window_ms: int = RETRY_WINDOW_MS,
        sleep_ms: Callable[[int], None] | None = None,
        language_detector: LanguageDetector | None = None,
        sanctions: SanctionWriter | None = None,
    ) -> None:
        self.policy = policy
        self.ledger = ledger
        self.actions = actions
        self.guard = guard
        self.scorer = scorer
        self.confirm_threshold = confirm_threshold
        self.clock_ms = clock_ms
        self.intents = intents if intents is not None else MemoryIntentLog()
        self.once = OnceSettings(
            call_timeout_ms=disconnect_timeout_ms,
            retry_window_ms=retry_window_ms,
            now_ms=clock_ms,
        )
        if sleep_ms is not None:
            self.once.sleep_ms = sleep_ms
        self.language_detector = language_detector
        self.sanctions = sanctions

    def set_time_left(self, time_left_ms: Callable[[], int]) -> None:
        """The invocation's remaining time: a disconnect is repeated only while it fits."""
        self.once.time_left_ms = time_left_ms

    def process(self, record: EscalationRecord) -> EscalationResult:
        room = self.policy().for_room(record.room_arn)
        result = EscalationResult(kind=record.kind, message_id=record.message_id)
        automatic = not record.kind.startswith("moderator_")
        if automatic and not room.escalation.enabled:  # a moderator's request is always taken
            result.skipped = "escalation disabled for this room"
            return result
        if record.kind == "strike":
            severe = any(c in room.escalation.disconnect_immediately for c in record.categories)
            self._strike(record, room.escalation, result, immediate=severe)
        elif record.kind == "moderator_delete":
            reason = record.reason or room.escalation.delete_reason
            result.deleted[record.message_id] = self._delete(
                record.room_arn, record.message_id, reason
            )
        elif record.kind == "moderator_disconnect":
            self._moderator_disconnect(record, room.escalation, result)
        else:
            self._second_opinion(record, room, result)
        return result

    # -- strikes -------------------------------------------------------------------------

    def _strike(
        self,
        record: EscalationRecord,
        policy: EscalationPolicy,
        result: EscalationResult,
        *,
        immediate: bool,
    ) -> None:
        key = LedgerKey(record.room_arn, record.user_id)
        now = self.clock_ms()
        at = record.reviewed_at_ms
        state = self.ledger.add_strike(
            key, record.message_id, at, expires_at(now, policy.window_seconds)
        )
        top = len(policy.ladder)
        if record.message_id in state.pending:  # our own claim from an earlier, failed attempt
            self._climb(record, policy, top, result)
            self._disconnect(key, record.message_id, policy, result, at)
            return
        for _ in range(CLAIM_ATTEMPTS):
            plan = plan_disconnect(
                state,
                record.message_id,
                at,
                threshold=policy.disconnect_at,
                window_seconds=policy.window_seconds,
                immediate=immediate,
            )
            if plan is None:
                result.active_strikes = len(active_strikes(state, at, policy.window_seconds))
                if not is_consumed(state, at):
                    self._climb(record, policy, result.active_strikes, result)
                self._prune(key, state, at, policy)
                return
            if self.ledger.claim_disconnect(
                key, state.cleared_at_ms, plan.cleared_at_ms, record.message_id
            ):
                result.active_strikes = len(plan.counted)
                self._climb(record, policy, top if immediate else len(plan.counted), result)
                self._disconnect(key, record.message_id, policy, result, at)
                return
            state = self.ledger.get(key)  # another delivery claimed first: look again
        raise RuntimeError(
            f"could not settle the strike ledger for {record.message_id} (contention)"
        )

    def _climb(
        self, record: EscalationRecord, policy: EscalationPolicy, strikes: int, r: EscalationResult
    ) -> None:
        """The ladder's step for this strike: its timeout (from the review time, so a
        redelivered record writes the same end) or ban goes on the user before any disconnect,
        so a user who reconnects is still refused."""
        step = policy.step(strikes)
        if step is None:
            return
        r.ladder_step = "ban" if step.ban else f"timeout:{step.timeout}" if step.timeout else "warn"
        if not step.sanctions or self.sanctions is None:
            return
        until = None if step.ban else record.reviewed_at_ms + (step.timeout or 0) * 1000
        r.sanctioned = self.sanctions.impose(
            room_id_from_arn(record.room_arn), record.user_id, until, record.reason
        )

    def _disconnect(
        self,
        key: LedgerKey,
        claim_id: str,
        policy: EscalationPolicy,
        result: EscalationResult,
        at: int,
    ) -> None:
        reason = clip_reason(policy.disconnect_reason, "Disconnected by moderation.")
        result.disconnected = run_once(
            self.intents,
            action_key("disconnect", key.room_arn, f"{key.user_id}#{claim_id}"),
            lambda: self.actions.disconnect_user(key.room_arn, key.user_id, reason),
            self.once,
        )
        if policy.purge_on_disconnect:
            state = self.ledger.get(key)
            flagged = recent_flagged(state, at, policy.window_seconds)
            for message_id in sorted(flagged, key=flagged.__getitem__):
                result.deleted[message_id] = self._delete(
                    key.room_arn, message_id, policy.delete_reason
                )
            self.ledger.forget(key, (), flagged.items())
        self.ledger.complete_disconnect(key, claim_id)

    def _moderator_disconnect(
        self, record: EscalationRecord, policy: EscalationPolicy, result: EscalationResult
    ) -> None:
        """At most once per request (its id is the record's ``message_id``), like a strike's;
        a redelivery after it completed replays its outcome (the action guard)."""
        reason = clip_reason(record.reason or policy.disconnect_reason, "Disconnected.")
        key = action_key("disconnect", record.room_arn, f"{record.user_id}#{record.message_id}")
        result.disconnected = self.guard.run(
            {**key, "action": "moderator-disconnect"},
            lambda: run_once(
                self.intents,
                key,
                lambda: self.actions.disconnect_user(record.room_arn, record.user_id, reason),
                self.once,
            ),
        )

    def _prune(self, key: LedgerKey, state: LedgerState, at: int, policy: EscalationPolicy) -> None:
        strikes, flagged = stale_entries(state, at, policy.window_seconds)
        if strikes or flagged:
            self.ledger.forget(key, strikes.items(), flagged.items())

    # -- second opinion ------------------------------------------------------------------

    def _delete(self, room_arn: str, message_id: str, reason: str) -> Outcome:
        text = clip_reason(reason, "Removed by moderation.")
        called: list[Outcome] = []

        def delete() -> Outcome:
            called.append(self.actions.delete_message(room_arn, message_id, text))
            return called[-1]

        outcome = self.guard.run(action_key("delete", room_arn, message_id), delete)
        return outcome if called else "replayed"  # the guard replayed a completed delete

    def _language(self, text: str) -> LanguageGuess:
        if self.language_detector is None:
            return NOT_DETECTED
        return self.language_detector.detect(text)

    def _unread(self, guess: LanguageGuess, room: RoomPolicy) -> bool:
        """A known language the room's model may not judge, or the second opinion cannot read."""
        if not guess.known:
            return False
        return guess.code not in room.model.languages or not reads(self.scorer, guess.code)

    def _second_opinion(
        self, record: EscalationRecord, room: RoomPolicy, result: EscalationResult
    ) -> None:
        policy = room.escalation
        if not policy.second_opinion:
            result.skipped = "second opinion disabled for this room"
            return
        if self.scorer is None:
            raise SecondOpinionUnavailableError("no second-opinion scorer is available")
        text = readable(record.content or "")  # as the review read it: no lone surrogate
        context = tuple(readable(item) for item in record.context)
        guess = self._language(text)
        if self._unread(guess, room):
            # A line the review answered before it knew the language (a new instance's first
            # messages): the model would judge words it cannot read, so it is left alone.
            result.skipped = f"written in {guess.code}, which the model does not read"
            return
        scorer = self.scorer
        if isinstance(scorer, RoutedSecondOpinion):
            scorer = scorer.for_language(guess.code)  # the model that reads the line's language
        scores = scorer.score(text, context)
        result.second_opinion_scores = {k: round(v, 4) for k, v in scores.items()}
        confirmed = confirmed_labels(scores, room.model, record.gray_zone, self.confirm_threshold)
        result.confirmed = tuple(confirmed)
        key = LedgerKey(record.room_arn, record.user_id)
        if not confirmed:
            if policy.purge_on_disconnect:
                now = self.clock_ms()
                self.ledger.note_flagged(
                    key,
                    record.message_id,
                    record.reviewed_at_ms,
                    expires_at(now, policy.window_seconds),
                )
            return
        result.deleted[record.message_id] = self._delete(
            record.room_arn, record.message_id, policy.delete_reason
        )
        worst = max(room.model.severity_of(label) for label in confirmed)
        immediate = any(label in policy.disconnect_immediately for label in confirmed)
        if immediate or worst >= Severity.parse(policy.strike_min_severity):
            self._strike(record, policy, result, immediate=immediate)
