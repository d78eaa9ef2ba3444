"""A first import into an empty library builds its indexes once, at the end (``harmony.library.bulk``): it must
leave exactly the library the normal path leaves, and a cancel or a failure part-way must leave it empty, with
every index and trigger in place."""

from __future__ import annotations

import copy
import itertools
import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

import harmony.library.bulk as bulk
from harmony.devtools.collection_gen import generate_collection
from harmony.errors import SyncError
from harmony.jobs import read_report, run_import_job
from harmony.jobs.import_job import plan_from_files
from harmony.library import ImportCancelled, ImportPlan, Library
from harmony.service import ImportRequest
from harmony.sync import ImportReport

#: Columns holding the moment something was written: they differ between any two runs, so only whether they are
#: set is compared.
_MOMENTS = {"missing_since", "last_seen", "last_import_at", "last_export_at", "at", "finished_at", "started_at"}
#: The search index's own tables: their blobs depend on how the index was fed; its content is checked apart.
_SEARCH_TABLES = ("tracks_fts",)


def _collection(tmp_path: Path) -> tuple[Path, ImportRequest]:
    """A generated collection (cues of every type, loops, grids, playlists with duplicate entries, smart lists,
    odd ratings and hostile names) with a few files missing, two entries naming one file, and values the
    library cannot hold."""
    generated = generate_collection(tmp_path / "collection.nml", tracks=240, seed=11, files_dir=tmp_path / "files")
    assert generated.files_dir is not None
    files = sorted(p for p in generated.files_dir.rglob("*") if p.is_file())
    for lost in files[::17]:
        lost.unlink()
    tree = etree.parse(str(generated.path))
    collection = tree.find("COLLECTION")
    assert collection is not None
    entries = collection.findall("ENTRY")
    collection.append(copy.deepcopy(entries[3]))  # a second entry naming the same file
    odd = entries[5]
    odd.set("TITLE", "  padded\ttitle \u00a0")
    info = odd.find("INFO")
    assert info is not None
    info.set("RANKING", "999")  # beyond what a rating holds: left out and reported
    info.set("PLAYCOUNT", "-3")
    cue = entries[7].find("CUE_V2")
    assert cue is not None
    cue.set("TYPE", "42")  # a cue type the library does not know
    collection.set("ENTRIES", str(len(entries) + 1))
    tree.write(str(generated.path), encoding="UTF-8", xml_declaration=True)
    mappings = tuple(f"{volume}={folder}" for volume, folder in generated.path_mappings.items())
    return generated.path, ImportRequest(nml_path=str(generated.path), path_mappings=mappings)


def _import(tmp_path: Path, name: str, nml: Path, request: ImportRequest) -> tuple[Path, ImportReport]:
    """Import ``nml`` into a new library with the job the service runs on its pool, run in-process."""
    library_path = tmp_path / f"{name}.db"
    with Library.open(library_path) as library:
        options = request.options(library.settings())
    result = run_import_job(str(nml), str(library_path), options, True, str(tmp_path))
    assert result.applied_version is not None
    return library_path, read_report(Path(result.report_file))


def _by_path(library_path: Path) -> dict[str, Any]:
    """Every table's rows, with track ids replaced by the track's path and row ids left out, sorted."""
    raw = sqlite3.connect(library_path)
    try:
        paths = dict(raw.execute("SELECT id, path FROM tracks"))
        tables = [
            name
            for (name,) in raw.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
            if not name.startswith(_SEARCH_TABLES)
        ]
        found: dict[str, Any] = {}
        for table in tables:
            cursor = raw.execute(f'SELECT * FROM "{table}"')
            columns = [column[0] for column in cursor.description]
            rows = []
            for row in cursor:
                named = dict(zip(columns, row, strict=True))
                if table == "tracks":
                    named.pop("id")
                elif "track_id" in named:
                    named["track_id"] = paths.get(named["track_id"], named["track_id"])
                    named.pop("id", None)
                for column in _MOMENTS & named.keys():
                    named[column] = named[column] is not None
                if table == "settings" and named.get("key") == "known_collection_counts":
                    # When each collection's counts were first seen: a moment, as above.
                    counts = json.loads(named["value_json"])
                    named["value_json"] = {path: {**seen, "seen_at": True} for path, seen in counts.items()}
                    named["value_json"] = json.dumps(named["value_json"], sort_keys=True)
                rows.append(tuple(sorted(named.items(), key=lambda item: item[0])))
            found[table] = sorted(rows, key=repr)
        found["schema"] = sorted(raw.execute("SELECT type, name, tbl_name, sql FROM sqlite_master"), key=repr)
        found["search"] = sorted(
            raw.execute(
                "SELECT t.path, f.title, f.artist, f.album, f.genre, f.label, f.comment, f.remixer, f.mix, "
                "f.key_text FROM tracks_fts AS f JOIN tracks AS t ON t.id = f.rowid"
            ),
            key=repr,
        )
        return found
    finally:
        raw.close()


def _search_index_sound(library_path: Path) -> None:
    """FTS5's own check that the index holds exactly the tracks' current values, and a search through it."""
    raw = sqlite3.connect(library_path)
    try:
        raw.execute("INSERT INTO tracks_fts (tracks_fts, rank) VALUES ('integrity-check', 1)")
        title, track_id = raw.execute("SELECT title, id FROM tracks WHERE title IS NOT NULL ORDER BY id").fetchone()
        word = next(w for w in title.split() if w.isalnum())
        hits = [row[0] for row in raw.execute("SELECT rowid FROM tracks_fts WHERE tracks_fts MATCH ?", (f'"{word}"',))]
        assert track_id in hits
    finally:
        raw.close()


@pytest.fixture
def bulk_taken(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Count how often the bulk path runs (and let every first import of one track or more take it)."""
    taken: list[int] = []
    real = bulk.indexes_built_after

    def counted(conn: Any, **options: Any) -> Any:
        taken.append(1)
        return real(conn, **options)

    monkeypatch.setattr(bulk, "indexes_built_after", counted)
    monkeypatch.setattr(bulk, "BULK_FIRST_IMPORT_MIN", 1)
    return taken


@pytest.mark.timeout(120)
def test_the_bulk_first_import_leaves_the_library_the_normal_one_leaves(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, bulk_taken: list[int]
) -> None:
    nml, request = _collection(tmp_path)
    bulk_path, bulk_report = _import(tmp_path, "bulk", nml, request)
    assert bulk_taken == [1]
    monkeypatch.setattr(bulk, "BULK_FIRST_IMPORT_MIN", 10**9)
    normal_path, normal_report = _import(tmp_path, "normal", nml, request)
    assert bulk_taken == [1]  # the normal path did not take it

    bulk_rows, normal_rows = _by_path(bulk_path), _by_path(normal_path)
    assert bulk_rows.keys() == normal_rows.keys()
    for table in normal_rows:
        assert bulk_rows[table] == normal_rows[table], table
    _search_index_sound(bulk_path)
    # What the collection was made to hold really came in, the same way both times.
    assert bulk_report.stats == normal_report.stats
    assert bulk_report.stats.missing_files and bulk_report.duplicates and bulk_report.skipped
    assert len(normal_rows["cue_points"]) > 300 and len(normal_rows["playlist_entries"]) > 50
    assert any(dict(row)["missing_since"] for row in normal_rows["tracks"])


def _rows_and_schema(library_path: Path) -> list[str]:
    with sqlite3.connect(library_path) as conn:
        skip = ('INSERT INTO "library_state"',)  # when the library was opened: differs by design
        return sorted(line for line in conn.iterdump() if not line.startswith(skip))


def _plan(tmp_path: Path) -> tuple[Path, list[ImportPlan]]:
    nml, request = _collection(tmp_path)
    library_path = tmp_path / "library.db"
    with Library.open(library_path) as library:
        options = request.options(library.settings())
    planned, _ = plan_from_files(nml, library_path, options)
    return library_path, planned.plan.split(40)


@pytest.mark.timeout(120)
def test_a_cancel_during_a_bulk_first_import_leaves_the_library_empty(tmp_path: Path, bulk_taken: list[int]) -> None:
    library_path, parts = _plan(tmp_path)
    assert len(parts) > 4
    before = _rows_and_schema(library_path)
    given: list[ImportPlan] = []

    def counted() -> Iterator[ImportPlan]:
        for part in parts:
            given.append(part)
            yield part

    with Library.open(library_path) as library, pytest.raises(ImportCancelled):
        library.apply_import_parts(counted(), cancelled=lambda: len(given) >= 4)
    assert bulk_taken == [1] and len(given) == 4
    assert _rows_and_schema(library_path) == before


@pytest.mark.timeout(120)
def test_a_failure_during_a_bulk_first_import_leaves_the_library_empty(tmp_path: Path, bulk_taken: list[int]) -> None:
    library_path, parts = _plan(tmp_path)
    before = _rows_and_schema(library_path)

    def failing() -> Iterator[ImportPlan]:
        yield from parts[:3]
        raise SyncError("the plan could not be read on")  # a failure between parts, once rows are written

    with Library.open(library_path) as library, pytest.raises(SyncError):
        library.apply_import_parts(failing())
    assert bulk_taken == [1]
    assert _rows_and_schema(library_path) == before
    # The library still takes the whole import afterwards, through the same path.
    with Library.open(library_path) as library:
        library.apply_import_parts(itertools.chain(parts))
    _search_index_sound(library_path)
