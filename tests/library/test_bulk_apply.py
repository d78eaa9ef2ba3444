"""Big imports take the bulk paths (driver executemany, the search index filled in one statement): they must
store exactly what the row-by-row paths store, keep the search index and its trigger right, and stay all or
nothing."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest

from harmony.errors import LibraryError
from harmony.library import (
    CueValues,
    EntryRef,
    ImportPlan,
    Library,
    NewTrack,
    PlaylistCreate,
    TrackBase,
    TrackNotFoundError,
    TrackValues,
)
from harmony.library.writes import BULK_SEARCH_INDEX_MIN

from .helpers import cue, track
from .test_apply_import import dump
from .test_crash_safety import _start, _wait_for

BIG = BULK_SEARCH_INDEX_MIN  # the smallest insert that takes the bulk path


def _values(n: int) -> TrackValues:
    return track(
        n,
        title=f"Title {n} word{n}",
        bpm=120 + n % 10 + 0.25,
        rating=n % 6,
        release_date=date(2001, 2, 3),
        last_played=date(2020, 12, 31),
        lock=n % 2 == 0,
        comment="Überlänge ß" if n % 3 == 0 else None,
    )


def _cues(n: int) -> tuple[CueValues, ...]:
    return (cue(100.0 + n), cue(2000.5, hotcue=1, name="Drop", color="#00FF00"), CueValues(type=4, start=5.0))


def _plan(count: int, first: int = 0) -> ImportPlan:
    new_tracks = []
    for n in range(first, first + count):
        values, cues = _values(n), _cues(n)
        # Half the bases are the very objects the track is created from, half are equal copies.
        base_values = values if n % 2 else _values(n)
        base_cues = cues if n % 2 else _cues(n)
        new_tracks.append(NewTrack(f"key{n}", values, cues, TrackBase(f"key{n}", base_values, base_cues)))
    return ImportPlan(new_tracks=tuple(new_tracks))


def _expected_json(values: dict[str, object]) -> str:
    """The base JSON as Harmony has always written it: empty fields left out, dates as ISO text."""
    encoded = {k: (v.isoformat() if isinstance(v, date) else v) for k, v in values.items() if v is not None}
    return json.dumps(encoded, ensure_ascii=False, allow_nan=False)


def _rows(path: Path, sql: str) -> list[tuple[object, ...]]:
    raw = sqlite3.connect(path)
    try:
        return raw.execute(sql).fetchall()
    finally:
        raw.close()


def _trigger_sql(path: Path) -> list[tuple[object, ...]]:
    return _rows(path, "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' ORDER BY name")


def test_a_bulk_import_stores_what_small_imports_store(tmp_path: Path) -> None:
    with Library.open(tmp_path / "bulk.db") as bulk:
        bulk.apply_import(_plan(BIG))
    with Library.open(tmp_path / "small.db") as small:
        for first in range(0, BIG, 100):
            small.apply_import(_plan(100, first))
    # Everything but changed_version (one version per import) is the same.
    columns = [name for _, name, *_ in _rows(tmp_path / "bulk.db", "PRAGMA table_info(tracks)")]
    assert "changed_version" in columns and len(columns) > 30
    track_sql = f"SELECT {', '.join(c for c in columns if c != 'changed_version')} FROM tracks ORDER BY id"
    bulk_tracks = _rows(tmp_path / "bulk.db", track_sql)
    small_tracks = _rows(tmp_path / "small.db", track_sql)
    assert bulk_tracks == small_tracks
    cue_sql = "SELECT * FROM cue_points ORDER BY id"
    assert _rows(tmp_path / "bulk.db", cue_sql) == _rows(tmp_path / "small.db", cue_sql)
    # Bases too, but for synced_version (like changed_version, the version of the import that wrote them).
    base_sql = "SELECT id, nml_key, track_id, values_json, cues_json, entry_digest FROM track_sync_bases ORDER BY id"
    assert _rows(tmp_path / "bulk.db", base_sql) == _rows(tmp_path / "small.db", base_sql)
    search = "SELECT rowid FROM tracks_fts WHERE tracks_fts MATCH 'uberl*' ORDER BY rowid"
    assert _rows(tmp_path / "bulk.db", search) == _rows(tmp_path / "small.db", search)


def test_bulk_rows_hold_the_library_s_own_formats(library: Library, library_path: Path) -> None:
    result = library.apply_import(_plan(BIG))
    track_id = result.track_ids["key3"]
    release, lock = _rows(library_path, f"SELECT release_date, lock FROM tracks WHERE id = {track_id}")[0]
    assert (release, lock) == ("2001-02-03", 0)
    values_json, cues_json = _rows(
        library_path, f"SELECT values_json, cues_json FROM track_sync_bases WHERE track_id = {track_id}"
    )[0]
    assert values_json == _expected_json(_values(3).as_dict())
    assert cues_json == json.dumps(
        [{k: v for k, v in c.as_dict().items() if v is not None} for c in _cues(3)], ensure_ascii=False
    )
    with library.reader() as reader:
        stored = {t.track.id: t for t in reader.iter_tracks()}
    assert stored[track_id].track.values.release_date == date(2001, 2, 3)
    assert stored[track_id].base is not None and stored[track_id].base.values == _values(3)
    assert stored[track_id].base.cues == _cues(3)


def test_the_search_index_follows_a_bulk_import_and_later_edits(library: Library, library_path: Path) -> None:
    triggers = _trigger_sql(library_path)
    result = library.apply_import(_plan(BIG))
    assert _trigger_sql(library_path) == triggers
    assert [t.id for t in library.search_tracks(f"word{BIG - 1}").tracks] == [result.track_ids[f"key{BIG - 1}"]]
    assert library.search_tracks("uberl").total == len(range(0, BIG, 3))
    (later,) = library.add_tracks([(track(BIG + 5, title="Afterwards"), [])])  # the trigger still indexes
    assert [t.id for t in library.search_tracks("afterwards").tracks] == [later]
    raw = sqlite3.connect(library_path)
    raw.execute("INSERT INTO tracks_fts(tracks_fts) VALUES ('integrity-check')")  # raises if out of step
    raw.close()


def test_a_failing_bulk_import_changes_nothing_and_keeps_the_trigger(library: Library, library_path: Path) -> None:
    library.add_tracks([(track(BIG - 1), [])])
    triggers = _trigger_sql(library_path)
    before = dump(library_path)
    with pytest.raises(LibraryError, match="already in the library"):
        library.apply_import(_plan(BIG))  # its last track has the path of the one already there
    assert dump(library_path) == before
    assert _trigger_sql(library_path) == triggers
    late = ImportPlan(
        new_tracks=_plan(BIG, first=BIG).new_tracks,
        playlist_creates=(PlaylistCreate("p", "P", entries=(EntryRef(track="key1500"), EntryRef(track=987654))),),
    )
    with pytest.raises(TrackNotFoundError, match="987654"):
        library.apply_import(late)  # fails after the tracks and the search index were written
    assert dump(library_path) == before
    assert _trigger_sql(library_path) == triggers


def test_new_playlists_get_their_entries_in_order(library: Library) -> None:
    (existing,) = library.add_tracks([(track(9999), [])])
    plan = ImportPlan(
        new_tracks=_plan(3).new_tracks,
        playlist_creates=(
            PlaylistCreate("a", "A", entries=(EntryRef(track="key2"), EntryRef(nml_key="gone"), EntryRef("key2"))),
            PlaylistCreate("b", "B", entries=(EntryRef(track=existing), EntryRef(track="key0"))),
            PlaylistCreate("c", "C"),
        ),
    )
    result = library.apply_import(plan)
    with library.reader() as reader:
        entries = {p.name: [(e.track_id, e.nml_key) for e in p.entries] for p in reader.playlists()}
    key0, key2 = result.track_ids["key0"], result.track_ids["key2"]
    assert entries == {
        "A": [(key2, None), (None, "gone"), (key2, None)],
        "B": [(existing, None), (key0, None)],
        "C": [],
    }
    with pytest.raises(LibraryError, match="needs a track or an NML key"):
        library.apply_import(ImportPlan(playlist_creates=(PlaylistCreate("d", "D", entries=(EntryRef(),)),)))


def test_a_datetime_is_stored_as_its_date_and_kept_whole_in_the_base(library: Library, library_path: Path) -> None:
    when = datetime(2001, 2, 3, 4, 5, 6)
    values = track(1, release_date=when)
    result = library.apply_import(ImportPlan(new_tracks=(NewTrack("k", values, (), TrackBase("k", values)),)))
    track_id = result.track_ids["k"]
    assert _rows(library_path, f"SELECT release_date FROM tracks WHERE id = {track_id}") == [("2001-02-03",)]
    (values_json,) = _rows(library_path, f"SELECT values_json FROM track_sync_bases WHERE track_id = {track_id}")[0]
    assert json.loads(values_json)["release_date"] == "2001-02-03T04:05:06"


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_kill_9_while_the_search_trigger_is_dropped_brings_it_back(library_path: Path, tmp_path: Path) -> None:
    with Library.open(library_path) as library:
        library.add_tracks([(track(i), [cue(10.0 * i)]) for i in range(20)])
    triggers = _trigger_sql(library_path)
    before = dump(library_path)
    marker = tmp_path / "trigger-dropped"
    child = _start("import_then_hang_without_search_trigger", str(library_path), str(marker))
    _wait_for(marker, child)
    os.kill(child.pid, signal.SIGKILL)
    child.wait(timeout=30)
    assert child.returncode == -signal.SIGKILL

    assert _trigger_sql(library_path) == triggers
    assert dump(library_path) == before
    raw = sqlite3.connect(library_path)
    raw.execute("INSERT INTO tracks_fts(tracks_fts) VALUES ('integrity-check')")
    raw.close()
    with Library.open(library_path) as library:
        (later,) = library.add_tracks([(track(999, title="Survivor"), [])])
        assert [t.id for t in library.search_tracks("survivor").tracks] == [later]


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_kill_9_during_a_first_import_with_its_indexes_dropped_brings_them_back(
    library_path: Path, tmp_path: Path
) -> None:
    Library.open(library_path).close()
    schema = _rows(library_path, "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY name")
    before = dump(library_path)
    marker = tmp_path / "indexes-dropped"
    child = _start("first_import_then_hang", str(library_path), str(marker))
    _wait_for(marker, child)
    os.kill(child.pid, signal.SIGKILL)
    child.wait(timeout=30)
    assert child.returncode == -signal.SIGKILL
    indexes = [row for row in schema if row[0] == "index"]
    assert int(marker.read_text()) < len(indexes) - 20  # the sort indexes were dropped when it was killed

    assert _rows(library_path, "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY name") == schema
    assert dump(library_path) == before
    with Library.open(library_path) as library:
        (later,) = library.add_tracks([(track(999, title="Survivor"), [])])
        assert [t.id for t in library.search_tracks("survivor").tracks] == [later]
    assert _rows(library_path, "PRAGMA integrity_check") == [("ok",)]


def _schema(path: Path) -> list[tuple[object, ...]]:
    return _rows(path, "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY name")


def _index_builders() -> list[str]:
    return [thread.name for thread in threading.enumerate() if thread.name == "harmony-index-build"]


def test_a_first_import_s_bases_are_written_once_the_indexes_are_built(library: Library, library_path: Path) -> None:
    """A first import encodes its new tracks' bases while SQLite builds the indexes, and writes them after: every
    base is there, in the order of the tracks, and the indexes are whole."""
    schema = _schema(library_path)
    result = library.apply_import(_plan(BIG))
    bases = _rows(library_path, "SELECT nml_key, track_id FROM track_sync_bases ORDER BY id")
    assert bases == [(f"key{n}", result.track_ids[f"key{n}"]) for n in range(BIG)]
    assert _schema(library_path) == schema
    assert _index_builders() == []


def test_a_failure_while_encoding_the_bases_waits_for_the_index_build_and_changes_nothing(
    library: Library, library_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from harmony.library import apply

    real = apply._new_track_base_rows
    seen: list[str] = []

    def failing(*args: Any) -> Any:
        if threading.current_thread() is not threading.main_thread():
            raise AssertionError("the bases are encoded on the caller's thread")
        seen.extend(thread.name for thread in threading.enumerate())
        real(*args)
        raise ValueError("no JSON for this")

    monkeypatch.setattr(apply, "_new_track_base_rows", failing)
    schema = _schema(library_path)
    before = dump(library_path)
    with pytest.raises(ValueError, match="no JSON"):
        library.apply_import(_plan(BIG))
    assert "harmony-index-build" in seen  # the encoding ran beside the index build
    assert _index_builders() == []  # and the builder was waited for before the rollback
    assert dump(library_path) == before
    assert _schema(library_path) == schema


def test_a_failure_of_the_index_build_is_raised_and_changes_nothing(
    library: Library, library_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from harmony.library import writes

    real = writes.search_trigger_dropped

    @contextmanager
    def failing_fill(conn: Any) -> Iterator[Any]:
        with real(conn) as fill:

            def fails(first: int, last: int) -> None:
                raise RuntimeError("the search index could not be filled")

            yield fails if fill is not None else None

    monkeypatch.setattr(writes, "search_trigger_dropped", failing_fill)
    schema = _schema(library_path)
    triggers = _trigger_sql(library_path)
    before = dump(library_path)
    with pytest.raises(RuntimeError, match="could not be filled"):
        library.apply_import(_plan(BIG))
    assert _index_builders() == []
    assert dump(library_path) == before
    assert _schema(library_path) == schema
    assert _trigger_sql(library_path) == triggers
