"""``glance_stats`` reads the counts without SQLAlchemy: the same figures as the store's, or None for anything
the store must create, upgrade or explain."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from harmony.library import CueValues, Library, LibraryStats, TrackValues, glance_stats
from harmony.library.database import migrate


def _filled(path: Path) -> Library:
    library = Library.open(path)
    library.add_tracks(
        [
            (TrackValues("/music/a.mp3", title="A"), (CueValues(0, 1000.0), CueValues(1, 2000.0))),
            (TrackValues("/music/b.mp3", title="B"), ()),
        ]
    )
    folder = library.create_folder("Sets")
    library.create_playlist("Friday", folder)
    return library


def test_the_glance_agrees_with_the_store(tmp_path: Path) -> None:
    path = tmp_path / "library.db"
    with _filled(path) as library:
        from_store = library.stats()
        assert glance_stats(path) == from_store
    assert from_store.tracks == 2
    assert from_store.cues == 2
    assert from_store.playlists == 1
    assert from_store.folders >= 1
    assert from_store.version > 0
    assert from_store.pending_export


def test_the_glance_sees_the_edits_of_an_open_library(tmp_path: Path) -> None:
    # The app may hold the library open (WAL mode) while the command runs: the glance reads the committed state.
    path = tmp_path / "library.db"
    with _filled(path) as library:
        before = glance_stats(path)
        library.add_tracks([(TrackValues("/music/c.mp3"), ())])
        after = glance_stats(path)
    assert before is not None and after is not None
    assert after.tracks == before.tracks + 1
    assert after.version > before.version


def test_no_file_is_left_to_the_store(tmp_path: Path) -> None:
    path = tmp_path / "library.db"
    assert glance_stats(path) is None
    assert not path.exists()  # a glance never creates a library


@pytest.mark.parametrize("content", [b"", b"not a database at all" * 100])
def test_a_file_that_is_not_a_database_is_left_to_the_store(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "library.db"
    path.write_bytes(content)
    assert glance_stats(path) is None
    assert path.read_bytes() == content


def test_another_sqlite_database_is_left_to_the_store(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    with closing(sqlite3.connect(path)) as other:
        other.execute("CREATE TABLE tracks (id INTEGER)")
        other.commit()
    assert glance_stats(path) is None


def test_an_older_schema_is_left_to_the_store_to_upgrade(tmp_path: Path) -> None:
    path = tmp_path / "library.db"
    Library.open(path).close()
    migrate(path, "0001")
    assert glance_stats(path) is None
    with Library.open(path) as library:  # the store upgrades it; then the glance reads it
        assert glance_stats(path) == library.stats() == LibraryStats(0, 0, 0, 0, 0, 0)
