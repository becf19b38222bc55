"""Settings from the environment, read once at init (the template sets them)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

FailMode = Literal["ALLOW", "DENY"]


class SettingsError(ValueError):
    """An environment variable with a value chatmod cannot use."""


def _choice(env: Mapping[str, str], name: str, default: str, choices: tuple[str, ...]) -> str:
    value = env.get(name, default).strip() or default
    if value.lower() not in {c.lower() for c in choices}:
        raise SettingsError(f"{name}={value!r}: expected one of {', '.join(choices)}")
    return value


def _int(env: Mapping[str, str], name: str, default: int, low: int, high: int) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise SettingsError(f"{name}={raw!r}: expected an integer") from None
    if not low <= value <= high:
        raise SettingsError(f"{name}={value}: expected {low}..{high}")
    return value


def _bool(env: Mapping[str, str], name: str, default: bool) -> bool:
    raw = env.get(name, "").strip().lower()
    if not raw:
        return default
    if raw in {"1", "true", "yes", "on"}:
        return True
    if raw in {"0", "false", "no", "off"}:
        return False
    raise SettingsError(f"{name}={raw!r}: expected true or false")


@dataclass(frozen=True)
class Settings:
    """Everything configurable outside the policy file.

    ``fail_mode`` defaults to ALLOW, like IVS's own FallbackResult: when the handler cannot
    review a message (bad event, internal error), the chat keeps flowing rather than every
    viewer being silenced by an outage. Rooms that must never show an unreviewed message set
    DENY here and as the room's FallbackResult.
    """

    fail_mode: FailMode = "ALLOW"
    policy_file: str | None = None
    policy_parameter: str | None = None
    max_length: int | None = None
    model_backend: str = "onnx"
    model_dir: str | None = None
    model_threads: int = 1
    model_max_tokens: int = 128
    detoxify_checkpoint: str | None = None
    detoxify_model_type: str | None = None
    detoxify_config_path: str | None = None
    log_content: bool = False
    ip_hash_salt: str = ""
    escalation_queue_url: str | None = None

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        max_length = _int(env, "CHATMOD_MAX_LENGTH", 0, 0, 500)
        return cls(
            fail_mode=_choice(env, "CHATMOD_FAIL_MODE", "ALLOW", ("ALLOW", "DENY")).upper(),  # type: ignore[arg-type]
            policy_file=env.get("CHATMOD_POLICY_FILE") or None,
            policy_parameter=env.get("CHATMOD_POLICY_PARAMETER") or None,
            max_length=max_length or None,
            model_backend=_choice(
                env, "CHATMOD_MODEL_BACKEND", "onnx", ("onnx", "detoxify", "none")
            ).lower(),
            model_dir=env.get("CHATMOD_MODEL_DIR") or None,
            model_threads=_int(env, "CHATMOD_MODEL_THREADS", 1, 1, 64),
            model_max_tokens=_int(env, "CHATMOD_MODEL_MAX_TOKENS", 128, 8, 512),
            detoxify_checkpoint=env.get("CHATMOD_DETOXIFY_CHECKPOINT") or None,
            detoxify_model_type=env.get("CHATMOD_DETOXIFY_MODEL_TYPE") or None,
            detoxify_config_path=env.get("CHATMOD_DETOXIFY_CONFIG_PATH") or None,
            log_content=_bool(env, "CHATMOD_LOG_CONTENT", False),
            ip_hash_salt=env.get("CHATMOD_IP_HASH_SALT", ""),
            escalation_queue_url=env.get("CHATMOD_ESCALATION_QUEUE_URL") or None,
        )
