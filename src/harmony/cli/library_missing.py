"""`harmony library missing`: the tracks whose file is not on this machine."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.table import Table

from harmony.cli.library import JsonOption, _open_to_read
from harmony.cli.output import console, print_json, texts

if TYPE_CHECKING:
    from harmony.library import StoredTrack


def _stamp(value: object) -> str | None:
    return None if value is None else f"{value.isoformat()}Z"  # type: ignore[attr-defined]


def missing_json(track: StoredTrack) -> dict[str, Any]:
    values = track.values
    return {
        "id": track.id,
        "path": values.path,
        "artist": values.artist,
        "title": values.title,
        "missing_since": _stamp(track.missing_since),
        "last_seen": _stamp(track.last_seen),
    }


def missing(
    ctx: typer.Context,
    limit: Annotated[int | None, typer.Option("--limit", "-n", min=0, help="Show at most this many.")] = None,
    json: JsonOption = False,
) -> None:
    """List the tracks whose file was not found on this machine (with when it was last seen)."""
    with _open_to_read(ctx) as library:
        count = library.missing_count()
        tracks = library.missing_tracks(limit)
    if json:
        print_json({"count": count, "tracks": [missing_json(track) for track in tracks]})
        return
    if not count:
        console.print("No missing files: every track's file is on this machine.")
        return
    table = Table(title=f"{count:,} tracks with their file missing")
    for heading in ("ID", "Artist", "Title", "Path", "Missing since", "Last seen"):
        table.add_column(heading, justify="right" if heading == "ID" else "left", overflow="fold")
    for track in tracks:
        row = missing_json(track)
        table.add_row(
            *texts(
                str(track.id),
                row["artist"] or "",
                row["title"] or "",
                row["path"],
                (row["missing_since"] or "")[:16].replace("T", " "),
                (row["last_seen"] or "never")[:16].replace("T", " "),
            )
        )
    console.print(table)
    console.print("Find them: `harmony traktor suggest-mappings` or `harmony library relocate --search-root DIR`.")
