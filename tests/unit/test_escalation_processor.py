"""The escalation processor end to end on the in-memory ledger and idempotency store, with
ivschat stubbed by botocore's Stubber (every call's exact parameters are expected)."""

from __future__ import annotations

import textwrap
import threading
from collections.abc import Iterator, Sequence
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber

from chatmod.aws.idempotency import MemoryPersistenceLayer, PowertoolsGuard
from chatmod.aws.ivschat import IvsChatActions, ThrottledError
from chatmod.escalation import (
    DryRunActions,
    EscalationProcessor,
    EscalationRecord,
    LedgerKey,
    MemoryLedger,
    ModelSecondOpinion,
    SecondOpinionUnavailableError,
)
from chatmod.policy import PolicyFile, parse_policy

from .fakes import KeywordModel

pytestmark = pytest.mark.filterwarnings("ignore:Couldn't determine the remaining time")

ROOM = "arn:aws:ivschat:us-east-1:123456789012:room/g1H2I3J4k5L6"
PURGE_ROOM = "arn:aws:ivschat:us-east-1:123456789012:room/purgeRoom001"
T0 = 1_790_000_000_000
POLICY = parse_policy(
    textwrap.dedent(
        f"""
        defaults:
          model:
            level: custom
            thresholds:
              toxicity: {{deny: 0.97, allow: 0.6}}
              insult: {{deny: 0.9, allow: 0.6}}
              threat: {{deny: 0.9, allow: 0.5}}
              obscene: {{mask: 0.85, allow: 0.6}}
            severity: {{threat: critical, insult: high}}
          escalation:
            strikes_to_disconnect: 3
            window_seconds: 600
            disconnect_immediately: [threat]
            disconnect_reason: Too many strikes.
            delete_reason: Removed after review.
        rooms:
          "{PURGE_ROOM}":
            escalation: {{purge_on_disconnect: true}}
          quietRoom001:
            escalation: {{enabled: false}}
        """
    )
)
SCORER = ModelSecondOpinion(
    KeywordModel(
        {
            "you clown": {"insult": 0.95, "toxicity": 0.8},
            "borderline": {"toxicity": 0.7},
            "watch your back": {"threat": 0.95},
            "mildly": {"toxicity": 0.65, "obscene": 0.7},
        }
    )
)


def strike(
    message_id: str,
    at: int,
    *,
    user: str = "viewer-42",
    room: str = ROOM,
    categories: Sequence[str] = ("slur",),
) -> EscalationRecord:
    return EscalationRecord(
        kind="strike",
        room_arn=room,
        user_id=user,
        message_id=message_id,
        reviewed_at_ms=at,
        result="DENY",
        severity="high",
        categories=tuple(categories),
    )


def second_opinion(
    message_id: str,
    content: str,
    *,
    at: int = T0,
    room: str = ROOM,
    context: tuple[str, ...] = (),
) -> EscalationRecord:
    return EscalationRecord(
        kind="second_opinion",
        room_arn=room,
        user_id="viewer-42",
        message_id=message_id,
        reviewed_at_ms=at,
        result="ALLOW",
        gray_zone=("toxicity",),
        content=content,
        context=context,
    )


class Harness:
    def __init__(
        self, policy: PolicyFile = POLICY, scorer: Any = SCORER, confirm: float | None = None
    ) -> None:
        self.client = boto3.client(
            "ivschat", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x"
        )
        self.stubber = Stubber(self.client)
        self.actions = IvsChatActions(self.client)
        self.ledger = MemoryLedger()
        self.store = MemoryPersistenceLayer()
        self.processor = EscalationProcessor(
            lambda: policy,
            self.ledger,
            self.actions,
            PowertoolsGuard(self.store),
            scorer,
            confirm_threshold=confirm,
            clock_ms=lambda: T0,
            sleep_ms=lambda ms: None,
        )

    def expect_disconnect(
        self, user: str = "viewer-42", reason: str = "Too many strikes.", room: str = ROOM
    ) -> None:
        self.stubber.add_response(
            "disconnect_user", {}, {"roomIdentifier": room, "userId": user, "reason": reason}
        )

    def expect_delete(
        self, message_id: str, reason: str = "Removed after review.", room: str = ROOM
    ) -> None:
        self.stubber.add_response(
            "delete_message",
            {"id": "EVT000000001"},
            {"roomIdentifier": room, "id": message_id, "reason": reason},
        )


@pytest.fixture
def h() -> Iterator[Harness]:
    harness = Harness()
    with harness.stubber:
        yield harness
        harness.stubber.assert_no_pending_responses()


def test_third_strike_in_the_window_disconnects_once(h: Harness) -> None:
    assert h.processor.process(strike("MSG000000001", T0)).active_strikes == 1
    assert h.processor.process(strike("MSG000000002", T0 + 60_000)).active_strikes == 2
    h.expect_disconnect()
    result = h.processor.process(strike("MSG000000003", T0 + 120_000))
    assert result.disconnected == "done"
    assert result.active_strikes == 3
    state = h.ledger.get(LedgerKey(ROOM, "viewer-42"))
    assert state.cleared_at_ms == T0 + 120_000 and state.pending == frozenset()


def test_redelivered_strikes_neither_count_twice_nor_disconnect_twice(h: Harness) -> None:
    first = strike("MSG000000001", T0)
    h.processor.process(first)
    assert h.processor.process(first).active_strikes == 1  # the same message again
    h.processor.process(strike("MSG000000002", T0 + 1))
    h.expect_disconnect()
    third = strike("MSG000000003", T0 + 2)
    h.processor.process(third)
    # the whole batch redelivered: no ivschat call is stubbed, so any call would fail the test
    for record in (first, strike("MSG000000002", T0 + 1), third):
        assert h.processor.process(record).disconnected is None


def test_after_a_disconnect_the_next_episode_starts_from_zero(h: Harness) -> None:
    for i in range(3):
        if i == 2:
            h.expect_disconnect()
        h.processor.process(strike(f"MSG00000000{i}", T0 + i))
    assert h.processor.process(strike("MSG000000010", T0 + 10)).active_strikes == 1


def test_strikes_spread_wider_than_the_window_do_not_disconnect(h: Harness) -> None:
    for i in range(4):
        result = h.processor.process(strike(f"MSG00000000{i}", T0 + i * 700_000))
        assert result.disconnected is None and result.active_strikes == 1


def test_users_and_rooms_have_their_own_ledgers(h: Harness) -> None:
    for i, user in enumerate(["a", "b", "c"]):
        assert h.processor.process(strike(f"MSG00000000{i}", T0, user=user)).active_strikes == 1


def test_a_threat_disconnects_at_once(h: Harness) -> None:
    h.expect_disconnect()
    result = h.processor.process(strike("MSG000000001", T0, categories=("threat",)))
    assert result.disconnected == "done"


def test_disconnect_throttled_past_retries_is_finished_by_the_redelivery(h: Harness) -> None:
    h.processor.process(strike("MSG000000001", T0))
    h.processor.process(strike("MSG000000002", T0 + 1))
    for _ in range(4):  # the first call and the three repeats one invocation allows
        h.stubber.add_client_error("disconnect_user", "ThrottlingException", http_status_code=429)
    third = strike("MSG000000003", T0 + 2)
    with pytest.raises(ThrottledError):
        h.processor.process(third)
    key = LedgerKey(ROOM, "viewer-42")
    assert h.ledger.get(key).pending == frozenset({"MSG000000003"})
    assert len(h.store) == 0  # the failed action left no idempotency record behind
    h.expect_disconnect()
    assert h.processor.process(third).disconnected == "done"
    assert h.ledger.get(key).pending == frozenset()
    assert h.processor.process(third).disconnected is None


def test_confirmed_second_opinion_deletes_the_message_once(h: Harness) -> None:
    record = second_opinion("MSG000000001", "borderline")
    assert h.processor.process(record).deleted == {}
    clown = second_opinion("MSG000000002", "ok you clown")
    h.expect_delete("MSG000000002")
    result = h.processor.process(clown)
    assert result.confirmed == ("insult",)
    assert result.deleted == {"MSG000000002": "done"}
    assert result.second_opinion_scores["insult"] == pytest.approx(0.95)
    # insult has severity high: the confirmed message is also a strike
    assert result.active_strikes == 1
    again = h.processor.process(clown)  # redelivered: replayed, no second DeleteMessage
    assert again.deleted == {"MSG000000002": "replayed"}  # the Stubber had one answer


def test_the_records_context_turns_a_split_insult_into_a_deletion(h: Harness) -> None:
    """'ok you' then 'clown': neither part alone is confirmed, the two read together are."""
    assert h.processor.process(second_opinion("MSG000000001", "clown")).deleted == {}
    h.expect_delete("MSG000000002")
    split = second_opinion("MSG000000002", "clown", context=("ok you",))
    result = h.processor.process(split)
    assert result.confirmed == ("insult",)
    assert result.deleted == {"MSG000000002": "done"}


def test_confirmed_threat_deletes_and_disconnects(h: Harness) -> None:
    h.expect_delete("MSG000000001")
    h.expect_disconnect()
    result = h.processor.process(second_opinion("MSG000000001", "watch your back"))
    assert result.confirmed == ("threat",)
    assert result.disconnected == "done"


def test_message_already_gone_counts_as_done(h: Harness) -> None:
    h.stubber.add_client_error("delete_message", "ResourceNotFoundException", http_status_code=404)
    result = h.processor.process(second_opinion("MSG000000001", "ok you clown"))
    assert result.deleted == {"MSG000000001": "gone"}


def test_purge_on_disconnect_deletes_the_users_flagged_messages(h: Harness) -> None:
    h.processor.process(second_opinion("MSG0000000F1", "borderline", room=PURGE_ROOM, at=T0))
    h.processor.process(second_opinion("MSG0000000F2", "mildly", room=PURGE_ROOM, at=T0 + 5))
    key = LedgerKey(PURGE_ROOM, "viewer-42")
    assert set(h.ledger.get(key).flagged) == {"MSG0000000F1", "MSG0000000F2"}
    h.processor.process(strike("MSG000000001", T0 + 10, room=PURGE_ROOM))
    h.processor.process(strike("MSG000000002", T0 + 11, room=PURGE_ROOM))
    h.expect_disconnect(room=PURGE_ROOM)
    h.expect_delete("MSG0000000F1", room=PURGE_ROOM)
    h.expect_delete("MSG0000000F2", room=PURGE_ROOM)
    result = h.processor.process(strike("MSG000000003", T0 + 12, room=PURGE_ROOM))
    assert result.deleted == {"MSG0000000F1": "done", "MSG0000000F2": "done"}
    assert h.ledger.get(key).flagged == {}


def test_configured_confirm_threshold_overrides_the_deny_threshold() -> None:
    h = Harness(confirm=0.65)
    with h.stubber:
        h.expect_delete("MSG000000001")
        assert h.processor.process(second_opinion("MSG000000001", "borderline")).confirmed == (
            "toxicity",
        )


def test_second_opinion_without_a_scorer_fails_the_record() -> None:
    h = Harness(scorer=None)
    with pytest.raises(SecondOpinionUnavailableError):
        h.processor.process(second_opinion("MSG000000001", "ok you clown"))


def test_disabled_room_is_skipped(h: Harness) -> None:
    room = "arn:aws:ivschat:us-east-1:123456789012:room/quietRoom001"
    result = h.processor.process(strike("MSG000000001", T0, room=room, categories=("threat",)))
    assert result.skipped and result.disconnected is None
    assert h.ledger.get(LedgerKey(room, "viewer-42")).strikes == {}


class CountingActions(DryRunActions):
    def __init__(self) -> None:
        super().__init__()
        self._lock = threading.Lock()

    def disconnect_user(self, room_arn: str, user_id: str, reason: str) -> Any:
        with self._lock:
            return super().disconnect_user(room_arn, user_id, reason)


class Lockstep:
    """A ledger whose ``add_strike`` waits until every racing delivery has written, then
    answers with the entry as it is after all of them: every delivery sees the threshold
    reached and races for the claim, the worst case the compare-and-set must settle."""

    def __init__(self, ledger: MemoryLedger, parties: int) -> None:
        self.ledger = ledger
        self.barrier = threading.Barrier(parties, timeout=10)

    def add_strike(self, key: LedgerKey, message_id: str, at_ms: int, expires_at: int) -> Any:
        self.ledger.add_strike(key, message_id, at_ms, expires_at)
        self.barrier.wait()  # everyone has written
        state = self.ledger.get(key)
        self.barrier.wait()  # everyone has read: nobody has claimed yet
        return state

    def __getattr__(self, name: str) -> Any:
        return getattr(self.ledger, name)


@pytest.mark.parametrize("strikes", [3, 4, 6])
def test_racing_deliveries_that_all_see_the_threshold_disconnect_once(strikes: int) -> None:
    actions = CountingActions()
    ledger = Lockstep(MemoryLedger(), strikes)
    processor = EscalationProcessor(
        lambda: POLICY,
        ledger,
        actions,
        PowertoolsGuard(MemoryPersistenceLayer()),
        clock_ms=lambda: T0,
    )
    errors: list[BaseException] = []

    def deliver(i: int) -> None:
        try:
            processor.process(strike(f"MSG00000{i:04d}", T0 + i))
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=deliver, args=(i,)) for i in range(strikes)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert actions.calls == [("DisconnectUser", ROOM, "viewer-42", "Too many strikes.")]
    assert ledger.get(LedgerKey(ROOM, "viewer-42")).cleared_at_ms == T0 + strikes - 1


@pytest.mark.parametrize(("strikes", "disconnects"), [(2, 0), (3, 1), (5, 1)])
def test_concurrent_strikes_disconnect_exactly_once_per_episode(
    strikes: int, disconnects: int
) -> None:
    actions = CountingActions()
    ledger = MemoryLedger()
    processor = EscalationProcessor(
        lambda: POLICY,
        ledger,
        actions,
        PowertoolsGuard(MemoryPersistenceLayer()),
        clock_ms=lambda: T0,
    )
    for round_ in range(20):
        user = "u" * (round_ + 1)
        barrier = threading.Barrier(strikes)
        errors: list[BaseException] = []

        def deliver(
            i: int, user: str, barrier: threading.Barrier, errors: list[BaseException]
        ) -> None:
            barrier.wait()
            try:
                processor.process(strike(f"MSG{len(user):04d}{i:05d}", T0 + i, user=user))
            except BaseException as exc:
                errors.append(exc)

        threads = [
            threading.Thread(target=deliver, args=(i, user, barrier, errors))
            for i in range(strikes)
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert errors == []
        state = ledger.get(LedgerKey(ROOM, user))
        if disconnects:  # the winning claim consumed at least the threshold's worth
            assert state.cleared_at_ms is not None and state.cleared_at_ms >= T0 + 2
            assert state.pending == frozenset()
        else:
            assert len(state.strikes) == strikes and state.cleared_at_ms is None
        assert sum(1 for call in actions.calls if call[2] == user) == disconnects


def test_a_line_in_a_language_the_model_does_not_read_is_left_alone() -> None:
    """The review answered it before it knew the language: the English model would judge
    words it cannot read ("Fue un partido increíble" reads as toxic to it)."""
    from chatmod.languages import LangidDetector

    scorer = ModelSecondOpinion(
        KeywordModel({"e": {"insult": 0.99, "toxicity": 0.99}}, languages=("en",))
    )
    harness = Harness(scorer=scorer)
    harness.processor.language_detector = LangidDetector()
    with harness.stubber:
        spanish = harness.processor.process(
            second_opinion("MSG000000001", "Fue un partido increíble, qué golazo")
        )
        assert spanish.skipped == "written in es, which the model does not read"
        assert spanish.deleted == {} and spanish.second_opinion_scores == {}
        harness.expect_delete("MSG000000002")
        english = harness.processor.process(
            second_opinion("MSG000000002", "that was a really terrible play")
        )
        assert english.deleted == {"MSG000000002": "done"}
        harness.stubber.assert_no_pending_responses()


def test_a_line_only_the_multilingual_model_reads_gets_its_second_opinion() -> None:
    from chatmod.escalation.second_opinion import RoutedSecondOpinion
    from chatmod.languages import LangidDetector

    english = KeywordModel({"terrible": {"insult": 0.99, "toxicity": 0.99}}, languages=("en",))
    multi = KeywordModel(
        {"basura": {"insult": 0.99, "toxicity": 0.99}}, languages=("en", "es", "de")
    )
    scorer = RoutedSecondOpinion(ModelSecondOpinion(english), ModelSecondOpinion(multi))
    assert scorer.languages == ("en", "es", "de")
    harness = Harness(scorer=scorer)
    harness.processor.language_detector = LangidDetector()
    with harness.stubber:
        harness.expect_delete("MSG000000001")
        spanish = harness.processor.process(
            second_opinion("MSG000000001", "sois todos una basura, dejad de jugar ya")
        )
        assert spanish.deleted == {"MSG000000001": "done"}
        assert multi.calls and not english.calls
        harness.expect_delete("MSG000000002")
        harness.processor.process(second_opinion("MSG000000002", "that was a really terrible play"))
        assert english.calls
        french = harness.processor.process(
            second_opinion("MSG000000003", "vous êtes tous des déchets, arrêtez de jouer")
        )
        assert french.skipped == "written in fr, which the model does not read"
        harness.stubber.assert_no_pending_responses()
