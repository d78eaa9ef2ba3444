"""Auto-sync's life cycle around a collection that is not there yet, and the event loop kept free of the
settings read (they live in the library file)."""

from __future__ import annotations

import asyncio
import shutil
import threading
from pathlib import Path

import pytest

from harmony.library import TraktorSettings
from harmony.service import Operation, TraktorService
from harmony.service import autosync as autosync_module
from harmony.service.autosync import AutoSyncService, SyncRunner

from .conftest import Demo
from .test_autosync import _configure, _until


class Imports:
    """A runner whose imports only count (the real import is tested elsewhere); ``settings`` notes the reads
    made on the event loop's thread."""

    def __init__(self, service: TraktorService) -> None:
        self.service = service
        self.imports = 0
        self.loop_thread = threading.get_ident()
        self.settings_reads = 0
        self.read_on_loop = 0

    async def run_import(self) -> Operation:
        self.imports += 1
        return Operation(id=str(self.imports), operation="import", nml_path="", status="succeeded")

    async def run_export(self) -> Operation:
        raise AssertionError("no export in these tests")

    def settings(self) -> TraktorSettings:
        self.settings_reads += 1
        self.read_on_loop += threading.get_ident() == self.loop_thread
        return self.service.settings()

    def runner(self) -> SyncRunner:
        return SyncRunner(self.run_import, self.run_export, self.settings, self.service.library_path)


def _point_at(service: TraktorService, nml: Path) -> None:
    settings = service.settings()
    service.save_settings(settings.updated(nml_path=str(nml)))


async def test_stop_is_quiet_when_the_collection_folder_is_missing(
    service: TraktorService, demo: Demo, tmp_path: Path
) -> None:
    _configure(service, demo, on_startup=False)
    _point_at(service, tmp_path / "unplugged drive" / "collection.nml")
    auto = AutoSyncService(Imports(service).runner(), poll_seconds=60)
    await auto.start()
    await asyncio.sleep(0.3)  # long enough for a watcher on the missing folder to have failed
    await auto.stop()  # raised watchfiles' FileNotFoundError before
    assert auto.status.enabled and auto.status.state == "idle"


async def test_the_watch_begins_once_the_folder_appears(
    service: TraktorService, demo: Demo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(autosync_module, "FOLDER_POLL_SECONDS", 0.05)
    _configure(service, demo, on_startup=False)
    folder = tmp_path / "drive plugged in later"
    _point_at(service, folder / "collection.nml")
    counting = Imports(service)
    auto = AutoSyncService(counting.runner(), poll_seconds=60)
    await auto.start()
    await asyncio.sleep(0.2)
    assert counting.imports == 0
    folder.mkdir()
    try:
        async with asyncio.timeout(20):
            while counting.imports == 0:  # Traktor saving into the folder, until the watch has seen a save
                shutil.copyfile(demo.nml, folder / "collection.nml")
                await asyncio.sleep(0.3)
        await auto.settled()
    finally:
        await auto.stop()
    assert counting.imports >= 1


async def test_settings_are_read_off_the_event_loop(service: TraktorService, demo: Demo) -> None:
    # "On library change" off: each edit still reads the settings to find that out, and that read (a query of
    # the library file) must not hold up the pages served by the loop.
    _configure(service, demo, on_startup=False, on_library_change=False)
    imports = Imports(service)
    auto = AutoSyncService(imports.runner(), poll_seconds=60)
    await auto.start()
    reads = imports.settings_reads
    for _ in range(3):
        auto.library_changed()
    await _until(lambda: imports.settings_reads > reads)
    await auto.run_once()
    await auto.stop()
    assert imports.imports == 1 and imports.settings_reads >= 3
    assert imports.read_on_loop == 0


async def test_a_restart_for_saved_settings_syncs_only_when_switched_on_or_moved(
    service: TraktorService, demo: Demo, tmp_path: Path
) -> None:
    """With "on start-up", a start syncs once. A restart because the DJ saved a setting syncs only when it was
    just switched on or follows another collection: changing the direction used to start a sync unasked."""
    _configure(service, demo, on_startup=True)
    imports = Imports(service)
    auto = AutoSyncService(imports.runner(), poll_seconds=60)
    messages: list[str] = []
    auto.subscribe(lambda status: messages.append(status.message))

    async def saved(**changes: object) -> None:
        service.save_settings(service.settings().updated(**changes))  # auto_sync: a dict of its own changes
        await auto.stop()
        await auto.start(restarted=True)
        await auto.settled()

    await auto.start()
    try:
        await auto.settled()
        assert imports.imports == 1 and "Starting auto-sync (startup)..." in messages

        await saved(auto_sync={"direction": "bidirectional"})
        await saved(auto_sync={"direction": "import", "debounce_ms": 5000})
        assert imports.imports == 1

        await saved(auto_sync={"enabled": False})
        assert imports.imports == 1 and auto.status.state == "off"
        await saved(auto_sync={"enabled": True})
        assert imports.imports == 2 and "Starting auto-sync (switched on)..." in messages

        moved = tmp_path / "elsewhere" / "collection.nml"
        moved.parent.mkdir()
        shutil.copyfile(demo.nml, moved)
        await saved(nml_path=str(moved))
        assert imports.imports == 3 and "Starting auto-sync (another collection)..." in messages
    finally:
        await auto.stop()
