"""X-ray tracing of a Lambda handler, only when the stack turns it on.

Powertools' Tracer imports the X-ray SDK (and asyncio, botocore's pieces, ...) as soon as it is
created, even with ``POWERTOOLS_TRACE_DISABLED=true``: about a fifth of a review instance's
cold start, spent before its first answer, which IVS waits for. With tracing off (the
template's default), the handler is left as it is and nothing is imported.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any, TypeVar

Handler = TypeVar("Handler", bound=Callable[..., Any])
_TRUE = frozenset({"1", "true", "yes", "on"})


def tracing_enabled(environ: dict[str, str] | None = None) -> bool:
    env = os.environ if environ is None else environ
    return env.get("POWERTOOLS_TRACE_DISABLED", "false").strip().lower() not in _TRUE


def trace_handler(service: str) -> Callable[[Handler], Handler]:
    """``Tracer(service).capture_lambda_handler`` when tracing is on, else the identity."""
    if not tracing_enabled():
        return lambda handler: handler
    from aws_lambda_powertools import Tracer

    capture: Callable[[Handler], Handler] = Tracer(service=service).capture_lambda_handler(
        capture_response=False
    )
    return capture
