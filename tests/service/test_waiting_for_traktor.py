"""Auto-sync lives with Traktor: an export waits while a (stand-in) Traktor runs, says so, and goes out by itself
once Traktor has quit, whether Traktor saved its collection on quitting or not."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from harmony import nml
from harmony.library import Library
from harmony.nmlfile import running_traktor
from harmony.service import TraktorService
from harmony.service.autosync import AutoSyncService, SyncRunner

from .conftest import Demo
from .stand_in import StandIn, start_traktor

pytestmark = pytest.mark.timeout(180)


def _configure(service: TraktorService, demo: Demo) -> None:
    mappings = tuple(f"{volume}={folder}" for volume, folder in demo.generated.path_mappings.items())
    auto = {"enabled": True, "direction": "bidirectional", "on_startup": False, "debounce_ms": 1000}
    service.save_settings(service.settings().updated(nml_path=str(demo.nml), path_mappings=mappings, auto_sync=auto))


def _runner(service: TraktorService, traktor: StandIn) -> SyncRunner:
    """The service's runner, seeing only this test's Traktor (the machine is shared with other tests)."""
    runner = service.auto_sync_runner()
    runner.traktor_running = lambda: any(p.pid == traktor.pid for p in running_traktor())
    return runner


async def _until(condition: Callable[[], bool], timeout: float = 60.0) -> None:
    async with asyncio.timeout(timeout):
        while not condition():
            await asyncio.sleep(0.05)


def _traktor_edit(raw: bytes) -> bytes:
    """The collection with the last entry's title changed, as the DJ did in Traktor."""
    last = list(re.finditer(rb'<ENTRY [^>]*TITLE="', raw))[-1]
    return raw[: last.end()] + b"Traktor " + raw[last.end() :]


def _first_track(service: TraktorService) -> int:
    with Library.open(service.library_path) as library:
        return library.search_tracks(limit=1, sort="id").tracks[0].id


@pytest.mark.parametrize("saves_on_quit", [True, False], ids=["saves on quit", "quits without saving"])
async def test_an_export_waits_for_traktor_then_goes_out_by_itself(
    service: TraktorService, demo: Demo, tmp_path: Path, saves_on_quit: bool
) -> None:
    _configure(service, demo)
    assert (await service.sync()).status == "succeeded"
    in_traktor = tmp_path / "in-traktor.nml"
    in_traktor.write_bytes(_traktor_edit(demo.nml.read_bytes()))
    traktor = start_traktor(tmp_path, in_traktor if saves_on_quit else None, demo.nml)
    auto = AutoSyncService(_runner(service, traktor), poll_seconds=0.2, traktor_poll_seconds=0.1, settle_seconds=0.5)
    try:
        await auto.start()
        before = demo.nml.read_bytes()
        with Library.open(service.library_path) as library:
            library.update_track(_first_track(service), {"comment": "from Harmony"})
        auto.library_changed()

        await _until(lambda: auto.status.state == "waiting_for_traktor")
        assert auto.status.message.startswith("Waiting for Traktor to close — 1 track to export")
        assert auto.status.pending_tracks == 1 and auto.status.traktor_running and not auto.status.running
        await asyncio.sleep(0.5)  # still waiting, and the collection is untouched
        assert auto.status.state == "waiting_for_traktor"
        assert demo.nml.read_bytes() == before
        assert not any(op.operation == "export" for op in service.history())

        traktor.quit()  # no click: auto-sync notices, waits for the file to settle, imports, exports
        await _until(lambda: auto.status.state == "idle" and auto.status.last_sync_at is not None)
        await auto.settled()
    finally:
        await auto.stop()
        traktor.kill()
    assert auto.status.last_error is None, auto.status.last_error
    collection = nml.load(demo.nml)
    assert any(track.comment == "from Harmony" for track in collection.tracks)
    titles = [track.title or "" for track in collection.tracks]
    with Library.open(service.library_path) as library:
        assert not library.pending_export
        library_titles = {track.values.title for track in library.search_tracks(limit=500).tracks}
    if saves_on_quit:  # Traktor's change came in, and the file holds both sides' edits
        assert titles[-1].startswith("Traktor ")
        assert titles[-1] in library_titles
    else:
        assert not any(title.startswith("Traktor ") for title in titles)
    assert set(titles) <= library_titles | {""}


async def test_while_traktor_runs_the_status_says_waiting(service: TraktorService, demo: Demo, tmp_path: Path) -> None:
    """``TraktorService``'s status (what ``harmony traktor status`` prints) derives the same state."""
    from harmony.service.status import overall_state

    _configure(service, demo)
    assert (await service.sync()).status == "succeeded"
    with Library.open(service.library_path) as library:
        library.update_track(_first_track(service), {"comment": "held"})
        library.update_track(_first_track(service) + 1, {"comment": "held"})
        pending = library.pending_track_count()
    assert pending == 2
    state, message = overall_state(None, None, pending, True, True, None)
    assert (state, message) == ("waiting_for_traktor", "Waiting for Traktor to close — 2 tracks to export")
    assert overall_state(None, None, pending, True, False, None)[0] == "idle"


async def test_a_setting_saved_while_the_export_waits_keeps_it_waiting(
    service: TraktorService, demo: Demo, tmp_path: Path
) -> None:
    """Saving a setting restarts auto-sync, which stops its watch for Traktor: the held export must be taken up
    again, or, Traktor quitting without a save, it never went out (found in review)."""
    _configure(service, demo)
    assert (await service.sync()).status == "succeeded"
    traktor = start_traktor(tmp_path, None, demo.nml)  # quits without saving
    auto = AutoSyncService(_runner(service, traktor), poll_seconds=0.2, traktor_poll_seconds=0.1, settle_seconds=0.5)
    try:
        await auto.start()
        with Library.open(service.library_path) as library:
            library.update_track(_first_track(service), {"comment": "held, then saved"})
        auto.library_changed()
        await _until(lambda: auto.status.state == "waiting_for_traktor")

        service.save_settings(service.settings().updated(auto_sync={"debounce_ms": 2000}))  # as the page does
        await auto.stop()
        await auto.start(restarted=True)
        await _until(lambda: auto.status.state == "waiting_for_traktor")  # waiting again, not "idle"

        traktor.quit()
        await _until(lambda: auto.status.state == "idle" and auto.status.last_sync_at is not None)
        await auto.settled()
    finally:
        await auto.stop()
        traktor.kill()
    assert any(track.comment == "held, then saved" for track in nml.load(demo.nml).tracks)
