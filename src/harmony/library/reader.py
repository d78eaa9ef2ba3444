"""A streaming, read-only view of the library for a worker process building a sync plan.

A worker opens the library file itself (WAL lets it read while the app writes) instead of receiving the whole
library through a pipe. Everything read through one :class:`LibraryReader` comes from one snapshot, so a plan
is computed against one consistent library version (:attr:`LibraryReader.version`), which the plan then names
in ``ImportPlan.based_on_version``."""

from __future__ import annotations

import json
import logging
import sqlite3
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from itertools import starmap
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, exists, func, select

from harmony.library.batches import in_batches
from harmony.library.database import open_database, read_connection
from harmony.library.driver_rows import driver_rows
from harmony.library.health import explain_sqlite_error
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
    row_to_cue,
    row_to_track,
)
from harmony.library.records import StoredCue, StoredEntry, SyncFolder, SyncPlaylist, SyncTrack, TrackRef
from harmony.library.values import cues_from_json, track_values_from_json

log = logging.getLogger(__name__)

#: A sync base left without its row: the track, playlist or folder was deleted in Harmony since it was exchanged.
_TRACK_GONE = TRACK_BASES.c.track_id.is_(None)
_PLAYLIST_GONE = PLAYLIST_BASES.c.playlist_id.is_(None)
_FOLDER_GONE = FOLDER_BASES.c.folder_id.is_(None)


def track_base_from_row(nml_key: str, values_json: str, cues_json: str, digest: str | None = None) -> TrackBase:
    """Decode a stored track base."""
    return TrackBase(nml_key, track_values_from_json(values_json), cues_from_json(cues_json), digest)


def playlist_base_from_row(row: object, shared: Mapping[str, str] | None = None) -> PlaylistBase:
    """Decode a stored playlist base row (its entry keys taken from ``shared`` where it has them, see
    :meth:`LibraryReader.playlists`)."""
    r = row._mapping  # type: ignore[attr-defined]
    entries = json.loads(r["entries_json"])
    return PlaylistBase(
        uuid=r["uuid"],
        name=r["name"],
        folder_path=tuple(json.loads(r["folder_path_json"])),
        position=r["position"],
        entries=tuple(entries if shared is None else [shared.get(key, key) for key in entries]),
        smart_query=r["smart_query"],
    )


def folder_base_from_row(row: object) -> FolderBase:
    """Decode a stored folder base row."""
    r = row._mapping  # type: ignore[attr-defined]
    return FolderBase(path=tuple(json.loads(r["path_json"])), position=r["position"])


_BASE_COLUMNS = (
    TRACK_BASES.c.nml_key,
    TRACK_BASES.c.values_json,
    TRACK_BASES.c.cues_json,
    TRACK_BASES.c.entry_digest,
    TRACK_BASES.c.synced_version,
)


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

    def all_tracks(self, progress: Callable[[int, int], None] | None = None) -> list[SyncTrack]:
        """Every track with its cues and base; ``progress(done, total)`` is told how many are read, at the
        start, at least every 2 % of them and at the end."""
        if progress is None:
            return list(self.iter_tracks())
        total = self.track_count()
        every = max(1, total // 50)
        tracks: list[SyncTrack] = []
        progress(0, total)
        for track in self.iter_tracks():
            tracks.append(track)
            if len(tracks) % every == 0:
                progress(len(tracks), total)
        progress(len(tracks), total)
        return tracks

    def iter_tracks(self, batch_size: int = 2000) -> Iterator[SyncTrack]:
        """Every track with its cues and base, by id, fetched ``batch_size`` tracks at a time."""
        last_id = 0
        while True:
            rows = self._conn.execute(
                select(*TRACK_COLUMNS, *_BASE_COLUMNS)
                .outerjoin(TRACK_BASES, TRACK_BASES.c.track_id == TRACKS.c.id)
                .where(TRACKS.c.id > last_id)
                .order_by(TRACKS.c.id)
                .limit(batch_size)
            ).all()
            if not rows:
                return
            last_id = rows[-1].id
            yield from self._sync_tracks(rows, between=(rows[0].id, last_id))

    def tracks_by_id(self, track_ids: Sequence[int]) -> list[SyncTrack]:
        """The given tracks with their cues and bases, by id (ids not in the library are left out)."""
        found: list[SyncTrack] = []
        for batch in in_batches(track_ids):
            chunk = sorted(set(batch))
            rows = self._conn.execute(
                select(*TRACK_COLUMNS, *_BASE_COLUMNS)
                .outerjoin(TRACK_BASES, TRACK_BASES.c.track_id == TRACKS.c.id)
                .where(TRACKS.c.id.in_(chunk))
                .order_by(TRACKS.c.id)
            ).all()
            found.extend(self._sync_tracks(rows, ids=chunk))
        return found

    def _sync_tracks(
        self, rows: Sequence[object], *, between: tuple[int, int] | None = None, ids: list[int] | None = None
    ) -> Iterator[SyncTrack]:
        cues: dict[int, list[StoredCue]] = {}
        where = CUES.c.track_id.between(*between) if between is not None else CUES.c.track_id.in_(ids or [])
        for cue_row in self._conn.execute(
            select(*CUE_COLUMNS).where(where).order_by(CUES.c.track_id, CUES.c.start, CUES.c.id)
        ).all():
            stored = row_to_cue(cue_row)
            cues.setdefault(stored.track_id, []).append(stored)
        for row in rows:
            r = row._mapping  # type: ignore[attr-defined]
            base = None
            if r["nml_key"] is not None:
                base = track_base_from_row(r["nml_key"], r["values_json"], r["cues_json"], r["entry_digest"])
            yield SyncTrack(
                track=row_to_track(row),  # type: ignore[arg-type]
                cues=tuple(cues.get(r["id"], ())),
                base=base,
                synced_version=r["synced_version"],
            )

    def track_refs(self) -> list[TrackRef]:
        """Every track as a :class:`TrackRef`, by id: one light query, no cues, no base values decoded (a
        re-import reads 100,000 of these)."""
        sql = (
            "SELECT t.id, t.path, t.path_key, t.changed_version, b.nml_key, b.entry_digest, b.synced_version, "
            "t.missing_since IS NOT NULL "
            f"FROM {TRACKS.name} AS t LEFT JOIN {TRACK_BASES.name} AS b ON b.track_id = t.id ORDER BY t.id"
        )
        return list(starmap(TrackRef, self._driver_rows(sql)))

    def _driver_rows(self, sql: str) -> list[tuple[Any, ...]]:
        """The rows of ``sql`` through the driver's own cursor, in this reader's transaction (same connection,
        same snapshot): for the big reads, where SQLAlchemy's row objects would cost more than the query."""
        return list(self.driver_rows(sql))

    def driver_rows(self, sql: str) -> Iterator[tuple[Any, ...]]:
        """:meth:`_driver_rows` one row at a time, for a read whose rows need not all be held at once."""
        return driver_rows(self._conn, sql)

    def unlinked_track_bases(self) -> Iterator[TrackBase]:
        """Bases whose track was deleted in Harmony since they were exchanged."""
        for row in self._conn.execute(select(TRACK_BASES).where(_TRACK_GONE)):
            yield track_base_from_row(row.nml_key, row.values_json, row.cues_json, row.entry_digest)

    def has_unlinked_bases(self) -> bool:
        """Whether a track, playlist or folder was deleted in Harmony since it was exchanged: a base left without
        its row, which an export writes as a removal."""
        return any(
            self._conn.execute(select(exists().where(unlinked))).scalar()
            for unlinked in (_TRACK_GONE, _PLAYLIST_GONE, _FOLDER_GONE)
        )

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

    def playlists(self, shared: Mapping[str, str] | None = None) -> tuple[SyncPlaylist, ...]:
        """Every playlist with its ordered entries and base.

        ``shared`` maps NML keys the caller already holds to themselves: an entry's key found there is that
        very string, not a copy (a playlist entry and its base each name a track's key, and a partial export
        holds every synced track's key already: at 100,000 tracks the copies cost about 10 MB)."""
        bases = {
            row.playlist_id: playlist_base_from_row(row, shared)
            for row in self._conn.execute(select(PLAYLIST_BASES).where(PLAYLIST_BASES.c.playlist_id.is_not(None)))
        }
        entries: dict[int, list[StoredEntry]] = {}
        sql = f"SELECT playlist_id, id, position, track_id, nml_key FROM {ENTRIES.name} ORDER BY playlist_id, position"
        same = (lambda key: key) if shared is None else (lambda key: shared.get(key, key))
        for playlist_id, entry_id, position, track_id, key in self.driver_rows(sql):  # 100,000 in a big library
            entries.setdefault(playlist_id, []).append(StoredEntry(entry_id, position, track_id, same(key)))
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
        rows = self._conn.execute(select(PLAYLIST_BASES).where(_PLAYLIST_GONE))
        return tuple(playlist_base_from_row(row) for row in rows)

    def unlinked_folder_bases(self) -> tuple[FolderBase, ...]:
        """Bases of folders deleted in Harmony since they were exchanged."""
        rows = self._conn.execute(select(FOLDER_BASES).where(_FOLDER_GONE))
        return tuple(folder_base_from_row(row) for row in rows)


@contextmanager
def open_reader(path: Path | str) -> Iterator[LibraryReader]:
    """Open the library at ``path`` read-only (for a worker process) and read from one snapshot."""
    resolved, engine = open_database(path, read_only=True)
    try:
        with read_connection(engine) as conn:
            yield LibraryReader(conn)
    except sqlite3.DatabaseError as error:
        # The reader's fastest queries go straight to the driver, past the engine's error translation.
        problem = explain_sqlite_error(resolved, error)
        if problem is None:
            raise
        raise problem from error
    finally:
        engine.dispose()
