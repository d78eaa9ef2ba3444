"""The collection's badges (tracks, playlists, folders, cue points, NML version), counted off the event loop.

Counting means parsing the whole collection.nml: at 100,000 tracks that is seconds of CPU, which on a thread
would hold the GIL and stall the web server. It runs as a job on the sync pool instead, and the answer is cached
per file state (path, size, modification time), so the Traktor page asks for it as often as it likes.
"""

from __future__ import annotations

import asyncio
import logging
import os
from pathlib import Path
from typing import Any

from harmony.jobs import summarize_collection
from harmony.workers import Job, WorkerManager

__all__ = ["CollectionInfoCache"]

log = logging.getLogger(__name__)


def _file_state(path: Path) -> tuple[str, int, int]:
    stat = os.stat(path)
    return str(path), stat.st_size, stat.st_mtime_ns


class CollectionInfoCache:
    """Summaries of collections, one per file state; concurrent asks for the same file share one parse."""

    def __init__(self, manager: WorkerManager) -> None:
        self._manager = manager
        self._done: dict[str, tuple[tuple[str, int, int], dict[str, Any]]] = {}
        self._running: dict[tuple[str, int, int], asyncio.Future[dict[str, Any]]] = {}

    async def summary(self, path: Path) -> dict[str, Any]:
        """The summary of the collection at ``path`` (raises ``OSError`` if it cannot be read, ``NMLError``
        if it is not a collection)."""
        state = await asyncio.to_thread(_file_state, path)
        cached = self._done.get(state[0])
        if cached is not None and cached[0] == state:
            return cached[1]
        running = self._running.get(state)
        if running is None:
            running = asyncio.ensure_future(self._count(state))
            self._running[state] = running
            running.add_done_callback(lambda _: self._running.pop(state, None))
        return await asyncio.shield(running)

    async def _count(self, state: tuple[str, int, int]) -> dict[str, Any]:
        summary: dict[str, Any] = await self._manager.execute_sync(Job(summarize_collection, (state[0],)))
        self._done[state[0]] = (state, summary)
        log.info("counted %s: %s tracks", state[0], summary.get("tracks"))
        return summary
