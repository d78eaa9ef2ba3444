"""`harmony undo` and `harmony redo`: the same history the web app's Undo uses (kept in the library)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from harmony.cli.output import console, print_json

if TYPE_CHECKING:
    from harmony.library import Library

JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of text.")]


def _open(ctx: typer.Context) -> Library:
    from harmony.library import Library, default_library_path

    path = (ctx.obj or {}).get("library")
    return Library.open(Path(path).expanduser() if path is not None else default_library_path())


def _run(ctx: typer.Context, action: str, json: bool) -> None:
    with _open(ctx) as library:
        outcome = library.undo() if action == "undo" else library.redo()
        history = library.undo_history()
    step = outcome.value
    if json:
        key = "undone" if action == "undo" else "redone"
        print_json({key: step.to_json(), "version": outcome.version, "history": history})
    else:
        console.print(f"{'Undid' if action == 'undo' else 'Redid'}: {step.label}", highlight=False, markup=False)


def undo(ctx: typer.Context, json: JsonOption = False) -> None:
    """Undo the last edit (made here or in the web app)."""
    _run(ctx, "undo", json)


def redo(ctx: typer.Context, json: JsonOption = False) -> None:
    """Redo the edit undone last."""
    _run(ctx, "redo", json)
