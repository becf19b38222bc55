"""boto3 clients created once at init, with an optional endpoint override (local emulators)."""

from __future__ import annotations

from typing import Any

import boto3
from botocore.config import Config


def make_client(
    service: str,
    *,
    endpoint_url: str | None = None,
    region_name: str | None = None,
    config: Config | None = None,
) -> Any:
    """A client for ``service``; ``endpoint_url`` points it at a stand-in (an emulator, moto)."""
    session: Any = boto3.session.Session()  # typed as Any: the service name is a variable
    return session.client(
        service, endpoint_url=endpoint_url, region_name=region_name, config=config
    )
