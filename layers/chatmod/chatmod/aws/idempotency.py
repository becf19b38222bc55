"""The action guard on Powertools Idempotency: each ivschat action runs once per key.

DynamoDB in the cloud (the escalation table, ``pk`` key, ``expires_at`` TTL); a process-local
store for local runs. A failed action deletes its record, so the queue's retry runs it again;
a completed one replays its stored outcome without calling ivschat.
"""

from __future__ import annotations

import copy
import datetime as dt
import threading
from collections.abc import Callable, Mapping
from typing import Any, cast

from aws_lambda_powertools.utilities.idempotency import (
    BasePersistenceLayer,
    DynamoDBPersistenceLayer,
    IdempotencyConfig,
    idempotent_function,
)
from aws_lambda_powertools.utilities.idempotency.exceptions import (
    IdempotencyItemAlreadyExistsError,
    IdempotencyItemNotFoundError,
)
from aws_lambda_powertools.utilities.idempotency.persistence.datarecord import DataRecord

from chatmod.aws.dynamodb_ledger import KEY_ATTR, TTL_ATTR
from chatmod.escalation.actions import Outcome

KEY_PREFIX = "chatmod-escalation"


class MemoryPersistenceLayer(BasePersistenceLayer):
    """Powertools' persistence contract in a dict (same conditional semantics as DynamoDB)."""

    def __init__(self) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._records: dict[str, DataRecord] = {}
        self._lock = threading.Lock()

    def _get_record(self, idempotency_key: str) -> DataRecord:
        with self._lock:
            record = self._records.get(idempotency_key)
        if record is None:
            raise IdempotencyItemNotFoundError
        return copy.copy(record)

    def _put_record(self, data_record: DataRecord) -> None:
        now_ms = int(dt.datetime.now().timestamp() * 1000)
        with self._lock:
            old = self._records.get(data_record.idempotency_key)
            if old is not None and not old.is_expired:
                in_progress_expired = (
                    old.status == "INPROGRESS"
                    and old.in_progress_expiry_timestamp is not None
                    and old.in_progress_expiry_timestamp < now_ms
                )
                if not in_progress_expired:
                    raise IdempotencyItemAlreadyExistsError(old_data_record=copy.copy(old))
            self._records[data_record.idempotency_key] = copy.copy(data_record)

    def _update_record(self, data_record: DataRecord) -> None:
        with self._lock:
            self._records[data_record.idempotency_key] = copy.copy(data_record)

    def _delete_record(self, data_record: DataRecord) -> None:
        with self._lock:
            self._records.pop(data_record.idempotency_key, None)

    def __len__(self) -> int:
        return len(self._records)


def dynamodb_store(table_name: str, client: Any = None) -> DynamoDBPersistenceLayer:
    return DynamoDBPersistenceLayer(
        table_name=table_name, key_attr=KEY_ATTR, expiry_attr=TTL_ATTR, boto3_client=client
    )


class PowertoolsGuard:
    """``ActionGuard`` on ``idempotent_function``: the key dict is what gets hashed."""

    def __init__(self, store: BasePersistenceLayer, ttl_seconds: int = 86_400) -> None:
        self.store = store
        self.config = IdempotencyConfig(
            expires_after_seconds=ttl_seconds, raise_on_no_idempotency_key=True
        )

        @idempotent_function(  # type: ignore[untyped-decorator]
            data_keyword_argument="key",
            persistence_store=store,
            config=self.config,
            key_prefix=KEY_PREFIX,
        )
        def run_once(*, key: dict[str, str], action: Callable[[], Outcome]) -> dict[str, str]:
            return {"outcome": action()}

        self._run_once = run_once

    def register_context(self, context: Any) -> None:
        """Lets an in-progress record expire with the invocation (Lambda timeouts)."""
        self.config.register_lambda_context(context)

    def run(self, key: Mapping[str, str], action: Callable[[], Outcome]) -> Outcome:
        result = self._run_once(key=dict(key), action=action)
        return cast(Outcome, result["outcome"])
