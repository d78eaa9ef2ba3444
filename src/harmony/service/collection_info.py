"""The collection's badges (tracks, playlists, folders, cue points, NML version), counted off the event loop.

Counting means parsing the whole collection.nml: at 100,000 tracks that is seconds of CPU, which on a thread
would hold the GIL and stall the web server. It runs as a job on the sync pool instead, and the answer is cached
per file state (path, size, modification time, inode), so the Traktor page asks for it as often as it likes. The
answers are kept in the cache folder too (``collection-counts.json``, :mod:`harmony.service.cache_file`): after
a restart of ``harmony serve``, a collection Traktor has not saved since shows its badges at once, where it was
counted again (seconds at 100,000 tracks).

Each client may have only :data:`PARSES_PER_CLIENT` parses of its own running at once (asking again for a
file being parsed joins that parse for free): one client can never fill the sync workers and make the DJ's
own import or preview wait behind it.
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections import Counter
from pathlib import Path
from typing import Any, Final

from harmony.errors import HarmonyError
from harmony.jobs import summarize_collection
from harmony.nml import CollectionSummary
from harmony.nmlfile import Stamp
from harmony.service.cache_file import CacheFile
from harmony.workers import Job, WorkerManager

__all__ = ["PARSES_PER_CLIENT", "CollectionInfoCache", "TooManyParsesError"]

log = logging.getLogger(__name__)

#: Parses of different collections one client may have running at once (the sync pool has two workers).
PARSES_PER_CLIENT: Final = 1

#: The cache folder's file of summaries, its layout, and how many collections it keeps.
FILE_NAME: Final = "collection-counts.json"
LAYOUT: Final = 2
KEPT_COLLECTIONS: Final = 8

#: A version of the file: its :data:`~harmony.nmlfile.Stamp` (path, size, modification time, inode).
_State = Stamp


class TooManyParsesError(HarmonyError):
    """A client asked for the badges of another collection while one it asked for is still being read."""


def _file_state(path: Path) -> _State:
    stat = os.stat(path)
    return str(path), stat.st_size, stat.st_mtime_ns, stat.st_ino


class CollectionInfoCache:
    """Summaries of collections, one per file state; concurrent asks for the same file share one parse."""

    def __init__(
        self,
        manager: WorkerManager,
        *,
        per_client: int = PARSES_PER_CLIENT,
        budget: float | None = None,
        cache_dir: Path | None = None,
    ) -> None:
        """``cache_dir``: where the summaries are kept for the next run (None: in memory only)."""
        self._manager = manager
        self._saved = CacheFile(cache_dir / FILE_NAME, LAYOUT, KEPT_COLLECTIONS) if cache_dir is not None else None
        self._per_client = per_client
        self._budget = budget  # seconds a count may take in the worker (the service's job budget)
        self._done: dict[str, tuple[_State, dict[str, Any]]] = {}
        self._running: dict[_State, asyncio.Future[dict[str, Any]]] = {}
        self._started_by: Counter[str] = Counter()

    async def summary(self, path: Path, client: str = "") -> dict[str, Any]:
        """The summary of the collection at ``path`` (raises ``OSError`` if it cannot be read, ``NMLError``
        if it is not a collection, :class:`TooManyParsesError` if ``client`` already has its share of parses
        running)."""
        state = await asyncio.to_thread(_file_state, path)
        cached = self._done.get(state[0])
        if cached is None and self._saved is not None:
            kept = await asyncio.to_thread(self._kept, state)
            if kept is not None:
                self._done[state[0]] = cached = (state, kept)
        if cached is not None and cached[0] == state:
            return cached[1]
        running = self._running.get(state)
        if running is None:
            if self._started_by[client] >= self._per_client:
                raise TooManyParsesError(
                    "Harmony is still reading the collection asked for before; try again when it is done."
                )
            self._started_by[client] += 1
            running = asyncio.ensure_future(self._count(state))
            self._running[state] = running
            running.add_done_callback(lambda _: self._finished(state, client))
        return await asyncio.shield(running)

    def _kept(self, state: _State) -> dict[str, Any] | None:
        """The summary kept in the cache folder for this file state, or None."""
        assert self._saved is not None
        kept = self._saved.get(state[0])
        if not (isinstance(kept, dict) and kept.get("stamp") == list(state)):
            return None
        try:
            return CollectionSummary.from_json(kept.get("summary")).to_json()
        except ValueError:
            return None

    def _finished(self, state: _State, client: str) -> None:
        self._running.pop(state, None)
        self._started_by[client] -= 1
        if self._started_by[client] <= 0:
            del self._started_by[client]

    async def _count(self, state: _State) -> dict[str, Any]:
        summary: dict[str, Any] = await self._manager.execute_sync(
            Job(summarize_collection, (state[0],), timeout=self._budget)
        )
        self._done[state[0]] = (state, summary)
        if self._saved is not None:
            kept = {"stamp": list(state), "summary": summary}
            await asyncio.to_thread(self._saved.put, state[0], kept)
        log.info("counted %s: %s tracks", state[0], summary.get("tracks"))
        return summary
