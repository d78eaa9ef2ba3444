"""What every endpoint shares: the service, the library, the event hub, the collection badge cache, the guard.

One :class:`WebState` per app, stored on ``app.state.web``; endpoints get it through :func:`web_state`. Library
reads go through :meth:`WebState.read`, which runs them on a worker thread: a query on a 100,000-track library
must never run on the event loop, where it would hold up every other request and the event stream.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from fastapi import Request
from starlette.concurrency import run_in_threadpool

from harmony.library import EditOutcome, Library
from harmony.service import AutoSyncService, MediaService, TraktorService
from harmony.web.events import EventHub
from harmony.web.library_events import LibraryWatcher
from harmony.web.security import Guard

__all__ = ["WebState", "web_state"]

T = TypeVar("T")


@dataclass(eq=False)
class WebState:
    """The app's collaborators. ``library`` is opened at start-up (see :mod:`harmony.web.app`)."""

    service: TraktorService
    hub: EventHub
    guard: Guard
    browse_root: Path
    library: Library | None = None
    auto_sync: AutoSyncService | None = None
    media: MediaService | None = None
    restarting: asyncio.Future[None] | None = field(default=None, repr=False)
    watcher: LibraryWatcher | None = None

    async def read(self, fn: Callable[[Library], T]) -> T:
        """Run ``fn(library)`` on a worker thread and return its result."""
        library = self.library
        if library is None:
            raise RuntimeError("the library is not open yet (the app has not started)")
        return await run_in_threadpool(fn, library)

    async def edit(self, fn: Callable[[Library], EditOutcome[T]]) -> EditOutcome[T]:
        """Run the edit ``fn(library)`` on a worker thread (a bulk edit takes a while; the loop keeps serving),
        then tell every page (``event: library_changed``) and auto-sync ("on library change", debounced)."""
        outcome = await self.read(fn)
        if self.watcher is not None:
            self.watcher.announce(outcome)
        if self.auto_sync is not None and outcome.step is not None:
            self.auto_sync.library_changed()
        return outcome

    async def call(self, fn: Callable[[], T]) -> T:
        """Run any blocking call (settings, file system) on a worker thread."""
        return await run_in_threadpool(fn)

    def auto_sync_status(self) -> dict[str, object] | None:
        """The auto-sync status as JSON, or None when the app runs without auto-sync."""
        return None if self.auto_sync is None else self.auto_sync.status.to_json()

    async def settings_changed(self) -> None:
        """The settings were saved: restart auto-sync, so its watchers follow the new collection and switches.

        The restart runs in the background: stopping auto-sync waits for a sync under way, and the request that
        saved the settings must not wait for that."""
        if self.auto_sync is None:
            return
        auto_sync = self.auto_sync
        previous = self.restarting

        async def restart() -> None:
            if previous is not None:
                await asyncio.gather(previous, return_exceptions=True)
            await auto_sync.stop()
            await auto_sync.start(restarted=True)

        self.restarting = asyncio.ensure_future(restart())


def web_state(request: Request) -> WebState:
    """FastAPI dependency: the app's :class:`WebState`."""
    state: WebState = request.app.state.web
    return state
