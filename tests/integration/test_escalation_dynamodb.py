"""The DynamoDB strike ledger and idempotency store against moto: atomic, idempotent, exact."""

from __future__ import annotations

import functools
import threading
from collections.abc import Iterator, Sequence
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber
from moto.dynamodb.models import DynamoDBBackend
from moto.dynamodb.responses import DynamoHandler

from chatmod.aws.dynamodb_ledger import DynamoDBLedger, ledger_pk
from chatmod.aws.idempotency import PowertoolsGuard, dynamodb_store
from chatmod.aws.ivschat import IvsChatActions
from chatmod.escalation import (
    DryRunActions,
    EscalationProcessor,
    EscalationRecord,
    LedgerKey,
    LedgerState,
)
from chatmod.policy import load_policy, parse_policy

pytestmark = [
    pytest.mark.usefixtures("moto_aws"),
    pytest.mark.filterwarnings("ignore:Couldn't determine the remaining time"),
]

TABLE = "chatmod-escalation"
ROOM = "arn:aws:ivschat:us-east-1:123456789012:room/g1H2I3J4k5L6"
KEY = LedgerKey(ROOM, "viewer-42")
T0 = 1_790_000_000_000
POLICY = load_policy()  # default: 3 strikes in 900 s, threat disconnects at once


@pytest.fixture
def serialized_moto(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """DynamoDB applies each write to an item atomically; moto does not lock, so racing
    threads can lose its updates, and its request handler copies a live item (``update_item``
    deep-copies what the backend returns) while another thread writes it. Serializing each
    item request, handler and backend both, restores the guarantee the ledger relies on, and
    the interleaving of whole calls stays free."""
    lock = threading.RLock()
    for owner in (DynamoHandler, DynamoDBBackend):
        for name in ("put_item", "get_item", "update_item", "delete_item"):
            original = getattr(owner, name)

            @functools.wraps(original)
            def locked(*args: Any, _original: Any = original, **kwargs: Any) -> Any:
                with lock:
                    return _original(*args, **kwargs)

            monkeypatch.setattr(owner, name, locked)
    yield


def make_table(table: str = TABLE) -> Any:
    """The escalation function's DynamoDB table (``pk`` hash key, TTL on ``expires_at``)."""
    client = boto3.client("dynamodb")
    client.create_table(
        TableName=table,
        BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
    )
    client.update_time_to_live(
        TableName=table, TimeToLiveSpecification={"AttributeName": "expires_at", "Enabled": True}
    )
    return client


def strike(
    message_id: str, at: int, user: str = "viewer-42", category: str = "slur"
) -> EscalationRecord:
    return EscalationRecord(
        kind="strike",
        room_arn=ROOM,
        user_id=user,
        message_id=message_id,
        reviewed_at_ms=at,
        result="DENY",
        severity="high",
        categories=(category,),
    )


def test_item_layout_one_item_per_room_and_user_with_ttl() -> None:
    client = make_table()
    ledger = DynamoDBLedger(TABLE, client)
    ledger.add_strike(KEY, "MSG000000001", T0, 1_790_100_000)
    ledger.add_strike(KEY, "MSG000000002", T0 + 5, 1_790_100_005)
    ledger.note_flagged(KEY, "MSG000000003", T0 + 6, 1_790_100_006)
    items = client.scan(TableName=TABLE)["Items"]
    assert len(items) == 1
    item = items[0]
    assert item["pk"] == {"S": f"ledger#{ROOM}#viewer-42"} == {"S": ledger_pk(KEY)}
    assert sorted(item["strikes"]["SS"]) == [f"{T0}#MSG000000001", f"{T0 + 5}#MSG000000002"]
    assert item["flagged"]["SS"] == [f"{T0 + 6}#MSG000000003"]
    assert item["expires_at"] == {"N": "1790100006"}


def test_adding_the_same_strike_twice_counts_once() -> None:
    ledger = DynamoDBLedger(TABLE, make_table())
    ledger.add_strike(KEY, "MSG000000001", T0, 1)
    state = ledger.add_strike(KEY, "MSG000000001", T0, 1)
    assert state.strikes == {"MSG000000001": T0}


def test_claim_is_a_conditional_write_and_completion_clears_it() -> None:
    ledger = DynamoDBLedger(TABLE, make_table())
    ledger.add_strike(KEY, "MSG000000001", T0, 1)
    assert ledger.claim_disconnect(KEY, None, T0, "MSG000000001")
    assert not ledger.claim_disconnect(KEY, None, T0 + 1, "MSG000000002")
    assert not ledger.claim_disconnect(KEY, T0 - 1, T0 + 1, "MSG000000002")
    assert ledger.get(KEY).pending == frozenset({"MSG000000001"})
    assert ledger.claim_disconnect(KEY, T0, T0 + 1, "MSG000000002")
    ledger.complete_disconnect(KEY, "MSG000000001")
    ledger.complete_disconnect(KEY, "MSG000000002")
    assert ledger.get(KEY) == LedgerState(strikes={"MSG000000001": T0}, cleared_at_ms=T0 + 1)


def test_forget_prunes_and_tolerates_a_missing_item() -> None:
    ledger = DynamoDBLedger(TABLE, make_table())
    ledger.add_strike(KEY, "MSG000000001", T0, 1)
    ledger.add_strike(KEY, "MSG000000002", T0 + 1, 1)
    ledger.forget(KEY, [("MSG000000001", T0)], [])
    assert ledger.get(KEY).strikes == {"MSG000000002": T0 + 1}
    ledger.forget(LedgerKey(ROOM, "nobody"), [("MSG000000009", T0)], [("MSG000000008", T0)])
    assert ledger.get(LedgerKey(ROOM, "nobody")) == LedgerState()


@pytest.mark.usefixtures("serialized_moto")
def test_concurrent_strikes_all_count() -> None:
    ledger = DynamoDBLedger(TABLE, make_table())
    threads_n, per_thread = 6, 10
    barrier = threading.Barrier(threads_n)
    errors: list[BaseException] = []

    def worker(t: int) -> None:
        barrier.wait()
        try:
            for j in range(per_thread):
                ledger.add_strike(KEY, f"MSG{t:04d}{j:05d}", T0 + t * 100 + j, 1)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(t,)) for t in range(threads_n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(ledger.get(KEY).strikes) == threads_n * per_thread


class Lockstep:
    """``add_strike`` returns only once every racing delivery has written and read the item,
    so all of them see the threshold reached and race for the claim (the conditional write)."""

    def __init__(self, ledger: DynamoDBLedger, parties: int) -> None:
        self.ledger = ledger
        self.barrier = threading.Barrier(parties, timeout=20)

    def add_strike(self, key: LedgerKey, message_id: str, at_ms: int, expires_at: int) -> Any:
        self.ledger.add_strike(key, message_id, at_ms, expires_at)
        self.barrier.wait()
        state = self.ledger.get(key)
        self.barrier.wait()
        return state

    def __getattr__(self, name: str) -> Any:
        return getattr(self.ledger, name)


@pytest.mark.usefixtures("serialized_moto")
@pytest.mark.parametrize("deliveries", [3, 5])
def test_racing_deliveries_disconnect_exactly_once(deliveries: int) -> None:
    client = make_table()
    actions = DryRunActions()
    ledger = Lockstep(DynamoDBLedger(TABLE, client), deliveries)
    processor = EscalationProcessor(
        lambda: POLICY,
        ledger,
        actions,
        PowertoolsGuard(dynamodb_store(TABLE, client)),
        clock_ms=lambda: T0,
    )
    errors: list[BaseException] = []

    def deliver(i: int) -> None:
        try:
            processor.process(strike(f"MSG00000{i:04d}", T0 + i))
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=deliver, args=(i,)) for i in range(deliveries)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert actions.calls == [
        (
            "DisconnectUser",
            ROOM,
            "viewer-42",
            "Disconnected for repeated violations of the chat rules.",
        )
    ]
    state = DynamoDBLedger(TABLE, client).get(KEY)
    assert state.cleared_at_ms == T0 + deliveries - 1 and state.pending == frozenset()


def test_redelivered_batch_yields_one_delete_message_through_dynamodb_idempotency() -> None:
    client = make_table()
    ivschat = boto3.client("ivschat")
    guard = PowertoolsGuard(dynamodb_store(TABLE, client))
    actions = IvsChatActions(ivschat)

    class Confirms:
        name = "fake"

        def score(self, text: str, context: Sequence[str] = ()) -> dict[str, float]:
            return {"insult": 0.99}

    processor = EscalationProcessor(
        lambda: POLICY,
        DynamoDBLedger(TABLE, client),
        actions,
        guard,
        Confirms(),
        clock_ms=lambda: T0,
    )
    record = EscalationRecord(
        kind="second_opinion",
        room_arn=ROOM,
        user_id="viewer-42",
        message_id="MSG000000301",
        reviewed_at_ms=T0,
        result="ALLOW",
        gray_zone=("insult",),
        content="you absolute clown",
    )
    with Stubber(ivschat) as stubber:
        stubber.add_response(
            "delete_message",
            {"id": "EVT000000001"},
            {"roomIdentifier": ROOM, "id": "MSG000000301", "reason": "Removed by moderation."},
        )
        outcomes = [processor.process(record).deleted for _ in range(3)]  # and 2 redeliveries
        assert outcomes == [{"MSG000000301": "done"}] + [{"MSG000000301": "replayed"}] * 2
        stubber.assert_no_pending_responses()  # one delete: a second would find no answer
    records = [
        i
        for i in client.scan(TableName=TABLE)["Items"]
        if i["pk"]["S"].startswith("chatmod-escalation#")
    ]
    assert len(records) == 1 and records[0]["status"] == {"S": "COMPLETED"}
    assert "expires_at" in records[0]  # shares the table's TTL attribute


def test_purge_on_disconnect_deletes_flagged_messages_kept_in_dynamodb() -> None:
    """Unconfirmed second opinions are remembered on the user's item; the disconnect deletes
    them, and a redelivery of the disconnecting strike deletes nothing twice."""
    client = make_table()
    ivschat = boto3.client("ivschat")
    policy = parse_policy(
        "version: 1\ndefaults:\n  escalation: {purge_on_disconnect: true}\n", "purge policy"
    )

    class Unsure:
        name = "fake"

        def score(self, text: str, context: Sequence[str] = ()) -> dict[str, float]:
            return {"toxicity": 0.7}  # gray, not confirmed: the message stays, but is noted

    ledger = DynamoDBLedger(TABLE, client)
    actions = IvsChatActions(ivschat)
    guard = PowertoolsGuard(dynamodb_store(TABLE, client))
    processor = EscalationProcessor(
        lambda: policy, ledger, actions, guard, Unsure(), clock_ms=lambda: T0 + 100
    )
    for i, message_id in enumerate(("MSG0000000F1", "MSG0000000F2")):
        record = EscalationRecord(
            kind="second_opinion",
            room_arn=ROOM,
            user_id="viewer-42",
            message_id=message_id,
            reviewed_at_ms=T0 + i,
            result="ALLOW",
            gray_zone=("toxicity",),
            content="borderline",
        )
        assert processor.process(record).deleted == {}
    assert set(ledger.get(KEY).flagged) == {"MSG0000000F1", "MSG0000000F2"}
    reason = "Removed by moderation."
    with Stubber(ivschat) as stubber:
        stubber.add_response(
            "disconnect_user",
            {},
            {
                "roomIdentifier": ROOM,
                "userId": "viewer-42",
                "reason": "Disconnected for repeated violations of the chat rules.",
            },
        )
        for message_id in ("MSG0000000F1", "MSG0000000F2"):
            stubber.add_response(
                "delete_message",
                {"id": "EVT00000000" + message_id[-1]},
                {"roomIdentifier": ROOM, "id": message_id, "reason": reason},
            )
        processor.process(strike("MSG000000001", T0 + 10))
        processor.process(strike("MSG000000002", T0 + 11))
        last = strike("MSG000000003", T0 + 12)
        result = processor.process(last)
        assert result.deleted == {"MSG0000000F1": "done", "MSG0000000F2": "done"}
        assert processor.process(last).deleted == {}  # redelivered: nothing twice
        stubber.assert_no_pending_responses()
    assert ledger.get(KEY).flagged == {}
