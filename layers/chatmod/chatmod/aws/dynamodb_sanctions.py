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

from chatmod.aws.dynamodb_bodies import TTL_GRACE_S, BodyTable
from chatmod.moderation.sanctions import Sanction

CHANGES_INDEX = "changes"
FEED = "sanction"


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


class DynamoDBSanctionStore(BodyTable):
    def put(self, sanction: Sanction) -> None:
        """A write never goes back in time: an older ``updated_at_ms`` loses to a newer one."""
        self._put(
            _item(sanction),
            ConditionExpression="attribute_not_exists(pk) OR updated_at_ms <= :at",
            ExpressionAttributeValues={":at": {"N": str(sanction.updated_at_ms)}},
        )

    def get(self, room_id: str, user_id: str) -> Sanction | None:
        body = self._body(sanction_pk(room_id), f"user#{user_id}")
        return Sanction.model_validate_json(body) if body is not None else None

    def _query(self, **query: Any) -> list[Sanction]:
        return [Sanction.model_validate_json(body) for body in self._bodies(**query)]

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
