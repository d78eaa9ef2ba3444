"""Limits on what a request may make the server hold: its body is capped at :data:`MAX_BODY_BYTES`.

Every body the app accepts is a small JSON document (settings, a track's fields, an operation's options). A
bigger one is refused with 413 before it is read, from its ``Content-Length``, or, for a body sent in chunks
without one, as soon as the bytes received pass the cap; so a 2 GB upload costs the server at most the cap in
memory, never the upload. A plain ASGI middleware, like the security one, so it never buffers an answer.
"""

from __future__ import annotations

import json
import logging
from typing import Final

from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["MAX_BODY_BYTES", "BodyLimitMiddleware"]

log = logging.getLogger(__name__)

MAX_BODY_BYTES: Final = 1 << 20
"""1 MiB: a thousand times the biggest body the pages send (the Traktor settings with many path mappings)."""


class BodyLimitMiddleware:
    """Refuses request bodies over ``limit`` bytes with 413; smaller ones reach the app unchanged."""

    def __init__(self, app: ASGIApp, limit: int = MAX_BODY_BYTES) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = _content_length(scope)
        if declared is not None and declared > self.limit:
            log.warning("refused a %d-byte body for %s", declared, scope.get("path"))
            await _too_large(send, self.limit)
            return
        if declared is not None or scope.get("method") in ("GET", "HEAD", "OPTIONS"):
            # A declared length is enforced by the server (h11 reads no more than it); nothing to count.
            await self.app(scope, receive, send)
            return
        # Sent in chunks, length unknown: read it here, up to the cap, then hand it over in one piece.
        pieces: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":  # the client went away
                return
            chunk: bytes = message.get("body", b"")
            size += len(chunk)
            if size > self.limit:
                log.warning("refused a chunked body over %d bytes for %s", self.limit, scope.get("path"))
                await _too_large(send, self.limit)
                return
            pieces.append(chunk)
            if not message.get("more_body", False):
                break
        body = b"".join(pieces)
        del pieces
        delivered = False

        async def replay() -> Message:
            nonlocal delivered
            if delivered:
                return await receive()  # after the body: only a disconnect can come
            delivered = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)


def _content_length(scope: Scope) -> int | None:
    for key, value in scope.get("headers", ()):
        if key == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


async def _too_large(send: Send, limit: int) -> None:
    body = json.dumps({"error": f"The request is too big: Harmony accepts at most {limit:,} bytes."}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
