"""boto3 clients created once at init, all with botocore's retries and an optional endpoint.

Every client retries the same way: botocore's ``adaptive`` mode (standard retries plus a
client-side rate limiter that slows down after throttling), where ``attempts`` is
``total_max_attempts``, the first call included. Nothing in chatmod writes its own transport
retry loop; the one repeat it decides itself is a DisconnectUser whose outcome is unknown
(``chatmod.escalation.intents``), a question of what the action did, not of the transport.
"""

from __future__ import annotations

from typing import Any

import boto3
from botocore.config import Config


def client_config(
    attempts: int, *, connect_timeout_s: float = 2.0, read_timeout_s: float = 5.0, **extra: Any
) -> Config:
    """The one retry and timeout configuration of chatmod's clients."""
    return Config(
        connect_timeout=connect_timeout_s,
        read_timeout=read_timeout_s,
        retries={"mode": "adaptive", "total_max_attempts": attempts},
        **extra,
    )


def make_client(
    service: str,
    *,
    attempts: int = 3,
    connect_timeout_s: float = 2.0,
    read_timeout_s: float = 5.0,
    endpoint_url: str | None = None,
    region_name: str | None = None,
    **extra: Any,
) -> Any:
    """A client for ``service``; ``endpoint_url`` points it at a stand-in (an emulator, moto)."""
    config = client_config(
        attempts, connect_timeout_s=connect_timeout_s, read_timeout_s=read_timeout_s, **extra
    )
    session: Any = boto3.session.Session()  # typed as Any: the service name is a variable
    return session.client(
        service, endpoint_url=endpoint_url, region_name=region_name, config=config
    )
