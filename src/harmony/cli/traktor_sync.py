"""`harmony traktor sync` and `harmony traktor preview`: import from Traktor with a live progress bar.

Both run the import through :class:`~harmony.service.TraktorService` (the same code the web app uses) on a
worker pool of their own, draw its progress events, and print the summary (or, for a preview, the readable
diff). Ctrl-C cancels the operation, waits until nothing is left half-done, and exits with code 130.

The service is imported by the functions that use it: ``harmony traktor --help`` builds these commands, and must
start without it (SQLAlchemy, the NML parser, the worker pools). Typer reads the parameters' annotations when it
builds a command, so those name only what this module imports at the top.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape

from harmony.cli.operation import run_operation
from harmony.cli.output import console, error_console, print_json

if TYPE_CHECKING:
    from harmony.service import ImportOutcome, ImportRequest, Operation, Remembering, TraktorService

__all__ = ["preview", "print_outcome", "print_remembered", "run_import", "sync"]

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
        "configured path_mappings, and remembered with --nml by a sync that applies).",
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
    allow_mass_removal: Annotated[
        bool,
        typer.Option(
            "--allow-mass-removal",
            help="Let the import remove more than 20 % of the library's tracks or playlists (those removed "
            "from collection.nml), and import a collection whose counts look damaged (it lost most of its "
            "entries since Harmony last saw it); without it such an import stops and changes nothing.",
        ),
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Import from Traktor: new tracks, changed fields, cue points, playlists and folders; tracks and
    playlists removed in Traktor since the last sync leave the library."""
    from harmony.service import Remembered, remember_collection  # here: `harmony traktor --help` loads no service

    request = replace(_request(nml_path, strategy, cues, path_map), allow_mass_removal=allow_mass_removal)
    outcome = _run(ctx, request, "import", quiet=as_json, dry_run=dry_run)
    remembered = remember_collection((ctx.obj or {}).get("library"), request, outcome)
    if as_json:
        print_json({**outcome.to_json(), "settings_saved": remembered.status is Remembered.SAVED})
        print_remembered(remembered, request, quiet=True)
        return
    if dry_run:
        console.print("[bold]Dry run[/]: nothing was changed. The import would do:")
    print_outcome(outcome)
    print_remembered(remembered, request)


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
        print_json({**outcome.to_json(), "diff": outcome.report.lines(would=True)})
        return
    for line in outcome.report.lines()[:-1]:
        console.print(_styled(line), highlight=False)
    print_outcome(outcome)


def _request(nml_path: Path | None, strategy: str | None, cues: str | None, maps: list[str] | None) -> ImportRequest:
    from harmony.service import ImportRequest  # here: `harmony traktor --help` loads no service

    request = ImportRequest(
        nml_path=None if nml_path is None else str(nml_path),
        strategy=strategy,
        cue_strategy=cues,
        path_mappings=tuple(maps or ()),
    ).anchored()
    _warn_of_missing_folders(request)
    return request


def _warn_of_missing_folders(request: ImportRequest) -> None:
    """Say, before the work starts, which ``--map`` points at a folder that is not here: a typo there marks
    every track under it missing. A drive not plugged in is said the same way; the sync still runs, and the next
    one with the right mapping finds the files again."""
    for mapping in request.mappings_to_missing_folders():
        prefix, folder = escape(mapping.nml_prefix), escape(mapping.local_prefix)
        error_console.print(
            f"[yellow]warning[/]: --map {prefix}={folder}: there is no folder {folder} here, so the tracks "
            f"under {prefix} will be marked missing",
            highlight=False,
        )


def _run(ctx: typer.Context, request: ImportRequest, kind: str, *, quiet: bool, dry_run: bool) -> ImportOutcome:
    return run_import((ctx.obj or {}).get("library"), request, kind, quiet=quiet, dry_run=dry_run)


def run_import(
    library_path: Path | None,
    request: ImportRequest,
    kind: str = "import",
    *,
    quiet: bool = False,
    dry_run: bool = False,
) -> ImportOutcome:
    """Run an import (``kind="import"``) or a preview with a progress bar (none when ``quiet``)."""
    from harmony.service import ImportOutcome  # here: `harmony traktor --help` loads no service

    def start(service: TraktorService) -> Operation:
        if kind == "preview":
            return service.start_preview(request)
        return service.start_import(request, dry_run=dry_run)

    outcome = run_operation(library_path, start, quiet=quiet)
    assert isinstance(outcome, ImportOutcome)
    return outcome


def print_remembered(remembered: Remembering, request: ImportRequest, *, quiet: bool = False) -> None:
    """Say what :func:`~harmony.service.remember_collection` did, when it did anything; ``quiet`` (``--json``,
    whose output is the JSON alone) says only the warnings, on stderr."""
    from harmony.service import Remembered  # here: `harmony traktor --help` loads no service

    status = remembered.status
    if status is Remembered.SAVED and not quiet:
        what = "this collection and these path mappings" if request.path_mappings else "this collection"
        console.print(f"  the web app, auto-sync and `harmony traktor sync` now use {what}")
    elif status is Remembered.OTHER_COLLECTION and not quiet:
        again = "`--nml` and `--map`" if request.path_mappings else "`--nml`"
        console.print(
            "  the library's Traktor settings name another collection: they were left as they are, so give "
            f"{again} again to sync this one"
        )
    elif status is Remembered.FAILED:
        error_console.print(f"[yellow]warning[/]: the settings were not saved: {escape(remembered.error or '')}")
    for mapping in remembered.left_out:
        error_console.print(
            f"[yellow]warning[/]: --map {escape(str(mapping))} was used but not remembered: "
            f"there is no folder {escape(mapping.local_prefix)} here",
            highlight=False,
        )


def print_outcome(outcome: ImportOutcome) -> None:
    """The summary line, conflicts and missing files in a word, and the time per phase."""
    stats = outcome.stats
    colour = "yellow" if stats.missing_files or stats.files_lost else "green"  # tracks without their file
    console.print(f"[bold {colour}]{outcome.summary()}[/]", highlight=False)
    if stats.conflicts:
        console.print(f"  {len(stats.conflicts)} conflicts settled (see `harmony traktor preview`)")
    if stats.tracks_removed:
        console.print(f"  {stats.tracks_removed} tracks removed: Traktor removed them from its collection")
    if stats.missing_files or stats.files_lost:
        count = len(stats.missing_files) + stats.files_lost
        console.print(
            f"  {count:,} tracks marked missing: their files are not on this machine "
            "(see `harmony library missing`, `harmony traktor suggest-mappings`)"
        )
    for phase, seconds in stats.seconds_per_phase.items():
        console.print(f"  {phase}: {seconds:.2f} s", highlight=False)


_LINE_STYLES = {"+": "green", "~": "yellow", "!": "red", "?": "magenta", "-": "dim", "=": "cyan"}


def _styled(line: str) -> str:
    stripped = line.lstrip()
    if not line.startswith(" "):
        return f"[bold]{escape(line)}[/]"
    style = _LINE_STYLES.get(stripped[:1])
    return f"[{style}]{escape(line)}[/]" if style else escape(line)
