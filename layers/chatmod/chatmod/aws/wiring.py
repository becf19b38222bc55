"""Builds the escalation function's dependencies from its settings.

``memory`` ledger and idempotency stores let the function run with no AWS at all (local
invoke, the local IVS Chat emulator); ivschat can be pointed at a stand-in by endpoint URL.
"""

from __future__ import annotations

from typing import Any

from chatmod.aws.clients import make_client
from chatmod.aws.dynamodb_ledger import DynamoDBLedger
from chatmod.aws.idempotency import MemoryPersistenceLayer, PowertoolsGuard, dynamodb_store
from chatmod.aws.ivschat import IvsChatActions
from chatmod.escalation.actions import ChatActions, DryRunActions
from chatmod.escalation.intents import IntentLog, MemoryIntentLog
from chatmod.escalation.ledger import MemoryLedger, StrikeLedger
from chatmod.escalation.second_opinion import (
    ModelSecondOpinion,
    RoutedSecondOpinion,
    SecondOpinion,
)
from chatmod.settings import Settings


def build_ledger(settings: Settings, client: Any = None) -> StrikeLedger:
    if settings.ledger == "memory":
        return MemoryLedger()
    return DynamoDBLedger(settings.require_table(), client or make_client("dynamodb"))


def build_guard(settings: Settings, client: Any = None) -> PowertoolsGuard:
    if settings.idempotency_store == "memory":
        return PowertoolsGuard(MemoryPersistenceLayer(), settings.idempotency_ttl_seconds)
    store = dynamodb_store(settings.require_table(), client or make_client("dynamodb"))
    return PowertoolsGuard(store, settings.idempotency_ttl_seconds)


def build_intents(settings: Settings, client: Any = None) -> IntentLog:
    """Where disconnect intents are recorded: with the idempotency records."""
    if settings.idempotency_store == "memory":
        return MemoryIntentLog()
    from chatmod.aws.dynamodb_intents import DynamoDBIntentLog

    return DynamoDBIntentLog(settings.require_table(), client or make_client("dynamodb"))


def build_actions(settings: Settings) -> ChatActions:
    if settings.dry_run:
        return DryRunActions()
    return IvsChatActions.create(
        settings.ivschat_endpoint_url, delete_attempts=settings.ivschat_max_attempts
    )


def build_scorer(settings: Settings) -> SecondOpinion | None:
    """The configured second-opinion scorer (raises ModelUnavailableError when it cannot load)."""
    if settings.second_opinion == "none":
        return None
    if settings.second_opinion == "comprehend":
        from chatmod.aws.comprehend import ComprehendSecondOpinion

        return ComprehendSecondOpinion.create(
            settings.comprehend_region, settings.comprehend_endpoint_url
        )
    from chatmod.model import default_model_dir, load_model
    from chatmod.model.base import multilingual_dir

    # The review's own models (the model layer); the context is what adds information.
    folder = settings.second_opinion_model_dir or settings.model_dir or str(default_model_dir())
    model = load_model(
        "onnx",
        model_dir=folder,
        max_tokens=settings.second_opinion_max_tokens,
        threads=settings.second_opinion_threads,
    )
    first = ModelSecondOpinion(model)
    multi_folder = multilingual_dir(settings.multilingual_model_dir)
    if multi_folder is None:
        return first
    multilingual = load_model(
        "onnx",
        model_dir=str(multi_folder),
        max_tokens=settings.second_opinion_max_tokens,
        threads=settings.second_opinion_threads,
    )
    return RoutedSecondOpinion(first, ModelSecondOpinion(multilingual))
