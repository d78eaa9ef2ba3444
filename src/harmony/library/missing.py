"""Tracks whose file is not on this machine: marking, clearing and listing them.

The mark is not an edit of the track (Traktor knows nothing of it): setting or clearing it leaves the
library version and ``changed_version`` alone, so it never makes anything pending export."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import datetime

from sqlalchemy import Connection, bindparam, func, select, update

from harmony.library.batches import in_batches
from harmony.library.models import TRACK_BASES, TRACKS
from harmony.library.queries import TRACK_COLUMNS, row_to_track
from harmony.library.records import StoredTrack

__all__ = [
    "check_files",
    "count_missing",
    "mark_checked",
    "mark_found",
    "mark_missing",
    "missing_keys",
    "missing_tracks",
    "stored_paths",
]


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


def stored_paths(conn: Connection) -> list[tuple[int, str, bool]]:
    """Every track's id and path, and whether it is marked missing: what a check of every file looks for."""
    rows = conn.execute(select(TRACKS.c.id, TRACKS.c.path, TRACKS.c.missing_since.is_not(None)))
    return [(track_id, path, bool(is_missing)) for track_id, path, is_missing in rows]


def check_files(
    rows: Iterable[tuple[int, str, bool]], exists: Callable[[str], bool]
) -> tuple[list[tuple[int, str]], list[tuple[int, str]]]:
    """Look for each track's file (``rows`` from :func:`stored_paths`): the (id, path) of the tracks whose file
    is lost, and of those whose file is back. Asks the disk only: no transaction is held meanwhile, so a slow
    drive holds up no import or edit."""
    lost: list[tuple[int, str]] = []
    found: list[tuple[int, str]] = []
    for track_id, path, is_missing in rows:
        here = exists(path)
        if here and is_missing:
            found.append((track_id, path))
        elif not here and not is_missing:
            lost.append((track_id, path))
    return lost, found


def mark_checked(
    conn: Connection, lost: Sequence[tuple[int, str]], found: Sequence[tuple[int, str]], when: datetime
) -> tuple[int, int]:
    """Write what :func:`check_files` found at ``when``: the lost marked missing, the found cleared. Only a track
    still at the path that was looked for: one an import or a relocation moved meanwhile waits for the next
    check. Returns how many were marked and cleared."""
    same_file = (TRACKS.c.id == bindparam("_id"), TRACKS.c.path == bindparam("_path"))
    marked = cleared = 0
    if lost:
        marked = conn.execute(
            update(TRACKS).where(*same_file, TRACKS.c.missing_since.is_(None)).values(missing_since=when),
            [{"_id": track_id, "_path": path} for track_id, path in lost],
        ).rowcount
    if found:
        cleared = conn.execute(
            update(TRACKS)
            .where(*same_file, TRACKS.c.missing_since.is_not(None))
            .values(missing_since=None, last_seen=when),
            [{"_id": track_id, "_path": path} for track_id, path in found],
        ).rowcount
    return marked, cleared


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
