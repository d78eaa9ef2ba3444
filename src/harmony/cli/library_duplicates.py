"""`harmony library duplicates` and `harmony library merge`: find tracks that are one recording, merge them."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from harmony.cli.library import _bpm, _duration, _library_path, _open_to_read
from harmony.cli.output import console, print_json, texts

#: The table's headings; the WHOLE ones are short values never broken over lines (a BPM read "124.0" over "0",
#: an id lost its digits), the others fold on a narrow terminal.
COLUMNS = ("ID", "Artist – Title", "Length", "BPM", "Key", "Cues", "Plays", "Playlists", "Format", "Bitrate", "Path")
WHOLE = ("ID", "Length", "BPM", "Key")
#: Below this many columns the table leaves a letter or two to a name: each copy is printed as a card instead.
TABLE_WIDTH = 120
#: A card's line of short facts.
CARD_FACTS = ("Length", "BPM", "Key", "Cues", "Plays", "Format", "Bitrate")


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
        title = f"{number}. {group.kind} duplicates (keep {group.keep})"
        rows = [_row(report.members[track_id], track_id == group.keep) for track_id in group.track_ids]
        if console.width >= TABLE_WIDTH:
            table = Table(title=Text(title), title_justify="left")
            for heading in COLUMNS:
                table.add_column(heading, overflow="fold", no_wrap=heading in WHOLE)
            for row in rows:
                table.add_row(*texts(*row))
            console.print(table)
        else:
            _print_cards(title, rows)
    console.print("Kept by rule: most cue points, then lossless, then higher bitrate, then newest (★).")
    console.print("Merge a group: `harmony library merge KEEP OTHER…` (audio files are never deleted).")


def _row(member: dict[str, Any], kept: bool) -> tuple[str, ...]:
    """A copy's values, in the order of COLUMNS."""
    return (
        f"{'★ ' if kept else ''}{member['id']}",
        " – ".join(p for p in (member["artist"], member["title"]) if p),
        _duration(member["duration"]),
        _bpm(member["bpm"]),
        member["key"] or "",
        str(member["cues"]),
        str(member["plays"]),
        ", ".join(member["playlists"]),
        member["format"],
        "" if member["bitrate"] is None else f"{member['bitrate'] // 1000} kbps",
        member["path"] + (" (missing)" if member["missing"] else ""),
    )


def _print_cards(title: str, rows: list[tuple[str, ...]]) -> None:
    """A narrow terminal: each copy as a few indented lines (eleven columns left a letter or two to a name)."""
    console.print(title, highlight=False, markup=False)
    for row in rows:
        named = dict(zip(COLUMNS, row, strict=True))
        facts = " · ".join(f"{heading} {named[heading]}" for heading in CARD_FACTS if named[heading])
        lines = [facts, f"Playlists: {named['Playlists']}" if named["Playlists"] else "", named["Path"]]
        console.print(Padding(Text(f"{named['ID']}  {named['Artist – Title']}"), (0, 0, 0, 2), expand=False))
        for line in filter(None, lines):
            console.print(Padding(Text(line), (0, 0, 0, 6), expand=False))


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
            console.print(f"Keep {keep}: {kept.path}", highlight=False, markup=False)
            for other, name in zip(others, names, strict=True):
                console.print(f"  merge and remove {other}: {name}", highlight=False, markup=False)
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
        console.print(f"Undo it with `harmony undo` ({outcome.step.label}).", highlight=False, markup=False)
