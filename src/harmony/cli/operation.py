"""Running one service operation from the command line: a progress bar, Ctrl-C, and the outcome or the error.

The CLI starts the operation on a :class:`~harmony.service.TraktorService` with worker pools of its own, draws
its progress events as a rich progress bar (on stderr, so ``--json`` output stays clean), and on Ctrl-C cancels
it, waits until nothing is left half-done, and exits with code 130.

The service is imported when an operation runs, not with this module: the commands that use it are built by
``harmony traktor --help``, which must start without the service (SQLAlchemy, the NML parser, the worker pools).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer
from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeElapsedColumn

from harmony.cli.output import error_console
from harmony.errors import SyncError

if TYPE_CHECKING:
    from harmony.service import Operation, OperationEvent, TraktorService

__all__ = ["ProgressBar", "run_operation"]


def run_operation(
    library_path: Path | None, start: Callable[[TraktorService], Operation], *, quiet: bool = False
) -> Any:
    """Start an operation with ``start(service)``, follow it, and return its result.

    A failure raises its error (one line, its exit code, via the CLI's error handler); Ctrl-C, once the
    operation has stopped, exits with code 130."""
    op = asyncio.run(_follow(library_path, start, quiet))
    if op.status == "cancelled":
        error_console.print(f"Cancelled: {op.message}", markup=False)
        raise typer.Exit(130)
    if op.status != "succeeded":
        if op.failure is not None:  # the error itself, so its exit code (a damaged library: 4) reaches the shell
            raise op.failure
        raise SyncError(op.error or f"The {op.operation} did not finish.")
    return op.result


async def _follow(library_path: Path | None, start: Callable[[TraktorService], Operation], quiet: bool) -> Operation:
    from harmony.service import TraktorService, WorkerManager  # here: `harmony traktor --help` loads no service

    manager = WorkerManager()
    service = TraktorService(library_path, manager)
    try:
        with ProgressBar(quiet) as bar:
            service.subscribe(bar.show)
            op = start(service)
            try:
                return await service.wait(op.id)
            except asyncio.CancelledError:
                # Ctrl-C: stop the work and wait until nothing is half-done; the caller reports it.
                service.cancel(op.id)
                return await service.wait(op.id)
    finally:
        await service.close()
        await manager.shutdown(timeout=5)


class ProgressBar:
    """A rich progress bar fed by operation events: the phase, the message and the percentage."""

    def __init__(self, quiet: bool) -> None:
        self._progress = Progress(
            TextColumn("[bold blue]{task.fields[phase]:<10}"),
            BarColumn(),
            TaskProgressColumn(),
            TextColumn("{task.description}"),
            TimeElapsedColumn(),
            console=error_console,
            transient=True,
            disable=quiet,
        )
        self._task = self._progress.add_task("Starting…", total=100, phase="")

    def __enter__(self) -> ProgressBar:
        self._progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._progress.stop()

    def show(self, event: OperationEvent) -> None:
        self._progress.update(self._task, completed=event.percent, description=event.message, phase=event.phase)
