"""Track bases remember the library version an import wrote them at (with their entry digest)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from harmony.library import Library
from harmony.library.plan import BaseUpdates, FolderCreate, ImportPlan, NewTrack, TrackBase, TrackBaseSet

from .helpers import track


def _stamps(path: Path) -> list[tuple[str, str | None, int | None]]:
    with sqlite3.connect(path) as conn:
        return conn.execute("SELECT nml_key, entry_digest, synced_version FROM track_sync_bases ORDER BY id").fetchall()


def test_every_base_of_one_import_has_the_import_version(tmp_path: Path) -> None:
    path = tmp_path / "library.db"
    with Library.open(path) as library:
        values = [track(n) for n in range(3)]
        created = library.apply_import(
            ImportPlan(
                new_tracks=tuple(
                    NewTrack(f"k{n}", v, (), TrackBase(f"k{n}", v, (), f"d{n}")) for n, v in enumerate(values)
                )
            )
        )
        assert _stamps(path) == [(f"k{n}", f"d{n}", created.version) for n in range(3)]

        # Bases alone in the first parts, the only library change (a folder) in the last: the version is
        # bumped by the last part, and the bases written before it get that version too.
        ids = [created.track_ids[f"k{n}"] for n in range(3)]
        plan = ImportPlan(
            folder_creates=(FolderCreate("f", "New folder"),),
            bases=BaseUpdates(
                tracks=tuple(TrackBaseSet(TrackBase(f"k{n}", v, (), f"e{n}"), ids[n]) for n, v in enumerate(values))
            ),
        )
        result = library.apply_import_parts(plan.split(1))
        assert result.version == created.version + 1
        assert _stamps(path) == [(f"k{n}", f"e{n}", result.version) for n in range(3)]

        # An import that changes nothing in the library stamps its bases with the current version.
        unchanged = ImportPlan(bases=BaseUpdates(tracks=(TrackBaseSet(TrackBase("k0", values[0]), ids[0]),)))
        assert library.apply_import(unchanged).version == result.version
        assert _stamps(path)[0] == ("k0", None, result.version)
