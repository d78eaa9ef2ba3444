"""The local app's guards: DNS rebinding (Host), cross-site requests (Origin or token), safe response headers.

A server on 127.0.0.1 is reachable by any web page the DJ opens: a page can send requests to it (cross-site
request forgery), and a hostile domain that re-resolves to 127.0.0.1 can even read the answers (DNS
rebinding). So:

- a request whose ``Host`` is not the address the server is bound to is refused with 400;
- a request that changes something (anything but GET, HEAD, OPTIONS), or that makes Harmony read a file the
  request names or start a job (:data:`READING_PATHS`: the collection's badges parse the NML on a worker, the
  folder browser lists folders), must come from one of the app's own pages: either its ``Origin`` is the
  app's own origin, or it carries the per-session token in ``X-Harmony-Token`` (the pages read it from a
  ``<meta>`` tag and send it with every request; a foreign page cannot read it). Otherwise 403. Without
  this, any web page the DJ visits could keep the sync workers busy parsing files of its choosing.

Implemented as a plain ASGI middleware so it also guards the event stream and never buffers a response.
"""

from __future__ import annotations

import json
import logging
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Final

from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["READING_PATHS", "TOKEN_HEADER", "Guard", "SecurityMiddleware", "allowed_hosts"]

log = logging.getLogger(__name__)

TOKEN_HEADER: Final = "x-harmony-token"
SAFE_METHODS: Final = frozenset({"GET", "HEAD", "OPTIONS"})
LOOPBACK_NAMES: Final = ("127.0.0.1", "localhost", "[::1]")
#: GET endpoints that read a file named in the request or start a job: guarded like changes.
READING_PATHS: Final = frozenset({"/api/traktor/info", "/api/files"})
#: The player's media (a track's audio, waveform, cover): read by <audio> and <img> elements, which cannot send
#: the token, so they are refused only when the browser says another site asked (``Sec-Fetch-Site``): a foreign
#: page must not make Harmony decode files.
MEDIA_PATH: Final = re.compile(r"^/api/library/tracks/\d+/(audio|waveform|cover)/?$")
FOREIGN_FETCH_SITES: Final = frozenset({"cross-site", "same-site"})

#: Sent with every answer: no framing by other sites, no MIME sniffing, scripts and styles only from the app.
SECURITY_HEADERS: Final = (
    (b"x-frame-options", b"DENY"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (
        b"content-security-policy",
        b"default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        b"connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
    ),
)
#: /docs loads Swagger UI from a CDN and runs an inline script; it gets a looser policy of its own.
DOCS_PATHS: Final = ("/docs", "/redoc")


def _host_name(host: str) -> str:
    return f"[{host}]" if ":" in host and not host.startswith("[") else host


def allowed_hosts(host: str, port: int) -> frozenset[str]:
    """The ``Host`` values a server bound to ``host:port`` answers to (its loopback names when it is local)."""
    names = {_host_name(host)}
    if host in ("127.0.0.1", "localhost", "::1", "[::1]"):
        names.update(LOOPBACK_NAMES)
    return frozenset(f"{name}:{port}" for name in names)


@dataclass(frozen=True, slots=True)
class Guard:
    """What the middleware checks against: the accepted hosts and the session token."""

    hosts: frozenset[str]
    token: str = field(default_factory=lambda: secrets.token_urlsafe(32))

    @classmethod
    def for_address(cls, host: str, port: int, extra_hosts: Iterable[str] = ()) -> Guard:
        return cls(allowed_hosts(host, port) | frozenset(extra_hosts))

    @property
    def origins(self) -> frozenset[str]:
        return frozenset(f"http://{host}" for host in self.hosts)

    def host_ok(self, host: str | None) -> bool:
        return host is not None and host.lower() in self.hosts

    def request_ok(
        self, method: str, origin: str | None, token: str | None, path: str = "", fetch_site: str | None = None
    ) -> bool:
        """Whether a request may run: safe methods always, except on :data:`READING_PATHS` and media asked by
        another site; others with the token or from the app's origin."""
        foreign_media = fetch_site in FOREIGN_FETCH_SITES and MEDIA_PATH.match(path) is not None
        if method in SAFE_METHODS and path.rstrip("/") not in READING_PATHS and not foreign_media:
            return True
        if token is not None and secrets.compare_digest(token.encode(), self.token.encode()):
            return True
        return origin is not None and origin.lower() in self.origins


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", ()):
        if key == name:
            return str(value.decode("latin-1"))
    return None


class SecurityMiddleware:
    """Refuses foreign hosts (400) and cross-site changes (403); adds the security headers to every answer."""

    def __init__(self, app: ASGIApp, guard: Guard) -> None:
        self.app = app
        self.guard = guard

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":  # no websockets here; lifespan passes through
            await self.app(scope, receive, send)
            return
        host = _header(scope, b"host")
        if not self.guard.host_ok(host):
            log.warning("refused a request for host %r (DNS rebinding guard)", host)
            await _refuse(send, 400, "This Harmony server only answers to its own address.")
            return
        method = scope.get("method", "GET")
        origin, token = _header(scope, b"origin"), _header(scope, TOKEN_HEADER.encode())
        fetch_site = _header(scope, b"sec-fetch-site")
        if not self.guard.request_ok(method, origin, token, str(scope.get("path", "")), fetch_site):
            log.warning("refused a cross-site %s %s", method, scope.get("path"))
            await _refuse(send, 403, "This request did not come from a Harmony page; reload the page and retry.")
            return
        docs = str(scope.get("path", "")).startswith(DOCS_PATHS)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {key.lower() for key, _ in headers}
                for key, value in SECURITY_HEADERS:
                    if key in present or (docs and key == b"content-security-policy"):
                        continue
                    headers.append((key, value))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)


async def _refuse(send: Send, status: int, error: str) -> None:
    body = json.dumps({"error": error}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())],
        }
    )
    await send({"type": "http.response.body", "body": body})
