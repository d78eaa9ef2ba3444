"""Reads the app needs: counts, a searched and sorted page of tracks, a track with cues, the playlist tree.

Each function takes a connection (inside a read transaction when several statements must agree) and returns
plain frozen dataclasses, never ORM objects, so results can cross threads and processes.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from sqlalchemy import Connection, Integer, Text, and_, column, func, or_, select, table
from sqlalchemy.sql.elements import ColumnElement

from harmony.library.batches import in_batches
from harmony.library.errors import InvalidFieldError, NotFoundError, TrackNotFoundError
from harmony.library.fields import SORT_KEYS
from harmony.library.glance import STATS_SQL, LibraryStats, stats_from_row
from harmony.library.joined_prefixes import word_forms
from harmony.library.models import CUES, ENTRIES, FOLDERS, PLAYLISTS, TRACKS
from harmony.library.records import StoredCue, StoredEntry, StoredTrack
from harmony.library.sort_forms import SORTED_TEXT_FIELDS, sort_form
from harmony.library.values import CUE_FIELD_NAMES, TRACK_FIELD_NAMES, CueValues, TrackValues

#: The FTS5 index of the track text fields (created by migration 0002; not an ORM model, it is SQLite-only).
_FTS = table("tracks_fts", column("rowid", Integer), column("tracks_fts", Text))

#: The text columns a LIKE fallback search looks in (when the search text holds no word to index).
_LIKE_COLUMNS = ("title", "artist", "album", "genre", "label", "comment", "remixer", "mix", "key_text")


@dataclass(frozen=True, slots=True)
class TrackDetail:
    """A track with its cue points, ordered by position."""

    track: StoredTrack
    cues: tuple[StoredCue, ...]


@dataclass(frozen=True, slots=True)
class TrackPage:
    """One page of a track list: ``total`` tracks matched, ``tracks`` are those from ``offset`` on."""

    total: int
    offset: int
    tracks: tuple[StoredTrack, ...]


@dataclass(frozen=True, slots=True)
class PlaylistNode:
    """A playlist in the tree."""

    id: int
    name: str
    position: int
    uuid: str | None
    smart_query: str | None
    entry_count: int
    kind: Literal["playlist"] = "playlist"


@dataclass(frozen=True, slots=True)
class FolderNode:
    """A folder in the tree, with its children (folders and playlists) in order."""

    id: int
    name: str
    position: int
    children: tuple[FolderNode | PlaylistNode, ...] = field(default=())
    kind: Literal["folder"] = "folder"


#: The columns a track is read from, in the order :func:`row_to_track` expects: id, fields, changed_version,
#: missing_since, last_seen.
TRACK_COLUMNS = (
    TRACKS.c.id,
    *(TRACKS.c[name] for name in TRACK_FIELD_NAMES),
    TRACKS.c.changed_version,
    TRACKS.c.missing_since,
    TRACKS.c.last_seen,
)
#: The columns a cue is read from, in the order :func:`row_to_cue` expects: id, track_id, fields.
CUE_COLUMNS = (CUES.c.id, CUES.c.track_id, *(CUES.c[name] for name in CUE_FIELD_NAMES))
_TRACK_END = 1 + len(TRACK_FIELD_NAMES)


def row_to_track(row: Sequence[Any]) -> StoredTrack:
    """Build a :class:`StoredTrack` from a row that starts with :data:`TRACK_COLUMNS` (positional: a worker
    reads 100,000 of these, and name lookups per field would cost more than the query)."""
    end = _TRACK_END
    return StoredTrack(row[0], TrackValues(*row[1:end]), row[end], row[end + 1], row[end + 2])


def row_to_cue(row: Sequence[Any]) -> StoredCue:
    """Build a :class:`StoredCue` from a row of :data:`CUE_COLUMNS`."""
    return StoredCue(id=row[0], track_id=row[1], values=CueValues(*row[2:]))


def stats(conn: Connection) -> LibraryStats:
    """Counts of tracks, cues, playlists and folders, and the library version (the statement
    ``harmony library stats`` also reads without SQLAlchemy: :mod:`harmony.library.glance`)."""
    return stats_from_row(conn.exec_driver_sql(STATS_SQL).one())


def fts_query(search: str) -> str | None:
    """Turn what a DJ types into an FTS5 query: every word must appear, each as a word prefix. A Hebrew or Arabic
    word may also appear with the short words its language joins to its front ("מלך" finds "המלך", see
    :mod:`harmony.library.joined_prefixes`).

    Words are quoted, so FTS5 operators typed by accident (``AND``, ``-``, ``*``, ``"``) are plain text.
    Returns None when the text holds no word at all."""
    words = search_words(search)
    if not words:
        return None
    # An explicit AND: FTS5 takes no implicit AND before a bracket.
    return " AND ".join(
        _any_form((*(_prefix(form) for form in word_forms(word)), *_apostrophe_terms(word))) for word in words
    )


#: The ends English joins to a word with an apostrophe (don't, it's, you're, we'll, I've, he'd, I'm), and the
#: fronts French and Italian join so (l'amour, d'amore), at least as long as written apart from the rest.
_JOINED_ENDS = ("t", "s", "re", "ll", "ve", "d", "m")
_JOINED_FRONTS = ("l", "d")
_SHORTEST_REST = {"end": 2, "front": 3}


def _apostrophe_terms(word: str) -> tuple[str, ...]:
    """``word`` typed without the apostrophe a title holds ("dont" for "Don't"), as the two words the index
    keeps of it (the apostrophe cuts a word there), each pair a phrase: "dont" finds "Don't" and no "Don" beside
    a "Tango". A joined end is a whole word ("heart" is no "Hear T…"); after a joined front the rest may be
    half typed ("lamo" finds "L'Amour")."""
    lower = word.casefold()
    ends = [f'"{lower[: -len(end)]} {end}"' for end in _JOINED_ENDS
            if lower.endswith(end) and len(lower) - len(end) >= _SHORTEST_REST["end"]]  # fmt: skip
    fronts = [f'"{front} {lower[len(front) :]}"*' for front in _JOINED_FRONTS
              if lower.startswith(front) and len(lower) - len(front) >= _SHORTEST_REST["front"]]  # fmt: skip
    return (*ends, *fronts)


def search_words(search: str) -> list[str]:
    """The words of what a DJ typed. Combining marks are taken off first (Hebrew and Arabic vowel points, an
    accent typed as a mark of its own): ``\\w`` takes them for no letter, so "מֶלֶךְ" was the words מ, ל and ך."""
    return re.findall(r"\w+", "".join(char for char in search if unicodedata.category(char) != "Mn"))


def _prefix(form: str) -> str:
    return f'"{form}"*'


def _any_form(terms: tuple[str, ...]) -> str:
    return terms[0] if len(terms) == 1 else f"({' OR '.join(terms)})"


def search_tracks(
    conn: Connection,
    search: str | None = None,
    *,
    sort: str = "artist",
    descending: bool = False,
    limit: int = 100,
    offset: int = 0,
    only_missing: bool = False,
) -> TrackPage:
    """A page of tracks matching ``search`` (every word, as a prefix, in any text field), sorted by ``sort``
    with empty values last (see :func:`harmony.library.track_list.list_tracks`, which this reads through); with
    ``only_missing``, only the tracks whose file is marked missing.

    Ties are broken by id, so pages never overlap or skip. Call inside a read transaction so the count and the
    page agree."""
    from harmony.library.track_list import list_tracks

    if sort not in SORT_KEYS:
        raise InvalidFieldError(f"Cannot sort by '{sort}'. Sort by one of: {', '.join(SORT_KEYS)}.")
    filters = ("missing",) if only_missing else ()
    found = list_tracks(conn, search, sort=sort, descending=descending, limit=limit, offset=offset, filters=filters)
    return TrackPage(total=found.total, offset=found.offset, tracks=tuple(row.track for row in found.rows))


def like_condition(text: str) -> ColumnElement[bool]:
    """The fallback search (text holding no word to index): ``text`` anywhere in a text field, ignoring case."""
    return _anywhere(text)


def words_inside_condition(search: str) -> ColumnElement[bool] | None:
    """Every word of ``search`` inside some searched field, anywhere in it, ignoring case: what a search falls back
    to when the index finds no word starting so: "bibi" is inside "Habibi", "תקווה" inside "התקווה6" (whose ה the
    index's own joined forms already take off). None when ``search`` has no word."""
    words = search_words(search)
    return and_(*(_anywhere(word) for word in words)) if words else None


def _anywhere(text: str) -> ColumnElement[bool]:
    """``text`` (``%`` and ``_`` are letters here) inside one of the searched fields, spelled plain: a field with a
    sort form (:mod:`harmony.library.sort_forms`) is looked at in that form, without case and accents, for the
    text spelled so ("yonce" is inside "Beyoncé", whose form is "beyonce"; "strasse" inside "Straße"); a field
    whose form is NULL, in its own spelling, as a form would have it. SQLite's own LIKE ignores the case of ASCII
    letters, as lower() does, at half the cost of ILIKE's lower() on both sides. One LIKE a field, as before the
    forms were looked at (a second LIKE a field had cost the scan 40-70 % more)."""
    plain = _inside(sort_form(text) or text)
    return or_(
        *(
            func.coalesce(TRACKS.c[f"{name}_sort"], TRACKS.c[name]).like(plain, escape="\\")
            for name in SORTED_TEXT_FIELDS
        ),
        *(TRACKS.c[name].like(_inside(text), escape="\\") for name in _LIKE_COLUMNS if name not in SORTED_TEXT_FIELDS),
    )


def _inside(text: str) -> str:
    """A LIKE pattern for ``text`` anywhere, its ``%`` and ``_`` taken as letters."""
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def get_track(conn: Connection, track_id: int) -> TrackDetail:
    """A track with its cues (by start position), or :class:`TrackNotFoundError`."""
    row = conn.execute(select(*TRACK_COLUMNS).where(TRACKS.c.id == track_id)).first()
    if row is None:
        raise TrackNotFoundError(f"No track with id {track_id} in the library.")
    cues = conn.execute(select(*CUE_COLUMNS).where(CUES.c.track_id == track_id).order_by(CUES.c.start, CUES.c.id))
    return TrackDetail(track=row_to_track(row), cues=tuple(row_to_cue(c) for c in cues))


def get_tracks(conn: Connection, track_ids: Sequence[int]) -> list[TrackDetail]:
    """:func:`get_track` for each of ``track_ids``, in that order, read a batch at a time (a merge of a group of
    thousands read them one by one: 12,000 pairs of queries). Raises :class:`TrackNotFoundError` for the first
    id, in that order, that is not in the library."""
    rows: dict[int, StoredTrack] = {}
    cues: dict[int, list[StoredCue]] = {}
    for chunk in in_batches(list(dict.fromkeys(track_ids))):
        for row in conn.execute(select(*TRACK_COLUMNS).where(TRACKS.c.id.in_(chunk))):
            rows[row[0]] = row_to_track(row)
        by_start = select(*CUE_COLUMNS).where(CUES.c.track_id.in_(chunk)).order_by(CUES.c.start, CUES.c.id)
        for cue_row in conn.execute(by_start):
            cues.setdefault(cue_row[1], []).append(row_to_cue(cue_row))
    for track_id in track_ids:
        if track_id not in rows:
            raise TrackNotFoundError(f"No track with id {track_id} in the library.")
    return [TrackDetail(track=rows[i], cues=tuple(cues.get(i, ()))) for i in track_ids]


def find_track_ids_by_path_keys(conn: Connection, keys: Sequence[str]) -> dict[str, int]:
    """Map each of ``keys`` (path keys) that is in the library to its track id."""
    found: dict[str, int] = {}
    for chunk in in_batches(keys):
        rows = conn.execute(select(TRACKS.c.path_key, TRACKS.c.id).where(TRACKS.c.path_key.in_(chunk)))
        found.update({row.path_key: row.id for row in rows})
    return found


def playlist_tree(conn: Connection) -> tuple[FolderNode | PlaylistNode, ...]:
    """The whole tree of folders and playlists, top level first, children in their stored order."""
    counts: dict[int, int] = {
        row.playlist_id: row.entries
        for row in conn.execute(
            select(ENTRIES.c.playlist_id, func.count().label("entries")).group_by(ENTRIES.c.playlist_id)
        )
    }
    children: dict[int | None, list[tuple[int, Any]]] = {}
    folders = conn.execute(select(FOLDERS)).all()
    for row in conn.execute(select(PLAYLISTS)):
        node = PlaylistNode(row.id, row.name, row.position, row.uuid, row.smart_query, counts.get(row.id, 0))
        children.setdefault(row.folder_id, []).append((row.position, node))

    def build(folder_id: int | None) -> tuple[FolderNode | PlaylistNode, ...]:
        items = list(children.get(folder_id, []))
        return tuple(node for _, node in sorted(items, key=lambda item: (item[0], item[1].kind, item[1].id)))

    # Folders are built bottom-up: a folder's node needs its finished children.
    by_parent: dict[int | None, list[Any]] = {}
    for row in folders:
        by_parent.setdefault(row.parent_id, []).append(row)

    def add_folders(parent_id: int | None) -> None:
        for row in by_parent.get(parent_id, []):
            add_folders(row.id)
            node = FolderNode(row.id, row.name, row.position, build(row.id))
            children.setdefault(parent_id, []).append((row.position, node))

    add_folders(None)
    return build(None)


def playlist_entries(conn: Connection, playlist_id: int) -> tuple[StoredEntry, ...]:
    """The entries of a playlist in order, or :class:`NotFoundError`."""
    if conn.execute(select(PLAYLISTS.c.id).where(PLAYLISTS.c.id == playlist_id)).first() is None:
        raise NotFoundError(f"No playlist with id {playlist_id} in the library.")
    rows = conn.execute(
        select(ENTRIES).where(ENTRIES.c.playlist_id == playlist_id).order_by(ENTRIES.c.position, ENTRIES.c.id)
    )
    return tuple(StoredEntry(r.id, r.position, r.track_id, r.nml_key) for r in rows)


def count_tracks_changed_since(conn: Connection, version: int) -> int:
    """How many tracks' fields or cues changed after library ``version``."""
    found = conn.execute(select(func.count()).select_from(TRACKS).where(TRACKS.c.changed_version > version)).scalar()
    return int(found or 0)


def node_ids_changed_since(conn: Connection, version: int) -> tuple[list[int], list[int]]:
    """Ids of the playlists and of the folders whose name, place or entries changed after library ``version``."""
    playlists, folders = (
        list(conn.execute(select(nodes.c.id).where(nodes.c.changed_version > version)).scalars())
        for nodes in (PLAYLISTS, FOLDERS)
    )
    return playlists, folders


def track_ids_changed_since(conn: Connection, version: int) -> list[int]:
    """Ids of tracks whose fields or cues changed after library ``version`` (e.g. since the last export)."""
    rows = conn.execute(select(TRACKS.c.id).where(TRACKS.c.changed_version > version).order_by(TRACKS.c.id)).scalars()
    return list(rows)
