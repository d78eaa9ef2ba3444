"""`harmony traktor suggest-mappings`: find where the missing tracks' files live on this machine."""

from __future__ import annotations

from contextlib import nullcontext
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from harmony.cli.library import _library_path
from harmony.cli.output import console, print_json
from harmony.cli.traktor_sync import NmlOption, print_outcome, run_import

RootOption = Annotated[
    list[Path] | None,
    typer.Option(
        "--search-root",
        file_okay=False,
        help="A folder to look under (repeatable; default: the home folder and mounted volumes).",
    ),
]


def suggest_mappings(
    ctx: typer.Context,
    roots: RootOption = None,
    apply: Annotated[
        bool, typer.Option("--apply", help="Save the best suggestion as a path mapping and import again.")
    ] = False,
    nml_path: NmlOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Suggest path mappings (Traktor folder → folder here) that find the files of missing tracks."""
    # Imported here: `harmony traktor --help` loads no service and no database.
    from harmony.library import Library
    from harmony.service import ImportRequest, apply_mapping
    from harmony.service import suggest_mappings as suggest

    path = _library_path(ctx)
    with Library.open(path) as library:
        with console.status("Looking for the missing files…") if not as_json else nullcontext():
            result = suggest(library, roots)
        chosen = result.suggestions[0] if apply and result.suggestions else None
        if chosen is not None:
            apply_mapping(library, chosen.nml_prefix, chosen.local_prefix)
    outcome = None
    if chosen is not None:
        request = ImportRequest(nml_path=None if nml_path is None else str(nml_path)).check()
        outcome = run_import(path, request, quiet=as_json)
        with Library.open(path) as library:
            still = library.missing_count()
    if as_json:
        data = result.to_json()
        if chosen is not None:
            data["applied"] = chosen.to_json()
            data["missing_after"] = still
            data["import"] = None if outcome is None else outcome.to_json()
        print_json(data)
        return
    if not result.missing:
        console.print("No missing files: nothing to map.")
        return
    if not result.suggestions:
        console.print(
            f"No folder under {', '.join(result.roots)} holds the {result.missing:,} missing files "
            f"({result.scanned_files:,} files looked at). Try `--search-root DIR`."
        )
        return
    for number, suggestion in enumerate(result.suggestions, 1):
        console.print(
            f"{number}. [bold]{escape(suggestion.nml_prefix)}[/] → [bold]{escape(suggestion.local_prefix)}[/] "
            f"finds {suggestion.finds:,} of {suggestion.missing:,}",
            highlight=False,
        )
    if chosen is None:
        console.print("Save the first one and import again: `harmony traktor suggest-mappings --apply`.")
        return
    console.print(f"Saved the path mapping {chosen.nml_prefix} → {chosen.local_prefix}.", highlight=False, markup=False)
    if outcome is not None:
        print_outcome(outcome)
    console.print(f"{still:,} tracks still missing.")
