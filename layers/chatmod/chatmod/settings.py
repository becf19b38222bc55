"""The one settings model of both functions, read once at init (the template sets them)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from pydantic.fields import FieldInfo

from chatmod.errors import SettingsError as SettingsError
from chatmod.model.spec import SPEC

FailMode = Literal["ALLOW", "DENY"]
Backend = Literal["onnx", "detoxify", "none"]
Store = Literal["dynamodb", "memory"]
Scorer = Literal["onnx", "comprehend", "none"]
# What a new instance answers by while its configured policy source cannot be read.
PolicyUnavailable = Literal["bundled", "fail-mode"]
ModerationStore = Literal["dynamodb", "memory", "none"]


def _var(default: Any, *names: str, ge: float | None = None, le: float | None = None) -> Any:
    """A field read from the first set variable of ``names``."""
    return Field(default, ge=ge, le=le, json_schema_extra={"env": list(names)})


def variables(field: FieldInfo) -> tuple[str, ...]:
    extra = field.json_schema_extra
    names = extra.get("env", []) if isinstance(extra, dict) else []
    return tuple(str(name) for name in names) if isinstance(names, list) else ()


class Settings(BaseModel):
    """Everything configurable outside the policy file.

    One precedence rule (``Settings.load``): an explicit argument, else the first variable of a
    field that is set and not blank, else the default. Variables:

    Review function
      CHATMOD_FAIL_MODE                ALLOW | DENY: the answer when a message cannot be
                                       reviewed (ALLOW, like IVS's own FallbackResult)
      CHATMOD_MAX_LENGTH               1..500 characters; 0 or unset: the policy's limit
      CHATMOD_LOG_CONTENT              true: audit lines carry the message text
      CHATMOD_IP_HASH_SECRET           Secrets Manager ARN of the key for keyed IP hashes
      CHATMOD_ESCALATION_QUEUE_URL     SQS queue of escalation records (unset: none sent)
      CHATMOD_ESCALATION_SEND_TIMEOUT_MS  connect and read timeout of each send (10..1000)
      AWS_REGION, AWS_DEFAULT_REGION   the sender's region when the queue URL names none
      AWS_ENDPOINT_URL_SQS, AWS_ENDPOINT_URL  a stand-in for SQS (the local room)
    Policy (both functions)
      CHATMOD_POLICY_FILE              a policy file (else the bundled policy)
      CHATMOD_POLICY_PARAMETER         an SSM parameter name or ARN holding the policy
      CHATMOD_POLICY_APPCONFIG         application/environment/profile via the extension
      CHATMOD_POLICY_CHECK_SECONDS     how often a live source is checked (5..86400)
      CHATMOD_POLICY_UNAVAILABLE       bundled | fail-mode: what a new instance whose policy
                                       source cannot be read answers by until it can (bundled)
    Model (both functions)
      CHATMOD_MODEL_BACKEND            onnx | detoxify | none
      CHATMOD_MODEL_DIR                folder with model.onnx, tokenizer.json, labels.json
      CHATMOD_MULTILINGUAL_MODEL_DIR   the multilingual model's folder, read beside the
                                       first for the languages it declares (else the model
                                       layer's chatmod-e5-multi; none: English model only)
      CHATMOD_MODEL_THREADS            intra-op threads (1..64)
      CHATMOD_MODEL_MAX_TOKENS         tokens read per message by the review (8..512;
                                       a longer message: its start and its end)
      CHATMOD_MULTILINGUAL_MAX_TOKENS  the same for the multilingual model (8..512)
      CHATMOD_DETOXIFY_CHECKPOINT, CHATMOD_DETOXIFY_MODEL_TYPE, CHATMOD_DETOXIFY_CONFIG_PATH
                                       the torch backend's checkpoint (development only)
    Escalation function
      CHATMOD_LEDGER, CHATMOD_IDEMPOTENCY  dynamodb | memory (idempotency: as the ledger)
      CHATMOD_ESCALATION_TABLE         the DynamoDB table of strikes and idempotency records
      CHATMOD_IVSCHAT_ENDPOINT_URL     a stand-in for ivschat (the local room)
      CHATMOD_IVSCHAT_MAX_ATTEMPTS     botocore's total attempts of a DeleteMessage (1..10)
      CHATMOD_DISCONNECT_RETRY_WINDOW_MS  how soon after a DisconnectUser of unknown outcome
                                       it may be repeated (0..10000; past it: dead-letter)
      CHATMOD_ESCALATION_DLQ_URL       the dead-letter queue a given-up record is sent to,
                                       with its reason (unset: it fails back to the queue)
      CHATMOD_ACTIONS_DRY_RUN          true: record actions instead of taking them
      CHATMOD_SECOND_OPINION           onnx | comprehend | none (none: the review queues none)
      CHATMOD_SECOND_OPINION_MODEL_DIR the second opinion's model folder (else the review's)
      CHATMOD_SECOND_OPINION_MAX_TOKENS, CHATMOD_SECOND_OPINION_THREADS  as for the review
      CHATMOD_SECOND_OPINION_CONFIRM   0..1: one threshold that confirms (else the policy's)
      CHATMOD_COMPREHEND_REGION, CHATMOD_COMPREHEND_ENDPOINT_URL  where Comprehend is called
      CHATMOD_IDEMPOTENCY_TTL_SECONDS  how long a completed action is remembered (60..30 d)
    Moderator tools (review, escalation and moderation functions)
      CHATMOD_MODERATION_STORE         dynamodb | memory | none: where timeouts, bans and held
                                       messages live (none: no sanctions are enforced)
      CHATMOD_MODERATION_TABLE         the DynamoDB moderation table
      CHATMOD_SANCTIONS_REFRESH_SECONDS  how often a review instance looks for new sanctions
      CHATMOD_MODERATION_API_URL       the escalation function puts the strike ladder's
                                       timeouts and bans through this moderator API instead
                                       of the store (the local room's worker process)
      CHATMOD_FEED_BUS                 the EventBridge bus of the moderation feed (unset:
                                       feed events are log lines)
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    fail_mode: FailMode = _var("ALLOW", "CHATMOD_FAIL_MODE")
    max_length: int | None = _var(None, "CHATMOD_MAX_LENGTH", ge=1, le=500)
    log_content: bool = _var(False, "CHATMOD_LOG_CONTENT")
    ip_hash_secret: str | None = _var(None, "CHATMOD_IP_HASH_SECRET")
    escalation_queue_url: str | None = _var(None, "CHATMOD_ESCALATION_QUEUE_URL")
    send_timeout_ms: int = _var(60, "CHATMOD_ESCALATION_SEND_TIMEOUT_MS", ge=10, le=1000)
    # Read with the rest at init: background threads must not depend on the environment later.
    aws_region: str | None = _var(None, "AWS_REGION", "AWS_DEFAULT_REGION")
    sqs_endpoint_url: str | None = _var(None, "AWS_ENDPOINT_URL_SQS", "AWS_ENDPOINT_URL")

    policy_file: str | None = _var(None, "CHATMOD_POLICY_FILE")
    policy_parameter: str | None = _var(None, "CHATMOD_POLICY_PARAMETER")
    policy_appconfig: str | None = _var(None, "CHATMOD_POLICY_APPCONFIG")
    policy_check_s: int = _var(60, "CHATMOD_POLICY_CHECK_SECONDS", ge=5, le=86_400)
    policy_unavailable: PolicyUnavailable = _var("bundled", "CHATMOD_POLICY_UNAVAILABLE")

    model_backend: Backend = _var("onnx", "CHATMOD_MODEL_BACKEND")
    model_dir: str | None = _var(None, "CHATMOD_MODEL_DIR")
    multilingual_model_dir: str | None = _var(None, "CHATMOD_MULTILINGUAL_MODEL_DIR")
    model_threads: int = _var(1, "CHATMOD_MODEL_THREADS", ge=1, le=64)
    model_max_tokens: int = _var(SPEC.max_tokens, "CHATMOD_MODEL_MAX_TOKENS", ge=8, le=512)
    multilingual_max_tokens: int = _var(
        SPEC.multilingual_max_tokens, "CHATMOD_MULTILINGUAL_MAX_TOKENS", ge=8, le=512
    )
    detoxify_checkpoint: str | None = _var(None, "CHATMOD_DETOXIFY_CHECKPOINT")
    detoxify_model_type: str | None = _var(None, "CHATMOD_DETOXIFY_MODEL_TYPE")
    detoxify_config_path: str | None = _var(None, "CHATMOD_DETOXIFY_CONFIG_PATH")

    ledger: Store = _var("dynamodb", "CHATMOD_LEDGER")
    # Unset: the ledger's store (memory ledger, memory idempotency).
    idempotency: Store | None = _var(None, "CHATMOD_IDEMPOTENCY")
    table_name: str | None = _var(None, "CHATMOD_ESCALATION_TABLE")
    ivschat_endpoint_url: str | None = _var(None, "CHATMOD_IVSCHAT_ENDPOINT_URL")
    ivschat_max_attempts: int = _var(4, "CHATMOD_IVSCHAT_MAX_ATTEMPTS", ge=1, le=10)
    disconnect_retry_window_ms: int = _var(
        5_000, "CHATMOD_DISCONNECT_RETRY_WINDOW_MS", ge=0, le=10_000
    )
    dead_letter_queue_url: str | None = _var(None, "CHATMOD_ESCALATION_DLQ_URL")
    dry_run: bool = _var(False, "CHATMOD_ACTIONS_DRY_RUN")
    second_opinion: Scorer = _var("onnx", "CHATMOD_SECOND_OPINION")
    second_opinion_model_dir: str | None = _var(None, "CHATMOD_SECOND_OPINION_MODEL_DIR")
    second_opinion_max_tokens: int = _var(
        SPEC.second_opinion_max_tokens, "CHATMOD_SECOND_OPINION_MAX_TOKENS", ge=8, le=512
    )
    second_opinion_threads: int = _var(1, "CHATMOD_SECOND_OPINION_THREADS", ge=1, le=64)
    confirm_threshold: float | None = _var(None, "CHATMOD_SECOND_OPINION_CONFIRM", ge=0, le=1)
    comprehend_region: str | None = _var(None, "CHATMOD_COMPREHEND_REGION")
    comprehend_endpoint_url: str | None = _var(None, "CHATMOD_COMPREHEND_ENDPOINT_URL")
    idempotency_ttl_seconds: int = _var(
        86_400, "CHATMOD_IDEMPOTENCY_TTL_SECONDS", ge=60, le=30 * 86_400
    )
    moderation_store: ModerationStore = _var("none", "CHATMOD_MODERATION_STORE")
    moderation_table: str | None = _var(None, "CHATMOD_MODERATION_TABLE")
    sanctions_refresh_s: float = _var(1.0, "CHATMOD_SANCTIONS_REFRESH_SECONDS", ge=0.1, le=60)
    moderation_api_url: str | None = _var(None, "CHATMOD_MODERATION_API_URL")
    feed_bus: str | None = _var(None, "CHATMOD_FEED_BUS")

    @field_validator("fail_mode", mode="before")
    @classmethod
    def _upper(cls, value: Any) -> Any:
        return value.upper() if isinstance(value, str) else value

    @field_validator(
        "model_backend",
        "ledger",
        "idempotency",
        "second_opinion",
        "policy_unavailable",
        "moderation_store",
        mode="before",
    )
    @classmethod
    def _lower(cls, value: Any) -> Any:
        return value.lower() if isinstance(value, str) else value

    @field_validator("max_length", mode="before")
    @classmethod
    def _zero_is_unset(cls, value: Any) -> Any:
        return None if value in (0, "0") else value

    @classmethod
    def load(cls, env: Mapping[str, str] | None = None, **explicit: Any) -> Settings:
        """Explicit arguments over the environment (``os.environ`` unless given) over defaults."""
        unknown = explicit.keys() - cls.model_fields.keys()
        if unknown:
            raise TypeError(f"not a setting: {', '.join(sorted(unknown))}")
        env = os.environ if env is None else env
        data: dict[str, Any] = {}
        source: dict[str, str] = {}  # field -> where its value came from, for error messages
        for name, field in cls.model_fields.items():
            if name in explicit:
                data[name], source[name] = explicit[name], name
                continue
            for var in variables(field):
                raw = env.get(var, "").strip()
                if raw:
                    data[name], source[name] = raw, var
                    break
        try:
            return cls.model_validate(data)
        except ValidationError as exc:
            error = exc.errors(include_url=False)[0]
            name = str(error["loc"][0]) if error["loc"] else ""
            where = source.get(name, name)
            raise SettingsError(f"{where}={data.get(name)!r}: {error['msg']}") from None

    @classmethod
    def load_tolerant(cls, env: Mapping[str, str] | None = None) -> tuple[Settings, list[str]]:
        """Like ``load``, but a variable with an invalid value is left out (its default is used)
        and reported: a review function must keep reviewing with a typo in one setting, since
        failing its start would hand every message to the room's fallback."""
        remaining = dict(os.environ if env is None else env)
        errors: list[str] = []
        while True:
            try:
                return cls.load(remaining), errors
            except SettingsError as exc:
                var = str(exc).split("=", 1)[0]
                if var not in remaining:
                    raise
                errors.append(str(exc))
                del remaining[var]

    @property
    def idempotency_store(self) -> Store:
        """Where idempotency records live: as set, else with the ledger."""
        return self.idempotency or self.ledger

    def require_table(self) -> str:
        if not self.table_name:
            raise SettingsError(
                "CHATMOD_ESCALATION_TABLE is not set (or set CHATMOD_LEDGER=memory)"
            )
        return self.table_name
