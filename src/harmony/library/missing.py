"""Tracks whose file is not on this machine: marking, clearing and listing them.

The mark is not an edit of the track (Traktor knows nothing of it): setting or clearing it leaves the
library version and ``changed_version`` alone, so it never makes anything pending export."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from sqlalchemy import Connection, func, select, update

from harmony.library.batches import in_batches
from harmony.library.models import TRACK_BASES, TRACKS
from harmony.library.queries import TRACK_COLUMNS, row_to_track
from harmony.library.records import StoredTrack

__all__ = ["check_files", "count_missing", "mark_found", "mark_missing", "missing_keys", "missing_tracks"]


def mark_missing(conn: Connection, track_ids: Sequence[int], when: datetime, last_seen: datetime | None) -> None:
    """Mark the tracks missing since ``when`` (tracks already marked keep their first time). ``last_seen``:
    the last check that found their files (None: unknown), kept when one is already stored."""
    for chunk in in_batches(track_ids):
        conn.execute(
            update(TRACKS)
            .where(TRACKS.c.id.in_(chunk), TRACKS.c.missing_since.is_(None))
            .values(missing_since=when, last_seen=func.coalesce(TRACKS.c.last_seen, last_seen))
        )


def mark_found(conn: Connection, track_ids: Sequence[int], when: datetime) -> None:
    """Clear the missing mark of the tracks: their files were found at ``when``."""
    for chunk in in_batches(track_ids):
        conn.execute(update(TRACKS).where(TRACKS.c.id.in_(chunk)).values(missing_since=None, last_seen=when))


def check_files(conn: Connection, exists: Callable[[str], bool], when: datetime) -> tuple[int, int]:
    """Look for every track's file now: mark the lost ones missing, clear the found ones. Returns how many
    were marked and cleared. One ``stat`` per track, for a check outside an import (before a relocate)."""
    rows = conn.execute(select(TRACKS.c.id, TRACKS.c.path, TRACKS.c.missing_since.is_not(None))).all()
    lost: list[int] = []
    found: list[int] = []
    for track_id, path, is_missing in rows:
        here = exists(path)
        if here and is_missing:
            found.append(track_id)
        elif not here and not is_missing:
            lost.append(track_id)
    mark_missing(conn, lost, when, None)
    mark_found(conn, found, when)
    return len(lost), len(found)


def count_missing(conn: Connection) -> int:
    """How many tracks are marked missing (one indexed count)."""
    return int(conn.execute(select(func.count()).where(TRACKS.c.missing_since.is_not(None))).scalar_one())


def missing_tracks(conn: Connection, limit: int | None = None) -> list[StoredTrack]:
    """The tracks marked missing, by path."""
    query = select(*TRACK_COLUMNS).where(TRACKS.c.missing_since.is_not(None)).order_by(TRACKS.c.path)
    if limit is not None:
        query = query.limit(limit)
    return [row_to_track(row) for row in conn.execute(query)]


def missing_keys(conn: Connection) -> list[tuple[int, str, str | None]]:
    """Each missing track's id, path and the NML key it was last synced under (None: never synced)."""
    rows = conn.execute(
        select(TRACKS.c.id, TRACKS.c.path, TRACK_BASES.c.nml_key)
        .select_from(TRACKS.outerjoin(TRACK_BASES, TRACK_BASES.c.track_id == TRACKS.c.id))
        .where(TRACKS.c.missing_since.is_not(None))
        .order_by(TRACKS.c.id)
    )
    return [(row[0], row[1], row[2]) for row in rows]
