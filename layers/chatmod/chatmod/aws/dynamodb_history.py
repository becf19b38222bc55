"""A user's recent refusals in the moderation table:

pk          S  "user#<room id>#<user id>"
sk          S  "<at ms, 13 digits>#<message id>"   (newest last; read backwards)
body        S  the UserDecision as JSON
expires_at  N  epoch seconds (TTL), KEEP_DAYS after the refusal
"""

from __future__ import annotations

from typing import Any

from chatmod.moderation.history import KEEP_DAYS, UserDecision


def user_pk(room_id: str, user_id: str) -> str:
    return f"user#{room_id}#{user_id}"


class DynamoDBDecisionLog:
    def __init__(self, table_name: str, client: Any) -> None:
        self.table_name = table_name
        self.client = client

    def add(self, decision: UserDecision) -> None:
        self.client.put_item(
            TableName=self.table_name,
            Item={
                "pk": {"S": user_pk(decision.room_id, decision.user_id)},
                "sk": {"S": f"{decision.at_ms:013d}#{decision.message_id}"},
                "body": {"S": decision.model_dump_json()},
                "expires_at": {"N": str(decision.at_ms // 1000 + KEEP_DAYS * 86_400)},
            },
        )

    def recent(self, room_id: str, user_id: str, limit: int = 20) -> list[UserDecision]:
        response = self.client.query(
            TableName=self.table_name,
            KeyConditionExpression="pk = :pk",
            ExpressionAttributeValues={":pk": {"S": user_pk(room_id, user_id)}},
            ScanIndexForward=False,
            Limit=limit,
        )
        return [UserDecision.model_validate_json(i["body"]["S"]) for i in response["Items"]]
