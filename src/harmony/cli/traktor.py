"""`harmony traktor …`: commands that read or write Traktor's collection.nml."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from harmony.cli.groups import group_help
from harmony.cli.output import console, print_json, texts
from harmony.cli.traktor_auto import auto, watch
from harmony.cli.traktor_config import config_app
from harmony.cli.traktor_export import export, restore
from harmony.cli.traktor_recovery import backups, check, rebuild, status
from harmony.cli.traktor_sync import NmlOption, preview, sync

app = typer.Typer(help=group_help("traktor"), no_args_is_help=True)
app.add_typer(config_app, name="config")
for command in (sync, preview, export, backups, restore, rebuild, check, status, auto, watch):
    app.command()(command)


@app.command()
def info(
    ctx: typer.Context,
    path: Annotated[
        Path | None,
        typer.Argument(help="The collection.nml to describe (default: the configured one, else the newest Traktor's)."),
    ] = None,
    nml_path: NmlOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
) -> None:
    """Show what a collection holds: version, tracks, playlists, folders, smart lists and cue points by type.
    The collection is given as an argument, or with --nml as the other commands take it."""
    from harmony.service import TraktorService

    if path is not None and nml_path is not None and path.resolve() != nml_path.resolve():
        raise typer.BadParameter("give the collection once: as an argument or with --nml", param_hint="--nml")
    path, summary = TraktorService((ctx.obj or {}).get("library")).describe_collection(path or nml_path)
    if as_json:
        print_json({"path": str(path), **summary.to_json()})
        return
    table = Table(show_header=False)
    table.add_row(*texts("Collection", str(path)))
    table.add_row("NML version", str(summary.version if summary.version is not None else "unknown"))
    table.add_row("Tracks", f"{summary.tracks:,}")
    table.add_row("Playlists", f"{summary.playlists:,}")
    table.add_row("Folders", f"{summary.folders:,}")
    table.add_row("Smart lists", f"{summary.smart_lists:,}")
    for name, count in summary.cue_points.items():
        label = "Cue points" if name == "total" else f"  {name.replace('_', '-')}"
        table.add_row(label, f"{count:,}")
    console.print(table)
