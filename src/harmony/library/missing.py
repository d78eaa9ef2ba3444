"""Tracks whose file is not on this machine: marking, clearing and listing them.

The mark is not an edit of the track (Traktor knows nothing of it): setting or clearing it leaves the
library version and ``changed_version`` alone, so it never makes anything pending export."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from sqlalchemy import Connection, bindparam, func, select, update

from harmony.library.models import TRACKS
from harmony.library.queries import TRACK_COLUMNS, row_to_track
from harmony.library.records import StoredTrack

__all__ = ["count_missing", "mark_found", "mark_missing", "missing_tracks", "set_paths_found"]

_CHUNK = 500


def _chunks(ids: Sequence[int]) -> Iterable[list[int]]:
    for start in range(0, len(ids), _CHUNK):
        yield list(ids[start : start + _CHUNK])


def mark_missing(conn: Connection, track_ids: Sequence[int], when: datetime, last_seen: datetime | None) -> None:
    """Mark the tracks missing since ``when`` (tracks already marked keep their first time). ``last_seen``:
    the last check that found their files (None: unknown), kept when one is already stored."""
    for chunk in _chunks(track_ids):
        conn.execute(
            update(TRACKS)
            .where(TRACKS.c.id.in_(chunk), TRACKS.c.missing_since.is_(None))
            .values(missing_since=when, last_seen=func.coalesce(TRACKS.c.last_seen, last_seen))
        )


def mark_found(conn: Connection, track_ids: Sequence[int], when: datetime) -> None:
    """Clear the missing mark of the tracks: their files were found at ``when``."""
    for chunk in _chunks(track_ids):
        conn.execute(update(TRACKS).where(TRACKS.c.id.in_(chunk)).values(missing_since=None, last_seen=when))


def set_paths_found(conn: Connection, moves: Sequence[tuple[int, str, str]], when: datetime) -> None:
    """Point tracks at the files found for them: (track id, new path, new path key) each. Their marks clear."""
    if moves:
        conn.execute(
            update(TRACKS)
            .where(TRACKS.c.id == bindparam("_id"))
            .values(path=bindparam("_path"), path_key=bindparam("_key"), missing_since=None, last_seen=when),
            [{"_id": track_id, "_path": path, "_key": key} for track_id, path, key in moves],
        )


def count_missing(conn: Connection) -> int:
    """How many tracks are marked missing (one indexed count)."""
    return int(conn.execute(select(func.count()).where(TRACKS.c.missing_since.is_not(None))).scalar_one())


def missing_tracks(conn: Connection, limit: int | None = None) -> list[StoredTrack]:
    """The tracks marked missing, by path."""
    query = select(*TRACK_COLUMNS).where(TRACKS.c.missing_since.is_not(None)).order_by(TRACKS.c.path)
    if limit is not None:
        query = query.limit(limit)
    return [row_to_track(row) for row in conn.execute(query)]
