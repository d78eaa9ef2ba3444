"""The backups' counts are read once: the listing takes the current file's counts from its health check (one
read of the file for both), and what a listing read is kept in the cache folder for the next run."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from harmony import nml
from harmony.nmlfile import stamp_of
from harmony.service import TraktorService
from harmony.service.copy_readings import FILE_NAME, KEPT_COLLECTIONS, CopyReadings

from .conftest import Demo, RecordingManager

pytestmark = pytest.mark.timeout(120)


def _traktor_copy(demo: Demo, name: str) -> Path:
    """A copy of the collection where Traktor keeps its own (``Backup/Collection/``)."""
    folder = demo.nml.parent / "Backup" / "Collection"
    folder.mkdir(parents=True, exist_ok=True)
    return Path(shutil.copy2(demo.nml, folder / name))


async def test_the_listing_takes_the_current_files_counts_from_its_health_check(
    restarts: Callable[[], tuple[TraktorService, RecordingManager]], demo: Demo
) -> None:
    first_run, jobs = restarts()
    _traktor_copy(demo, "collection 2026-12-01.nml")
    sent = jobs.sent
    health, copies = await asyncio.gather(
        first_run.recovery.check(str(demo.nml)), first_run.recovery.list_copies(str(demo.nml))
    )
    assert health.ok and len(copies) == 1 and copies[0].differs == "same counts as now", copies
    assert [name for name, _ in sent] == ["check_collection", "read_restorable"], sent
    known = sent[1][1][1]
    assert known == {stamp_of(demo.nml): ((health.tracks, health.playlists), None)}, "the worker reads the copy alone"

    # Traktor saves: the next listing does not take the older verdict's counts for the new version.
    demo.nml.write_bytes(demo.nml.read_bytes() + b"\n")
    sent.clear()
    await first_run.recovery.list_copies(str(demo.nml))
    known = sent[-1][1][1]
    assert stamp_of(demo.nml) in known and [name for name, _ in sent] == ["check_collection", "read_restorable"]


async def test_what_a_listing_read_is_not_read_again_after_a_restart(
    restarts: Callable[[], tuple[TraktorService, RecordingManager]], demo: Demo, tmp_path: Path
) -> None:
    (first_run, _), (restarted, jobs) = restarts(), restarts()
    copy = _traktor_copy(demo, "collection 2026-12-01.nml")
    listed = await first_run.recovery.list_copies(str(demo.nml))
    assert listed[0].tracks == demo.generated.tracks
    saved = tmp_path / "cache" / FILE_NAME
    assert saved.is_file()

    # Planted in the cache: a restarted Harmony shows the copy with the kept counts, so it did not read it.
    stored = json.loads(saved.read_bytes())
    for row in stored["collections"][str(demo.nml)]["value"]:
        if row[0] == str(copy):
            row[4] += 5
    saved.write_text(json.dumps(stored))
    sent = jobs.sent
    again = await restarted.recovery.list_copies(str(demo.nml))
    assert again[0].tracks == demo.generated.tracks + 5 and again[0].differs == "5 more tracks than now", again
    assert len(sent[-1][1][1]) == 2, "the current file and the copy were known"
    assert [name for name, _ in sent] == ["read_restorable"], "with the current file known, no wait for its health"

    # A copy written again is another version: read again, whatever the cache says.
    copy.write_bytes(copy.read_bytes() + b"\n")
    fresh = await restarted.recovery.list_copies(str(demo.nml))
    assert fresh[0].tracks == demo.generated.tracks and fresh[0].differs == "same counts as now", fresh


async def test_a_file_renamed_in_with_the_same_size_and_time_is_not_taken_for_the_one_read(
    restarts: Callable[[], tuple[TraktorService, RecordingManager]], demo: Demo
) -> None:
    """A drive with coarse times (FAT, exFAT, a network share) or a copy that keeps its time: another collection
    of the same size and time renamed over the one checked is another version of the file (its inode), and its
    counts are read, not taken from the check of the file before (which said "same counts as now" of a copy
    with 50 tracks more, and kept that in the cache)."""
    service, _ = restarts()
    _traktor_copy(demo, "collection 2026-12-01.nml")
    assert (await service.recovery.check(str(demo.nml))).tracks == demo.generated.tracks
    assert (await service.collection_summary(demo.nml))["tracks"] == demo.generated.tracks
    fewer = nml.load(demo.nml)
    for track in fewer.tracks[:50]:
        fewer.remove_track(track)
    data = fewer.to_bytes()
    before = demo.nml.stat()
    assert len(data) < before.st_size
    incoming = demo.nml.with_name("incoming.nml")
    incoming.write_bytes(data + b"\n" * (before.st_size - len(data)))  # blank lines after the root: still a collection
    os.utime(incoming, ns=(before.st_atime_ns, before.st_mtime_ns))
    incoming.replace(demo.nml)
    assert (demo.nml.stat().st_size, demo.nml.stat().st_mtime_ns) == (before.st_size, before.st_mtime_ns)

    copies = await service.recovery.list_copies(str(demo.nml))
    assert copies[0].differs == "50 more tracks than now", copies
    assert (await service.collection_summary(demo.nml))["tracks"] == demo.generated.tracks - 50
    assert (await service.recovery.check(str(demo.nml))).tracks == demo.generated.tracks - 50


def test_the_command_lines_listing_keeps_its_counts_too(tmp_path: Path, demo: Demo) -> None:
    copy = _traktor_copy(demo, "collection 2026-12-01.nml")
    service = TraktorService(tmp_path / "library.db", cache_dir=tmp_path / "cache")
    assert [item.tracks for item in service.recovery.copies(str(demo.nml))] == [demo.generated.tracks]
    kept = CopyReadings(tmp_path / "cache").known(demo.nml)
    assert kept[stamp_of(copy)] == ((demo.generated.tracks, demo.generated.playlists), None)  # type: ignore[index]


def test_a_damaged_cache_file_is_read_as_empty_and_written_anew(tmp_path: Path, demo: Demo) -> None:
    _traktor_copy(demo, "collection 2026-12-01.nml")
    (tmp_path / "cache").mkdir()
    (tmp_path / "cache" / FILE_NAME).write_bytes(b'{"format": 1, "collections": {"x": ')
    service = TraktorService(tmp_path / "library.db", cache_dir=tmp_path / "cache")
    assert [item.tracks for item in service.recovery.copies(str(demo.nml))] == [demo.generated.tracks]
    assert len(CopyReadings(tmp_path / "cache").known(demo.nml)) == 2


async def test_a_damaged_copy_is_not_read_again_in_a_run_and_read_again_after_a_restart(
    restarts: Callable[[], tuple[TraktorService, RecordingManager]], demo: Demo
) -> None:
    """Within a run its reason is kept by its stamp (each listing read it again); after a restart it is read
    once more, as another version of Harmony may read what this one could not."""
    (first_run, jobs), (restarted, restarted_jobs) = restarts(), restarts()
    damaged = _traktor_copy(demo, "collection 2026-12-01.nml")
    damaged.write_bytes(damaged.read_bytes()[:5000])
    listed = await first_run.recovery.list_copies(str(demo.nml))
    assert listed[0].tracks is None and listed[0].error, listed
    assert await first_run.recovery.list_copies(str(demo.nml)) == listed
    known = jobs.sent[-1][1][1]
    assert known[stamp_of(damaged)] == (None, listed[0].error), "the worker was told why: it did not read it"
    assert await restarted.recovery.list_copies(str(demo.nml)) == listed
    assert stamp_of(damaged) not in restarted_jobs.sent[-1][1][1]


def test_rows_that_are_not_readings_are_left_out(tmp_path: Path) -> None:
    good = ["/c/Backup/a.nml", 10, 20, 30, 4, 5]
    rows = [
        good,
        ["/c/Backup/b.nml", 10, -1, 30, 4, 5],
        ["/c/x", 1, 2],
        [1, 2, 3, 4, 5, 6],
        ["/c/y", 1, 2, 3, 4, 5.5],
        ["/c/w", 1, 2, 3, True, 5],
        ["/c/d.nml", 10, 20, 31, None, None],
    ]
    (tmp_path / FILE_NAME).write_text(json.dumps({"format": 1, "collections": {"/c/collection.nml": {"value": rows}}}))
    assert CopyReadings(tmp_path).known(Path("/c/collection.nml")) == {("/c/Backup/a.nml", 10, 20, 30): ((4, 5), None)}
    (tmp_path / FILE_NAME).write_text(
        json.dumps({"format": 2, "collections": {"/c/collection.nml": {"value": [good]}}})
    )
    assert CopyReadings(tmp_path).known(Path("/c/collection.nml")) == {}, "another layout is not read"


def test_the_most_recently_listed_collections_are_kept(tmp_path: Path) -> None:
    readings = CopyReadings(tmp_path)
    for number in range(KEPT_COLLECTIONS + 2):
        readings.keep(Path(f"/c{number}/collection.nml"), {(f"/c{number}/Backup/a.nml", 1, 2, 3): ((number, 1), None)})
    kept = [
        number
        for number in range(KEPT_COLLECTIONS + 2)
        if CopyReadings(tmp_path).known(Path(f"/c{number}/collection.nml"))
    ]
    assert kept == list(range(2, KEPT_COLLECTIONS + 2))


def test_readings_kept_unchanged_are_not_written_again(tmp_path: Path) -> None:
    readings = CopyReadings(tmp_path)
    collection = Path("/c/collection.nml")
    readings.keep(collection, {("/c/Backup/a.nml", 1, 2, 3): ((1, 1), None)})
    written = (tmp_path / FILE_NAME).stat().st_mtime_ns
    (tmp_path / FILE_NAME).unlink()
    readings.keep(collection, {("/c/Backup/a.nml", 1, 2, 3): ((1, 1), None)})
    assert not (tmp_path / FILE_NAME).exists() and written
    readings.keep(collection, {("/c/Backup/a.nml", 1, 2, 3): ((2, 1), None)})
    assert CopyReadings(tmp_path).known(collection) == {("/c/Backup/a.nml", 1, 2, 3): ((2, 1), None)}


def test_a_cache_folder_that_cannot_be_written_only_costs_a_read(tmp_path: Path) -> None:
    blocked = tmp_path / "file-not-folder"
    blocked.write_text("")
    readings = CopyReadings(blocked)
    readings.keep(Path("/c/collection.nml"), {("/c/Backup/a.nml", 1, 2, 3): ((1, 1), None)})  # no exception
    assert CopyReadings(blocked).known(Path("/c/collection.nml")) == {}
    assert readings.known(Path("/c/collection.nml")) == {("/c/Backup/a.nml", 1, 2, 3): ((1, 1), None)}, (
        "this run keeps what it read"
    )
