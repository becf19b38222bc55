"""Sanctions in DynamoDB: the moderation table, one item per room and user, with TTL.

Item layout (``pk``/``sk`` keys; the ``changes`` index has ``feed``/``updated_at_ms``):

    pk             S  "sanction#<room id>"          ("*" for account-wide)
    sk             S  "user#<user id>"
    feed           S  "sanction"                    every sanction in one index partition
    updated_at_ms  N  when it was last written      (the index's sort key)
    body           S  the Sanction as JSON
    expires_at     N  epoch seconds (TTL): a day after a timeout ends or a lift; none for bans

Review instances follow the ``changes`` index (``updated_at_ms`` after their last look), so a
quiet table costs each instance one small query per refresh, not a scan of every ban.
"""

from __future__ import annotations

from typing import Any

from chatmod.moderation.sanctions import Sanction

CHANGES_INDEX = "changes"
FEED = "sanction"
TTL_GRACE_S = 86_400


def sanction_pk(room_id: str) -> str:
    return f"sanction#{room_id}"


def _expires_at(sanction: Sanction) -> int | None:
    if sanction.lifted:
        return sanction.updated_at_ms // 1000 + TTL_GRACE_S
    if sanction.until_ms is None:
        return None
    return sanction.until_ms // 1000 + TTL_GRACE_S


def _item(sanction: Sanction) -> dict[str, Any]:
    item: dict[str, Any] = {
        "pk": {"S": sanction_pk(sanction.room_id)},
        "sk": {"S": f"user#{sanction.user_id}"},
        "feed": {"S": FEED},
        "updated_at_ms": {"N": str(sanction.updated_at_ms)},
        "body": {"S": sanction.model_dump_json()},
    }
    expires = _expires_at(sanction)
    if expires is not None:
        item["expires_at"] = {"N": str(expires)}
    return item


def _sanction(item: dict[str, Any]) -> Sanction:
    return Sanction.model_validate_json(item["body"]["S"])


class DynamoDBSanctionStore:
    def __init__(self, table_name: str, client: Any) -> None:
        self.table_name = table_name
        self.client = client

    def put(self, sanction: Sanction) -> None:
        """A write never goes back in time: an older ``updated_at_ms`` loses to a newer one."""
        try:
            self.client.put_item(
                TableName=self.table_name,
                Item=_item(sanction),
                ConditionExpression="attribute_not_exists(pk) OR updated_at_ms <= :at",
                ExpressionAttributeValues={":at": {"N": str(sanction.updated_at_ms)}},
            )
        except self.client.exceptions.ConditionalCheckFailedException:
            return  # a newer write is already there

    def get(self, room_id: str, user_id: str) -> Sanction | None:
        response = self.client.get_item(
            TableName=self.table_name,
            Key={"pk": {"S": sanction_pk(room_id)}, "sk": {"S": f"user#{user_id}"}},
            ConsistentRead=True,
        )
        item = response.get("Item")
        return _sanction(item) if item else None

    def _query(self, **kwargs: Any) -> list[Sanction]:
        out: list[Sanction] = []
        paginator = self.client.get_paginator("query")
        for page in paginator.paginate(TableName=self.table_name, **kwargs):
            out.extend(_sanction(item) for item in page.get("Items", []))
        return out

    def list_room(self, room_id: str) -> list[Sanction]:
        return self._query(
            KeyConditionExpression="pk = :pk",
            ExpressionAttributeValues={":pk": {"S": sanction_pk(room_id)}},
            ConsistentRead=True,
        )

    def changes_since(self, since_ms: int) -> list[Sanction]:
        return self._query(
            IndexName=CHANGES_INDEX,
            KeyConditionExpression="feed = :feed AND updated_at_ms >= :since",
            ExpressionAttributeValues={":feed": {"S": FEED}, ":since": {"N": str(since_ms)}},
        )
