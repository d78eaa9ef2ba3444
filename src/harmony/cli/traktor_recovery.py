"""`harmony traktor check`, `status`, `backups` and `rebuild`: is the collection sound, where does the sync stand,
and how to get a good collection back."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape
from rich.table import Table

from harmony.cli.operation import run_operation
from harmony.cli.output import console, error_console, print_json
from harmony.cli.traktor_sync import NmlOption
from harmony.errors import SyncError

if TYPE_CHECKING:
    from harmony.service import CollectionHealth, Operation, TraktorService

__all__ = ["backups", "check", "rebuild", "status"]

JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON.")]


def _library(ctx: typer.Context) -> Path | None:
    return (ctx.obj or {}).get("library")


def _nml(nml_path: Path | None) -> str | None:
    return None if nml_path is None else str(nml_path)


def _count(value: int | None) -> str:
    return "?" if value is None else f"{value:,}"


def _print_health(health: CollectionHealth) -> None:
    colour = {"ok": "green", "damaged": "red", "missing": "yellow"}[health.status]
    console.print(f"[bold {colour}]{health.status}[/]: {escape(health.reason)}", highlight=False)
    console.print(
        f"  now: {_count(health.tracks)} tracks, {_count(health.playlists)} playlists; "
        f"last seen by Harmony: {_count(health.last_known_tracks)} tracks, "
        f"{_count(health.last_known_playlists)} playlists",
        highlight=False,
    )


def check(
    ctx: typer.Context,
    nml_path: NmlOption = None,
    accept: Annotated[
        bool,
        typer.Option("--accept", help="The collection is as you want it (you removed those tracks): trust its counts."),
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Check that the collection loads and that its counts are plausible against the last ones Harmony saw.

    Exit code 0 when it is ok, 1 when it is damaged or missing."""
    from harmony.service import TraktorService  # here: `harmony traktor --help` loads no service

    service = TraktorService(_library(ctx))
    health = service.recovery.accept(_nml(nml_path)) if accept else service.recovery.health(_nml(nml_path))
    if as_json:
        print_json(health.to_json())
    else:
        _print_health(health)
        if health.status == "damaged":
            error_console.print(
                "The way out: `harmony traktor backups` lists the copies, `harmony traktor restore BACKUP` puts one "
                "back, `harmony traktor rebuild OUT.nml` writes a new collection from the library; "
                "`harmony traktor check --accept` if the new counts are what you meant.",
                highlight=False,
            )
    if not health.ok:
        raise typer.Exit(1)


def status(ctx: typer.Context, nml_path: NmlOption = None, as_json: JsonOption = False) -> None:
    """Where the sync stands: the collection's health, edits waiting to be exported, whether Traktor runs."""
    # Imported here: `harmony traktor --help` loads no service and no database.
    from harmony.library import Library
    from harmony.service import CollectionHealth, TraktorService, running_traktor, status_json

    service = TraktorService(_library(ctx))
    try:
        path: str | None = str(service.nml_path(_nml(nml_path)))
        health: CollectionHealth | None = service.recovery.health(_nml(nml_path))
    except SyncError as error:
        path, health = None, CollectionHealth("missing", str(error))
    auto = service.settings().auto_sync
    with Library.open(service.library_path) as library:
        data = status_json(library, path, health, running_traktor(), None, None)
    data["auto_sync"] = {"enabled": auto.enabled, "direction": auto.direction, "state": None}
    if as_json:
        print_json(data)
        return
    table = Table(show_header=False, box=None)
    table.add_row("Status", f"[bold]{escape(data['status'])}[/]: {escape(data['message'])}")
    table.add_row("Collection", escape(str(path)))
    table.add_row("Health", escape(f"{health.status}: {health.reason}") if health else "?")
    if data["collection_changed"]:
        how = "restored from a backup" if data["collection_restored"] else "saved again"
        table.add_row("Since the last sync", f"{how} at {data['collection_saved_at'][:19].replace('T', ' ')} UTC")
    table.add_row("Waiting to export", f"{data['pending_tracks']:,} tracks" if data["pending_export"] else "nothing")
    processes = ", ".join(f"{p['name']} (pid {p['pid']})" for p in data["traktor_processes"])
    table.add_row("Traktor", f"running: {escape(processes)}" if processes else "not running")
    table.add_row("Auto-sync", f"{'on' if auto.enabled else 'off'} ({auto.direction})")
    table.add_row("Running here", "nothing (this command does not see other processes' work)")
    console.print(table)


def backups(ctx: typer.Context, nml_path: NmlOption = None, as_json: JsonOption = False) -> None:
    """List every copy of the collection that can be restored, newest first: Harmony's backups and Traktor's."""
    from harmony.service import TraktorService  # here: `harmony traktor --help` loads no service

    service = TraktorService(_library(ctx))
    found = service.backups(_nml(nml_path))
    if as_json:
        print_json([copy.to_json() for copy in found])
        return
    if not found:
        console.print("No backups yet.")
        return
    table = Table("Made (UTC)", "From", "Size", "Tracks", "Playlists", "Compared with now", "File")
    for copy in found:
        table.add_row(
            copy.created_at.strftime("%Y-%m-%d %H:%M:%S"),
            copy.source.capitalize(),
            f"{copy.size:,}",
            _count(copy.tracks),
            _count(copy.playlists),
            escape(copy.differs),
            escape(str(copy.path)),
        )
    console.print(table)


def rebuild(
    ctx: typer.Context,
    out: Annotated[Path, typer.Argument(help="Where to write the new collection.nml.", dir_okay=False)],
    replace: Annotated[
        bool, typer.Option("--replace", help="Write over an existing file (it is backed up first).")
    ] = False,
    force: Annotated[bool, typer.Option("--force", help="Write even while Traktor is running (risky).")] = False,
    as_json: JsonOption = False,
) -> None:
    """Write a complete, valid collection.nml from the library: every track with its cues, every playlist and folder.

    Traktor's analysis data that Harmony does not keep is not in it; Traktor analyses the tracks again."""
    from harmony.service import REBUILD_LOSES, RebuildResult  # here: `harmony traktor --help` loads no service

    def start(service: TraktorService) -> Operation:
        return service.recovery.start_rebuild(str(out.expanduser().absolute()), replace=replace, force=force)

    result = run_operation(_library(ctx), start, quiet=as_json)
    assert isinstance(result, RebuildResult)
    if as_json:
        print_json(result.to_json())
        return
    for warning in result.warnings:
        error_console.print(f"[yellow]Warning:[/] {escape(warning)}")
    console.print(f"[bold green]{escape(result.summary())}[/]", highlight=False)
    if result.backup_path:
        console.print(f"  the file it replaced was backed up to {escape(result.backup_path)}", highlight=False)
    if result.skipped:
        console.print(f"  left out: {len(result.skipped):,} (first: {escape(result.skipped[0])})", highlight=False)
    console.print(escape(REBUILD_LOSES), style="dim", highlight=False)
