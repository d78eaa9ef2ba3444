"""`harmony playlist …`: the folders and playlists of the library, and a playlist's tracks in order.

Folders and playlists are named by their path in the tree (``"Gigs/Friday"``) or, for a playlist, by its id.
Positions in a playlist are 0-based, as ``show`` lists them. Each change is one edit (one undo step, pending
export); thin over :class:`harmony.library.Library`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from harmony.cli.groups import group_help
from harmony.cli.output import console, print_json, texts
from harmony.library import SAME, FolderNode, Library, NotFoundError, PlaylistNode, default_library_path

app = typer.Typer(help=group_help("playlist"), no_args_is_help=True)

JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]
NodeArg = Annotated[str, typer.Argument(metavar="PLAYLIST", help='Path in the tree ("Gigs/Friday") or playlist id.')]


def _open(ctx: typer.Context) -> Library:
    path = (ctx.obj or {}).get("library")
    return Library.open(Path(path).expanduser() if path is not None else default_library_path())


def _done(data: dict[str, Any], step: Any, json: bool) -> None:
    if json:
        print_json({**data, "step": None if step is None else step.to_json()})
    else:
        console.print(step.label if step is not None else "Nothing changed", highlight=False, markup=False)


def _rows(nodes: Any, prefix: str = "") -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for node in nodes:
        path = f"{prefix}{node.name}"
        if isinstance(node, FolderNode):
            rows.append({"kind": "folder", "id": node.id, "path": path, "position": node.position})
            rows.extend(_rows(node.children, f"{path}/"))
        else:
            assert isinstance(node, PlaylistNode)
            kind = "smart list" if node.smart_query is not None else "playlist"
            rows.append(
                {"kind": kind, "id": node.id, "path": path, "position": node.position, "entries": node.entry_count}
            )
    return rows


def _folder(library: Library, name: str | None) -> int | None:
    """A folder by path; empty or "/" is the top level."""
    if name is None or not name.strip("/ "):
        return None
    return library.find_node(name, "folder")[1]


@app.command("list")
def list_playlists(ctx: typer.Context, json: JsonOption = False) -> None:
    """Every folder and playlist, with its path and id."""
    with _open(ctx) as library:
        rows = _rows(library.playlist_tree())
    if json:
        print_json(rows)
        return
    table = Table(title=f"{sum(r['kind'] != 'folder' for r in rows)} playlists")
    for heading in ("ID", "Kind", "Path", "Entries"):
        table.add_column(heading)
    for row in rows:
        table.add_row(*texts(str(row["id"]), row["kind"], row["path"], str(row.get("entries", ""))))
    console.print(table)


@app.command("show")
def show(ctx: typer.Context, playlist: NodeArg, json: JsonOption = False) -> None:
    """A playlist's tracks in order (positions from 0); a smart list's query and the tracks it finds."""
    with _open(ctx) as library:
        _, playlist_id = library.find_node(playlist, "playlist")
        try:
            smart: dict[str, Any] | None = library.smart_list(playlist_id)
        except NotFoundError:  # a plain playlist
            smart = None
        if smart is not None:
            _show_smart(library, smart, json)
            return
        entries = library.playlist_entries(playlist_id)
        rows: list[dict[str, Any]] = []
        for position, entry in enumerate(entries):
            title = artist = None
            if entry.track_id is not None:
                values = library.get_track(entry.track_id).track.values
                title, artist = values.title, values.artist
            rows.append(
                {
                    "position": position,
                    "track_id": entry.track_id,
                    "artist": artist,
                    "title": title,
                    "nml_key": entry.nml_key,
                }
            )
    if json:
        print_json({"id": playlist_id, "entries": rows})
        return
    table = Table(title=f"{len(rows)} entries")
    for heading in ("#", "Track", "Artist", "Title"):
        table.add_column(heading)
    for row in rows:
        table.add_row(
            *texts(
                str(row["position"]), str(row["track_id"] or row["nml_key"]), row["artist"] or "", row["title"] or ""
            )
        )
    console.print(table)


def _show_smart(library: Library, smart: dict[str, Any], json: bool) -> None:
    """A smart list: its query, then the tracks it finds (by artist), or plainly what Harmony cannot evaluate."""
    rows = None
    if smart["evaluable"]:
        rows = []
        for track_id in smart["tracks"]:
            values = library.get_track(track_id).track.values
            rows.append({"track_id": track_id, "artist": values.artist, "title": values.title})
    if json:
        keys = ("id", "query", "evaluable", "reason", "unsupported")
        print_json({key: smart[key] for key in keys} | {"tracks": rows})
        return
    console.print(f"Smart list: {escape(smart['query'])}", highlight=False)
    if rows is None:
        console.print(f"[yellow]{escape(smart['reason'])}[/]", highlight=False)
        return
    table = Table(title=f"{len(rows)} {'track' if len(rows) == 1 else 'tracks'}")
    for heading in ("Track", "Artist", "Title"):
        table.add_column(heading)
    for row in rows:
        table.add_row(*texts(str(row["track_id"]), row["artist"] or "", row["title"] or ""))
    console.print(table)


@app.command("create")
def create(
    ctx: typer.Context,
    path: Annotated[str, typer.Argument(metavar="PATH", help='e.g. "Gigs/Friday": Friday in the folder Gigs.')],
    folder: Annotated[bool, typer.Option("--folder", help="Create a folder, not a playlist.")] = False,
    json: JsonOption = False,
) -> None:
    """Create a playlist (or with --folder a folder) at a path in the tree; its parent folder must exist."""
    parent, _, name = path.strip("/").rpartition("/")
    if not name.strip():
        raise NotFoundError('Name the new playlist, e.g. "Gigs/Friday".')
    with _open(ctx) as library:
        parent_id = _folder(library, parent)
        outcome = library.new_folder(name, parent_id) if folder else library.new_playlist(name, parent_id)
    _done({"id": outcome.value, "kind": "folder" if folder else "playlist"}, outcome.step, json)


@app.command("rename")
def rename(
    ctx: typer.Context, node: NodeArg, name: Annotated[str, typer.Argument(metavar="NAME")], json: JsonOption = False
) -> None:
    """Rename a playlist or folder."""
    with _open(ctx) as library:
        kind, node_id = library.find_node(node)
        outcome = (
            library.change_folder(node_id, name=name)
            if kind == "folder"
            else library.change_playlist(node_id, name=name)
        )
    _done({"id": node_id, "kind": kind, "name": name}, outcome.step, json)


@app.command("move")
def move(
    ctx: typer.Context,
    node: NodeArg,
    to: Annotated[str, typer.Option("--to", help='The folder to move into ("/" for the top level).')] = "",
    position: Annotated[
        int | None, typer.Option("--position", min=0, help="Among its siblings (default: the end).")
    ] = None,
    json: JsonOption = False,
) -> None:
    """Move a playlist or folder to another folder and/or position."""
    with _open(ctx) as library:
        kind, node_id = library.find_node(node)
        target = _folder(library, to) if to else SAME
        if kind == "folder":
            outcome = library.change_folder(node_id, parent_id=target, position=position)
        else:
            outcome = library.change_playlist(node_id, folder_id=target, position=position)
    _done({"id": node_id, "kind": kind}, outcome.step, json)


@app.command("rm")
def remove_node(ctx: typer.Context, node: NodeArg, json: JsonOption = False) -> None:
    """Delete a playlist (or a folder with everything in it); the tracks stay in the library."""
    with _open(ctx) as library:
        kind, node_id = library.find_node(node)
        if kind == "folder":
            folder_outcome = library.remove_folder(node_id)
            _done({"deleted": node_id, "kind": kind, **folder_outcome.value}, folder_outcome.step, json)
        else:
            outcome = library.remove_playlist(node_id)
            _done({"deleted": node_id, "kind": kind, "entries": outcome.value}, outcome.step, json)


@app.command("add")
def add(
    ctx: typer.Context,
    playlist: NodeArg,
    track_ids: Annotated[list[int], typer.Argument(metavar="TRACK_ID...")],
    position: Annotated[int | None, typer.Option("--position", min=0, help="Insert here (default: append).")] = None,
    allow_duplicates: Annotated[
        bool, typer.Option("--allow-duplicates", help="Add tracks already in the playlist again.")
    ] = False,
    json: JsonOption = False,
) -> None:
    """Add tracks to a playlist."""
    with _open(ctx) as library:
        _, playlist_id = library.find_node(playlist, "playlist")
        outcome = library.add_playlist_tracks(playlist_id, track_ids, position, allow_duplicates=allow_duplicates)
    _done({"id": playlist_id, "added": outcome.value}, outcome.step, json)


@app.command("remove")
def remove(
    ctx: typer.Context,
    playlist: NodeArg,
    positions: Annotated[list[int], typer.Argument(metavar="POSITION...", help="As `show` lists them (from 0).")],
    json: JsonOption = False,
) -> None:
    """Remove entries from a playlist by position."""
    with _open(ctx) as library:
        _, playlist_id = library.find_node(playlist, "playlist")
        outcome = library.remove_playlist_entries(playlist_id, positions)
    _done({"id": playlist_id, "removed": outcome.value}, outcome.step, json)


@app.command("reorder")
def reorder(
    ctx: typer.Context,
    playlist: NodeArg,
    from_: Annotated[list[int], typer.Option("--from", help="Positions to move (repeat for several).")],
    to: Annotated[int, typer.Option("--to", min=0, help="Where the first of them lands.")],
    json: JsonOption = False,
) -> None:
    """Move entries of a playlist to another position."""
    with _open(ctx) as library:
        _, playlist_id = library.find_node(playlist, "playlist")
        outcome = library.move_playlist_entries(playlist_id, from_, to)
    _done({"id": playlist_id, "moved": outcome.value}, outcome.step, json)
