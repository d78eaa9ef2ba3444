"""The ``harmony`` command. Thin: it parses options, calls the layers below and prints.

Each group of commands lives in its own module and is mounted here.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from harmony.cli import dev, library, traktor
from harmony.cli.output import error_console
from harmony.errors import HarmonyError

app = typer.Typer(
    name="harmony",
    help="Harmony keeps a DJ's music library in two-way sync with Traktor's collection.nml.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
app.add_typer(traktor.app, name="traktor")
app.add_typer(library.app, name="library")
app.add_typer(dev.app, name="dev")


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


def main() -> None:
    """Entry point of the console script: one line per error, non-zero exit."""
    try:
        app()
    except HarmonyError as error:
        error_console.print(f"[bold red]Error:[/] {error}", highlight=False)
        sys.exit(1)
    except KeyboardInterrupt:
        error_console.print("Cancelled.")
        sys.exit(130)
