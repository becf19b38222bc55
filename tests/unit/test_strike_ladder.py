"""The strike ladder set in the policy: each active strike takes its step (warn, timeouts, a
ban), the last step disconnects after putting its sanction on the user, a redelivery changes
nothing, and a ladder step never shortens a sanction already in force."""

from __future__ import annotations

import textwrap
from collections.abc import Iterator

import boto3
import pytest
from botocore.stub import Stubber
from pydantic import ValidationError

from chatmod.aws.idempotency import MemoryPersistenceLayer, PowertoolsGuard
from chatmod.aws.ivschat import IvsChatActions
from chatmod.escalation import EscalationProcessor, EscalationRecord, MemoryLedger
from chatmod.moderation.ladder import StoreSanctionWriter
from chatmod.moderation.sanctions import Sanction
from chatmod.moderation.store import MemorySanctionStore
from chatmod.policy import EscalationPolicy, PolicyError, parse_policy

pytestmark = pytest.mark.filterwarnings("ignore:Couldn't determine the remaining time")

ROOM_ID = "ladderRoom01"
ROOM = f"arn:aws:ivschat:us-east-1:123456789012:room/{ROOM_ID}"
T0 = 1_790_000_000_000
POLICY = parse_policy(
    textwrap.dedent(
        """
        defaults:
          escalation:
            window_seconds: 600
            disconnect_immediately: [threat]
            disconnect_reason: Off you go.
            ladder:
              - warn
              - {timeout: 60}
              - {timeout: 600}
              - {ban: true, disconnect: true}
        """
    )
)


def strike(n: int, at: int, category: str = "harassment") -> EscalationRecord:
    return EscalationRecord(
        kind="strike",
        room_arn=ROOM,
        user_id="viewer-7",
        message_id=f"MSG{n:09d}",
        reviewed_at_ms=at,
        result="DENY",
        severity="high",
        categories=(category,),
        reason="Harassment isn't allowed in this chat.",
    )


class Ladder:
    def __init__(self) -> None:
        self.client = boto3.client(
            "ivschat", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x"
        )
        self.stubber = Stubber(self.client)
        self.store = MemorySanctionStore()
        self.processor = EscalationProcessor(
            lambda: POLICY,
            MemoryLedger(),
            IvsChatActions(self.client),
            PowertoolsGuard(MemoryPersistenceLayer()),
            None,
            clock_ms=lambda: T0,
            sanctions=StoreSanctionWriter(self.store, clock_ms=lambda: T0),
        )

    def sanction(self) -> Sanction | None:
        return self.store.get(ROOM_ID, "viewer-7")

    def expect_disconnect(self) -> None:
        self.stubber.add_response(
            "disconnect_user",
            {},
            {"roomIdentifier": ROOM, "userId": "viewer-7", "reason": "Off you go."},
        )


@pytest.fixture
def ladder() -> Iterator[Ladder]:
    harness = Ladder()
    with harness.stubber:
        yield harness
        harness.stubber.assert_no_pending_responses()


def test_each_strike_takes_its_step_and_the_last_bans_before_disconnecting(ladder: Ladder) -> None:
    first = ladder.processor.process(strike(1, T0))
    assert (first.ladder_step, first.sanctioned, ladder.sanction()) == ("warn", False, None)

    second = ladder.processor.process(strike(2, T0 + 1_000))
    assert (second.ladder_step, second.sanctioned) == ("timeout:60", True)
    timeout = ladder.sanction()
    assert timeout is not None and timeout.until_ms == T0 + 1_000 + 60_000
    assert (timeout.source, timeout.reason) == ("ladder", "Harassment isn't allowed in this chat.")

    third = ladder.processor.process(strike(3, T0 + 2_000))
    assert third.ladder_step == "timeout:600"
    assert ladder.sanction().until_ms == T0 + 2_000 + 600_000  # type: ignore[union-attr]

    ladder.expect_disconnect()
    fourth = ladder.processor.process(strike(4, T0 + 3_000))
    assert (fourth.ladder_step, fourth.disconnected) == ("ban", "done")
    ban = ladder.sanction()
    assert ban is not None and ban.kind == "ban"
    # the next episode starts again from the first step, and a ban is never shortened
    after = ladder.processor.process(strike(5, T0 + 4_000))
    assert after.ladder_step == "warn"
    assert ladder.processor.process(strike(6, T0 + 5_000)).sanctioned is False
    assert ladder.sanction() == ban


def test_a_redelivered_strike_writes_the_same_end(ladder: Ladder) -> None:
    ladder.processor.process(strike(1, T0))
    record = strike(2, T0 + 1_000)
    ladder.processor.process(record)
    written = ladder.sanction()
    again = ladder.processor.process(record)
    assert again.sanctioned is False and ladder.sanction() == written


def test_a_threat_takes_the_last_step_at_once(ladder: Ladder) -> None:
    ladder.expect_disconnect()
    result = ladder.processor.process(strike(1, T0, category="threat"))
    assert (result.ladder_step, result.disconnected) == ("ban", "done")
    assert ladder.sanction().kind == "ban"  # type: ignore[union-attr]


def test_a_moderators_longer_timeout_is_kept(ladder: Ladder) -> None:
    longer = Sanction(
        room_id=ROOM_ID,
        user_id="viewer-7",
        until_ms=T0 + 3_600_000,
        created_at_ms=T0,
        updated_at_ms=T0,
    )
    ladder.store.put(longer)
    ladder.processor.process(strike(1, T0))
    assert ladder.processor.process(strike(2, T0 + 1)).sanctioned is False
    assert ladder.sanction() == longer


def test_without_a_ladder_strikes_to_disconnect_decides_as_before() -> None:
    policy = EscalationPolicy(strikes_to_disconnect=2)
    assert (policy.disconnect_at, policy.step(1)) == (2, None)
    never = EscalationPolicy.model_validate({"ladder": ["warn", {"timeout": 30}]})
    assert never.disconnect_at > 1000 and never.step(7) == never.ladder[-1]


@pytest.mark.parametrize(
    "ladder",
    ["[{disconnect: true}, warn]", "[{timeout: 60, ban: true}]", "[{timeout: 0}]", "[shout]"],
)
def test_a_ladder_that_cannot_work_is_refused(ladder: str) -> None:
    with pytest.raises((PolicyError, ValidationError)):
        parse_policy(f"defaults:\n  escalation:\n    ladder: {ladder}\n")


def test_a_moderators_disconnect_is_taken_once_per_request_even_where_escalation_is_off() -> None:
    from chatmod.moderation.requests import moderator_record

    harness = Ladder()
    quiet = parse_policy("defaults:\n  escalation: {enabled: false}\n")
    harness.processor.policy = lambda: quiet
    record = moderator_record("moderator_disconnect", ROOM, "viewer-7", "REQ000000001", "Bye")
    with harness.stubber:
        harness.stubber.add_response(
            "disconnect_user", {}, {"roomIdentifier": ROOM, "userId": "viewer-7", "reason": "Bye"}
        )
        assert harness.processor.process(record).disconnected == "done"
        # redelivered: the completed outcome is replayed, ivschat is not called again
        assert harness.processor.process(record).disconnected == "done"
        harness.stubber.assert_no_pending_responses()


def test_a_moderators_delete_uses_the_rooms_reason_when_none_is_given() -> None:
    from chatmod.moderation.requests import moderator_record, room_arn

    harness = Ladder()
    assert room_arn(ROOM_ID, "arn:aws:lambda:us-east-1:123456789012:function:f") == ROOM
    record = moderator_record("moderator_delete", ROOM, "-", "MSG000000042", None)
    with harness.stubber:
        harness.stubber.add_response(
            "delete_message",
            {"id": "EVT000000001"},
            {"roomIdentifier": ROOM, "id": "MSG000000042", "reason": "Removed by moderation."},
        )
        assert harness.processor.process(record).deleted == {"MSG000000042": "done"}
        assert harness.processor.process(record).deleted == {
            "MSG000000042": "replayed"
        }  # not called again
        harness.stubber.assert_no_pending_responses()
