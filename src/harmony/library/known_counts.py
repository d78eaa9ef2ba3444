"""What each collection held the last time Harmony read or wrote it: its tracks and playlists.

The health check compares a collection with these counts: a file that lost most of its entries or playlists
since Harmony last saw it is more likely damaged (truncated, emptied by a crash) than edited. They live in the
``settings`` table under their own key, one record per collection path, so keeping them bumps no library
version (they describe the file, not the library) and needs no new table.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Final

from sqlalchemy import Connection, select
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from harmony.library.journal import now
from harmony.library.models import SETTINGS

__all__ = ["KnownCounts", "read_known_counts", "write_known_counts"]

KEY: Final = "known_collection_counts"


@dataclass(frozen=True, slots=True)
class KnownCounts:
    """A collection's tracks and playlists as Harmony last saw them, and when (UTC)."""

    tracks: int
    playlists: int
    seen_at: datetime | None = None


def _all(conn: Connection) -> dict[str, dict[str, object]]:
    row = conn.execute(select(SETTINGS.c.value_json).where(SETTINGS.c.key == KEY)).first()
    if row is None:
        return {}
    try:
        raw = json.loads(row.value_json)
    except json.JSONDecodeError:
        return {}  # a damaged record only costs the comparison, never an operation
    return raw if isinstance(raw, dict) else {}


def read_known_counts(conn: Connection, nml_path: str) -> KnownCounts | None:
    """The counts last recorded for the collection at ``nml_path``, or None."""
    record = _all(conn).get(nml_path)
    if not isinstance(record, dict):
        return None
    tracks, playlists, seen = record.get("tracks"), record.get("playlists"), record.get("seen_at")
    if not isinstance(tracks, int) or not isinstance(playlists, int):
        return None
    seen_at = datetime.fromisoformat(seen) if isinstance(seen, str) else None
    return KnownCounts(tracks, playlists, seen_at)


def write_known_counts(conn: Connection, nml_path: str, tracks: int, playlists: int) -> None:
    """Record what the collection at ``nml_path`` holds now. Counts already recorded are left as they are (an
    import that changes nothing writes nothing), so ``seen_at`` is when the collection first had them."""
    records = _all(conn)
    old = records.get(nml_path)
    if isinstance(old, dict) and old.get("tracks") == tracks and old.get("playlists") == playlists:
        return
    records[nml_path] = {"tracks": tracks, "playlists": playlists, "seen_at": now().isoformat()}
    statement = sqlite_insert(SETTINGS).values(key=KEY, format=1, value_json=json.dumps(records))
    conn.execute(
        statement.on_conflict_do_update(
            index_elements=[SETTINGS.c.key], set_={"value_json": statement.excluded.value_json}
        )
    )
