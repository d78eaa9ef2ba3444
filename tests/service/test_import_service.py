"""TraktorService imports end to end: worker job, spool, one-transaction apply, events, history, failures."""

from __future__ import annotations

import asyncio
import os
import signal
import sqlite3
import threading
from pathlib import Path

import pytest

from harmony.library import Library
from harmony.service import ImportOutcome, OperationEvent, OperationRunningError, TraktorService
from harmony.workers import WorkerManager

from ..issue_keys import IMPORT_STATS_KEYS
from .conftest import Demo


def dump(path: Path) -> list[str]:
    """Every row of the library, as SQL text: equal dumps mean nothing at all was written. The operations
    journal is left out: every operation, whatever it changed, adds its record there."""
    if not path.exists():
        return []
    with sqlite3.connect(path) as conn:
        return [line for line in conn.iterdump() if not line.startswith('INSERT INTO "operations"')]


def outcome_of(op: object) -> ImportOutcome:
    result = getattr(op, "result", None)
    assert isinstance(result, ImportOutcome), getattr(op, "error", None)
    return result


async def test_first_import_then_unchanged_reimport(service: TraktorService, demo: Demo) -> None:
    op = await service.sync(demo.request())
    assert op.status == "succeeded", op.error
    stats = outcome_of(op).stats
    gen = demo.generated
    assert stats.tracks_processed == stats.tracks_imported == gen.tracks
    assert outcome_of(op).to_json()["tracks_matched"] == 0
    assert stats.cue_points_added == sum(gen.cues_by_type.values())
    assert stats.playlists_imported == gen.playlists + gen.smart_lists
    assert list(stats.to_json()) == IMPORT_STATS_KEYS
    assert {"parsing", "loading", "analyzing", "validating", "syncing", "saving"} <= set(stats.seconds_per_phase)
    with Library.open(service.library_path) as library:
        counts = library.stats()
        version = library.version
    assert (counts.tracks, counts.cues) == (gen.tracks, sum(gen.cues_by_type.values()))
    assert counts.playlists == gen.playlists + gen.smart_lists

    before = dump(service.library_path)
    again = await service.sync(demo.request())
    assert again.status == "succeeded", again.error
    assert outcome_of(again).summary() == "No changes needed"
    assert outcome_of(again).stats.tracks_processed == gen.tracks
    assert outcome_of(again).to_json()["tracks_matched"] == gen.tracks  # every one, by its unchanged base
    with Library.open(service.library_path) as library:
        assert library.version == version
    # Nothing but the record of when the collection was last read may change.
    changed = set(dump(service.library_path)) ^ set(before)
    assert all("library_state" in line for line in changed), sorted(changed)[:5]


async def test_preview_plans_exactly_what_the_import_applies(service: TraktorService, demo: Demo) -> None:
    demo.files()[3].unlink()  # one missing file, so the preview has something to report besides imports
    preview = await service.preview(demo.request())
    assert preview.status == "succeeded", preview.error
    assert not outcome_of(preview).applied
    with Library.open(service.library_path) as library:
        assert library.stats().tracks == 0 and library.version == 0
    applied = await service.sync(demo.request())
    planned, done = outcome_of(preview).stats.to_json(), outcome_of(applied).stats.to_json()
    planned.pop("seconds_per_phase"), done.pop("seconds_per_phase")
    assert planned == done
    assert len(done["missing_files"]) == 1
    with Library.open(service.library_path) as library:
        # The track whose file is missing is imported all the same, marked missing.
        assert library.stats().tracks == done["tracks_imported"] == demo.generated.tracks
        assert [t.values.path for t in library.missing_tracks()] == done["missing_files"]


async def test_dry_run_applies_nothing(service: TraktorService, demo: Demo) -> None:
    op = await service.sync(demo.request(), dry_run=True)
    assert op.status == "succeeded" and not outcome_of(op).applied
    assert outcome_of(op).stats.tracks_imported == demo.generated.tracks
    with Library.open(service.library_path) as library:
        assert library.stats().tracks == 0


async def test_events_move_through_the_phases_in_order(service: TraktorService, demo: Demo) -> None:
    events: list[OperationEvent] = []
    service.subscribe(events.append)
    op = await service.sync(demo.request())
    mine = [e for e in events if e.operation_id == op.id]
    assert mine[0].status == "queued" and mine[1].status == "running"
    assert mine[1].message == "Starting sync..."
    phases = list(dict.fromkeys(e.phase for e in mine[2:]))
    assert phases == ["parsing", "loading", "analyzing", "validating", "syncing", "saving", "complete"]
    percents = [e.percent for e in mine if e.status == "running"]
    assert percents == sorted(percents)
    last = mine[-1]
    assert last.status == "succeeded" and last.percent == 100
    assert last.result is not None and set(last.result) >= set(IMPORT_STATS_KEYS)
    assert last.message.startswith("Sync complete: Imported 300 tracks")
    assert service.history()[0] is op and op.finished_at is not None


async def test_cancel_while_planning_changes_nothing(service: TraktorService, demo: Demo) -> None:
    service.settings()  # creates the library
    before = dump(service.library_path)

    def cancel_when_analyzing(event: OperationEvent) -> None:
        if event.phase == "analyzing":
            service.cancel(event.operation_id)

    unsubscribe = service.subscribe(cancel_when_analyzing)
    op = await service.sync(demo.request())
    unsubscribe()
    assert op.status == "cancelled"
    assert dump(service.library_path) == before
    await _no_spool_file_left(service)
    # The operations journal says what the cancel left, where it had no summary at all.
    with Library.open(service.library_path) as library:
        recorded = library.recent_operations(1)[0]
    assert (recorded.status, recorded.summary) == ("cancelled", "Cancelled; nothing was changed.")
    assert (await service.sync(demo.request())).status == "succeeded"


async def test_cancel_while_saving_rolls_the_transaction_back(service: TraktorService, demo: Demo) -> None:
    await service.sync(demo.request(), dry_run=True)  # creates the library file
    before = dump(service.library_path)

    def cancel_when_saving(event: OperationEvent) -> None:
        if event.phase == "saving":
            service.cancel(event.operation_id)

    service.subscribe(cancel_when_saving)
    op = await service.sync(demo.request())
    assert op.status == "cancelled", op.error
    await _no_spool_file_left(service)
    assert dump(service.library_path) == before


async def _no_spool_file_left(service: TraktorService) -> None:
    """No spool file of the import is left (the job removes its report before it answers a cancel; the wait
    allows for the file system)."""
    folder = Path(service._spool_dir or "/nonexistent")
    for _ in range(200):
        if not list(folder.glob("harmony-import-*")):
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"spool files left: {sorted(p.name for p in folder.glob('harmony-import-*'))}")


async def test_corrupt_collection_fails_clearly_and_changes_nothing(service: TraktorService, demo: Demo) -> None:
    await service.sync(demo.request())
    before = dump(service.library_path)
    demo.nml.write_bytes(demo.nml.read_bytes()[: demo.nml.stat().st_size // 2])  # cut off mid-file
    op = await service.sync(demo.request())
    assert op.status == "failed"
    assert op.error is not None and "line" in op.error  # the XML error says where
    assert dump(service.library_path) == before


async def test_missing_collection_fails_clearly(service: TraktorService, demo: Demo) -> None:
    op = await service.sync(demo.request(nml_path=str(demo.nml.with_name("nope.nml"))))
    assert op.status == "failed" and op.error is not None and "does not exist" in op.error


async def test_worker_killed_mid_import_fails_the_operation_and_the_pool_recovers(
    service: TraktorService, manager: WorkerManager, demo: Demo
) -> None:
    killed: list[int] = []

    def kill_when_analyzing(event: OperationEvent) -> None:
        if event.phase == "analyzing" and not killed:
            for pid in manager.sync_pool.worker_pids():
                os.kill(pid, signal.SIGKILL)
                killed.append(pid)

    unsubscribe = service.subscribe(kill_when_analyzing)
    op = await service.sync(demo.request())
    unsubscribe()
    assert killed
    assert op.status == "failed"
    assert op.error is not None and "worker stopped unexpectedly" in op.error
    with Library.open(service.library_path) as library:
        assert library.stats().tracks == 0
    again = await service.sync(demo.request())
    assert again.status == "succeeded", again.error
    assert outcome_of(again).stats.tracks_imported == demo.generated.tracks


async def test_a_second_import_of_the_same_collection_is_refused_while_one_runs(
    service: TraktorService, demo: Demo
) -> None:
    first = service.start_import(demo.request())
    with pytest.raises(OperationRunningError, match="already being imported"):
        service.start_import(demo.request())
    preview = service.start_preview(demo.request())  # reading is fine
    await service.wait(first.id)
    await service.wait(preview.id)
    assert first.status == "succeeded" and preview.status == "succeeded"
    second = await service.sync(demo.request())
    assert second.status == "succeeded"


async def test_missing_files_are_imported_marked_and_found_once_they_appear(
    service: TraktorService, demo: Demo
) -> None:
    files = demo.files()
    gone = {files[0]: files[0].read_bytes(), files[10]: files[10].read_bytes()}
    for path in gone:
        path.unlink()
    first = outcome_of(await service.sync(demo.request()))
    assert sorted(first.stats.missing_files) == sorted(str(path) for path in gone)
    assert first.stats.tracks_imported == demo.generated.tracks
    assert first.to_json()["files_not_found"] == 2
    assert first.summary().startswith(f"Imported {demo.generated.tracks} tracks (2 files not found)")
    with Library.open(service.library_path) as library:
        assert library.missing_count() == 2
    for path, data in gone.items():
        path.write_bytes(data)
    second = outcome_of(await service.sync(demo.request()))
    assert second.stats.tracks_imported == 0 and not second.stats.missing_files
    assert second.to_json()["files_found"] == 2
    with Library.open(service.library_path) as library:
        assert library.missing_count() == 0


async def test_cancel_of_a_finished_operation_says_so(service: TraktorService, demo: Demo) -> None:
    op = await service.preview(demo.request())
    assert service.cancel(op.id) is False
    with pytest.raises(Exception, match="no operation"):
        service.cancel("nope")


async def test_library_edit_during_planning_is_not_overwritten(service: TraktorService, demo: Demo) -> None:
    await service.sync(demo.request())
    with Library.open(service.library_path) as library:
        track_id = library.search_tracks(limit=1).tracks[0].id

    # The edit must land after the import has read the library and before it saves, however late the loop hears
    # of the analyzing. So a thread holds the library's write lock from before the import starts (the import's
    # save waits for it) and makes the edit, as the web app does, off the loop, when the import says it is
    # analyzing: it takes the lock within a millisecond of letting it go, where a waiting import looks again
    # every 100 ms or so. An edit made on the loop while the import's save waits for the loop's last-look answer
    # would stall both for the busy timeout.
    holding = threading.Event()
    told = threading.Event()
    edited = threading.Event()

    def edit_when_told() -> None:
        with Library.open(service.library_path) as library:
            library.stats()  # opened and read before the lock is let go: the edit takes the lock next
            lock = sqlite3.connect(service.library_path, isolation_level=None)
            try:
                lock.execute("BEGIN IMMEDIATE")
                holding.set()
                told.wait(60)
            finally:
                lock.close()
            if told.is_set():
                library.update_track(track_id, {"comment": "edited in Harmony meanwhile"})
                edited.set()

    editor = threading.Thread(target=edit_when_told, name="test-editor")
    editor.start()
    try:
        assert await asyncio.to_thread(holding.wait, 30)

        def tell_when_analyzing(event: OperationEvent) -> None:
            if event.phase == "analyzing":
                told.set()

        demo.nml.write_bytes(demo.nml.read_bytes().replace(b'COMMENT="', b'COMMENT="changed in Traktor ', 1))
        service.subscribe(tell_when_analyzing)
        op = await service.sync(demo.request())
    finally:
        told.set()
        await asyncio.to_thread(editor.join, 60)
    assert edited.is_set()
    assert op.status == "failed" and op.error is not None and "changed while the import" in op.error
    with Library.open(service.library_path) as library:
        assert library.get_track(track_id).track.values.comment == "edited in Harmony meanwhile"


async def test_a_path_naming_an_unknown_home_is_refused_clearly(service: TraktorService) -> None:
    from harmony.errors import SyncError
    from harmony.service import ImportRequest

    with pytest.raises(SyncError, match="Cannot use the collection path"):
        service.start_import(ImportRequest(nml_path="~no-such-user-here/collection.nml"))
