"""The IP hash key: a Secrets Manager secret generated at deploy, read once per instance."""

from __future__ import annotations

import re
from typing import Any

SECRET_TIMEOUT_S = 1.0
SECRET_ATTEMPTS = 2
_SECRET_ARN = re.compile(r"^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:.+$")


def is_secret_arn(value: str | None) -> bool:
    """Local template runs resolve ``!Ref Secret`` to a placeholder, not a secret ARN."""
    return bool(value) and bool(_SECRET_ARN.match(str(value)))


def read_ip_hash_key(secret_id: str, client: Any = None) -> bytes:
    """The secret's text as key bytes (raises on any failure; bounded to a few seconds)."""
    from aws_lambda_powertools.utilities.parameters import SecretsProvider

    if client is None:
        from chatmod.aws.clients import make_client

        client = make_client(
            "secretsmanager",
            attempts=SECRET_ATTEMPTS,
            connect_timeout_s=SECRET_TIMEOUT_S,
            read_timeout_s=SECRET_TIMEOUT_S,
        )
    value = SecretsProvider(boto3_client=client).get(secret_id, max_age=0)
    if isinstance(value, str):
        return value.encode("utf-8")
    if isinstance(value, bytes):
        return value
    raise ValueError(f"secret {secret_id} holds no text")
