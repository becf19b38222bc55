"""The strike ledger in DynamoDB: one item per room and user, atomic updates, TTL.

Item layout (partition key ``pk`` only, shared table with the idempotency records):

    pk          S   "ledger#<room arn>#<user id>"
    strikes     SS  "<reviewed-at ms>#<message id>"   (ADD is atomic and idempotent)
    flagged     SS  "<reviewed-at ms>#<message id>"   delivered flagged messages (purge)
    cleared_at  N   reviewed-at ms up to which strikes are consumed by a disconnect
    pending     SS  "<message id>" of claimed disconnects not yet confirmed done
    expires_at  N   epoch seconds (the table's TTL attribute)
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from botocore.exceptions import ClientError

from chatmod.escalation.strikes import LedgerKey, LedgerState

KEY_ATTR = "pk"
TTL_ATTR = "expires_at"


def ledger_pk(key: LedgerKey) -> str:
    return f"ledger#{key.room_arn}#{key.user_id}"


def _element(message_id: str, at_ms: int) -> str:
    return f"{at_ms}#{message_id}"


def _decode(values: Iterable[str]) -> dict[str, int]:
    out: dict[str, int] = {}
    for value in values:
        at, _, message_id = value.partition("#")
        out[message_id] = int(at)
    return out


def state_from_item(item: Mapping[str, Any] | None) -> LedgerState:
    if not item:
        return LedgerState()
    cleared = item.get("cleared_at", {}).get("N")
    return LedgerState(
        strikes=_decode(item.get("strikes", {}).get("SS", [])),
        flagged=_decode(item.get("flagged", {}).get("SS", [])),
        cleared_at_ms=int(cleared) if cleared is not None else None,
        pending=frozenset(item.get("pending", {}).get("SS", [])),
    )


class DynamoDBLedger:
    def __init__(self, table_name: str, client: Any) -> None:
        self.table_name = table_name
        self.client = client

    def _key(self, key: LedgerKey) -> dict[str, Any]:
        return {KEY_ATTR: {"S": ledger_pk(key)}}

    def get(self, key: LedgerKey) -> LedgerState:
        response = self.client.get_item(
            TableName=self.table_name, Key=self._key(key), ConsistentRead=True
        )
        return state_from_item(response.get("Item"))

    def add_strike(
        self, key: LedgerKey, message_id: str, at_ms: int, expires_at: int
    ) -> LedgerState:
        response = self._add(key, "strikes", message_id, at_ms, expires_at, ReturnValues="ALL_NEW")
        return state_from_item(response.get("Attributes"))

    def note_flagged(self, key: LedgerKey, message_id: str, at_ms: int, expires_at: int) -> None:
        self._add(key, "flagged", message_id, at_ms, expires_at)

    def _add(
        self,
        key: LedgerKey,
        attribute: str,
        message_id: str,
        at_ms: int,
        expires_at: int,
        **options: Any,
    ) -> Any:
        """Adds the message to one of the key's sets and pushes its TTL out."""
        return self.client.update_item(
            TableName=self.table_name,
            Key=self._key(key),
            UpdateExpression=f"ADD {attribute} :m SET #ttl = :ttl",
            ExpressionAttributeNames={"#ttl": TTL_ATTR},
            ExpressionAttributeValues={
                ":m": {"SS": [_element(message_id, at_ms)]},
                ":ttl": {"N": str(expires_at)},
            },
            **options,
        )

    def claim_disconnect(
        self, key: LedgerKey, seen_cleared_at_ms: int | None, cleared_at_ms: int, claim_id: str
    ) -> bool:
        values: dict[str, Any] = {":c": {"N": str(cleared_at_ms)}, ":p": {"SS": [claim_id]}}
        if seen_cleared_at_ms is None:
            condition = "attribute_not_exists(cleared_at)"
        else:
            condition = "cleared_at = :seen"
            values[":seen"] = {"N": str(seen_cleared_at_ms)}
        try:
            self.client.update_item(
                TableName=self.table_name,
                Key=self._key(key),
                UpdateExpression="SET cleared_at = :c ADD pending :p",
                ConditionExpression=condition,
                ExpressionAttributeValues=values,
            )
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException":
                return False
            raise
        return True

    def complete_disconnect(self, key: LedgerKey, claim_id: str) -> None:
        self.client.update_item(
            TableName=self.table_name,
            Key=self._key(key),
            UpdateExpression="DELETE pending :p",
            ExpressionAttributeValues={":p": {"SS": [claim_id]}},
        )

    def forget(
        self, key: LedgerKey, strikes: Iterable[tuple[str, int]], flagged: Iterable[tuple[str, int]]
    ) -> None:
        parts: list[str] = []
        values: dict[str, Any] = {}
        old_strikes = [_element(m, a) for m, a in strikes]
        old_flagged = [_element(m, a) for m, a in flagged]
        if old_strikes:
            parts.append("strikes :s")
            values[":s"] = {"SS": old_strikes}
        if old_flagged:
            parts.append("flagged :f")
            values[":f"] = {"SS": old_flagged}
        if not parts:
            return
        self._delete_elements(key, parts, values)

    def _delete_elements(self, key: LedgerKey, parts: list[str], values: dict[str, Any]) -> None:
        try:
            self.client.update_item(
                TableName=self.table_name,
                Key=self._key(key),
                UpdateExpression="DELETE " + ", ".join(parts),
                ConditionExpression=f"attribute_exists({KEY_ATTR})",
                ExpressionAttributeValues=values,
            )
        except ClientError as exc:  # the item expired meanwhile: nothing left to prune
            if exc.response.get("Error", {}).get("Code") != "ConditionalCheckFailedException":
                raise
