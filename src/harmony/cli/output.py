"""Shared terminal output helpers for the CLI modules."""

from __future__ import annotations

import json
from typing import Any

from rich.console import Console
from rich.text import Text

console = Console()
# Errors are one line a script can grep: never hard-wrapped at the terminal's width.
error_console = Console(stderr=True, soft_wrap=True)


def texts(*values: str) -> tuple[Text, ...]:
    """A table row's cells as plain text. A DJ's own texts (titles, names, paths) are never rich markup: a title
    "Song [/]" stopped `harmony library show` with a markup error, and "[dark]" vanished from a playlist's
    name."""
    return tuple(Text(value) for value in values)


def print_json(data: Any) -> None:
    """Print ``data`` as JSON on stdout, unstyled, so scripts can parse it."""
    print(json.dumps(data, indent=2, ensure_ascii=False, default=str))
