"""`harmony library relocate`: find where the files of missing tracks went, and point the tracks at them."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table
from rich.text import Text

from harmony.cli.library import _library_path
from harmony.cli.output import console, print_json
from harmony.words import plural

if TYPE_CHECKING:
    from harmony.service import RelocateOutcome

_STYLES = {"exact": "green", "likely": "yellow", "ambiguous": "red", "not_found": "dim"}


def relocate(
    ctx: typer.Context,
    roots: Annotated[
        list[Path],
        typer.Option("--search-root", file_okay=False, help="A folder to search (repeatable)."),
    ],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Show the matches and change nothing.")] = False,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Relocate the exact and likely matches unasked.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Search folders for the files of missing tracks (by name, size, duration and tags) and relocate them:
    each keeps its id, fields, cues and playlists; the next export moves its entry in collection.nml."""
    from harmony.cli.operation import run_operation
    from harmony.library import Library
    from harmony.service import RelocateOutcome, accepted_moves, apply_relocations, start_relocate

    path = _library_path(ctx)
    outcome = run_operation(path, lambda service: start_relocate(service, roots), quiet=as_json)
    assert isinstance(outcome, RelocateOutcome)
    moves = accepted_moves(outcome)
    if not as_json:
        _print(outcome)
    apply = bool(moves) and not dry_run
    if apply and not yes and not as_json:
        apply = typer.confirm(f"Relocate {len(moves):,} tracks to the files found?", default=False)
    elif apply and not yes:
        apply = False  # JSON without --yes: a script asks with --yes, nothing changes silently
    if apply:
        with Library.open(path) as library:
            outcome = replace(outcome, relocated=apply_relocations(library, moves).value)
    if as_json:
        data = {**outcome.to_json(), "applied": apply, "matches": outcome.matches_json()}
        print_json(data)
        return
    if apply:
        them = "it" if outcome.relocated == 1 else "them"
        console.print(
            f"[bold green]Relocated {plural(outcome.relocated, 'track')}.[/] Export to Traktor to move {them} "
            "there; `harmony undo` takes the relocation back."
        )
    elif moves:
        console.print("Nothing was changed.")


def _print(outcome: RelocateOutcome) -> None:
    table = Table(title=outcome.summary())
    for heading in ("Track", "Confidence", "Now at"):
        table.add_column(heading, overflow="fold")
    for match in outcome.relocations[:200]:
        where = match.new_path or "\n".join(match.candidates) or "—"
        style = _STYLES[match.confidence]
        confidence = Text(match.confidence.replace("_", " "), style=style)
        track = f"{match.name}\n{match.old_path}" if match.name else match.old_path
        table.add_row(Text(track), confidence, Text(where))
    console.print(table)
    if len(outcome.relocations) > 200:
        console.print(f"… and {len(outcome.relocations) - 200:,} more (see --json).")
    console.print(f"{outcome.seconds:.2f} s", highlight=False)
