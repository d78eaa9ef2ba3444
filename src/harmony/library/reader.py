"""A streaming, read-only view of the library for a worker process building a sync plan.

A worker opens the library file itself (WAL lets it read while the app writes) instead of receiving the whole
library through a pipe. Everything read through one :class:`LibraryReader` comes from one snapshot, so a plan
is computed against one consistent library version (:attr:`LibraryReader.version`), which the plan then names
in ``ImportPlan.based_on_version``."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Connection, func, select

from harmony.library.database import open_database, read_connection
from harmony.library.journal import LibraryStatus, read_status
from harmony.library.models import (
    CUES,
    ENTRIES,
    FOLDER_BASES,
    FOLDERS,
    PLAYLIST_BASES,
    PLAYLISTS,
    TRACK_BASES,
    TRACKS,
)
from harmony.library.plan import FolderBase, PlaylistBase, TrackBase
from harmony.library.queries import (
    CUE_COLUMNS,
    TRACK_COLUMNS,
    StoredCue,
    StoredEntry,
    StoredTrack,
    row_to_cue,
    row_to_track,
)
from harmony.library.values import cues_from_json, track_values_from_json

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class SyncTrack:
    """A track with its cues and its sync base (None if it was never exchanged with Traktor)."""

    track: StoredTrack
    cues: tuple[StoredCue, ...]
    base: TrackBase | None


@dataclass(frozen=True, slots=True)
class SyncFolder:
    """A folder with its sync base."""

    id: int
    parent_id: int | None
    name: str
    position: int
    base: FolderBase | None


@dataclass(frozen=True, slots=True)
class SyncPlaylist:
    """A playlist with its ordered entries and its sync base."""

    id: int
    folder_id: int | None
    name: str
    position: int
    uuid: str | None
    smart_query: str | None
    entries: tuple[StoredEntry, ...]
    base: PlaylistBase | None


def track_base_from_row(nml_key: str, values_json: str, cues_json: str) -> TrackBase:
    """Decode a stored track base."""
    return TrackBase(nml_key=nml_key, values=track_values_from_json(values_json), cues=cues_from_json(cues_json))


def playlist_base_from_row(row: object) -> PlaylistBase:
    """Decode a stored playlist base row."""
    r = row._mapping  # type: ignore[attr-defined]
    return PlaylistBase(
        uuid=r["uuid"],
        name=r["name"],
        folder_path=tuple(json.loads(r["folder_path_json"])),
        position=r["position"],
        entries=tuple(json.loads(r["entries_json"])),
        smart_query=r["smart_query"],
    )


def folder_base_from_row(row: object) -> FolderBase:
    """Decode a stored folder base row."""
    r = row._mapping  # type: ignore[attr-defined]
    return FolderBase(path=tuple(json.loads(r["path_json"])), position=r["position"])


class LibraryReader:
    """Reads tracks, cues, playlists, folders and bases from one snapshot of the library."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn
        self._status = read_status(conn)

    @property
    def status(self) -> LibraryStatus:
        """Library-wide state of this snapshot."""
        return self._status

    @property
    def version(self) -> int:
        """The library version this snapshot shows."""
        return self._status.version

    def track_count(self) -> int:
        """How many tracks this snapshot holds (to report progress while reading them)."""
        return int(self._conn.execute(select(func.count()).select_from(TRACKS)).scalar_one())

    def iter_tracks(self, batch_size: int = 2000) -> Iterator[SyncTrack]:
        """Every track with its cues and base, by id, fetched ``batch_size`` tracks at a time."""
        last_id = 0
        base_columns = (TRACK_BASES.c.nml_key, TRACK_BASES.c.values_json, TRACK_BASES.c.cues_json)
        while True:
            rows = self._conn.execute(
                select(*TRACK_COLUMNS, *base_columns)
                .outerjoin(TRACK_BASES, TRACK_BASES.c.track_id == TRACKS.c.id)
                .where(TRACKS.c.id > last_id)
                .order_by(TRACKS.c.id)
                .limit(batch_size)
            ).all()
            if not rows:
                return
            first_id, last_id = rows[0].id, rows[-1].id
            cues: dict[int, list[StoredCue]] = {}
            for cue_row in self._conn.execute(
                select(*CUE_COLUMNS)
                .where(CUES.c.track_id.between(first_id, last_id))
                .order_by(CUES.c.track_id, CUES.c.start, CUES.c.id)
            ).all():
                stored = row_to_cue(cue_row)
                cues.setdefault(stored.track_id, []).append(stored)
            for row in rows:
                base = None
                if row.nml_key is not None:
                    base = track_base_from_row(row.nml_key, row.values_json, row.cues_json)
                yield SyncTrack(track=row_to_track(row), cues=tuple(cues.get(row.id, ())), base=base)

    def unlinked_track_bases(self) -> Iterator[TrackBase]:
        """Bases whose track was deleted in Harmony since they were exchanged."""
        for row in self._conn.execute(select(TRACK_BASES).where(TRACK_BASES.c.track_id.is_(None))):
            yield track_base_from_row(row.nml_key, row.values_json, row.cues_json)

    def folders(self) -> tuple[SyncFolder, ...]:
        """Every folder with its base, parents before children where ids allow (sort by tree if needed)."""
        bases = {
            row.folder_id: folder_base_from_row(row)
            for row in self._conn.execute(select(FOLDER_BASES).where(FOLDER_BASES.c.folder_id.is_not(None)))
        }
        return tuple(
            SyncFolder(row.id, row.parent_id, row.name, row.position, bases.get(row.id))
            for row in self._conn.execute(select(FOLDERS).order_by(FOLDERS.c.id))
        )

    def playlists(self) -> tuple[SyncPlaylist, ...]:
        """Every playlist with its ordered entries and base."""
        bases = {
            row.playlist_id: playlist_base_from_row(row)
            for row in self._conn.execute(select(PLAYLIST_BASES).where(PLAYLIST_BASES.c.playlist_id.is_not(None)))
        }
        entries: dict[int, list[StoredEntry]] = {}
        for row in self._conn.execute(select(ENTRIES).order_by(ENTRIES.c.playlist_id, ENTRIES.c.position)):
            entries.setdefault(row.playlist_id, []).append(StoredEntry(row.id, row.position, row.track_id, row.nml_key))
        return tuple(
            SyncPlaylist(
                id=row.id,
                folder_id=row.folder_id,
                name=row.name,
                position=row.position,
                uuid=row.uuid,
                smart_query=row.smart_query,
                entries=tuple(entries.get(row.id, ())),
                base=bases.get(row.id),
            )
            for row in self._conn.execute(select(PLAYLISTS).order_by(PLAYLISTS.c.id))
        )

    def unlinked_playlist_bases(self) -> tuple[PlaylistBase, ...]:
        """Bases of playlists deleted in Harmony since they were exchanged."""
        rows = self._conn.execute(select(PLAYLIST_BASES).where(PLAYLIST_BASES.c.playlist_id.is_(None)))
        return tuple(playlist_base_from_row(row) for row in rows)

    def unlinked_folder_bases(self) -> tuple[FolderBase, ...]:
        """Bases of folders deleted in Harmony since they were exchanged."""
        rows = self._conn.execute(select(FOLDER_BASES).where(FOLDER_BASES.c.folder_id.is_(None)))
        return tuple(folder_base_from_row(row) for row in rows)


@contextmanager
def open_reader(path: Path | str) -> Iterator[LibraryReader]:
    """Open the library at ``path`` read-only (for a worker process) and read from one snapshot."""
    _, engine = open_database(path, read_only=True)
    try:
        with read_connection(engine) as conn:
            yield LibraryReader(conn)
    finally:
        engine.dispose()
