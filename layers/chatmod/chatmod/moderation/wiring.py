"""Builds the sanction store the settings name (the same choice in every function)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from chatmod.moderation.tables import is_table as is_table
from chatmod.settings import Settings, SettingsError

if TYPE_CHECKING:
    from chatmod.moderation.history import DecisionLog
    from chatmod.moderation.hold import HeldStore
    from chatmod.moderation.ladder import SanctionWriter
    from chatmod.moderation.store import SanctionStore

S = TypeVar("S")


def moderation_client() -> Any:
    """One DynamoDB client for the moderation table's stores (a client costs a new instance
    tens of milliseconds): short timeouts and two attempts, so a slow table never holds a
    refresh or a review's write for long."""
    from chatmod.aws.clients import make_client

    return make_client("dynamodb", attempts=2, connect_timeout_s=1.0, read_timeout_s=1.0)


def build_sanction_store(settings: Settings, client: Any = None) -> SanctionStore | None:
    """None when the moderator tools are off (``CHATMOD_MODERATION_STORE=none``)."""
    from chatmod.moderation.store import shared_memory_store

    if settings.moderation_store == "none":
        return None
    if settings.moderation_store == "memory":
        return shared_memory_store()
    table = settings.moderation_table
    if not table or not is_table(table):
        raise SettingsError(
            f"CHATMOD_MODERATION_TABLE={table!r} is not a DynamoDB table "
            "(or set CHATMOD_MODERATION_STORE=memory or none)"
        )
    from chatmod.aws.dynamodb_sanctions import DynamoDBSanctionStore

    dynamodb = client or moderation_client()
    return DynamoDBSanctionStore(table, dynamodb)


def build_sanction_writer(settings: Settings) -> SanctionWriter | None:
    """Where the escalation function writes the strike ladder's timeouts and bans (None: the
    moderator tools are off, or the table is a local placeholder)."""
    from chatmod.moderation.ladder import ApiSanctionWriter, StoreSanctionWriter

    if settings.moderation_api_url:
        from chatmod.moderation.client import ModerationClient

        client = ModerationClient(
            settings.moderation_api_url, region=settings.aws_region or "us-east-1"
        )
        return ApiSanctionWriter(client)
    table = settings.moderation_table or ""
    if settings.moderation_store == "dynamodb" and not is_table(table):
        return None
    store = build_sanction_store(settings)
    return None if store is None else StoreSanctionWriter(store)


def build_held_store(settings: Settings, client: Any = None) -> HeldStore | None:
    """Where held messages wait (None when the moderator tools are off)."""
    from chatmod.moderation.hold import shared_memory_held_store

    def on_table(table: str, dynamodb: Any) -> HeldStore:
        from chatmod.aws.dynamodb_held import DynamoDBHeldStore

        return DynamoDBHeldStore(table, dynamodb)

    return _moderation_store(settings, client, shared_memory_held_store, on_table)


def build_decision_log(settings: Settings, client: Any = None) -> DecisionLog | None:
    """Where users' recent refusals are kept (None when the moderator tools are off)."""
    from chatmod.moderation.history import shared_memory_decision_log

    def on_table(table: str, dynamodb: Any) -> DecisionLog:
        from chatmod.aws.dynamodb_history import DynamoDBDecisionLog

        return DynamoDBDecisionLog(table, dynamodb)

    return _moderation_store(settings, client, shared_memory_decision_log, on_table)


def _moderation_store(
    settings: Settings,
    client: Any,
    in_memory: Callable[[], S],
    on_table: Callable[[str, Any], S],
) -> S | None:
    """The one choice every store of the moderation table makes: none, this process's
    memory, or the DynamoDB table (which must be a real table name)."""
    if settings.moderation_store == "none":
        return None
    if settings.moderation_store == "memory":
        return in_memory()
    table = settings.moderation_table or ""
    if not is_table(table):
        raise SettingsError(f"CHATMOD_MODERATION_TABLE={table!r} is not a DynamoDB table")
    return on_table(table, client or moderation_client())


def build_feed(settings: Settings) -> Any:
    """EventBridge when a bus is named (a real one: a local ``!Ref`` placeholder is not),
    else log lines."""
    from chatmod.moderation.feed import EventBridgeFeed, LogFeed

    bus = settings.feed_bus or ""
    if not bus or bus.startswith("arn:aws:local:"):
        return LogFeed()
    from chatmod.aws.clients import make_client

    return EventBridgeFeed(make_client("events"), bus)
