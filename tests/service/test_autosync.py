"""Auto-sync: start-up, debounced library changes, collection changes on disk, triggers during a run, errors
cleared by a success."""

from __future__ import annotations

import asyncio
from pathlib import Path

from harmony import nml
from harmony.library import Library
from harmony.service import ExportRequest, ImportRequest, Operation, TraktorService
from harmony.service.autosync import AutoSyncService, AutoSyncStatus, SyncRunner

from .conftest import Demo


def _configure(service: TraktorService, demo: Demo, **auto: object) -> None:
    settings = service.settings()
    mappings = tuple(f"{volume}={folder}" for volume, folder in demo.generated.path_mappings.items())
    service.save_settings(
        settings.updated(
            nml_path=str(demo.nml), path_mappings=mappings, auto_sync={"enabled": True, "direction": "import", **auto}
        )
    )


class Counting:
    """A runner around the real service that counts imports (and can hold one open)."""

    def __init__(self, service: TraktorService) -> None:
        self.service = service
        self.imports = 0
        self.gate: asyncio.Event | None = None
        self.started = asyncio.Event()

    async def run_import(self) -> Operation:
        self.imports += 1
        self.started.set()
        if self.gate is not None:
            await self.gate.wait()
        return await self.service.sync(ImportRequest())

    async def run_export(self) -> Operation:
        raise AssertionError("no export in these tests")

    def runner(self) -> SyncRunner:
        return SyncRunner(self.run_import, self.run_export, self.service.settings, self.service.library_path)


async def _until(condition: object, timeout: float = 90.0) -> None:
    """Wait for ``condition``: the timeout only guards against a hang (within the test's own 120 s). An export
    starts a worker process, which on a machine busy with other test runs can take longer than 30 s."""
    async with asyncio.timeout(timeout):
        while not condition():  # type: ignore[operator]
            await asyncio.sleep(0.02)


async def test_startup_sync_imports_and_records_the_time(service: TraktorService, demo: Demo) -> None:
    _configure(service, demo)
    counting = Counting(service)
    auto = AutoSyncService(counting.runner(), poll_seconds=0.2)
    statuses: list[AutoSyncStatus] = []
    auto.subscribe(statuses.append)
    await auto.start()
    await _until(lambda: auto.status.last_sync_at is not None)
    await auto.stop()
    assert counting.imports == 1
    assert auto.status.last_error is None and not auto.status.running and auto.status.direction is None
    assert auto.status.message.startswith("Import: Imported 300 tracks")
    assert statuses[0].enabled and any(s.running for s in statuses)
    with Library.open(service.library_path) as library:
        assert library.stats().tracks == 300


async def test_disabled_auto_sync_does_nothing(service: TraktorService, demo: Demo) -> None:
    _configure(service, demo, enabled=False)
    counting = Counting(service)
    auto = AutoSyncService(counting.runner(), poll_seconds=0.05)
    await auto.start()
    auto.library_changed()
    await asyncio.sleep(0.3)
    await auto.stop()
    assert counting.imports == 0 and not auto.status.enabled


async def test_triggers_during_a_run_give_exactly_one_more_run(service: TraktorService, demo: Demo) -> None:
    _configure(service, demo, on_startup=False)
    counting = Counting(service)
    counting.gate = asyncio.Event()
    auto = AutoSyncService(counting.runner(), poll_seconds=60)
    await auto.start()
    auto.trigger("first")
    await counting.started.wait()
    for reason in ("second", "third", "fourth"):
        auto.trigger(reason)
    assert auto.status.pending
    counting.gate.set()
    await _until(lambda: counting.imports == 2 and not auto.status.running and not auto.status.pending)
    await auto.settled()
    await auto.stop()
    assert counting.imports == 2


def _edit_a_track(service: TraktorService, comment: str) -> None:
    with Library.open(service.library_path) as library:
        library.update_track(library.search_tracks(limit=1, sort="id").tracks[0].id, {"comment": comment})


async def test_library_changes_are_debounced(service: TraktorService, demo: Demo) -> None:
    _configure(service, demo, on_startup=False, debounce_ms=1000)
    counting = Counting(service)
    auto = AutoSyncService(counting.runner(), poll_seconds=60)
    await auto.run_once()  # the library holds the collection
    await auto.start()
    for number in range(5):
        _edit_a_track(service, f"edit {number}")
        auto.library_changed()
        await asyncio.sleep(0.1)
    assert counting.imports == 1  # still inside the debounce
    await _until(lambda: counting.imports == 2 and not auto.status.running and not auto.status.pending)
    await asyncio.sleep(0.3)
    await auto.stop()
    assert counting.imports == 2


async def test_a_library_change_already_exported_starts_no_run(service: TraktorService, demo: Demo) -> None:
    """An edit exported before its debounce ended (by the run of auto-sync being switched on, or an export by
    hand) asked for a run that found nothing to do and said "Sync complete" a second time."""
    # The export by hand must end within the debounce: 3 s leaves room on a machine busy with other test runs (a
    # CI run beside another one took over 1 s for it).
    _configure(service, demo, on_startup=False, debounce_ms=3000, direction="bidirectional")
    counting = Counting(service)
    exports: list[Operation] = []

    async def export() -> Operation:
        op = await service.export(ExportRequest(force=True))
        exports.append(op)
        return op

    runner = SyncRunner(counting.run_import, export, service.settings, service.library_path)
    auto = AutoSyncService(runner, poll_seconds=60)
    await auto.run_once()
    await auto.start()
    _edit_a_track(service, "exported by hand")
    auto.library_changed()
    edited_at = asyncio.get_running_loop().time()
    assert (await service.export(ExportRequest(force=True))).status == "succeeded"
    assert asyncio.get_running_loop().time() - edited_at < 3.0, "the export by hand ended after the debounce"
    await asyncio.sleep(3.8)  # the debounce ended
    assert counting.imports == 1 and exports == [] and not auto.status.pending and not auto.status.running
    _edit_a_track(service, "left for auto-sync")
    auto.library_changed()  # an edit still waiting: the run comes
    await _until(lambda: len(exports) == 1 and not auto.status.running)
    await auto.stop()
    assert counting.imports == 2 and exports[0].status == "succeeded"


async def test_an_error_is_shown_then_cleared_by_a_success(service: TraktorService, demo: Demo) -> None:
    _configure(service, demo, on_startup=False)
    good = demo.nml.read_bytes()
    demo.nml.write_bytes(b"not a collection")
    auto = AutoSyncService(Counting(service).runner(), poll_seconds=60)
    await auto.start()
    status = await auto.run_once()
    assert status.last_error is not None and status.message == "Auto-sync failed" and not status.running
    demo.nml.write_bytes(good)
    status = await auto.run_once()
    await auto.stop()
    assert status.last_error is None and status.last_sync_at is not None and status.phase == "complete"


async def test_traktor_saving_the_collection_triggers_an_import(service: TraktorService, demo: Demo) -> None:
    _configure(service, demo, on_startup=False)
    counting = Counting(service)
    auto = AutoSyncService(counting.runner(), poll_seconds=60)
    await auto.run_once()  # the library now knows this file
    await auto.start()
    await asyncio.sleep(0.5)  # the watcher is up
    demo.nml.write_bytes(demo.nml.read_bytes().replace(b'TITLE="', b'TITLE="Edited ', 1))
    await _until(lambda: counting.imports == 2 and not auto.status.running and auto.status.last_sync_at is not None)
    await auto.stop()
    assert "Updated 1 track" in auto.status.message


async def test_rewriting_the_same_bytes_is_not_a_change(service: TraktorService, demo: Demo, tmp_path: Path) -> None:
    _configure(service, demo, on_startup=False)
    counting = Counting(service)
    auto = AutoSyncService(counting.runner(), poll_seconds=60)
    await auto.run_once()
    await auto.start()
    await asyncio.sleep(0.5)
    demo.nml.write_bytes(demo.nml.read_bytes())  # touched, same content (as Harmony's own write would be)
    await asyncio.sleep(1.5)
    await auto.stop()
    assert counting.imports == 1


async def test_bidirectional_exports_only_what_is_pending(service: TraktorService, demo: Demo) -> None:
    _configure(service, demo, direction="bidirectional", on_startup=False, debounce_ms=1000)
    auto = AutoSyncService(service.auto_sync_runner(), poll_seconds=60)
    status = await auto.run_once()
    assert status.last_error is None, status.last_error
    assert "Export: nothing pending" in status.message
    assert [op.operation for op in service.history()] == ["import"]
    before = demo.nml.read_bytes()

    await auto.start()
    with Library.open(service.library_path) as library:
        track_id = library.search_tracks(limit=1).tracks[0].id
        library.update_track(track_id, {"comment": "auto-exported"})
    auto.library_changed()
    await _until(lambda: any(op.operation == "export" and op.finished for op in service.history()))
    await auto.settled()
    await auto.stop()
    assert auto.status.last_error is None, auto.status.last_error
    assert demo.nml.read_bytes() != before
    assert any(track.comment == "auto-exported" for track in nml.load(demo.nml).tracks)
    with Library.open(service.library_path) as library:
        assert not library.pending_export


async def test_edits_by_another_process_are_noticed_by_polling(service: TraktorService, demo: Demo) -> None:
    _configure(service, demo, direction="export", on_startup=False, debounce_ms=1000)
    await service.sync(ImportRequest())
    auto = AutoSyncService(service.auto_sync_runner(), poll_seconds=0.1)
    await auto.start()
    await asyncio.sleep(0.3)  # the poll has seen the current version
    with Library.open(service.library_path) as library:  # as `harmony library set` would, from outside
        library.update_track(library.search_tracks(limit=1).tracks[0].id, {"comment": "from the CLI"})
    await _until(lambda: any(op.operation == "export" and op.finished for op in service.history()))
    await auto.settled()
    await auto.stop()
    assert auto.status.last_error is None, auto.status.last_error


async def test_an_edit_made_right_after_start_up_is_exported(service: TraktorService, demo: Demo) -> None:
    # The poll's baseline is the version auto-sync saw when it started, not the one at its first poll: an edit
    # from another process in between must not become the baseline and stay unexported.
    _configure(service, demo, direction="export", on_startup=False, debounce_ms=1000)
    await service.sync(ImportRequest())
    auto = AutoSyncService(service.auto_sync_runner(), poll_seconds=0.3)
    await auto.start()
    with Library.open(service.library_path) as library:  # before the first poll
        library.update_track(library.search_tracks(limit=1).tracks[0].id, {"comment": "right after start-up"})
    await _until(lambda: any(op.operation == "export" and op.finished for op in service.history()))
    await auto.settled()
    await auto.stop()
    assert auto.status.last_error is None, auto.status.last_error
    assert any(track.comment == "right after start-up" for track in nml.load(demo.nml).tracks)
