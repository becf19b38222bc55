"""Builds both functions' dependencies from their settings, the models through one factory.

The review and the escalation function read the same models (the model layer) through the
core's ``load_model_from_settings`` and ``load_multilingual_from_settings``; the second opinion
only changes the knobs it has its own settings for. ``memory`` ledger and idempotency stores
let the escalation function run with no AWS at all (local invoke, the local IVS Chat
emulator); ivschat can be pointed at a stand-in by endpoint URL. What the review builds here
is built on its background start, so every import past the first answer's needs is lazy.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, NamedTuple

from chatmod import pipeline
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
from chatmod.model.base import ToxicityModel
from chatmod.settings import Settings

if TYPE_CHECKING:
    from chatmod.audit import IpHasher
    from chatmod.aws.sqs_sender import EscalationSender
    from chatmod.language import LangidDetector
    from chatmod.moderation.cache import SanctionCache
    from chatmod.moderation.held_writer import ReviewWriter


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


def review_model(settings: Settings) -> ToxicityModel | None:
    """The review's model (None with backend ``none``; raises when it cannot load)."""
    return pipeline.load_model_from_settings(settings)


def multilingual_model(settings: Settings) -> ToxicityModel | None:
    """The multilingual model read beside the first one, or None (``none``, or not found)."""
    return pipeline.load_multilingual_from_settings(settings)


def language_detector() -> LangidDetector:
    """The language detector both functions use (its model takes a few hundred ms to load)."""
    from chatmod.language import LangidDetector

    return LangidDetector()


def second_opinion_settings(settings: Settings) -> Settings:
    """The review's own ONNX models read with the second opinion's folder, token budget and
    threads (the context it adds is what tells it more than the review knew)."""
    return settings.model_copy(
        update={
            "model_backend": "onnx",
            "model_dir": settings.second_opinion_model_dir or settings.model_dir,
            "model_max_tokens": settings.second_opinion_max_tokens,
            "multilingual_max_tokens": settings.second_opinion_max_tokens,
            "model_threads": settings.second_opinion_threads,
        }
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
    models = second_opinion_settings(settings)
    model = review_model(models)
    assert model is not None  # the ONNX backend, never ``none``
    first = ModelSecondOpinion(model)
    multilingual = multilingual_model(models)
    if multilingual is None:
        return first
    return RoutedSecondOpinion(first, ModelSecondOpinion(multilingual))


def escalation_sender(settings: Settings, timeout_ms: int) -> EscalationSender:
    """The escalation queue's sender (raises ``SenderConfigError`` with no region for it)."""
    from chatmod.aws.sqs_sender import EscalationSender

    assert settings.escalation_queue_url is not None  # checked by the caller
    return EscalationSender.create(
        settings.escalation_queue_url,
        timeout_ms,
        region=settings.aws_region,
        endpoint_url=settings.sqs_endpoint_url,
    )


def stack_ip_hasher(secret_arn: str) -> IpHasher:
    """IP hashes keyed by the stack's secret, shared by every instance (raises when unread)."""
    from chatmod.audit import IpHasher
    from chatmod.aws.secrets import read_ip_hash_key

    return IpHasher(read_ip_hash_key(secret_arn), "stack")


class ReviewModeration(NamedTuple):
    """What the review needs of the moderator tools: the timeouts and bans it follows, and
    where it writes held messages and users' refusals (either None without a store)."""

    sanctions: SanctionCache | None
    records: ReviewWriter | None


def review_moderation(
    settings: Settings, on_refresh_error: Callable[[BaseException], None]
) -> ReviewModeration:
    """The moderation store's views for the review, the sanctions refreshed in the background."""
    from chatmod.moderation.cache import SanctionCache
    from chatmod.moderation.held_writer import ReviewWriter
    from chatmod.moderation.wiring import (
        build_decision_log,
        build_held_store,
        build_sanction_store,
        moderation_client,
    )

    client = moderation_client() if settings.moderation_store == "dynamodb" else None
    held = build_held_store(settings, client)
    decisions = build_decision_log(settings, client)
    records = ReviewWriter(held, decisions) if held is not None and decisions is not None else None
    store = build_sanction_store(settings, client)
    if store is None:
        return ReviewModeration(None, records)
    cache = SanctionCache(store, refresh_s=settings.sanctions_refresh_s, on_error=on_refresh_error)
    return ReviewModeration(cache.start(), records)
