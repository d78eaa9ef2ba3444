"""A look at a library's counts without SQLAlchemy: what ``harmony library stats`` prints.

Loading SQLAlchemy and the library store costs a command half a second before it reads anything; a DJ asking
for the counts should have them at once. So the counts are one SQL statement (:data:`STATS_SQL`), read here
through the standard library's ``sqlite3`` when the file is an up-to-date Harmony library, and by
:func:`harmony.library.queries.stats` through SQLAlchemy on a connection the store already has: the same
statement both ways. Anything unusual (no file yet, an older schema to upgrade, another kind of file, damage)
is left to the store to create, upgrade or explain: :func:`glance_stats` then answers None.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from harmony.library.health import reading_uri
from harmony.library.identity import APPLICATION_ID, HEAD_REVISION

__all__ = ["STATS_SQL", "LibraryStats", "glance_stats", "stats_from_row"]


@dataclass(frozen=True, slots=True)
class LibraryStats:
    """Counts shown by ``harmony library stats``."""

    tracks: int
    cues: int
    playlists: int
    folders: int
    version: int
    last_exported_version: int

    @property
    def pending_export(self) -> bool:
        """Whether edits are waiting to be exported to Traktor."""
        return self.version > self.last_exported_version


#: The counts and the version, in :class:`LibraryStats`'s order, in one statement (one snapshot).
STATS_SQL = (
    "SELECT (SELECT count(*) FROM tracks), (SELECT count(*) FROM cue_points), (SELECT count(*) FROM playlists),"
    " (SELECT count(*) FROM folders), version, last_exported_version FROM library_state WHERE id = 1"
)


def stats_from_row(row: Sequence[Any]) -> LibraryStats:
    """The :class:`LibraryStats` of a row of :data:`STATS_SQL`."""
    return LibraryStats(*(int(value) for value in row))


def glance_stats(path: Path) -> LibraryStats | None:
    """The counts of the library at ``path``, read without SQLAlchemy; None when the file is not (or not yet)
    an up-to-date Harmony library or cannot be read here, for the store to open it and say why."""
    if not path.is_file():
        return None
    try:
        with closing(sqlite3.connect(reading_uri(path), uri=True)) as raw:
            raw.execute("BEGIN")  # the revision and the counts from one snapshot
            if raw.execute("PRAGMA application_id").fetchone()[0] != APPLICATION_ID:
                return None
            revision = raw.execute("SELECT version_num FROM alembic_version").fetchone()
            if revision is None or revision[0] != HEAD_REVISION:
                return None
            row = raw.execute(STATS_SQL).fetchone()
    except sqlite3.Error:
        return None
    return None if row is None else stats_from_row(row)
