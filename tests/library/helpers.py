"""Small builders shared by the library tests."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from harmony.library import CueValues, TrackValues


def track(n: int, **fields: object) -> TrackValues:
    """A small valid track whose path is unique for ``n``."""
    values: dict[str, object] = {
        "path": f"/music/track {n}.mp3",
        "title": f"Title {n}",
        "artist": f"Artist {n}",
    }
    values.update(fields)
    return TrackValues(**values)  # type: ignore[arg-type]


def cue(start: float, **fields: object) -> CueValues:
    """A hot cue at ``start`` ms."""
    values: dict[str, object] = {"type": 0, "start": start, "hotcue": 0}
    values.update(fields)
    return CueValues(**values)  # type: ignore[arg-type]


def damage_tracks(path: Path) -> None:
    """Overwrite three leaf pages of the tracks table (it needs six or more) with garbage, as a failing disk
    would: SQLite then calls the file malformed when a query reaches them."""
    with sqlite3.connect(path) as raw:
        raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        page_size = raw.execute("PRAGMA page_size").fetchone()[0]
        pages = [row[0] for row in raw.execute("SELECT pageno FROM dbstat WHERE name = 'tracks' AND pagetype = 'leaf'")]
    assert len(pages) >= 6
    with open(path, "r+b") as handle:
        for page in pages[len(pages) // 3 : len(pages) // 3 + 3]:
            handle.seek((page - 1) * page_size)
            handle.write(b"\xa7" * page_size)
