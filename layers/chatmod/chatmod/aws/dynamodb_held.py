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

from chatmod.aws.dynamodb_bodies import TTL_GRACE_S, BodyTable
from chatmod.moderation.hold import HeldMessage


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


class DynamoDBHeldStore(BodyTable):
    def put(self, held: HeldMessage) -> None:
        # Already there: the same message held before (a retried invocation).
        self._put(_item(held), ConditionExpression="attribute_not_exists(pk)")

    def get(self, room_id: str, message_id: str) -> HeldMessage | None:
        body = self._body(held_pk(room_id), f"msg#{message_id}")
        return HeldMessage.model_validate_json(body) if body is not None else None

    def list_room(self, room_id: str) -> list[HeldMessage]:
        bodies = self._bodies(
            KeyConditionExpression="pk = :pk",
            ExpressionAttributeValues={":pk": {"S": held_pk(room_id)}},
            ConsistentRead=True,
        )
        return [HeldMessage.model_validate_json(body) for body in bodies]

    def decide(self, held: HeldMessage) -> bool:
        """False when another moderator decided first (the status is no longer pending)."""
        return self._put(
            _item(held),
            ConditionExpression="#status = :pending",
            ExpressionAttributeNames={"#status": "status"},
            ExpressionAttributeValues={":pending": {"S": "pending"}},
        )

    def put_back(self, held: HeldMessage) -> None:
        self._put(_item(held))
