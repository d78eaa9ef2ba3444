"""What an export reads of the library: only the tracks that can need writing, from one snapshot.

An export looks at a track only if Harmony changed it since its last sync; a track that equals its base is
skipped. Reading every track with its cues and decoded base just to find that out costs far more than the
rest of an export of a few edits to a 100,000-track library. The library keeps what is needed to skip that
read: every track edit (fields or cues) stamps the track's ``changed_version``, and the library's
``last_exported_version`` only moves to a version when the NML holds everything up to it (an export records the
version it wrote; an import only when it left nothing of Harmony's unwritten). So a track with
``changed_version <= last_exported_version`` and a base is in the NML as its base says, and only the others
(the *candidates*) are read in full. The rest are known by id and base key only (playlists name them by it).

Tracks without a base (new in Harmony, or never exchanged) must be matched by their file against the whole
library, so when there is any, everything is read, as before.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Connection, func, select

from harmony.library.batches import in_batches
from harmony.library.database import open_database, read_connection
from harmony.library.models import CUES, TRACK_BASES, TRACKS
from harmony.library.queries import CUE_COLUMNS, TRACK_COLUMNS, row_to_cue, row_to_track
from harmony.library.reader import LibraryReader, track_base_from_row
from harmony.library.records import StoredCue, SyncTrack

__all__ = ["ExportReader", "open_export_reader"]

# SQLite's default limit on bound parameters is 999 in old builds: ids go in batches below it.
_BATCH = 900
#: The export reader's SQLite page cache, in KiB.
_CACHE_KIB = 8192


@dataclass(frozen=True, slots=True)
class ExportReader:
    """The export's own queries, on the same snapshot as ``library`` (a :class:`LibraryReader`)."""

    library: LibraryReader
    conn: Connection

    @property
    def last_exported_version(self) -> int:
        """The library version the NML is known to hold everything of."""
        return self.library.status.last_exported_version

    def tracks_without_base(self) -> int:
        """How many tracks were never exchanged with Traktor (or lost their base)."""
        query = (
            select(func.count())
            .select_from(TRACKS.outerjoin(TRACK_BASES, TRACK_BASES.c.track_id == TRACKS.c.id))
            .where(TRACK_BASES.c.id.is_(None))
        )
        return int(self.conn.execute(query).scalar_one())

    def changed_track_ids(self) -> list[int]:
        """Ids of tracks whose fields or cues changed after the last export, by id."""
        query = select(TRACKS.c.id).where(TRACKS.c.changed_version > self.last_exported_version).order_by(TRACKS.c.id)
        return list(self.conn.execute(query).scalars())

    def synced_track_keys(self) -> dict[int, str]:
        """The NML key of every library track that has a base (track id -> key)."""
        # Past SQLAlchemy's rows (same connection, same snapshot): a row object per synced track cost about five
        # times the query at 100,000 tracks.
        sql = f"SELECT track_id, nml_key FROM {TRACK_BASES.name} WHERE track_id IS NOT NULL"
        return {int(track_id): key for track_id, key in self.library.driver_rows(sql)}

    def tracks_by_id(self, track_ids: Sequence[int]) -> Iterator[SyncTrack]:
        """The given tracks with their cues and bases, in the order given (ids missing from the library are
        skipped)."""
        base_columns = (TRACK_BASES.c.nml_key, TRACK_BASES.c.values_json, TRACK_BASES.c.cues_json)
        for chunk in in_batches(track_ids, _BATCH):
            rows = self.conn.execute(
                select(*TRACK_COLUMNS, *base_columns)
                .outerjoin(TRACK_BASES, TRACK_BASES.c.track_id == TRACKS.c.id)
                .where(TRACKS.c.id.in_(chunk))
            ).all()
            cues: dict[int, list[StoredCue]] = {}
            for cue_row in self.conn.execute(
                select(*CUE_COLUMNS)
                .where(CUES.c.track_id.in_(chunk))
                .order_by(CUES.c.track_id, CUES.c.start, CUES.c.id)
            ).all():
                stored = row_to_cue(cue_row)
                cues.setdefault(stored.track_id, []).append(stored)
            by_id = {row.id: row for row in rows}
            for track_id in chunk:
                row = by_id.get(track_id)
                if row is None:
                    continue
                base = None
                if row.nml_key is not None:
                    base = track_base_from_row(row.nml_key, row.values_json, row.cues_json)
                yield SyncTrack(track=row_to_track(row), cues=tuple(cues.get(row.id, ())), base=base)


@contextmanager
def open_export_reader(path: Path | str) -> Iterator[ExportReader]:
    """Open the library at ``path`` read-only (for a worker process); every query reads one snapshot."""
    _, engine = open_database(path, read_only=True)
    try:
        with read_connection(engine) as conn:
            # The export reads a few tracks and scans an index or two: a small page cache is enough, and the
            # library's 64 MiB bulk-import cache would count against the worker's memory.
            conn.exec_driver_sql(f"PRAGMA cache_size = -{_CACHE_KIB}")
            yield ExportReader(LibraryReader(conn), conn)
    finally:
        engine.dispose()
