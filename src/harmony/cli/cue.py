"""`harmony cue …`: list, add, change and delete a track's cue points, loops and grid markers.

Thin over :class:`harmony.library.Library`: each change is one edit (one undo step, pending export). Cues are
named as ``harmony library show --json`` names them: ``type`` (0-5 or cue, fade_in, fade_out, load, grid,
loop), ``start`` and ``length`` in milliseconds, ``hotcue`` -1 for none else slot 0-7.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from harmony.cli.groups import group_help
from harmony.cli.output import console, print_json, texts
from harmony.library import (
    CUE_FIELDS,
    CUE_TYPES,
    InvalidFieldError,
    Library,
    default_library_path,
    parse_field_text,
    unknown_field,
)

app = typer.Typer(help=group_help("cue"), no_args_is_help=True)

JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]
SwapOption = Annotated[
    bool, typer.Option("--swap", help="If the hot cue slot is held by another cue, exchange the two slots.")
]
_TYPE_NAMES = {code: name for name, code in CUE_TYPES.items()}


def _open(ctx: typer.Context) -> Library:
    path = (ctx.obj or {}).get("library")
    return Library.open(Path(path).expanduser() if path is not None else default_library_path())


def _cues(library: Library, track_id: int) -> list[dict[str, Any]]:
    return [
        {
            "id": cue.id,
            "track_id": track_id,
            **cue.values.as_dict(),
            "type_name": _TYPE_NAMES.get(cue.values.type, "other"),
        }
        for cue in library.get_track(track_id).cues
    ]


def _done(data: dict[str, Any], step: Any, json: bool) -> None:
    label = step.label if step is not None else "Nothing changed"
    if json:
        print_json({**data, "step": None if step is None else step.to_json()})
    else:
        console.print(label, highlight=False, markup=False)


@app.command("list")
def list_cues(
    ctx: typer.Context, track_id: Annotated[int, typer.Argument(metavar="TRACK_ID")], json: JsonOption = False
) -> None:
    """A track's cue points, by position."""
    with _open(ctx) as library:
        cues = _cues(library, track_id)
    if json:
        print_json(cues)
        return
    table = Table(title=f"{len(cues)} cue points of track {track_id}")
    for heading in ("ID", "Type", "Start (ms)", "Length (ms)", "Hot cue", "Name", "Colour"):
        table.add_column(heading)
    for cue in cues:
        table.add_row(
            *texts(
                str(cue["id"]),
                cue["type_name"],
                f"{cue['start']:.3f}",
                f"{cue['length']:.3f}",
                "" if cue["hotcue"] < 0 else str(cue["hotcue"]),
                cue["name"] or "",
                cue["color"] or "",
            )
        )
    console.print(table)


@app.command("add")
def add_cue(
    ctx: typer.Context,
    track_id: Annotated[int, typer.Argument(metavar="TRACK_ID")],
    start: Annotated[float, typer.Option("--start", help="Position in milliseconds.")],
    cue_type: Annotated[str, typer.Option("--type", help=f"0-5 or {', '.join(CUE_TYPES)}.")] = "cue",
    length: Annotated[float, typer.Option("--length", help="Length in milliseconds (loops).")] = 0.0,
    hotcue: Annotated[int, typer.Option("--hotcue", help="Hot cue slot 0-7, -1 for none.")] = -1,
    name: Annotated[str | None, typer.Option("--name")] = None,
    color: Annotated[str | None, typer.Option("--color", help="#RRGGBB")] = None,
    swap: SwapOption = False,
    json: JsonOption = False,
) -> None:
    """Add a cue point to a track."""
    fields: dict[str, Any] = {
        "type": int(cue_type) if cue_type.isdigit() else cue_type,
        "start": start,
        "length": length,
        "hotcue": hotcue,
        "name": name,
        "color": color,
    }
    with _open(ctx) as library:
        outcome = library.add_cue_point(track_id, fields, swap=swap)
        cue = next(c for c in _cues(library, track_id) if c["id"] == outcome.value)
    _done(cue, outcome.step, json)


@app.command("set")
def set_cue(
    ctx: typer.Context,
    track_id: Annotated[int, typer.Argument(metavar="TRACK_ID")],
    cue_id: Annotated[int, typer.Argument(metavar="CUE_ID")],
    assignments: Annotated[list[str], typer.Argument(metavar="FIELD=VALUE...", help='e.g. name="Drop" hotcue=2')],
    swap: SwapOption = False,
    json: JsonOption = False,
) -> None:
    """Change fields of a cue: type, start, length, hotcue, name, color."""
    changes: dict[str, Any] = {}
    for assignment in assignments:
        field, sep, text = assignment.partition("=")
        field = field.strip()
        if not sep or not field:
            raise InvalidFieldError(f"Write each change as FIELD=VALUE, not {assignment!r}.")
        if field not in CUE_FIELDS:
            raise unknown_field(CUE_FIELDS, field)
        if field == "type" and not text.strip().lstrip("-").isdigit():
            changes[field] = text.strip()
        else:
            changes[field] = parse_field_text(CUE_FIELDS, field, text)
    with _open(ctx) as library:
        outcome = library.edit_cue_point(track_id, cue_id, changes, swap=swap)
        cue = next(c for c in _cues(library, track_id) if c["id"] == cue_id)
    _done(cue, outcome.step, json)


@app.command("rm")
def remove_cue(
    ctx: typer.Context,
    track_id: Annotated[int, typer.Argument(metavar="TRACK_ID")],
    cue_id: Annotated[int, typer.Argument(metavar="CUE_ID")],
    json: JsonOption = False,
) -> None:
    """Delete a cue point."""
    with _open(ctx) as library:
        outcome = library.delete_cue_point(track_id, cue_id)
    _done({"deleted": cue_id}, outcome.step, json)
