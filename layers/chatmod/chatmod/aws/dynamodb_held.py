"""Held messages in the moderation table, beside the sanctions:

    pk          S  "held#<room id>"
    sk          S  "msg#<message id>"
    status      S  pending | approved | rejected
    body        S  the HeldMessage as JSON
    expires_at  N  epoch seconds (TTL): a day after the hold would expire

The review function may only put items whose key starts with ``held#`` (an IAM condition on
``dynamodb:LeadingKeys``); a decision is a conditional write on ``status = pending``, so two
moderators never both approve.
"""

from __future__ import annotations

from typing import Any

from chatmod.moderation.hold import HeldMessage

TTL_GRACE_S = 86_400


def held_pk(room_id: str) -> str:
    return f"held#{room_id}"


def _item(held: HeldMessage) -> dict[str, Any]:
    return {
        "pk": {"S": held_pk(held.room_id)},
        "sk": {"S": f"msg#{held.message_id}"},
        "status": {"S": held.status},
        "body": {"S": held.model_dump_json()},
        "expires_at": {"N": str(held.expires_at_ms // 1000 + TTL_GRACE_S)},
    }


def _held(item: dict[str, Any]) -> HeldMessage:
    return HeldMessage.model_validate_json(item["body"]["S"])


class DynamoDBHeldStore:
    def __init__(self, table_name: str, client: Any) -> None:
        self.table_name = table_name
        self.client = client

    def put(self, held: HeldMessage) -> None:
        try:
            self.client.put_item(
                TableName=self.table_name,
                Item=_item(held),
                ConditionExpression="attribute_not_exists(pk)",
            )
        except self.client.exceptions.ConditionalCheckFailedException:
            return  # the same message held before (a retried invocation)

    def get(self, room_id: str, message_id: str) -> HeldMessage | None:
        response = self.client.get_item(
            TableName=self.table_name,
            Key={"pk": {"S": held_pk(room_id)}, "sk": {"S": f"msg#{message_id}"}},
            ConsistentRead=True,
        )
        item = response.get("Item")
        return _held(item) if item else None

    def list_room(self, room_id: str) -> list[HeldMessage]:
        out: list[HeldMessage] = []
        paginator = self.client.get_paginator("query")
        for page in paginator.paginate(
            TableName=self.table_name,
            KeyConditionExpression="pk = :pk",
            ExpressionAttributeValues={":pk": {"S": held_pk(room_id)}},
            ConsistentRead=True,
        ):
            out.extend(_held(item) for item in page.get("Items", []))
        return out

    def decide(self, held: HeldMessage) -> bool:
        try:
            self.client.put_item(
                TableName=self.table_name,
                Item=_item(held),
                ConditionExpression="#status = :pending",
                ExpressionAttributeNames={"#status": "status"},
                ExpressionAttributeValues={":pending": {"S": "pending"}},
            )
        except self.client.exceptions.ConditionalCheckFailedException:
            return False
        return True

    def put_back(self, held: HeldMessage) -> None:
        self.client.put_item(TableName=self.table_name, Item=_item(held))
