"""`harmony traktor …`: commands that read or write Traktor's collection.nml."""

from __future__ import annotations

import typer

app = typer.Typer(help="Work with Traktor's collection.nml.", no_args_is_help=True)
