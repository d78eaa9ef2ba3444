"""Schema migrations: a fresh library at head, an upgrade of an old library with data, downgrades."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from harmony.library import Library, TrackValues
from harmony.library.database import APPLICATION_ID, HEAD_REVISION, head_revision, migrate


def _revision(path: Path) -> str:
    return sqlite3.connect(path).execute("SELECT version_num FROM alembic_version").fetchone()[0]


def _tables(path: Path) -> set[str]:
    rows = sqlite3.connect(path).execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'trigger')")
    return {name for (name,) in rows}


def _make_first_revision_library(path: Path) -> None:
    """A library as the first schema revision left it, with a track, a cue, a playlist and an entry."""
    Library.open(path).close()
    migrate(path, "0001")
    raw = sqlite3.connect(path)
    raw.execute(
        "INSERT INTO tracks "
        "(id, path, path_key, title, artist, bpm, bpm_text, release_date, changed_version) "
        "VALUES (1, '/m/Daft Punk - Da Funk.mp3', '/m/daft punk - da funk.mp3', 'Da Funk', 'Daft Punk', "
        "111.999, '111.999001', '1995-06-01', 3)"
    )
    raw.execute("INSERT INTO cue_points (track_id, type, start, length, hotcue) VALUES (1, 0, 1234.5, 0, 2)")
    raw.execute("INSERT INTO playlists (id, name, position, uuid) VALUES (1, 'Classics', 0, 'u-1')")
    raw.execute("INSERT INTO playlist_entries (playlist_id, position, track_id) VALUES (1, 0, 1)")
    raw.execute("UPDATE library_state SET version = 3, last_exported_version = 2")
    raw.commit()
    raw.close()


def test_fresh_library_is_at_head(library_path: Path) -> None:
    Library.open(library_path).close()
    assert _revision(library_path) == head_revision()
    assert {"tracks", "cue_points", "tracks_fts", "tracks_fts_insert", "library_state"} <= _tables(library_path)


def test_upgrade_from_the_first_revision_keeps_data_and_backs_up(library_path: Path) -> None:
    _make_first_revision_library(library_path)
    assert _revision(library_path) == "0001"
    assert "tracks_fts" not in _tables(library_path)

    with Library.open(library_path) as library:
        detail = library.get_track(1)
        assert detail.track.values.title == "Da Funk"
        assert detail.track.values.bpm == 111.999
        assert detail.track.values.bpm_text == "111.999001"
        assert [c.values.start for c in detail.cues] == [1234.5]
        assert library.status().version == 3
        assert library.pending_export
        # The search index added by the upgrade covers the rows that were already there.
        assert [t.id for t in library.search_tracks("daft fun").tracks] == [1]
        assert library.playlist_entries(1)[0].track_id == 1
    assert _revision(library_path) == head_revision()

    backups = sorted(library_path.parent.glob("library.db.backup-*-schema-0001.db"))
    assert len(backups) == 1
    backup = sqlite3.connect(backups[0])
    assert backup.execute("SELECT version_num FROM alembic_version").fetchone()[0] == "0001"
    assert backup.execute("SELECT title FROM tracks").fetchall() == [("Da Funk",)]
    assert backup.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID


def test_opening_a_library_at_head_makes_no_backup(library_path: Path) -> None:
    Library.open(library_path).close()
    Library.open(library_path).close()
    assert list(library_path.parent.glob("*.backup-*")) == []


def test_downgrade_to_the_first_revision_keeps_data(library_path: Path) -> None:
    _make_first_revision_library(library_path)
    Library.open(library_path).close()  # upgrade to head
    migrate(library_path, "0001")
    assert _revision(library_path) == "0001"
    assert "tracks_fts" not in _tables(library_path)
    assert "tracks_fts_insert" not in _tables(library_path)
    assert sqlite3.connect(library_path).execute("SELECT title FROM tracks").fetchall() == [("Da Funk",)]
    # And up again: the index is rebuilt from the rows.
    with Library.open(library_path) as library:
        assert [t.id for t in library.search_tracks("funk").tracks] == [1]


def test_downgrade_to_base_removes_everything(library_path: Path) -> None:
    Library.open(library_path).close()
    migrate(library_path, "base")
    assert _tables(library_path) == {"alembic_version"}


def test_the_named_head_is_the_newest_migration() -> None:
    # Opening a library compares its revision with HEAD_REVISION instead of loading the migrations: a new
    # migration must move it too.
    assert head_revision() == HEAD_REVISION


def _everything(path: Path) -> tuple[list[tuple[str, str, str, str | None]], dict[str, list[tuple[object, ...]]]]:
    """Every schema object (with its SQL) and every table's rows (but the search index's)."""
    raw = sqlite3.connect(path)
    objects = raw.execute("SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name").fetchall()
    # The search index's own tables are left out: a migration that rebuilt the index leaves an empty index
    # written differently (its averages record zeroed) from a new one, and both answer searches alike.
    tables = [name for kind, name, _, _ in objects if kind == "table" and not name.startswith("tracks_fts_")]
    rows = {name: sorted(raw.execute(f'SELECT * FROM "{name}"').fetchall(), key=repr) for name in tables}
    raw.close()
    return objects, rows


def test_a_new_library_holds_exactly_what_the_migrations_make(tmp_path: Path) -> None:
    """A new library is made from the migrations' schema read back once per process (fresh_schema): the same
    tables, indexes, triggers, search index and first rows as the migrations run on the file itself."""
    made, migrated = tmp_path / "made.db", tmp_path / "migrated.db"
    Library.open(made).close()
    migrate(migrated, "head")
    assert _everything(made) == _everything(migrated)
    assert sqlite3.connect(made).execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID


def test_the_last_ids_start_above_every_row_an_undo_can_bring_back(library_path: Path) -> None:
    """0014: a library whose newest undo step took track 9 out (a merge) starts its new track ids above 9, not
    above the 3 tracks left."""
    Library.open(library_path).close()
    migrate(library_path, "0013")
    raw = sqlite3.connect(library_path)
    for track_id in (1, 2, 3):
        raw.execute(
            "INSERT INTO tracks (id, path, path_key, changed_version) VALUES (?, ?, ?, 1)",
            (track_id, f"/m/{track_id}.mp3", f"/m/{track_id}.mp3"),
        )
    raw.execute(
        "INSERT INTO undo_steps (version, at, operation, label, state, before_json, after_json) VALUES "
        "(2, '2026-12-05 10:00:00', 'merge', 'Merged', 'done', ?, ?)",
        (
            '{"fields": [], "rows": {"3": {"row": [], "base": null}, "9": {"row": [], "base": null}}}',
            '{"fields": [], "rows": {"3": {"row": [], "base": null}, "9": null}}',
        ),
    )
    raw.commit()
    raw.close()
    with Library.open(library_path) as library:
        [new] = library.add_tracks([(TrackValues(path="/m/new.mp3"), ())])
        playlist = library.create_playlist("New")
    assert new == 10
    assert playlist == 1  # no playlist was ever there


def test_entry_positions_with_gaps_are_numbered_from_zero(library_path: Path) -> None:
    """0015: a playlist whose entries stood at 0, 1, 3, 4 (a deleted track's entry left its place empty) reads 0,
    1, 2, 3 in the same order; another playlist, already from 0, is not written."""
    Library.open(library_path).close()
    migrate(library_path, "0014")
    raw = sqlite3.connect(library_path)
    for track_id in range(1, 5):
        raw.execute(
            "INSERT INTO tracks (id, path, path_key, changed_version) VALUES (?, ?, ?, 1)",
            (track_id, f"/m/{track_id}.mp3", f"/m/{track_id}.mp3"),
        )
    for playlist_id, name in ((1, "Gaps"), (2, "Fine")):
        raw.execute(
            "INSERT INTO playlists (id, name, position, uuid, changed_version) VALUES (?, ?, ?, ?, 1)",
            (playlist_id, name, playlist_id - 1, f"u{playlist_id}"),
        )
    rows = [(10, 1, 0, 4), (11, 1, 1, 3), (12, 1, 3, 2), (13, 1, 4, 1), (14, 2, 0, 1), (15, 2, 1, 2)]
    raw.executemany("INSERT INTO playlist_entries (id, playlist_id, position, track_id) VALUES (?, ?, ?, ?)", rows)
    raw.commit()
    raw.close()
    Library.open(library_path).close()
    stored = sqlite3.connect(library_path).execute(
        "SELECT id, playlist_id, position, track_id FROM playlist_entries ORDER BY id"
    )
    assert stored.fetchall() == [
        (10, 1, 0, 4),
        (11, 1, 1, 3),
        (12, 1, 2, 2),
        (13, 1, 3, 1),
        (14, 2, 0, 1),
        (15, 2, 1, 2),
    ]
