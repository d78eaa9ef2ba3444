"""The spool of what a job sends back through a file (reports, an export's details): read back whole, in
pieces; stale files cleaned up."""

from __future__ import annotations

import os
import pickle
import time
from pathlib import Path

import pytest

from harmony.jobs.spool import remove_spool, remove_stale_spools, write_report
from harmony.sync import ImportReport, ImportStats


def test_only_old_spool_files_are_removed(tmp_path: Path) -> None:
    old = write_report(ImportReport(ImportStats()), str(tmp_path))
    fresh = write_report(ImportReport(ImportStats()), str(tmp_path))
    old_plan = tmp_path / "harmony-import-k3j9x0qa.plan"  # an import plan as earlier versions spooled it
    old_plan.write_bytes(b"x")
    other = tmp_path / "keep-me.plan"
    other.write_bytes(b"x")
    long_ago = time.time() - 3 * 24 * 3600
    for path in (old, old_plan, other):
        os.utime(path, (long_ago, long_ago))
    assert remove_stale_spools(str(tmp_path)) == 2
    assert not old.exists() and not old_plan.exists() and fresh.exists() and other.exists()
    remove_spool(fresh)
    assert not fresh.exists()
    remove_spool(fresh)  # already gone is fine


def test_a_report_with_long_lists_comes_back_whole_read_in_pieces(tmp_path: Path) -> None:
    from harmony.jobs.spool import _PIECE, read_report, write_report
    from harmony.sync import ImportReport, ImportStats, RemovedTrack

    removed = tuple(RemovedTrack(f"/music/{n}.mp3", f"Title {n}", None) for n in range(2 * _PIECE + 7))
    missing = tuple(f"/gone/{n}.mp3" for n in range(_PIECE + 1))
    report = ImportReport(
        stats=ImportStats(tracks_removed=len(removed), missing_files=missing),
        removed_tracks=removed,
        library_tracks=99,
    )
    path = write_report(report, str(tmp_path))
    # The long tuples are written apart, a piece per pickle, so no single read holds the reading thread long.
    with path.open("rb") as source:
        loads = 0
        while True:
            try:
                pickle.load(source)
            except EOFError:
                break
            loads += 1
    assert loads == 1 + 3 + 2  # the rest, three pieces of removed tracks, two of missing files
    assert read_report(path) == report
    assert not path.exists()


def test_reading_a_report_gives_way_before_each_piece(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The app reads the report on a thread while its event loop runs: the reader lets the loop have the GIL
    # between two pieces, so no stretch of unpickling is longer than one piece.
    from harmony.jobs import spool
    from harmony.sync import ImportReport, ImportStats, RemovedTrack

    removed = tuple(RemovedTrack(f"/music/{n}.mp3", None, None) for n in range(3 * spool._PIECE + 1))
    report = ImportReport(stats=ImportStats(tracks_removed=len(removed)), removed_tracks=removed)
    given_way: list[None] = []
    monkeypatch.setattr(spool, "_give_way", lambda: given_way.append(None))
    path = spool.write_report(report, str(tmp_path))
    assert spool.read_report(path) == report
    assert len(given_way) == 4  # three full pieces, then one of a single track


def test_an_exports_details_come_back_whole_read_in_pieces(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # An export's report and new bases grow with the tracks it wrote: read on a thread of the app, their long
    # tuples come in pieces, with the event loop let in before each, as an import report's do.
    from harmony.jobs import spool
    from harmony.library import BaseUpdates, TrackBase, TrackBaseSet, TrackValues
    from harmony.sync import EntryChange, ExportReport, ExportStats

    edited = 2 * spool._PIECE + 3
    changed = tuple(EntryChange(f"Music/:tracks/:{n}.mp3", f"Title {n}") for n in range(edited))
    report = ExportReport(stats=ExportStats(tracks_exported=edited), changed=changed)
    bases = BaseUpdates(
        tracks=tuple(
            TrackBaseSet(
                TrackBase(f"Music/:tracks/:{n}.mp3", TrackValues(path=f"/music/{n}.mp3", title=f"Title {n}")), n
            )
            for n in range(edited)
        )
    )
    given_way: list[None] = []
    monkeypatch.setattr(spool, "_give_way", lambda: given_way.append(None))
    path = spool.write_export_details(report, bases, str(tmp_path))
    assert spool.read_export_details(path) == (report, bases)
    assert not path.exists()
    assert len(given_way) == 3 + 3  # three pieces of changed entries, three of track bases


def test_a_file_that_holds_something_else_is_refused(tmp_path: Path) -> None:
    from harmony.errors import SyncError
    from harmony.jobs import spool
    from harmony.library import BaseUpdates
    from harmony.sync import ExportReport, ExportStats

    path = spool.write_report(ImportReport(ImportStats()), str(tmp_path))
    with pytest.raises(SyncError, match="something else than a report"):
        spool.read_export_details(path)
    # A bare pair, as the export's details were spooled before, is refused the same way, not misread.
    old = tmp_path / "old.report"
    old.write_bytes(pickle.dumps(((ExportReport(ExportStats()), BaseUpdates()), [])))
    with pytest.raises(SyncError, match="something else than a report"):
        spool.read_export_details(old)
