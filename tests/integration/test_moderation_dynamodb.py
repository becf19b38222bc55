"""The DynamoDB sanction store on moto: the table as the template defines it, the change
index review instances follow, and writes that never go back in time."""

from __future__ import annotations

from typing import Any

import boto3
import pytest

from chatmod.aws.dynamodb_sanctions import DynamoDBSanctionStore
from chatmod.moderation.cache import SanctionCache
from chatmod.moderation.sanctions import Sanction
from chatmod.moderation.service import BanRequest, SanctionService
from chatmod_local.template import Resolver, load_template
from tests.conftest import ROOT

ROOM = "arn:aws:ivschat:us-east-1:123456789012:room/abcdEFGH1234"
NOW = 1_800_000_000_000


def table_from_template(client: Any) -> str:
    template = load_template(ROOT / "template.yaml")
    props = Resolver(template, {}).resolve(template["Resources"]["ModerationTable"]["Properties"])
    client.create_table(
        TableName="moderation",
        AttributeDefinitions=props["AttributeDefinitions"],
        KeySchema=props["KeySchema"],
        GlobalSecondaryIndexes=props["GlobalSecondaryIndexes"],
        BillingMode=props["BillingMode"],
    )
    return "moderation"


@pytest.fixture
def store(moto_aws: None) -> DynamoDBSanctionStore:
    client = boto3.client("dynamodb")
    return DynamoDBSanctionStore(table_from_template(client), client)


def test_impose_list_lift_and_follow_changes(store: DynamoDBSanctionStore) -> None:
    clock = [NOW]
    service = SanctionService(store, clock_ms=lambda: clock[0])
    cache = SanctionCache(store, wall_ms=lambda: clock[0])
    service.impose("abcdEFGH1234", BanRequest(userId="u1", durationSeconds=600, reason="spam"))
    service.impose("abcdEFGH1234", BanRequest(userId="u2", scope="account"))
    cache.refresh()
    assert cache.size == 2
    refused = cache.find(ROOM, "u1")
    assert refused is not None and refused.refusal(clock[0]).endswith("Reason: spam")
    assert {s.user_id for s in service.in_force("abcdEFGH1234")} == {"u1", "u2"}
    clock[0] += 5_000
    assert service.lift("abcdEFGH1234", "u1") is not None
    cache.refresh()
    assert cache.find(ROOM, "u1") is None
    assert cache.find(ROOM, "u2") is not None
    assert store.changes_since(NOW + 1) == [store.get("abcdEFGH1234", "u1")]


def test_a_late_write_does_not_undo_a_newer_one(store: DynamoDBSanctionStore) -> None:
    newer = Sanction(room_id="r1", user_id="u", created_at_ms=NOW, updated_at_ms=NOW + 5)
    store.put(newer)
    store.put(newer.model_copy(update={"lifted": True, "updated_at_ms": NOW}))
    assert store.get("r1", "u") == newer


def test_timeouts_and_lifts_expire_through_ttl_bans_do_not(store: DynamoDBSanctionStore) -> None:
    store.put(
        Sanction(
            room_id="r1", user_id="t", until_ms=NOW + 60_000, created_at_ms=NOW, updated_at_ms=NOW
        )
    )
    store.put(Sanction(room_id="r1", user_id="b", created_at_ms=NOW, updated_at_ms=NOW))
    items = store.client.scan(TableName=store.table_name)["Items"]
    ttl = {i["sk"]["S"]: i.get("expires_at", {}).get("N") for i in items}
    assert ttl == {"user#t": str((NOW + 60_000) // 1000 + 86_400), "user#b": None}


def test_held_messages_wait_in_the_same_table_and_are_decided_once(moto_aws: None) -> None:
    from chatmod.aws.dynamodb_held import DynamoDBHeldStore
    from chatmod.moderation.hold import HeldMessage

    client = boto3.client("dynamodb")
    store = DynamoDBHeldStore(table_from_template(client), client)
    held = HeldMessage(
        room_arn=ROOM,
        message_id="ABCDEFGH1234",
        user_id="u1",
        content="giveaway",
        sender_attributes={"displayName": "U"},
        held_at_ms=NOW,
        expires_at_ms=NOW + 60_000,
    )
    store.put(held)
    store.put(held.model_copy(update={"content": "a retried invocation"}))
    assert store.list_room("abcdEFGH1234") == [held]
    approved = held.model_copy(update={"status": "approved", "decided_by": "a"})
    assert store.decide(approved) is True
    assert store.decide(held.model_copy(update={"status": "rejected"})) is False
    assert store.get("abcdEFGH1234", "ABCDEFGH1234") == approved
    store.put_back(held)
    assert store.get("abcdEFGH1234", "ABCDEFGH1234") == held


def test_a_users_refusals_are_read_newest_first(moto_aws: None) -> None:
    from chatmod.aws.dynamodb_history import DynamoDBDecisionLog
    from chatmod.moderation.history import UserDecision

    client = boto3.client("dynamodb")
    log = DynamoDBDecisionLog(table_from_template(client), client)
    for i in range(3):
        log.add(UserDecision(room_id="r1", user_id="u", message_id=f"MSG{i:09d}", at_ms=NOW + i))
    log.add(UserDecision(room_id="r1", user_id="other", message_id="MSG000000009", at_ms=NOW))
    assert [d.message_id for d in log.recent("r1", "u", limit=2)] == [
        "MSG000000002",
        "MSG000000001",
    ]
