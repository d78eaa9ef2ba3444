"""Real collections on a machine that has none of their audio files: every entry comes in as a track marked
missing (cues and playlists with it), and an export with no edits leaves the collection byte for byte."""

from __future__ import annotations

from pathlib import Path

import pytest

from harmony import nml
from harmony.jobs import read_export_snapshot, read_import_snapshot
from harmony.library import Library
from harmony.sync import ExportOptions, SyncOptions, TraktorSnapshot, plan_export, plan_import

from .test_real_files import COLLECTIONS, _expected, by_size

NO_FILES = SyncOptions(platform="linux", file_exists=lambda path: False)


@pytest.mark.parametrize("name", by_size(COLLECTIONS))
def test_without_audio_files_every_entry_is_a_missing_track_and_export_changes_nothing(
    real_fixtures: Path, tmp_path: Path, name: str
) -> None:
    raw = (real_fixtures / name).read_bytes()
    with Library.open(tmp_path / "library.db") as library:
        with library.reader() as reader:
            snapshot = read_import_snapshot(reader)
        result = plan_import(TraktorSnapshot.from_collection(nml.load(raw)), snapshot, NO_FILES)
        stats = result.stats
        missing, tracks, cues, _ = _expected(raw, missing_every=1)  # every file missing
        assert stats.tracks_imported == tracks == len(missing) > 0
        assert sorted(stats.missing_files) == sorted(missing)
        assert stats.cue_points_added == cues
        assert stats.summary().startswith(f"Imported {stats.tracks_imported:,} tracks ")
        assert f"({stats.tracks_imported:,} files not found)" in stats.summary()
        library.apply_import(result.plan)
        assert library.missing_count() == library.stats().tracks == stats.tracks_imported
        assert library.stats().cues == stats.cue_points_added

        collection = nml.load(raw)
        baseline = collection.to_bytes()
        with library.reader() as reader:
            export_snapshot = read_export_snapshot(reader)
        exported = plan_export(collection, export_snapshot, ExportOptions(platform="linux"))
        assert not exported.changed, exported.report.lines()[:20]
        assert collection.to_bytes() == baseline

        with library.reader() as reader:
            snapshot = read_import_snapshot(reader)
        again = plan_import(TraktorSnapshot.from_collection(nml.load(raw)), snapshot, NO_FILES)
        assert not again.plan.changes_library() and not again.plan.files_lost and not again.plan.files_found
