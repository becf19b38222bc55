"""Every error chatmod raises on purpose, in one tree under ``ChatmodError``.

Each keeps the built-in base it always had (a bad setting is still a ``ValueError``, a model
that will not load still a ``RuntimeError``), so code that caught those still does; new code
can catch a branch, or everything chatmod means, by these names.

    ChatmodError
    ├── ConfigError (ValueError): what a deployment wrote is refused
    │   ├── SettingsError: an environment variable
    │   └── PolicyError: a policy file
    ├── YamlRefused (yaml.YAMLError): a YAML document refused by shape before it is built
    ├── ModelUnavailableError (RuntimeError): the configured model cannot be loaded
    ├── SecondOpinionUnavailableError (RuntimeError): no second-opinion scorer
    ├── ModerationApiError (RuntimeError): the moderation API answered with an error
    └── ChatActionError (RuntimeError): an action on the chat room
        ├── ActionNotTakenError: certainly not taken; trying again is safe
        ├── ActionInFlightError: an earlier attempt may still be running
        └── OutcomeUnknownError: not known, and no longer to be repeated
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol

import yaml

# What a model that will not load names for the fix: the settings that choose and find it.
MODEL_SETTINGS_HELP = (
    "settings: CHATMOD_MODEL_BACKEND (onnx | detoxify), CHATMOD_MODEL_DIR (folder with "
    "model.onnx, tokenizer.json, labels.json), CHATMOD_DETOXIFY_CHECKPOINT (local Detoxify "
    ".ckpt), CHATMOD_DETOXIFY_MODEL_TYPE (original | unbiased | original-small | ...)"
)


class ChatmodError(Exception):
    """Base of every error chatmod raises on purpose."""


class ConfigError(ChatmodError, ValueError):
    """What a deployment wrote (a setting, a policy) cannot be used."""


class SettingsError(ConfigError):
    """An environment variable with a value chatmod cannot use."""


class PolicyError(ConfigError):
    """A policy file that cannot be used, with a message that says where and why."""


class YamlRefused(ChatmodError, yaml.YAMLError):
    """A document refused by shape before it was built (an alias, too deep)."""


class ModelUnavailableError(ChatmodError, RuntimeError):
    """The configured model cannot be loaded; the message names the settings to fix."""

    def __init__(self, reason: str) -> None:
        super().__init__(f"{reason} ({MODEL_SETTINGS_HELP})")


class SecondOpinionUnavailableError(ChatmodError, RuntimeError):
    """A second-opinion record arrived but no scorer is configured or loadable."""


class ModerationApiError(ChatmodError, RuntimeError):
    """The moderation API answered with an error ``status``."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(f"{status}: {message}")
        self.status = status
        self.message = message


class ChatActionError(ChatmodError, RuntimeError):
    """An action on the chat room (delete a message, disconnect a user) went wrong."""


class ActionNotTakenError(ChatActionError):
    """The service certainly did not act (throttled, never reached): trying again is safe.

    ``transient`` is False for a refusal that another try would meet again (access denied)."""

    transient = True


class ActionInFlightError(ChatActionError):
    """An earlier attempt of an at-most-once action may still be running: look again later."""


class Attempts(Protocol):
    """An action's durable record (``chatmod.escalation.intents.Intent``), as far as an error
    about it needs to say: how many calls may have reached the service."""

    @property
    def calls(self) -> int: ...


class OutcomeUnknownError(ChatActionError):
    """An at-most-once action whose outcome stays unknown and may no longer be repeated."""

    def __init__(self, key: Mapping[str, str], intent: Attempts, reason: str) -> None:
        super().__init__(f"{dict(key)}: {reason}")
        self.key = dict(key)
        self.intent = intent
        self.reason = reason
