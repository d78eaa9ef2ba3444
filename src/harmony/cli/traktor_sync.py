"""`harmony traktor sync` and `harmony traktor preview`: import from Traktor with a live progress bar.

Both run the import through :class:`~harmony.service.TraktorService` (the same code the web app uses) on a
worker pool of their own, draw its progress events, and print the summary (or, for a preview, the readable
diff). Ctrl-C cancels the operation, waits until nothing is left half-done, and exits with code 130.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeElapsedColumn

from harmony.cli.output import console, error_console, print_json
from harmony.errors import SyncError
from harmony.service import ImportOutcome, ImportRequest, Operation, OperationEvent, TraktorService
from harmony.workers import WorkerManager

__all__ = ["preview", "print_outcome", "run_operation", "sync"]

NmlOption = Annotated[
    Path | None,
    typer.Option(
        "--nml",
        dir_okay=False,
        help="The collection.nml (default: the configured one, else the newest Traktor's).",
    ),
]
StrategyOption = Annotated[
    str | None,
    typer.Option(
        "--strategy",
        help="How a field changed on both sides is settled: smart_merge, traktor_wins or harmony_wins "
        "(default: the configured one).",
    ),
]
CuesOption = Annotated[
    str | None,
    typer.Option(
        "--cues",
        help="How cue points are merged: smart_merge (cue by cue) or replace (Harmony's become Traktor's); "
        "default: the configured one.",
    ),
]
MapOption = Annotated[
    list[str] | None,
    typer.Option(
        "--map",
        help="NML_PREFIX=LOCAL_FOLDER, e.g. 'C:/Users/me/Music=/home/me/Music' (repeatable; added to the "
        "configured path_mappings).",
    ),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print the statistics as JSON.")]


def sync(
    ctx: typer.Context,
    nml_path: NmlOption = None,
    strategy: StrategyOption = None,
    cues: CuesOption = None,
    path_map: MapOption = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Plan the import and apply nothing.")] = False,
    as_json: JsonOption = False,
) -> None:
    """Import from Traktor: new tracks, changed fields, cue points, playlists and folders."""
    request = _request(nml_path, strategy, cues, path_map)
    outcome = _run(ctx, request, "import", quiet=as_json, dry_run=dry_run)
    if as_json:
        print_json(outcome.to_json())
        return
    if dry_run:
        console.print("[bold]Dry run[/]: nothing was changed. The import would do:")
    print_outcome(outcome)


def preview(
    ctx: typer.Context,
    nml_path: NmlOption = None,
    strategy: StrategyOption = None,
    cues: CuesOption = None,
    path_map: MapOption = None,
    as_json: JsonOption = False,
) -> None:
    """Show what an import would do, as a readable diff, and apply nothing."""
    request = _request(nml_path, strategy, cues, path_map)
    outcome = _run(ctx, request, "preview", quiet=as_json, dry_run=True)
    if as_json:
        print_json({**outcome.to_json(), "diff": outcome.report.lines()})
        return
    for line in outcome.report.lines()[:-1]:
        console.print(_styled(line), highlight=False)
    print_outcome(outcome)


def _request(nml_path: Path | None, strategy: str | None, cues: str | None, maps: list[str] | None) -> ImportRequest:
    return ImportRequest(
        nml_path=None if nml_path is None else str(nml_path),
        strategy=strategy,
        cue_strategy=cues,
        path_mappings=tuple(maps or ()),
    ).check()


def _run(ctx: typer.Context, request: ImportRequest, kind: str, *, quiet: bool, dry_run: bool) -> ImportOutcome:
    return run_operation((ctx.obj or {}).get("library"), request, kind, quiet=quiet, dry_run=dry_run)


def run_operation(
    library_path: Path | None, request: ImportRequest, kind: str, *, quiet: bool = False, dry_run: bool = False
) -> ImportOutcome:
    """Run an import (``kind="import"``) or a preview with a progress bar (none when ``quiet``) and return its
    outcome; a failure raises its error, and Ctrl-C, once the operation has stopped, exits with code 130."""
    op = asyncio.run(_operate(library_path, request, kind, quiet=quiet, dry_run=dry_run))
    if op.status == "cancelled":
        # The user's Ctrl-C, seen through: the operation has stopped and rolled back.
        error_console.print(f"Cancelled: {op.message}")
        raise typer.Exit(130)
    if op.status != "succeeded" or not isinstance(op.result, ImportOutcome):
        raise SyncError(op.error or f"The {kind} did not finish.")
    return op.result


async def _operate(
    library_path: Path | None, request: ImportRequest, kind: str, *, quiet: bool, dry_run: bool
) -> Operation:
    manager = WorkerManager()
    service = TraktorService(library_path, manager)
    try:
        with _ProgressBar(quiet) as bar:
            service.subscribe(bar.show)
            if kind == "preview":
                op = service.start_preview(request)
            else:
                op = service.start_import(request, dry_run=dry_run)
            try:
                return await service.wait(op.id)
            except asyncio.CancelledError:
                # Ctrl-C: stop the work and wait until the library is as it was; the caller reports it.
                service.cancel(op.id)
                return await service.wait(op.id)
    finally:
        await service.close()
        await manager.shutdown(timeout=5)


class _ProgressBar:
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

    def __enter__(self) -> _ProgressBar:
        self._progress.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self._progress.stop()

    def show(self, event: OperationEvent) -> None:
        self._progress.update(self._task, completed=event.percent, description=event.message, phase=event.phase)


def print_outcome(outcome: ImportOutcome) -> None:
    """The summary line, conflicts and missing files in a word, and the time per phase."""
    stats = outcome.stats
    console.print(f"[bold green]{outcome.summary()}[/]", highlight=False)
    if stats.conflicts:
        console.print(f"  {len(stats.conflicts)} conflicts settled (see `harmony traktor preview`)")
    if stats.missing_files:
        console.print(f"  {len(stats.missing_files)} tracks not imported: their files are missing on disk")
    for phase, seconds in stats.seconds_per_phase.items():
        console.print(f"  {phase}: {seconds:.2f} s", highlight=False)


_LINE_STYLES = {"+": "green", "~": "yellow", "!": "red", "?": "magenta", "-": "dim", "=": "cyan"}


def _styled(line: str) -> str:
    stripped = line.lstrip()
    if not line.startswith(" "):
        return f"[bold]{escape(line)}[/]"
    style = _LINE_STYLES.get(stripped[:1])
    return f"[{style}]{escape(line)}[/]" if style else escape(line)
