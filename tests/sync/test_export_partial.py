"""An export reads only the tracks changed since the last export (``ExportSnapshot.read_changed``); what it
writes must be exactly what an export from the whole library writes: the same bytes, report and bases. Also
when a changed track must be found by its file (whole library read again) and when tracks have no base."""

from __future__ import annotations

import shutil
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from harmony import nml
from harmony.jobs import read_changed_export_snapshot, read_export_snapshot, read_import_snapshot
from harmony.jobs.export_job import run_export_job
from harmony.library import CueValues, Library
from harmony.library.export_reader import open_export_reader
from harmony.library.plan import BaseUpdates
from harmony.library.values import TrackValues
from harmony.sync import (
    ExportOptions,
    ExportSnapshot,
    PlannedExport,
    SyncOptions,
    TraktorSnapshot,
    plan_export,
    plan_import,
)
from harmony.sync.export_digests import stamp_digests
from harmony.sync.export_inputs import PartialSnapshotError

FIXTURE = "GarethShapiro__iTunesToTraktor__collection.nml"
IMPORT = SyncOptions(platform="linux", file_exists=lambda path: True)
EXPORT = ExportOptions(platform="linux")
MOMENT = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def pristine(real_fixtures: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, bytes]:
    """A library imported from a real collection (so every track has a base), once for the module."""
    raw = (real_fixtures / FIXTURE).read_bytes()
    path = tmp_path_factory.mktemp("pristine") / "library.db"
    with Library.open(path) as library:
        with library.reader() as reader:
            snapshot = read_import_snapshot(reader)
        library.apply_import(plan_import(TraktorSnapshot.from_collection(nml.load(raw)), snapshot, IMPORT).plan)
        assert not library.pending_export
    return path, raw


@pytest.fixture
def imported(pristine: tuple[Path, bytes], tmp_path: Path) -> tuple[Path, bytes]:
    """A fresh copy of the imported library, and the collection's bytes."""
    source, raw = pristine
    path = tmp_path / "library.db"
    shutil.copyfile(source, path)
    return path, raw


def _plan(library_path: Path, raw: bytes, *, partial: bool) -> tuple[bytes, PlannedExport, ExportSnapshot]:
    collection = nml.load(raw)
    collection.clock = lambda: MOMENT
    with open_export_reader(library_path) as reader:
        snapshot = read_changed_export_snapshot(reader) if partial else read_export_snapshot(reader.library)
    result = plan_export(collection, snapshot, EXPORT)
    return collection.to_bytes(), result, snapshot


def _undigested(bases: BaseUpdates) -> BaseUpdates:
    return replace(bases, tracks=tuple(replace(item, base=replace(item.base, digest=None)) for item in bases.tracks))


def _track_ids(library: Library) -> list[int]:
    return [track.id for track in library.search_tracks(sort="id", limit=10_000).tracks]


def test_partial_read_writes_exactly_what_a_full_read_writes(imported: tuple[Path, bytes]) -> None:
    path, raw = imported
    with Library.open(path) as library:
        ids = _track_ids(library)
        library.update_track(ids[3], {"title": "Edited In Harmony", "rating": 4})
        library.update_track(ids[500], {"comment": "warm-up"})
        library.add_cue(ids[1200], CueValues(type=0, start=12345.5, hotcue=2, name="Drop"))

    partial_bytes, partial, snapshot = _plan(path, raw, partial=True)
    full_bytes, full, everything = _plan(path, raw, partial=False)

    assert not snapshot.complete and everything.complete
    assert sorted(t.track.id for t in snapshot.tracks) == sorted({ids[3], ids[500], ids[1200]})
    assert len(snapshot.synced_keys) == len(everything.tracks) - 3
    assert partial.stats.tracks_exported == 3
    assert partial_bytes == full_bytes != raw
    assert partial.report == full.report
    assert partial.bases == full.bases


def test_nothing_changed_reads_no_track_and_writes_nothing(imported: tuple[Path, bytes]) -> None:
    path, raw = imported
    data, result, snapshot = _plan(path, raw, partial=True)
    assert snapshot.tracks == [] and not snapshot.complete
    assert not result.changed and not result.bases
    assert data == raw


def test_a_changed_track_whose_entry_is_gone_needs_the_whole_library(
    imported: tuple[Path, bytes], tmp_path: Path
) -> None:
    path, raw = imported
    with Library.open(path) as library:
        track_id = _track_ids(library)[10]
        library.update_track(track_id, {"title": "Edited After Traktor Removed It"})
    collection = nml.load(raw)
    with open_export_reader(path) as reader:
        key = reader.synced_track_keys()[track_id]
    view = collection.track_by_key(key)
    assert view is not None
    collection.remove_track(view)
    without = collection.to_bytes()

    with open_export_reader(path) as reader:
        snapshot = read_changed_export_snapshot(reader)
    with pytest.raises(PartialSnapshotError):
        plan_export(nml.load(without), snapshot, EXPORT)

    # The worker reads everything then and plans again: the same file as an export from the whole library.
    nml_path = tmp_path / "collection.nml"
    nml_path.write_bytes(without)
    result = run_export_job(str(nml_path), str(path), EXPORT, backup=False)
    expected_collection = nml.load(without)
    with open_export_reader(path) as reader:
        expected = plan_export(expected_collection, read_export_snapshot(reader.library), EXPORT)
    expected_bytes = expected_collection.to_bytes()
    assert result.report.stats == expected.stats
    # The job records its bases with the digests of the entries it wrote (harmony.sync.export_digests); the
    # digests themselves differ, as the entries carry the moment they were written.
    stamped = stamp_digests(expected.bases, expected_collection, EXPORT)
    assert _undigested(result.bases) == _undigested(stamped)
    assert [item.base.digest is None for item in result.bases.tracks] == [
        item.base.digest is None for item in stamped.tracks
    ]
    written = nml.load(nml_path.read_bytes())
    assert [t.title for t in written.tracks] == [t.title for t in nml.load(expected_bytes).tracks]


def test_tracks_without_a_base_make_a_full_read(imported: tuple[Path, bytes]) -> None:
    path, raw = imported
    with Library.open(path) as library:
        library.add_track(TrackValues(path="/music/new in harmony.mp3", title="New In Harmony"))
    partial_bytes, partial, snapshot = _plan(path, raw, partial=True)
    full_bytes, full, _ = _plan(path, raw, partial=False)
    assert snapshot.complete
    assert partial.stats.tracks_added == 1
    assert partial_bytes == full_bytes
    assert partial.report == full.report and partial.bases == full.bases


def test_playlist_entry_keys_of_synced_tracks_are_not_copies_of_their_keys(imported: tuple[Path, bytes]) -> None:
    """The partial read holds every synced track's key once: its playlists' entries and bases reuse them."""
    path, _ = imported
    with open_export_reader(path) as reader:
        snapshot = read_changed_export_snapshot(reader)
    synced = snapshot.synced_keys
    known = {key: key for key in synced.values()}
    entries = [(entry.track_id, entry.nml_key) for p in snapshot.playlists for entry in p.entries]
    in_bases = [key for p in snapshot.playlists if p.base is not None for key in p.base.entries if key in known]
    assert entries and in_bases
    assert sum(1 for track_id, key in entries if track_id in synced and key is synced[track_id]) == len(entries)
    assert all(key is known[key] for key in in_bases)
