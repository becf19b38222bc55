"""botocore HTTP responses made in a test, for clients whose calls a test answers itself."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from botocore.awsrequest import AWSResponse


class _RawBody:
    """The raw body botocore reads from an HTTP response."""

    def __init__(self, body: bytes) -> None:
        self.body = body

    def stream(self, **_: Any) -> Iterator[bytes]:
        yield self.body

    def read(self, *_: Any) -> bytes:
        return self.body


def aws_response(
    url: str, status: int, body: bytes, headers: dict[str, str] | None = None
) -> AWSResponse:
    """A response to the request at ``url`` with this status, body and headers."""
    return AWSResponse(url, status, headers or {}, _RawBody(body))
