"""The plan spool: parts written and read back in order; damaged files refused; stale files cleaned up."""

from __future__ import annotations

import os
import pickle
import time
from pathlib import Path

import pytest

from harmony.errors import SyncError
from harmony.jobs.spool import read_parts, remove_spool, remove_stale_spools, write_parts
from harmony.library.plan import CueAdd, ImportPlan, NewTrack
from harmony.library.values import CueValues, TrackValues


def _plan(tracks: int) -> ImportPlan:
    return ImportPlan(
        based_on_version=3,
        new_tracks=tuple(NewTrack(f"n{i}", TrackValues(path=f"/music/{i}.mp3", title=f"T{i}")) for i in range(tracks)),
        cue_adds=tuple(CueAdd(1, CueValues(type=0, start=float(i))) for i in range(tracks // 2)),
    )


def test_parts_come_back_in_order_and_add_up_to_the_plan(tmp_path: Path) -> None:
    plan = _plan(23)
    parts = plan.split(5)
    assert len(parts) == 6  # 5 track parts and the last, with folders and playlists
    path, count = write_parts(parts, str(tmp_path))
    assert count == 6 and oct(path.stat().st_mode & 0o777) == "0o600"
    back = list(read_parts(path, count))
    assert back == parts
    assert tuple(t for part in back for t in part.new_tracks) == plan.new_tracks
    assert tuple(c for part in back for c in part.cue_adds) == plan.cue_adds
    assert all(part.based_on_version == 3 for part in back)
    remove_spool(path)
    assert not path.exists()
    remove_spool(path)  # already gone is fine


def test_a_truncated_or_padded_file_is_refused(tmp_path: Path) -> None:
    path, count = write_parts(_plan(12).split(5), str(tmp_path))
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(SyncError, match="incomplete"):
        list(read_parts(path, count))
    path.write_bytes(data + b"more")
    with pytest.raises(SyncError, match="more than it should"):
        list(read_parts(path, count))


def test_only_old_spool_files_are_removed(tmp_path: Path) -> None:
    old, _ = write_parts([ImportPlan()], str(tmp_path))
    fresh, _ = write_parts([ImportPlan()], str(tmp_path))
    other = tmp_path / "keep-me.plan"
    other.write_bytes(b"x")
    long_ago = time.time() - 3 * 24 * 3600
    os.utime(old, (long_ago, long_ago))
    os.utime(other, (long_ago, long_ago))
    assert remove_stale_spools(str(tmp_path)) == 1
    assert not old.exists() and fresh.exists() and other.exists()


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
