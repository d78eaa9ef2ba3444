"""A first import into an empty library: its rows written with the secondary indexes and the search index built
once, at the end, inside the import's own transaction.

Inserting 100,000 tracks and 300,000 cues one row at a time into some thirty B-tree indexes (the sort indexes
of the track list, the cues' look-up by track) costs more than the rows themselves; SQLite builds an index over
rows already written in one sorted pass, several times faster. So a first import drops
those indexes and the search index's insert trigger, writes its rows, then creates them again from their own
stored SQL and indexes every new track for search in one statement. SQLite DDL is transactional: a failure, a
cancel or a killed process rolls the schema back with the rows, so no committed state ever lacks an index.

Only indexes that enforce nothing are dropped: the unique ones (a track's path, a base's NML key) stay, so a
bulk import refuses exactly what a normal one refuses, at the same row.

Building the indexes and the search index is SQLite's work alone, seconds of it at 100,000 tracks with no Python
run meanwhile: sqlite3 lets go of the interpreter for each statement. So the caller may hand over work of its
own (``meanwhile``), done on its thread while a thread of ours builds them on the connection. That work must not
touch the connection.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Final

from sqlalchemy import Connection

from harmony.background import started
from harmony.library import writes
from harmony.library.models import CUES, TRACKS

__all__ = ["BULK_FIRST_IMPORT_MIN", "indexes_built_after", "is_empty"]

#: From this many new tracks in an import's first part on, an import into an empty library takes this path:
#: for a few tracks, building the indexes again would cost more than it saves.
BULK_FIRST_IMPORT_MIN: Final = 1000

#: The tables whose plain indexes a first import builds at the end: those of tracks and cues, which an empty
#: library has no row of for the import to look up. Playlist entries keep theirs: a library with no track may
#: still hold playlists (of dangling entries) that the import changes one by one, each a look-up by playlist.
_TABLES: Final = (TRACKS.name, CUES.name)


def is_empty(conn: Connection) -> bool:
    """Whether the library holds no track yet (a first import)."""
    return conn.exec_driver_sql(f"SELECT NOT EXISTS (SELECT 1 FROM {TRACKS.name})").scalar() == 1


@contextmanager
def indexes_built_after(conn: Connection, meanwhile: Callable[[], object] | None = None) -> Iterator[None]:
    """Run the block with the plain indexes of tracks and cues and the search trigger dropped; after it,
    create them again and index the tracks the block added for search, on a thread of their own while
    ``meanwhile()`` (if given) runs on the caller's; both are done when this returns, and an error of either is
    raised here.

    After an error in the block (a cancel included) the indexes are not built and ``meanwhile`` is not called:
    the caller's rollback brings them back with everything else, at once, where building them first would hold
    up a cancel by seconds. The caller must roll back, as an import does."""
    first_id = _next_track_id(conn)
    marks = ", ".join("?" * len(_TABLES))
    plain = conn.exec_driver_sql(
        f"SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name IN ({marks}) "
        "AND sql IS NOT NULL AND sql NOT LIKE 'CREATE UNIQUE%' ORDER BY name",
        _TABLES,
    ).all()
    with writes.search_trigger_dropped(conn) as fill:
        for name, _ in plain:
            conn.exec_driver_sql(f'DROP INDEX "{name}"')
        yield

        def build() -> None:
            for _, sql in plain:
                conn.exec_driver_sql(sql)
            last_id = _next_track_id(conn) - 1
            if fill is not None and last_id >= first_id:
                fill(first_id, last_id)

        if meanwhile is None:
            build()
            return
        building = started("harmony-index-build", build)
        try:
            meanwhile()
        finally:
            error = building.exception()  # never left using the connection, whatever meanwhile raised
        if error is not None:
            raise error


def _next_track_id(conn: Connection) -> int:
    return int(conn.exec_driver_sql(f"SELECT coalesce(max(id), 0) + 1 FROM {TRACKS.name}").scalar_one())
