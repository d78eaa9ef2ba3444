"""`harmony library duplicates` and `harmony library merge`: find tracks that are one recording, merge them."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from harmony.cli.library import _duration, _library_path, _open_to_read
from harmony.cli.output import console, print_json

#: The table's headings; the FOLDED ones are long texts, folded over lines on a narrow terminal.
COLUMNS = ("ID", "Artist – Title", "Length", "BPM", "Key", "Cues", "Plays", "Playlists", "Format", "Bitrate", "Path")
FOLDED = ("Artist – Title", "Playlists", "Path")


def duplicates(
    ctx: typer.Context, as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False
) -> None:
    """List groups of tracks that are the same recording: same audio content (exact), or same artist, title
    and duration within 1 s (likely), with the track a merge would keep."""
    from harmony.service import find_library_duplicates

    with _open_to_read(ctx) as library:
        report = find_library_duplicates(library)
    if as_json:
        print_json(report.to_json())
        return
    if not report.groups:
        console.print("No duplicates found.")
        return
    for number, group in enumerate(report.groups, 1):
        table = Table(title=f"{number}. {group.kind} duplicates (keep {group.keep})", title_justify="left")
        # Short values stay whole on a narrow terminal (a BPM broken as "124.0" over "0" reads wrong); names and
        # paths fold.
        for heading in COLUMNS:
            table.add_column(heading, overflow="fold", no_wrap=heading not in FOLDED)
        for track_id in group.track_ids:
            m = report.members[track_id]
            mark = "★ " if track_id == group.keep else ""
            table.add_row(
                f"{mark}{track_id}",
                " – ".join(p for p in (m["artist"], m["title"]) if p),
                _duration(m["duration"]),
                "" if m["bpm"] is None else f"{m['bpm']:.2f}",
                m["key"] or "",
                str(m["cues"]),
                str(m["plays"]),
                ", ".join(m["playlists"]),
                m["format"],
                "" if m["bitrate"] is None else f"{m['bitrate'] // 1000} kbps",
                m["path"] + (" (missing)" if m["missing"] else ""),
            )
        console.print(table)
    console.print("Kept by rule: most cue points, then lossless, then higher bitrate, then newest (★).")
    console.print("Merge a group: `harmony library merge KEEP OTHER…` (audio files are never deleted).")


def merge(
    ctx: typer.Context,
    keep: Annotated[int, typer.Argument(metavar="KEEP", help="The id of the track to keep.")],
    others: Annotated[list[int], typer.Argument(metavar="OTHER…", help="The ids of the tracks merged into it.")],
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Merge without asking.")] = False,
) -> None:
    """Merge duplicate tracks into KEEP: union of cue points, playlist entries moved in place, plays summed,
    highest rating, empty fields filled. The others leave the library (and, at the next export, the
    collection); their audio files stay where they are. One undo step."""
    from harmony.library import Library
    from harmony.service import merge_duplicates

    path = _library_path(ctx)
    with Library.open(path) as library:
        kept = library.get_track(keep).track.values
        names = [library.get_track(other).track.values.path for other in others]
        if not yes:
            console.print(f"Keep {keep}: {kept.path}", highlight=False)
            for other, name in zip(others, names, strict=True):
                console.print(f"  merge and remove {other}: {name}", highlight=False)
            if not typer.confirm(
                f"Merge {len(others)} tracks into {keep}? They leave the library and, at the next export, "
                "the Traktor collection (their files stay on disk)",
                default=False,
            ):
                console.print("Nothing was changed.")
                raise typer.Exit(1)
        outcome = merge_duplicates(library, keep, list(others))
    result = outcome.value
    console.print(
        f"[bold green]Merged {len(result.removed)} tracks into {result.kept}[/]: {result.cues_added} cue points "
        f"added, {result.entries_moved} playlist entries moved, fields filled: "
        f"{', '.join(result.fields_filled) or 'none'}.",
        highlight=False,
    )
    if outcome.step is not None:
        console.print(f"Undo it with `harmony undo` ({outcome.step.label}).", highlight=False)
