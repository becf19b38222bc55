"""At-most-once intents in the escalation table: one item per action key.

Every write is conditional (absent, or still the version last seen). A write whose reply is lost
(a timeout, a 5xx after DynamoDB applied it) is settled by reading the item back: if it holds
what was written, the write counts, so a lost reply never leaves an action neither done nor
given up.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from chatmod.aws.dynamodb_ledger import KEY_ATTR, TTL_ATTR
from chatmod.escalation.intents import Intent, IntentState

CONDITION_FAILED = "ConditionalCheckFailedException"
LEGACY_AT_ATTR = "intent_at_ms"  # the one attribute of an intent written before states
_INTENT_ATTRS = {
    "token": "S",
    "state": "S",
    "reserved_ms": "N",
    "version": "N",
    "call_ms": "N",
    "unknown_since_ms": "N",
    "calls": "N",
}


def intent_pk(key: Mapping[str, str]) -> str:
    digest = hashlib.sha256(json.dumps(dict(key), sort_keys=True).encode()).hexdigest()
    return f"intent#{digest}"


def _item(key: Mapping[str, str], intent: Intent, expires_at: int) -> dict[str, Any]:
    item: dict[str, Any] = {KEY_ATTR: {"S": intent_pk(key)}, TTL_ATTR: {"N": str(expires_at)}}
    for name, kind in _INTENT_ATTRS.items():
        value = getattr(intent, name)
        if value is not None:
            item[name] = {kind: str(value)}
    return item


def _intent(item: Mapping[str, Any]) -> Intent | None:
    if "token" not in item or "state" not in item:
        return None  # an intent written before states existed (or not an intent)

    def number(name: str) -> int | None:
        value = item.get(name, {}).get("N")
        return int(value) if value is not None else None

    state: IntentState = item["state"]["S"]
    return Intent(
        token=item["token"]["S"],
        state=state,
        reserved_ms=number("reserved_ms") or 0,
        version=number("version") or 0,
        call_ms=number("call_ms"),
        unknown_since_ms=number("unknown_since_ms"),
        calls=number("calls") or 0,
    )


class DynamoDBIntentLog:
    """Conditional puts on the intent's item; ambiguous failures are settled by a read."""

    def __init__(self, table_name: str, client: Any) -> None:
        self.table_name = table_name
        self.client = client

    def get(self, key: Mapping[str, str]) -> Intent | None:
        response = self.client.get_item(
            TableName=self.table_name,
            Key={KEY_ATTR: {"S": intent_pk(key)}},
            ConsistentRead=True,
        )
        return _intent(response.get("Item", {}))

    def reserve(self, key: Mapping[str, str], intent: Intent, expires_at: int) -> Intent:
        try:
            self.client.put_item(
                TableName=self.table_name,
                Item=_item(key, intent, expires_at),
                ConditionExpression="attribute_not_exists(#pk)",
                ExpressionAttributeNames={"#pk": KEY_ATTR},
            )
            return intent
        except ClientError as exc:
            if _code(exc) != CONDITION_FAILED:
                return self._settle(key, intent, exc)
        except BotoCoreError as exc:
            return self._settle(key, intent, exc)
        response = self.client.get_item(
            TableName=self.table_name,
            Key={KEY_ATTR: {"S": intent_pk(key)}},
            ConsistentRead=True,
        )
        item = response.get("Item", {})
        stored = _intent(item)
        if stored is None:  # an intent from before states: a call of unknown outcome
            at = int(item.get(LEGACY_AT_ATTR, {}).get("N", "0"))
            return Intent("legacy", "calling", at, call_ms=at, unknown_since_ms=at, calls=1)
        return stored

    def swap(self, key: Mapping[str, str], seen: Intent, new: Intent, expires_at: int) -> bool:
        try:
            self.client.put_item(
                TableName=self.table_name,
                Item=_item(key, new, expires_at),
                ConditionExpression="#token = :token AND #version = :version",
                ExpressionAttributeNames={"#token": "token", "#version": "version"},
                ExpressionAttributeValues={
                    ":token": {"S": seen.token},
                    ":version": {"N": str(seen.version)},
                },
            )
            return True
        except ClientError as exc:
            if _code(exc) == CONDITION_FAILED:
                return self.get(key) == new  # our own write, retried by botocore after a loss
            return self._settle(key, new, exc) == new
        except BotoCoreError as exc:
            return self._settle(key, new, exc) == new

    def _settle(self, key: Mapping[str, str], written: Intent, error: Exception) -> Intent:
        """After a write whose reply was lost: what is stored, if it is what was written."""
        stored = self.get(key)  # raises if DynamoDB cannot be read either
        if stored == written:
            return stored
        raise error


def _code(exc: ClientError) -> str:
    return str(exc.response.get("Error", {}).get("Code", ""))
