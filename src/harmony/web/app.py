"""``create_app``: the FastAPI application over one library and one :class:`~harmony.service.TraktorService`.

Start-up opens the library (creating or upgrading it) on a thread, subscribes the event hub to the service and
starts auto-sync (which syncs at once when its settings say so). Shutdown ends the event streams, cancels
running operations, waits for them to stop (nothing is left half-written) and stops the worker pools.
"""

from __future__ import annotations

import asyncio
import gc
import logging
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import Depends, FastAPI

import harmony
from harmony.library import Library, is_read_only
from harmony.service import FINISHED, AutoSyncService, MediaService, OperationEvent, TraktorService, WorkerManager
from harmony.web import (
    api_edit_playlists,
    api_edit_tracks,
    api_library,
    api_missing,
    api_operations,
    api_recovery,
    api_traktor,
    audio,
    files,
    pages,
)
from harmony.web.errors import install_error_handlers
from harmony.web.events import AUTO_SYNC_EVENT, EventHub
from harmony.web.library_events import LibraryWatcher
from harmony.web.limits import BodyLimitMiddleware
from harmony.web.query_once import query_given_once
from harmony.web.security import Guard, SecurityMiddleware
from harmony.web.state import WebState
from harmony.web.static_files import CheckedStaticFiles

__all__ = ["DEFAULT_HOST", "DEFAULT_PORT", "create_app"]

log = logging.getLogger(__name__)

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8765
STATIC = Path(__file__).with_name("static")


def create_app(
    library_path: Path | str | None = None,
    manager: WorkerManager | None = None,
    *,
    host: str = DEFAULT_HOST,
    port: int = DEFAULT_PORT,
    extra_hosts: Iterable[str] = (),
    browse_root: Path | None = None,
    spool_dir: str | None = None,
    auto_sync: bool = True,
    freeze_gc: bool = True,
    cache_dir: Path | None = None,
) -> FastAPI:
    """The web app for the library at ``library_path`` (default: the per-user library).

    ``host`` and ``port`` are the address the server is bound to: requests for any other ``Host`` are refused.
    ``manager`` runs the work (default: the process's :class:`WorkerManager`); the app shuts it down when it
    stops. ``browse_root`` limits the folder browser (default: the home folder). ``freeze_gc`` moves the objects
    of start-up, and those each operation brings in, out of the garbage collector's reach, which keeps its
    pauses of the event loop short. ``cache_dir`` holds the player's converted audio and waveforms and the
    backups' counts (default: the user's cache folder).
    """
    service = TraktorService(library_path, manager, spool_dir=spool_dir, cache_dir=cache_dir)
    guard = Guard.for_address(host, port, extra_hosts)
    state = WebState(
        service=service,
        hub=EventHub(service),
        guard=guard,
        browse_root=(browse_root or Path.home()).resolve(),
    )
    state.media = MediaService(state.read, service.manager, cache_dir, budget=service.job_budget)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # A library on a read-only disk is still shown (and previews work); changes answer with its error.
        read_only = is_read_only(service.library_path)
        state.library = await asyncio.to_thread(Library.open, service.library_path, read_only=read_only)
        state.hub.start()
        state.watcher = LibraryWatcher(lambda: state.library, state.hub)
        state.watcher.start()
        if auto_sync:
            await _start_auto_sync(state)
        if freeze_gc:
            gc.collect()
            gc.freeze()
            stop_freezing = service.subscribe(_GcFreezer())
        log.info("Harmony web app ready on http://%s:%d (library %s)", host, port, service.library_path)
        try:
            yield
        finally:
            if freeze_gc:
                stop_freezing()
            await _shutdown(state)
            if freeze_gc:
                gc.unfreeze()  # only an app that froze gives back (another part of the process may have frozen)

    app = FastAPI(
        title="Harmony",
        version=harmony.__version__,
        description="The DJ library kept in sync with Traktor: library, Traktor settings, background operations.",
        lifespan=lifespan,
        dependencies=[Depends(query_given_once)],
    )
    app.state.web = state
    install_error_handlers(app)
    app.add_middleware(BodyLimitMiddleware)  # inside the security check: a foreign request is refused first
    app.add_middleware(SecurityMiddleware, guard=guard)
    app.include_router(api_library.router)
    app.include_router(api_missing.router)
    app.include_router(api_edit_tracks.router)
    app.include_router(api_edit_playlists.router)
    app.include_router(audio.router)
    app.include_router(api_traktor.router)
    app.include_router(api_operations.router)
    app.include_router(api_recovery.router)
    app.include_router(files.router)
    app.include_router(pages.router)
    app.mount("/static", CheckedStaticFiles(directory=STATIC), name="static")
    return app


class _GcFreezer:
    """Freeze the garbage collector's view whenever an operation enters a new phase.

    A full collection walks every tracked object and stops every thread, the event loop included. An operation
    brings big, long-lived object graphs into this process (an import's report lists every new track, and the
    history keeps it); walked by every full collection they turned into pauses of up to 290 ms at 100,000
    tracks (docs/web.md). Freezing is
    cheap (it moves the current objects to a permanent generation) and they are still freed by reference
    counting when the operation lets go of them."""

    def __init__(self) -> None:
        self._phases: dict[str, str] = {}

    def __call__(self, event: OperationEvent) -> None:
        if event.status in FINISHED:
            self._phases.pop(event.operation_id, None)
            gc.freeze()
        elif self._phases.get(event.operation_id) != event.phase:
            self._phases[event.operation_id] = event.phase
            gc.freeze()


async def _start_auto_sync(state: WebState) -> None:
    """Run auto-sync in the app: its status goes to the pages as ``event: auto_sync``."""
    auto_sync = AutoSyncService(state.service.auto_sync_runner())
    state.auto_sync = auto_sync
    state.hub.add_source(auto_sync.subscribe, AUTO_SYNC_EVENT, lambda: auto_sync.status)
    await auto_sync.start()


async def _shutdown(state: WebState) -> None:
    """End the streams, cancel and await running work, stop the pools, close the library."""
    log.info("Harmony web app stopping")
    if state.watcher is not None:
        await state.watcher.stop()
    state.hub.close()
    # Cancel first: stopping auto-sync (or restarting it after a settings change) waits for a sync under way.
    for op in state.service.log.active():
        state.service.cancel(op.id)
    if state.restarting is not None:
        await asyncio.gather(state.restarting, return_exceptions=True)
    if state.auto_sync is not None:
        await state.auto_sync.stop()
    await state.service.close()
    await state.service.manager.shutdown(timeout=10)
    if state.library is not None:
        await asyncio.to_thread(state.library.close)
