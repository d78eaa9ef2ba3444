"""`harmony library …` commands."""

from __future__ import annotations

import typer

app = typer.Typer(help="library commands.", no_args_is_help=True)
