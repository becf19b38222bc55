"""Settings of the escalation function (and of the review function's sender), from env."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from chatmod.settings import SettingsError, _bool, _choice, _int

Store = Literal["dynamodb", "memory"]
Scorer = Literal["onnx", "comprehend", "none"]


def _float(env: Mapping[str, str], name: str, low: float, high: float) -> float | None:
    raw = env.get(name, "").strip()
    if not raw:
        return None
    try:
        value = float(raw)
    except ValueError:
        raise SettingsError(f"{name}={raw!r}: expected a number") from None
    if not low <= value <= high:
        raise SettingsError(f"{name}={value}: expected {low}..{high}")
    return value


@dataclass(frozen=True)
class EscalationSettings:
    """``ledger``/``idempotency``: ``memory`` runs without AWS (local invoke, the emulator)."""

    ledger: Store = "dynamodb"
    idempotency: Store = "dynamodb"
    table_name: str | None = None
    ivschat_endpoint_url: str | None = None
    dry_run: bool = False
    ivschat_max_attempts: int = 4
    ivschat_backoff_ms: int = 200
    second_opinion: Scorer = "onnx"
    second_opinion_model_dir: str | None = None
    second_opinion_max_tokens: int = 512
    second_opinion_threads: int = 1
    confirm_threshold: float | None = None
    comprehend_region: str | None = None
    comprehend_endpoint_url: str | None = None
    idempotency_ttl_seconds: int = 86_400
    send_timeout_ms: int = 60  # connect and read each: a hung queue costs at most ~2x this

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> EscalationSettings:
        env = os.environ if env is None else env
        ledger = _choice(env, "CHATMOD_LEDGER", "dynamodb", ("dynamodb", "memory")).lower()
        return cls(
            ledger=ledger,  # type: ignore[arg-type]
            idempotency=_choice(env, "CHATMOD_IDEMPOTENCY", ledger, ("dynamodb", "memory")).lower(),  # type: ignore[arg-type]
            table_name=env.get("CHATMOD_ESCALATION_TABLE") or None,
            ivschat_endpoint_url=env.get("CHATMOD_IVSCHAT_ENDPOINT_URL") or None,
            dry_run=_bool(env, "CHATMOD_ACTIONS_DRY_RUN", False),
            ivschat_max_attempts=_int(env, "CHATMOD_IVSCHAT_MAX_ATTEMPTS", 4, 1, 10),
            ivschat_backoff_ms=_int(env, "CHATMOD_IVSCHAT_BACKOFF_MS", 200, 0, 10_000),
            second_opinion=_choice(
                env, "CHATMOD_SECOND_OPINION", "onnx", ("onnx", "comprehend", "none")
            ).lower(),  # type: ignore[arg-type]
            second_opinion_model_dir=env.get("CHATMOD_SECOND_OPINION_MODEL_DIR") or None,
            second_opinion_max_tokens=_int(env, "CHATMOD_SECOND_OPINION_MAX_TOKENS", 512, 8, 512),
            second_opinion_threads=_int(env, "CHATMOD_SECOND_OPINION_THREADS", 1, 1, 64),
            confirm_threshold=_float(env, "CHATMOD_SECOND_OPINION_CONFIRM", 0.0, 1.0),
            comprehend_region=env.get("CHATMOD_COMPREHEND_REGION") or None,
            comprehend_endpoint_url=env.get("CHATMOD_COMPREHEND_ENDPOINT_URL") or None,
            idempotency_ttl_seconds=_int(
                env, "CHATMOD_IDEMPOTENCY_TTL_SECONDS", 86_400, 60, 30 * 86_400
            ),
            send_timeout_ms=_int(env, "CHATMOD_ESCALATION_SEND_TIMEOUT_MS", 60, 10, 1000),
        )

    def require_table(self) -> str:
        if not self.table_name:
            raise SettingsError(
                "CHATMOD_ESCALATION_TABLE is not set (or set CHATMOD_LEDGER=memory)"
            )
        return self.table_name
