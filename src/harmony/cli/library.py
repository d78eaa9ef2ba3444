"""`harmony library …`: look at and edit Harmony's own library.

Thin: each command opens the library named by the global ``--library`` option (or the per-user default), calls
one :class:`harmony.library.Library` method and prints the result, as a table or, with ``--json``, as JSON.
Errors are :class:`harmony.errors.HarmonyError`; the entry point prints them on one line and exits non-zero.

The store, the scan and the recovery are reached through ``library_api`` (the package, whose heavy names load on
first use), so a command that needs none of them, ``library stats`` above all, starts without SQLAlchemy.
"""

from __future__ import annotations

import sys
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.markup import escape
from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn
from rich.table import Table
from rich.text import Text

from harmony import library as library_api
from harmony.cli.groups import group_help
from harmony.cli.output import console, error_console, print_json, texts
from harmony.library import (
    SORT_KEYS,
    TRACK_FIELDS,
    DamagedLibraryError,
    InvalidFieldError,
    check_integrity,
    damaged_error,
    default_library_path,
    glance_stats,
    is_read_only,
    parse_field_text,
    unknown_field,
)
from harmony.words import plural

if TYPE_CHECKING:
    from harmony.library import Library, StoredTrack, TrackDetail

app = typer.Typer(help=group_help("library"), no_args_is_help=True)

JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]


def _library_path(ctx: typer.Context) -> Path:
    path = (ctx.obj or {}).get("library")
    return Path(path).expanduser() if path is not None else default_library_path()


def _open(ctx: typer.Context) -> Library:
    return library_api.Library.open(_library_path(ctx))


def _open_to_read(ctx: typer.Context) -> Library:
    """The library for a command that only reads it: read-only when its file or disk cannot be written."""
    path = _library_path(ctx)
    return library_api.Library.open(path, read_only=is_read_only(path))


def _plain(value: Any) -> Any:
    if isinstance(value, date | datetime):
        return value.isoformat()
    return value


def _stored_key(track: StoredTrack) -> str | None:
    """The key as the collection holds it: Traktor's key text, else the musical key's name."""
    musical_key = track.values.musical_key
    if track.values.key_text or musical_key is None:
        return track.values.key_text
    from harmony.nml import to_musical  # the NML layer (and its XML parser) only for a listing that needs it

    return to_musical(musical_key)


def _key_display(track: StoredTrack, notation: str) -> str | None:
    """The key as the web app's Key column shows it, in the library's notation ("7m" for a text "e♭")."""
    return library_api.key_display(track.values.musical_key, track.values.key_text, notation)


def track_summary(track: StoredTrack, notation: str) -> dict[str, Any]:
    """The fields a track list shows, as JSON-ready values: ``key`` as Traktor stores it, ``key_display`` in
    the library's key notation."""
    values = track.values
    return {
        "id": track.id,
        "path": values.path,
        "title": values.title,
        "artist": values.artist,
        "album": values.album,
        "genre": values.genre,
        "bpm": values.bpm,
        "key": _stored_key(track),
        "key_display": _key_display(track, notation),
        "musical_key": values.musical_key,
        "rating": values.rating,
        "duration": values.duration,
    }


def track_detail(detail: TrackDetail, notation: str) -> dict[str, Any]:
    """Every field of a track and its cues, as JSON-ready values (``key_display``: as in :func:`track_summary`)."""
    data: dict[str, Any] = {"id": detail.track.id}
    data.update({name: _plain(value) for name, value in detail.track.values.as_dict().items()})
    data["key"] = _stored_key(detail.track)
    data["key_display"] = _key_display(detail.track, notation)
    data["changed_version"] = detail.track.changed_version
    data["cues"] = [{"id": cue.id, **cue.values.as_dict()} for cue in detail.cues]
    return data


def _duration(seconds: float | None) -> str:
    if seconds is None:
        return ""
    minutes, rest = divmod(round(seconds), 60)
    return f"{minutes}:{rest:02d}"


def _bpm(bpm: float | None) -> str:
    return "" if bpm is None else f"{bpm:.2f}".rstrip("0").rstrip(".")


@app.command()
def stats(ctx: typer.Context, json: JsonOption = False) -> None:
    """Counts of tracks, cue points, playlists and folders, and the library version."""
    # The counts are read without loading the store when the library is up to date (the common case), so the
    # command answers at once; a library to create, upgrade or explain goes through the store.
    figures = glance_stats(_library_path(ctx))
    if figures is None:
        with _open_to_read(ctx) as library:
            figures = library.stats()
    data = {
        "tracks": figures.tracks,
        "cues": figures.cues,
        "playlists": figures.playlists,
        "folders": figures.folders,
        "version": figures.version,
        "last_exported_version": figures.last_exported_version,
        "pending_export": figures.pending_export,
    }
    if json:
        print_json(data)
        return
    table = Table(show_header=False, box=None)
    for name, value in data.items():
        table.add_row(name.replace("_", " ").capitalize(), str(value))
    console.print(table)


@app.command()
def tracks(
    ctx: typer.Context,
    search: Annotated[
        str | None, typer.Option("--search", "-s", help="Words to look for, or a key (7m, 8A): its tracks too.")
    ] = None,
    limit: Annotated[int, typer.Option("--limit", "-n", min=0, help="How many tracks to show.")] = 50,
    offset: Annotated[int, typer.Option("--offset", min=0, help="Skip this many first.")] = 0,
    sort: Annotated[str, typer.Option("--sort", help=f"One of: {', '.join(SORT_KEYS)}.")] = "artist",
    descending: Annotated[bool, typer.Option("--desc", help="Sort in reverse.")] = False,
    json: JsonOption = False,
) -> None:
    """List tracks, optionally filtered by a text search (every word must match the start of a word; a key in
    Open Key or Camelot, such as 7m or 8A, also finds every track in that key)."""
    with _open_to_read(ctx) as library:
        page = library.search_tracks(search, sort=sort, descending=descending, limit=limit, offset=offset)
        notation = library.settings().key_notation
    rows = [track_summary(track, notation) for track in page.tracks]
    if json:
        print_json(rows)
        return
    table = Table(title=Text(f"{page.total} tracks" + (f" matching {search!r}" if search else "")))
    for heading in ("ID", "Artist", "Title", "BPM", "Key", "Rating", "Time"):
        table.add_column(heading, justify="right" if heading in ("ID", "BPM", "Time") else "left")
    for row, track in zip(rows, page.tracks, strict=True):
        title = row["title"] or Path(row["path"]).name
        rating = "★" * (row["rating"] or 0)
        table.add_row(
            *texts(
                str(row["id"]),
                row["artist"] or "",
                title,
                _bpm(row["bpm"]),
                row["key_display"] or "",
                rating,
                _duration(track.values.duration),
            )
        )
    console.print(table)


@app.command()
def show(
    ctx: typer.Context,
    track_id: Annotated[int, typer.Argument(metavar="ID", help="The track's id.")],
    json: JsonOption = False,
) -> None:
    """Show every field of one track, with its cue points."""
    with _open_to_read(ctx) as library:
        detail = library.get_track(track_id)
        notation = library.settings().key_notation
    data = track_detail(detail, notation)
    if json:
        print_json(data)
        return
    table = Table(show_header=False, box=None)
    for name, value in data.items():
        if name != "cues" and value is not None:
            table.add_row(*texts(name, str(value)))
    console.print(table)
    if detail.cues:
        cues = Table(title=plural(len(detail.cues), "cue point"))
        for heading in ("ID", "Type", "Start (ms)", "Length (ms)", "Hot cue", "Name"):
            cues.add_column(heading)
        for cue in detail.cues:
            v = cue.values
            cues.add_row(
                *texts(
                    str(cue.id),
                    str(v.type),
                    f"{v.start:.3f}",
                    f"{v.length:.3f}",
                    "" if v.hotcue < 0 else str(v.hotcue + 1),
                    v.name or "",
                )
            )
        console.print(cues)


@app.command()
def add(
    ctx: typer.Context,
    paths: Annotated[list[Path], typer.Argument(metavar="PATH...", help="Audio files or folders to add.")],
    json: JsonOption = False,
) -> None:
    """Add audio files (mp3, flac, m4a/aac, aiff, wav, ogg, opus) with their tags; folders are searched."""
    with _open(ctx) as library:
        if json:
            result = library_api.scan_paths(paths)
        else:
            with Progress(
                TextColumn("{task.description}"), BarColumn(), TaskProgressColumn(), console=error_console
            ) as bar:
                task = bar.add_task("Looking for audio files…", total=100)

                def progress(phase: str, percent: float, message: str, current_item: str | None = None) -> None:
                    bar.update(task, completed=percent, description=message)

                result = library_api.scan_paths(paths, progress)
        added = library.add_scanned(result)
    data = {
        "added": len(added.added),
        "already_present": added.already_present,
        "track_ids": list(added.added),
        "unreadable": [{"path": f.path, "reason": f.reason} for f in added.failures],
        "missing": list(added.missing),
    }
    if json:
        print_json(data)
    else:
        console.print(
            f"Added {data['added']} tracks"
            + (f", {data['already_present']} already in the library" if data["already_present"] else "")
            + "."
        )
        for failure in added.failures:
            error_console.print(
                f"[yellow]Skipped[/] {escape(str(failure.path))}: {escape(failure.reason)}", highlight=False
            )
        for path in added.missing:
            error_console.print(f"[red]Not found:[/] {escape(str(path))}", highlight=False)
    if added.missing:
        raise typer.Exit(1)


@app.command(name="set")
def set_fields(
    ctx: typer.Context,
    targets: Annotated[
        list[str],
        typer.Argument(
            metavar="[ID...] FIELD=VALUE...", help='Track ids, then changes: e.g. 12 14 rating=4 comment="warm-up"'
        ),
    ],
    search: Annotated[
        str | None,
        typer.Option("--search", help="Change every track this search finds (a key such as 8A: every track in it)."),
    ] = None,
    playlist: Annotated[
        str | None, typer.Option("--playlist", help='Change every track of this playlist (path "Gigs/Friday" or id).')
    ] = None,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Change many tracks without asking.")] = False,
    json: JsonOption = False,
) -> None:
    """Change fields of one track or many, in one edit (one undo step). An empty value (or none) clears a field.
    Every value is checked first; values Traktor stores twice (rating/ranking, bpm/bpm_text,
    musical_key/key_text) stay one: set either half and the other follows.

    Fields: title, artist, album, remixer, producer, mix, label, catalog_number, genre, comment, comment2,
    key_lyrics, year (0-9999), release_date (YYYY-MM-DD), track_number, of_tracks (0-9999), bpm (0-999),
    bpm_text, musical_key (0-23), key_text (8A, Am, 1m…), rating (0-5), ranking (0-255), color (1-7, 0 for
    none), lock (true/false). The file, its length, bitrate and size, dates and play counts are read-only.
    """
    ids: list[int] = []
    changes: dict[str, Any] = {}
    for target in targets:
        name, sep, text = target.partition("=")
        name = name.strip()
        if not sep and not changes and target.strip().isdigit():
            ids.append(int(target))
            continue
        if not sep or not name:
            raise InvalidFieldError(f"Write each change as FIELD=VALUE, not {target!r}.")
        if name not in TRACK_FIELDS:
            raise unknown_field(TRACK_FIELDS, name)
        changes[name] = parse_field_text(TRACK_FIELDS, name, text)
    if not changes:
        raise InvalidFieldError("Name at least one change as FIELD=VALUE.")
    with _open(ctx) as library:
        if search is not None:
            found = library.search_tracks(search, limit=2**62)
            ids.extend(track.id for track in found.tracks)
        if playlist is not None:
            _, playlist_id = library.find_node(playlist, "playlist")
            ids.extend(entry.track_id for entry in library.playlist_entries(playlist_id) if entry.track_id is not None)
        ids = list(dict.fromkeys(ids))
        if not ids:
            raise InvalidFieldError("No track to change: give track ids, --search or --playlist.")
        bulk = len(ids) > 1 or search is not None or playlist is not None
        if bulk and not yes:
            if not sys.stdin.isatty():
                raise InvalidFieldError(f"This changes {len(ids):,} tracks; add --yes to go ahead.")
            error_console.print(f"This changes {len(ids):,} tracks: {', '.join(changes)}.", markup=False)
            if not typer.confirm("Go ahead?", err=True):
                raise typer.Exit(1)
        outcome = library.edit_tracks(ids, changes)
        detail = library.get_track(ids[0]) if len(ids) == 1 else None
        notation = library.settings().key_notation
    step = outcome.step.to_json() if outcome.step is not None else None
    if json:
        print_json(
            {**track_detail(detail, notation), "step": step}
            if detail is not None
            else {"updated": outcome.value, "step": step}
        )
    elif detail is not None:
        console.print(f"Track {ids[0]}: set {', '.join(changes)}.", markup=False)
    else:
        console.print(
            outcome.step.label if outcome.step else f"Nothing changed ({outcome.value:,} tracks).", markup=False
        )


_PROBLEMS_SHOWN = 20


@app.command()
def check(ctx: typer.Context, json: JsonOption = False) -> None:
    """Run SQLite's integrity check on the library (read-only); exit code 4 when it finds damage."""
    report = check_integrity(_library_path(ctx))
    if json:
        print_json(report.to_json())
    elif report.ok:
        console.print(f"The library {report.path} is intact (SQLite's integrity check found no problem).", markup=False)
    else:
        for problem in report.problems[:_PROBLEMS_SHOWN]:
            error_console.print(f"  {problem}", highlight=False, markup=False)
        if len(report.problems) > _PROBLEMS_SHOWN:
            error_console.print(f"  … and {len(report.problems) - _PROBLEMS_SHOWN} more (--json lists them all)")
    if not report.ok:
        damage = f"{len(report.problems)} problem(s) found by SQLite's integrity check"
        if json:
            raise typer.Exit(DamagedLibraryError.exit_code)
        raise damaged_error(report.path, damage)


@app.command()
def recover(
    ctx: typer.Context,
    out: Annotated[
        Path | None,
        typer.Argument(metavar="[OUT]", dir_okay=False, help="The new library file (default: beside the old one)."),
    ] = None,
    json: JsonOption = False,
) -> None:
    """Save what can still be read from a damaged library into a new file; the damaged one is not changed."""
    report = library_api.recover_library(_library_path(ctx), out)
    if json:
        print_json(report.to_json())
        return
    lost = sum(t.damaged_reads for t in report.tables)
    console.print(
        f"Recovered {report.rows:,} rows into {report.target}"
        + ("" if report.complete else f" ({lost} damaged reads skipped: some rows were lost)")
        + (", which passes SQLite's integrity check." if report.target_ok else ", which still fails the check."),
        markup=False,
    )
    for table in report.tables:
        if table.error:
            error_console.print(f"[yellow]{escape(table.name)}[/]: {escape(table.error)}", highlight=False)
    console.print(
        f"Look at it with `harmony --library {report.target} library stats`; to use it, put it in place of "
        f"{report.source} (keep the damaged file until you are sure).",
        markup=False,
    )
