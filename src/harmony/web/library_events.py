"""``event: library_changed`` on the event stream: every edit, wherever it was made, reaches every open page.

Edits made through the app are announced by the endpoint that made them, as soon as they are committed (with
the tracks they touched). Edits made by another process (the CLI, a second app) are noticed by
:class:`LibraryWatcher`, which reads the library's version every :data:`POLL_SECONDS` on a worker thread (one
indexed row: cheap) and, when it moved, the change journal since, to say where the edit came from. Versions
this app produced itself are skipped: their endpoint already announced them.

The data: ``{"version": N, "tracks": [ids] | null, "playlists": bool, "source": "web"|"cli"|"undo"|"import"}``;
``tracks`` null means "many, or unknown": refresh the whole view.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections import deque
from collections.abc import Callable, Iterable
from typing import Any, Final

from harmony.errors import HarmonyError
from harmony.library import EditOutcome, Library
from harmony.web.events import EventHub, ServerEvent

__all__ = ["LIBRARY_CHANGED_EVENT", "POLL_SECONDS", "LibraryWatcher", "changed_event"]

log = logging.getLogger(__name__)

LIBRARY_CHANGED_EVENT: Final = "library_changed"
#: How often the library's version is read to notice edits of other processes.
POLL_SECONDS: Final = 0.5
#: Past this many tracks an event says "many" (null) rather than listing them.
MAX_LISTED_TRACKS: Final = 1000
_PLAYLIST_OPERATIONS: Final = ("playlist", "folder", "import", "undo", "redo", "tracks.delete")


def changed_event(version: int, tracks: Iterable[int] | None, playlists: bool, source: str) -> ServerEvent:
    """The ``library_changed`` event."""
    listed = None if tracks is None else sorted(set(tracks))
    if listed is not None and len(listed) > MAX_LISTED_TRACKS:
        listed = None
    return ServerEvent(
        {"version": version, "tracks": listed, "playlists": playlists, "source": source}, LIBRARY_CHANGED_EVENT
    )


def outcome_event(outcome: EditOutcome[Any], source: str = "web") -> ServerEvent:
    """The event of an edit made in this app."""
    if outcome.operation in ("undo", "redo"):
        source = "undo"
    return changed_event(outcome.version, outcome.track_ids, outcome.playlists, source)


class LibraryWatcher:
    """Announces edits: those of this app when told (:meth:`announce`), those of other processes by polling."""

    def __init__(
        self,
        library: Callable[[], Library | None],
        hub: EventHub,
        *,
        poll_seconds: float = POLL_SECONDS,
        on_external: Callable[[], None] | None = None,
    ) -> None:
        self._library = library
        self._hub = hub
        self._poll = poll_seconds
        self._on_external = on_external
        self._own: deque[int] = deque(maxlen=10_000)
        self._seen: int | None = None
        self._task: asyncio.Task[None] | None = None
        self._stopping = asyncio.Event()

    def announce(self, outcome: EditOutcome[Any]) -> None:
        """Publish an edit this app made (call on the event loop, after it committed)."""
        self._own.append(outcome.version)
        self._hub.publish(outcome_event(outcome))

    def start(self) -> None:
        self._stopping = asyncio.Event()
        self._task = asyncio.ensure_future(self._run())

    async def stop(self) -> None:
        """Stop polling. A read under way on its worker thread is let finish (never cancelled): the library is
        closed right after this, and closing it under a running query would crash the process."""
        if self._task is not None:
            self._stopping.set()
            await self._task
            self._task = None

    async def _run(self) -> None:
        while not self._stopping.is_set():
            try:
                await self.check()
            except HarmonyError as error:
                log.warning("cannot read the library's version: %s", error)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stopping.wait(), self._poll)

    async def check(self) -> None:
        """Read the version once; announce what other processes did since the last look."""
        library = self._library()
        if library is None:
            return
        version = await asyncio.to_thread(lambda: library.version)
        if self._seen is None or version < self._seen:
            self._seen = version
            return
        if version == self._seen:
            return
        since, self._seen = self._seen, version
        changes = await asyncio.to_thread(library.changes_since, since, 500)
        foreign = [c for c in changes if c.version not in self._own and not library.made_here(c.version)]
        if not foreign:
            return
        tracks: set[int] | None = set()
        playlists = False
        sources = set()
        for change in foreign:
            operation = change.operation
            sources.add("import" if operation == "import" else "undo" if operation in ("undo", "redo") else "cli")
            playlists = playlists or operation.startswith(_PLAYLIST_OPERATIONS)
            track = _summary_track(change.summary)
            if track is None or operation in ("undo", "redo", "import"):
                tracks = None
            elif tracks is not None:
                tracks.add(track)
        source = "import" if "import" in sources else "undo" if sources == {"undo"} else "cli"
        self._hub.publish(changed_event(version, tracks, playlists, source))
        if self._on_external is not None:
            self._on_external()


def _summary_track(summary: str) -> int | None:
    """The one track a journal summary names (``{"track": id}``), if it names exactly one."""
    try:
        data = json.loads(summary) if summary else {}
    except ValueError:
        return None
    if isinstance(data, dict) and isinstance(data.get("track"), int):
        return int(data["track"])
    return None
