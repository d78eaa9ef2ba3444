"""`harmony traktor export` and `restore`: write the library (or a backup) into collection.nml, safely."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape

from harmony.cli.operation import run_operation
from harmony.cli.output import console, error_console, print_json
from harmony.cli.traktor_sync import NmlOption, StrategyOption

if TYPE_CHECKING:
    from harmony.service import Operation, TraktorService

__all__ = ["export", "restore"]


def _library(ctx: typer.Context) -> Path | None:
    return (ctx.obj or {}).get("library")


def export(
    ctx: typer.Context,
    nml_path: NmlOption = None,
    path_map: Annotated[
        list[str] | None,
        typer.Option("--map", help="NML_PREFIX=LOCAL_FOLDER, as for the import (applied in reverse; repeatable)."),
    ] = None,
    strategy: StrategyOption = None,
    no_backup: Annotated[bool, typer.Option("--no-backup", help="Do not back the file up first.")] = False,
    force: Annotated[bool, typer.Option("--force", help="Write even while Traktor is running (risky).")] = False,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Show what would change in the NML, entry by entry; write nothing.")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the statistics as JSON.")] = False,
) -> None:
    """Export the library to Traktor: changed fields and cues, new tracks, playlists and folders."""
    from harmony.service import ExportOutcome, ExportRequest  # here: `harmony traktor --help` loads no service

    request = ExportRequest(
        nml_path=None if nml_path is None else str(nml_path),
        strategy=strategy,
        path_mappings=tuple(path_map or ()),
        backup=False if no_backup else None,
        force=force,
        dry_run=dry_run,
    ).check()

    def start(service: TraktorService) -> Operation:
        return service.start_export(request)

    outcome = run_operation(_library(ctx), start, quiet=as_json)
    assert isinstance(outcome, ExportOutcome)
    if as_json:
        data = outcome.to_json()
        if dry_run:
            data["diff"] = outcome.report.lines(would=True)
        print_json(data)
        return
    for warning in outcome.warnings:
        error_console.print(f"[yellow]Warning:[/] {escape(warning)}")
    if dry_run:
        console.print("[bold]Dry run[/]: nothing was written. The export would change:")
        for line in outcome.report.lines(would=True):
            console.print(escape(line), highlight=False)
        return
    console.print(f"[bold green]{escape(outcome.summary())}[/]", highlight=False)
    if outcome.backup_path:
        console.print(f"  backup: {escape(outcome.backup_path)}", highlight=False)
    for phase, seconds in outcome.seconds_per_phase.items():
        console.print(f"  {phase}: {seconds:.2f} s", highlight=False)


def restore(
    ctx: typer.Context,
    backup: Annotated[Path, typer.Argument(help="The backup to put back (see `harmony traktor backups`).")],
    nml_path: NmlOption = None,
    force: Annotated[bool, typer.Option("--force", help="Restore even while Traktor is running (risky).")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Put a backup back in place of the collection (the current file is backed up first)."""
    from harmony.service import TraktorService  # here: `harmony traktor --help` loads no service

    service = TraktorService(_library(ctx))
    result = service.restore(str(backup), None if nml_path is None else str(nml_path), force=force)
    if as_json:
        print_json(result)
        return
    console.print(
        f"Restored {escape(str(backup))} to {escape(result['nml_path'])} "
        f"({result['tracks']:,} tracks, {result['playlists']:,} playlists).",
        highlight=False,
    )
    if result.get("backup_path"):
        console.print(f"  the file it replaced was backed up to {escape(result['backup_path'])}", highlight=False)
