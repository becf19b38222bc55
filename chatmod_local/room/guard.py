"""Keeps web pages from driving the room: a developer's browser can reach 127.0.0.1 too.

A cross-origin ``text/plain`` POST needs no preflight, so without these checks any site the
developer visits could remove the room's review handler or kick users; a foreign ``Host``
header is how DNS rebinding reaches a loopback server. So every request must name the room
by a host it serves, a browser's ``Origin`` (and ``Sec-Fetch-Site``) must be the room's own,
and the control plane and SQS endpoint take only what boto3 sends: their JSON content type
and a SigV4-shaped ``Authorization`` header (the signature itself is not checked).
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Iterable

from aiohttp import web
from aiohttp.typedefs import Middleware

LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
CONTROL_PLANE_CONTENT_TYPE = "application/json"  # boto3's rest-json ivschat client
SQS_CONTENT_TYPE = "application/x-amz-json-1.0"
SIGV4 = re.compile(
    r"AWS4-HMAC-SHA256 Credential=[^/\s,]+/\d{8}/[a-z0-9-]+/[a-z0-9-]+/aws4_request,\s*"
    r"SignedHeaders=[a-z0-9;-]+,\s*Signature=[0-9a-f]{64}"
)
PAGE_PATHS = ("/api/", "/web/", "/vendor/", "/healthz", "/favicon")

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def host_name(host_header: str) -> str:
    """``127.0.0.1:8700`` -> ``127.0.0.1``; ``[::1]:8700`` -> ``::1``."""
    host = host_header.strip().lower()
    if host.startswith("["):
        return host[1:].split("]", 1)[0]
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


def is_control_plane(request: web.Request) -> bool:
    """The ivschat operations (``/<Operation>``, ``/tags/...``) and SQS (``POST /``)."""
    path = request.path
    if path == "/":
        return request.method == "POST"
    return not path.startswith(PAGE_PATHS)


def refusal(request: web.Request, message: str) -> web.Response:
    headers = {"x-amzn-ErrorType": "AccessDeniedException"} if is_control_plane(request) else {}
    return web.json_response({"message": message}, status=403, headers=headers)


def problem(request: web.Request, allowed_hosts: frozenset[str]) -> str | None:
    """Why the request is refused, or None."""
    host = request.headers.get("Host", "")
    if host_name(host) not in allowed_hosts:
        return f"Host {host!r} is not this room (allowed: {', '.join(sorted(allowed_hosts))})"
    origin = request.headers.get("Origin")
    if origin is not None and origin.lower() != f"http://{host.lower()}":
        return f"Requests from {origin} are refused: the room answers its own page only"
    if request.headers.get("Sec-Fetch-Site", "same-origin") not in ("same-origin", "none"):
        return "Cross-site requests are refused"
    if not is_control_plane(request):
        if request.method == "POST" and request.content_type != "application/json":
            return "The page's API takes application/json only"
        return None
    if request.method in ("POST", "PUT"):
        wanted = SQS_CONTENT_TYPE if request.path == "/" else CONTROL_PLANE_CONTENT_TYPE
        if request.content_type != wanted:
            return f"Content-Type must be {wanted}, as the AWS SDK sends it"
    if not SIGV4.fullmatch(request.headers.get("Authorization", "")):
        return "A SigV4 Authorization header is required (any credentials; it is not verified)"
    return None


def request_guard(hosts: Iterable[str] = ()) -> Middleware:
    """The middleware; ``hosts`` adds names beyond the loopback ones (the bound address)."""
    allowed_hosts = LOOPBACK_HOSTS | {host_name(h) for h in hosts if h}

    @web.middleware
    async def guard(request: web.Request, handler: Handler) -> web.StreamResponse:
        reason = problem(request, allowed_hosts)
        if reason is not None:
            return refusal(request, reason)
        return await handler(request)

    return guard
