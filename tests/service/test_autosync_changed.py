"""Auto-sync when Traktor saves the collection during its own export: one more run, not an error."""

from __future__ import annotations

import asyncio

from harmony.library import Library
from harmony.service import ExportRequest, ImportRequest, Operation, TraktorService
from harmony.service.autosync import MAX_CHANGED_RUNS, AutoSyncService, AutoSyncStatus, SyncRunner

from .conftest import Demo
from .test_autosync import _configure, _until


class ChangedOnce:
    """An export whose first ``changes`` runs find the collection saved meanwhile (as the export job reports
    it: failed, error code ``collection_changed``); later ones export for real."""

    def __init__(self, service: TraktorService, changes: int) -> None:
        self.service = service
        self.changes = changes
        self.exports = 0

    async def run_import(self) -> Operation:
        return await self.service.sync(ImportRequest())

    async def run_export(self) -> Operation:
        self.exports += 1
        if self.exports <= self.changes:
            return Operation(
                id=f"x{self.exports}",
                operation="export",
                nml_path="",
                status="failed",
                error="collection.nml changed since it was read (Traktor saved it?)",
                error_code="collection_changed",
            )
        return await self.service.export(ExportRequest())

    def runner(self) -> SyncRunner:
        return SyncRunner(self.run_import, self.run_export, self.service.settings, self.service.library_path)


async def _edited(service: TraktorService, demo: Demo) -> None:
    _configure(service, demo, direction="export", on_startup=False)
    await service.sync(ImportRequest())
    with Library.open(service.library_path) as library:
        library.update_track(library.search_tracks(limit=1).tracks[0].id, {"comment": "edited"})


async def test_a_save_during_the_export_leads_to_one_more_run(service: TraktorService, demo: Demo) -> None:
    await _edited(service, demo)
    runner = ChangedOnce(service, changes=1)
    auto = AutoSyncService(runner.runner(), poll_seconds=0.2)
    statuses: list[AutoSyncStatus] = []
    auto.subscribe(statuses.append)
    await auto.start()
    auto.trigger("test")
    await _until(lambda: runner.exports == 2 and not auto.status.running and not auto.status.pending)
    await auto.settled()
    await auto.stop()
    assert [s for s in statuses if s.state == "error" or s.last_error] == []
    assert any("syncing again" in s.message for s in statuses)
    assert auto.status.state == "idle" and auto.status.message.startswith("Export:")


async def test_a_collection_that_never_settles_is_an_error_at_last(service: TraktorService, demo: Demo) -> None:
    await _edited(service, demo)
    runner = ChangedOnce(service, changes=100)
    auto = AutoSyncService(runner.runner(), poll_seconds=0.2)
    await auto.start()
    auto.trigger("test")
    await _until(lambda: auto.status.state == "error")
    await asyncio.sleep(0.3)
    await auto.stop()
    assert runner.exports == MAX_CHANGED_RUNS + 1
    assert "changed since it was read" in (auto.status.last_error or "")
