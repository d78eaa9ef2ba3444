"""`harmony traktor auto` (one auto-sync now) and `harmony traktor watch` (stay running, sync on triggers)."""

from __future__ import annotations

import asyncio
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape

from harmony.cli.output import console, error_console
from harmony.errors import SyncError

if TYPE_CHECKING:
    from harmony.service import AutoSyncStatus, OperationEvent

__all__ = ["auto", "watch"]

DirectionOption = Annotated[
    str | None,
    typer.Option("--direction", help="import, export or bidirectional (default: the configured direction)."),
]


def _check_direction(direction: str | None) -> None:
    if direction is not None and direction not in ("import", "export", "bidirectional"):
        raise SyncError(f"Unknown direction {direction!r}; choose import, export or bidirectional.")


def auto(ctx: typer.Context, direction: DirectionOption = None) -> None:
    """Run one auto-sync now: import, export what is pending, or both."""
    _check_direction(direction)
    status = asyncio.run(_auto_once((ctx.obj or {}).get("library"), direction))
    if status.last_error is not None and status.phase is None:
        raise SyncError(status.last_error)
    console.print(escape(status.message), highlight=False)


async def _auto_once(library_path: Path | None, direction: str | None) -> AutoSyncStatus:
    # Imported here, as in _watch: `harmony traktor --help` builds these commands and must not load the service.
    from harmony.service import AutoSyncService, TraktorService, WorkerManager

    manager = WorkerManager()
    service = TraktorService(library_path, manager)
    try:
        return await AutoSyncService(service.auto_sync_runner()).run_once(direction)
    finally:
        await service.close()
        await manager.shutdown(timeout=5)


def watch(ctx: typer.Context, direction: DirectionOption = None) -> None:
    """Stay running and sync on start-up, library edits and Traktor saving the collection (Ctrl-C stops)."""
    _check_direction(direction)
    asyncio.run(_watch((ctx.obj or {}).get("library"), direction))


async def _watch(library_path: Path | None, direction: str | None) -> None:
    from harmony.service import AutoSyncService, TraktorService, WorkerManager  # here: see _auto_once

    manager = WorkerManager()
    service = TraktorService(library_path, manager)
    service.subscribe(_print_finished)
    auto_sync = AutoSyncService(service.auto_sync_runner(), direction=direction, always_on=True)
    auto_sync.subscribe(_StateLine())
    await auto_sync.start()
    console.print("Watching for changes (Ctrl-C stops).")
    try:
        await asyncio.Event().wait()
    finally:
        await auto_sync.stop()
        await service.close()
        await manager.shutdown(timeout=5)


class _StateLine:
    """One line when auto-sync starts waiting for Traktor or pauses on a damaged collection (not on every
    status change)."""

    def __init__(self) -> None:
        self.state: str | None = None

    def __call__(self, status: AutoSyncStatus) -> None:
        if status.state == self.state:
            return
        self.state = status.state
        if status.state in ("waiting_for_traktor", "damaged"):
            when = datetime.now().strftime("%H:%M:%S")
            line = f"{when} {status.message}"
            (error_console if status.state == "damaged" else console).print(escape(line), highlight=False)


def _print_finished(event: OperationEvent) -> None:
    """One line per finished operation: time, operation, outcome, summary or error."""
    if event.status not in ("succeeded", "failed", "cancelled"):
        return
    when = datetime.now().strftime("%H:%M:%S")
    text = event.error if event.error else event.message
    line = f"{when} {event.operation} {event.status}: {text}"
    (error_console if event.status == "failed" else console).print(escape(line), highlight=False)
