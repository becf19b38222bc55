"""The moderation table's items that carry one model as JSON in ``body``: sanctions and held
messages. Conditional writes, consistent reads and paged queries are written once here."""

from __future__ import annotations

from typing import Any

TTL_GRACE_S = 86_400  # items outlive what they describe by a day, then TTL removes them


class BodyTable:
    """One DynamoDB table, read and written through its items' ``body``."""

    def __init__(self, table_name: str, client: Any) -> None:
        self.table_name = table_name
        self.client = client

    def _put(self, item: dict[str, Any], **condition: Any) -> bool:
        """Writes ``item``; False when its ``ConditionExpression`` (if any) did not hold."""
        try:
            self.client.put_item(TableName=self.table_name, Item=item, **condition)
        except self.client.exceptions.ConditionalCheckFailedException:
            return False
        return True

    def _body(self, pk: str, sk: str) -> str | None:
        """The item's body, read after every write to it (None: no item)."""
        response = self.client.get_item(
            TableName=self.table_name,
            Key={"pk": {"S": pk}, "sk": {"S": sk}},
            ConsistentRead=True,
        )
        item = response.get("Item")
        return str(item["body"]["S"]) if item else None

    def _bodies(self, **query: Any) -> list[str]:
        """The bodies of every item the query finds, over all its pages."""
        paginator = self.client.get_paginator("query")
        return [
            str(item["body"]["S"])
            for page in paginator.paginate(TableName=self.table_name, **query)
            for item in page.get("Items", [])
        ]
