"""At-most-once intents in the escalation table: one item per action key, written first."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

from botocore.exceptions import ClientError

from chatmod.aws.dynamodb_ledger import KEY_ATTR, TTL_ATTR

AT_ATTR = "intent_at_ms"


def intent_pk(key: Mapping[str, str]) -> str:
    digest = hashlib.sha256(json.dumps(dict(key), sort_keys=True).encode()).hexdigest()
    return f"intent#{digest}"


class DynamoDBIntentLog:
    """A conditional put records the intent; a failed condition reads the earlier one."""

    def __init__(self, table_name: str, client: Any) -> None:
        self.table_name = table_name
        self.client = client

    def record(self, key: Mapping[str, str], at_ms: int, expires_at: int) -> int | None:
        item_key = {KEY_ATTR: {"S": intent_pk(key)}}
        try:
            self.client.put_item(
                TableName=self.table_name,
                Item={
                    **item_key,
                    AT_ATTR: {"N": str(at_ms)},
                    TTL_ATTR: {"N": str(expires_at)},
                },
                ConditionExpression="attribute_not_exists(#pk)",
                ExpressionAttributeNames={"#pk": KEY_ATTR},
            )
            return None
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") != "ConditionalCheckFailedException":
                raise
        item = self.client.get_item(TableName=self.table_name, Key=item_key, ConsistentRead=True)
        stored = item.get("Item", {}).get(AT_ATTR, {}).get("N")
        return int(stored) if stored is not None else at_ms

    def withdraw(self, key: Mapping[str, str]) -> None:
        self.client.delete_item(TableName=self.table_name, Key={KEY_ATTR: {"S": intent_pk(key)}})
