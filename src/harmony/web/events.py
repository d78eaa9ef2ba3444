"""Server-sent events: every operation event of the service, fanned out to each open page.

Each page that opens ``GET /api/events`` gets its own bounded queue. The service calls :meth:`EventHub.publish`
on the event loop for every change of an operation; the hub copies the event into every queue. A page opened in
the middle of an operation first receives the current state of every queued and running operation, so its
notification shows at once where the work is.

A slow page never slows the service: when its queue is full the oldest event is dropped (later events carry the
newer state, and the final event of an operation is always the last one queued).

Streams are capped, per client (:data:`STREAMS_PER_CLIENT`) and in all (:data:`MAX_STREAMS`): each holds a
connection, so an unbounded number would use up the process's file descriptors, and the server could accept no
other request. A stream over a cap is refused with 429 and its connection closed.

Operation events go out as plain ``data:`` lines (JSON with ``operation_id``, ``operation``, ``status``,
``phase``, ``percent``, ``message``, and ``result`` or ``error`` at the end); auto-sync status changes go out
as ``event: auto_sync``.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import weakref
from collections import Counter
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any, Final

from harmony.errors import HarmonyError
from harmony.service import OperationEvent, TraktorService

__all__ = ["AUTO_SYNC_EVENT", "MAX_STREAMS", "STREAMS_PER_CLIENT", "EventHub", "ServerEvent", "TooManyStreamsError"]

log = logging.getLogger(__name__)

AUTO_SYNC_EVENT: Final = "auto_sync"
#: A comment line sent when nothing happened for this long, so proxies and browsers keep the stream open.
HEARTBEAT_SECONDS: Final = 15.0
#: Open streams in all: far more than the pages of one DJ, far fewer than the 1,024 files a process may open.
MAX_STREAMS: Final = 100
#: Open streams per client address (a page holds one; a DJ with many tabs open stays well under).
STREAMS_PER_CLIENT: Final = 20


class TooManyStreamsError(HarmonyError):
    """A new event stream would pass the cap of its client or of the server."""


@dataclass(frozen=True, slots=True)
class ServerEvent:
    """One message of the stream: ``name`` None is the default (``message``) event."""

    data: dict[str, Any]
    name: str | None = None

    def encode(self) -> str:
        head = f"event: {self.name}\n" if self.name else ""
        return f"{head}data: {json.dumps(self.data, separators=(',', ':'))}\n\n"


_CLOSE: Final = ServerEvent({}, "close")


@dataclass(eq=False)
class _Client:
    queue: asyncio.Queue[ServerEvent] = field(default_factory=lambda: asyncio.Queue(maxsize=1000))
    dropped: int = 0

    def put(self, event: ServerEvent) -> None:
        while True:
            try:
                self.queue.put_nowait(event)
                return
            except asyncio.QueueFull:
                with contextlib.suppress(asyncio.QueueEmpty):
                    self.queue.get_nowait()
                    self.dropped += 1


class EventHub:
    """The fan-out from the service (and auto-sync) to the pages' event streams."""

    def __init__(
        self,
        service: TraktorService,
        *,
        heartbeat: float = HEARTBEAT_SECONDS,
        max_streams: int = MAX_STREAMS,
        per_client: int = STREAMS_PER_CLIENT,
    ) -> None:
        self._service = service
        self._heartbeat = heartbeat
        self._max_streams = max_streams
        self._per_client = per_client
        self._open: Counter[str] = Counter()  # streams opened (or about to be) per client address
        self._clients: set[_Client] = set()
        self._unsubscribe: list[Callable[[], None]] = []
        self._snapshots: list[Callable[[], list[ServerEvent]]] = [self._running_operations]
        self.closed = False

    @property
    def clients(self) -> int:
        """How many pages are listening."""
        return len(self._clients)

    def start(self) -> None:
        """Subscribe to the service's operation events."""
        self._unsubscribe.append(self._service.subscribe(self._on_operation))

    def add_source(
        self, subscribe: Callable[[Callable[[Any], object]], Callable[[], None]], name: str, snapshot: Callable[[], Any]
    ) -> None:
        """Also forward another publisher's objects (with ``to_json()``) as ``event: name``; ``snapshot`` gives
        the current object for a page that connects later."""

        def forward(item: Any) -> None:
            self.publish(ServerEvent(item.to_json(), name))

        self._unsubscribe.append(subscribe(forward))
        self._snapshots.append(lambda: [ServerEvent(snapshot().to_json(), name)])

    def publish(self, event: ServerEvent) -> None:
        """Queue ``event`` for every page (call on the event loop)."""
        for client in self._clients:
            client.put(event)

    def close(self) -> None:
        """Stop listening and end every open stream (at shutdown)."""
        self.closed = True
        for unsubscribe in self._unsubscribe:
            unsubscribe()
        self._unsubscribe.clear()
        for client in self._clients:
            client.put(_CLOSE)

    def open_stream(self, address: str = "") -> AsyncIterator[str]:
        """Reserve a stream for the client at ``address`` and return its text (see :meth:`stream`); raises
        :class:`TooManyStreamsError` over a cap. The reservation ends with the stream, or with the iterator if
        it is never started (a client that went away before its answer)."""
        if self._open[address] >= self._per_client:
            raise TooManyStreamsError(
                f"Too many open event streams from this address (at most {self._per_client}); close some tabs."
            )
        if self._open.total() >= self._max_streams:
            raise TooManyStreamsError(f"Too many open event streams (at most {self._max_streams}); try again later.")
        self._open[address] += 1
        released = False

        def release() -> None:
            nonlocal released
            if not released:
                released = True
                self._open[address] -= 1
                if self._open[address] <= 0:
                    del self._open[address]

        text = self.stream(release)
        weakref.finalize(text, release)
        return text

    async def stream(self, release: Callable[[], None] | None = None) -> AsyncIterator[str]:
        """The text of one page's event stream: the current state first, then every event as it happens.
        ``release`` is called when it ends."""
        try:
            async for text in self._stream():
                yield text
        finally:
            if release is not None:
                release()

    async def _stream(self) -> AsyncIterator[str]:
        client = _Client()
        for snapshot in self._snapshots:
            for event in snapshot():
                client.put(event)
        self._clients.add(client)
        log.debug("event stream opened (%d open)", len(self._clients))
        try:
            yield "retry: 2000\n\n"
            while not self.closed:
                try:
                    event = await asyncio.wait_for(client.queue.get(), self._heartbeat)
                except TimeoutError:
                    yield ": keep-alive\n\n"
                    continue
                if event is _CLOSE:
                    break
                yield event.encode()
        finally:
            self._clients.discard(client)
            if client.dropped:
                log.info("a slow page missed %d progress events", client.dropped)
            log.debug("event stream closed (%d open)", len(self._clients))

    def _on_operation(self, event: OperationEvent) -> None:
        self.publish(ServerEvent(event.to_json()))

    def _running_operations(self) -> list[ServerEvent]:
        return [ServerEvent(op.event().to_json()) for op in self._service.log.active()]
