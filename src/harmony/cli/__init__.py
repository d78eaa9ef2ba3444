"""The ``harmony`` command. Thin: it parses options, calls the layers below and prints.

Each group of commands lives in its own module, named in :mod:`harmony.cli.groups` and imported only when the
command line reaches it; the commands here import what they need when they run. So ``harmony --help`` starts
at once, and a command loads only its own dependencies.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from harmony.cli.groups import LazyGroups
from harmony.cli.output import console, error_console
from harmony.cli.stats import stats
from harmony.cli.undo import redo, undo
from harmony.errors import HarmonyError

__all__ = ["app", "main"]

app = typer.Typer(
    name="harmony",
    help="Harmony keeps a DJ's music library in two-way sync with Traktor's collection.nml.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    cls=LazyGroups,
)
app.command("undo")(undo)
app.command("redo")(redo)
app.command("stats")(stats)


@app.callback()
def _global_options(
    ctx: typer.Context,
    library_path: Annotated[
        Path | None,
        typer.Option(
            "--library",
            help="The Harmony library file to use (default: the per-user library.db).",
            dir_okay=False,
        ),
    ] = None,
) -> None:
    ctx.obj = {"library": library_path}


@app.command()
def demo(
    ctx: typer.Context,
    tracks: Annotated[int, typer.Option("--tracks", min=1, help="How many tracks the demo collection has.")] = 10_000,
    folder: Annotated[
        Path | None, typer.Option("--folder", file_okay=False, help="Where to put the demo (default: cache).")
    ] = None,
) -> None:
    """Import a generated Traktor collection (with placeholder audio files) into the library: no Traktor needed."""
    from harmony.cli.traktor_sync import print_outcome, print_remembered, run_import
    from harmony.devtools import prepare_demo
    from harmony.library import Library, default_library_path
    from harmony.service import ImportRequest, remember_collection

    with console.status(f"Generating a {tracks:,}-track Traktor collection with its audio files…"):
        prepared = prepare_demo(tracks=tracks, folder=folder)
    summary = prepared.summary
    console.print(
        f"Demo collection: [bold]{escape(str(prepared.generated.path))}[/] ({prepared.generated.size_bytes:,} bytes)"
    )
    console.print(
        f"  {summary.tracks:,} tracks, {summary.cue_points['total']:,} cue points, "
        f"{summary.playlists:,} playlists, {summary.folders:,} folders, {summary.smart_lists:,} smart lists"
    )
    console.print(f"  placeholder audio files under {prepared.generated.files_dir}", markup=False)
    console.print(f"  generating: {prepared.seconds:.2f} s")
    library_path = (ctx.obj or {}).get("library") or default_library_path()
    request = ImportRequest(
        nml_path=str(prepared.generated.path),
        path_mappings=prepared.path_mappings,
        allow_mass_removal=prepared.replaces_only_demo_tracks(Path(library_path)),
    )
    # A new demo replaces the collection on purpose: its counts are the ones the health check expects now.
    with Library.open(library_path) as opened:
        opened.record_known_counts(str(prepared.generated.path), summary.tracks, summary.playlists)
    outcome = run_import(library_path, request)
    console.print(f"Library: [bold]{escape(str(library_path))}[/]")
    print_outcome(outcome)
    # Without the demo's settings the web app found no collection, and a sync of the demo's file chosen there
    # read every track's file at its Traktor path: 19,488 of 20,000 tracks were marked missing.
    print_remembered(remember_collection(library_path, request, outcome), request)


@app.command()
def serve(
    ctx: typer.Context,
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="The port to listen on.")] = 8765,
    host: Annotated[
        str, typer.Option("--host", help="The address to listen on (keep 127.0.0.1 unless you know why).")
    ] = "127.0.0.1",
    open_browser: Annotated[bool, typer.Option("--open", help="Open the library page in the browser.")] = False,
) -> None:
    """Run the Harmony web app: the library, the Traktor page and live notifications. Ctrl-C stops it."""
    from harmony.web import serve as serve_app

    library_path = (ctx.obj or {}).get("library")
    console.print(f"Harmony on [bold]http://{host}:{port}/library[/] — Ctrl-C stops it.")
    serve_app(library_path, host=host, port=port, open_browser=open_browser)


def main() -> None:
    """Entry point of the console script: one line per error, non-zero exit."""
    try:
        app()
    except HarmonyError as error:
        error_console.print(f"[bold red]Error:[/] {escape(str(error))}", highlight=False)
        sys.exit(error.exit_code)
    except KeyboardInterrupt:
        error_console.print("Cancelled.")
        sys.exit(130)
