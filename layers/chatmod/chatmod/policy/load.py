"""Reading a policy: YAML or JSON text, a file, or the packaged default, with errors that name
the source and quote no more than an excerpt."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import yaml
from pydantic import ValidationError

from chatmod.errors import PolicyError
from chatmod.policy import limits
from chatmod.policy.live import FilePolicySource
from chatmod.policy.schema import PolicyFile
from chatmod.yaml_load import load_yaml

# An error names what is wrong and quotes at most this much: a log line or a terminal, never
# the policy (or what a crafted one would expand to) all over again.
MAX_ERROR_CHARS = 1_000


def excerpt(message: str, limit: int = MAX_ERROR_CHARS) -> str:
    """``message`` cut to ``limit`` characters, saying how much was left out."""
    if len(message) <= limit:
        return message
    return f"{message[:limit]}... ({len(message) - limit} more characters)"


def parse_policy(text: str, source: str = "<policy>") -> PolicyFile:
    """Parse YAML or JSON policy text, with errors that name the source."""
    size = len(text.encode("utf-8", "replace"))
    if size > limits.MAX_POLICY_BYTES:
        raise PolicyError(f"{source}: {size} bytes; a policy may be {limits.MAX_POLICY_BYTES}")
    try:
        data = load_yaml(text) if text.strip() else {}
    except yaml.YAMLError as exc:
        raise PolicyError(excerpt(f"{source}: not valid YAML/JSON: {exc}")) from exc
    if not isinstance(data, dict):
        raise PolicyError(f"{source}: a policy must be a mapping, got {type(data).__name__}")
    try:
        return PolicyFile.model_validate(data)
    except ValidationError as exc:
        raise PolicyError(excerpt(f"{source}: invalid policy:\n{exc}")) from exc


def load_policy(path: str | Path | None = None) -> PolicyFile:
    """Load a policy file, or the packaged default policy when no path is given."""
    if path is None:
        text = resources.files("chatmod").joinpath("default_policy.yaml").read_text("utf-8")
        return parse_policy(text, "chatmod/default_policy.yaml")
    file = Path(path)
    try:
        text = FilePolicySource(str(file)).fetch()
    except (OSError, UnicodeDecodeError) as exc:
        raise PolicyError(f"cannot read policy file {file}: {exc}") from exc
    return parse_policy(text, str(file))


def with_max_length(policy: PolicyFile, max_length: int | None) -> PolicyFile:
    """The policy with its default ``max_length`` replaced (rooms may still override it); the
    same policy when nothing changes (validating 200 rooms again would double a reload)."""
    if max_length is None or max_length == policy.defaults.max_length:
        return policy
    data = policy.model_dump(mode="json", exclude_unset=True)
    data.setdefault("defaults", {})["max_length"] = max_length
    return PolicyFile.model_validate(data)
