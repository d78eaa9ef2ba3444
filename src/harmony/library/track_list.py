"""The track list a DJ browses: the whole library or one playlist, searched, filtered and sorted, one page at a time.

Empty values sort last in both directions, for every column: a DJ sorting by artist or BPM wants the tracks that
have one first, whichever way round. A page is read in parts (tiers) so the sort indexes keep serving it: first
the rows whose sort value is set (a range of the index, walked forwards or backwards), then the rows without one
(by id); the Key column has a tier between, the key texts of tracks without a musical key. A count per tier says
where it ends.

A page can also say where one track stands in the whole list (``locate``), read off the same listing: the
table keeps the keyboard on a track an edit moved in the sort.

Filters are named conditions (:data:`LIST_FILTERS`): ``pending`` keeps the tracks holding edits no export has
written yet, ``missing`` the tracks whose file was not found. A new filter is one more entry there.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Connection, Select, and_, func, literal, literal_column, not_, or_, select, true, union
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.selectable import CompoundSelect

from harmony.library.errors import InvalidFieldError, NotFoundError
from harmony.library.journal import read_status
from harmony.library.models import ENTRIES, PLAYLISTS, TRACKS
from harmony.library.queries import (
    _FTS,
    TRACK_COLUMNS,
    fts_query,
    like_condition,
    row_to_track,
    words_inside_condition,
)
from harmony.library.records import StoredTrack
from harmony.library.settings import KEY_NOTATIONS, KeyNotation
from harmony.library.smart_lists import smart_condition
from harmony.library.sort_forms import KEY_VALUE_SQL, key_sort_form, sort_expression
from harmony.library.values import TRACK_FIELD_NAMES
from harmony.nml import parse_key_text, to_camelot, to_musical, to_open_key

__all__ = [
    "KEY_NOTATIONS",
    "LIST_FILTERS",
    "LIST_SORT_KEYS",
    "KeyNotation",
    "ListedTrack",
    "TrackList",
    "key_display",
    "list_track_ids",
    "list_tracks",
]


_KEY_WRITERS: dict[str, Callable[[int], str]] = {"open_key": to_open_key, "camelot": to_camelot, "musical": to_musical}


def key_display(musical_key: int | None, key_text: str | None, notation: str) -> str | None:
    """The key as the Key column shows it, in ``notation``: the musical key, else the key its text names (a
    Traktor 2 collection's ``e♭`` reads 7m, 2A or Ebm, where it sorts), else the text as it is (``off``), else
    None."""
    key = musical_key if musical_key is not None and 0 <= musical_key <= 23 else key_sort_form(key_text)
    if key is not None:
        return _KEY_WRITERS[notation](key)
    return key_text or None


#: The rank of a key in the order a DJ reads each notation, as SQL over the key value (``KEY_VALUE_SQL``: the
#: musical key, else the key its text names; 0–11 major on C…B, 12–23 minor): 1A, 1B, 2A, … (Camelot); 1d, 1m,
#: 2d, … (Open Key); C, Cm, Db, C#m, … (musical, by root). The text is repeated exactly by the sort indexes of
#: migration 0010, so SQLite sorts by reading an index. The wheel position of a key is 7 × (its relative major's
#: root) mod 12; a minor key's relative major is 3 up.
_RANK_OF: dict[str, str] = {
    "open_key": "((({k} % 12 + 3 * ({k} >= 12)) * 7) % 12) * 2 + ({k} >= 12)",
    "camelot": "((({k} % 12 + 3 * ({k} >= 12)) * 7 + 7) % 12) * 2 + ({k} < 12)",
    "musical": "({k} % 12) * 2 + ({k} >= 12)",
}
KEY_RANKS: dict[str, str] = {notation: rank.format(k=KEY_VALUE_SQL) for notation, rank in _RANK_OF.items()}


def _tracks_in_key(key: int) -> Select[Any]:
    """The ids of the tracks in ``key`` (0-23), read off the Key column's Open Key index: the rank of their key
    value is the rank of ``key``, one rule written once (each key has its own rank)."""
    rank = literal_column(KEY_RANKS["open_key"]) == literal_column(_RANK_OF["open_key"].format(k=int(key)))
    return select(TRACKS.c.id).where(rank)


@dataclass(frozen=True, slots=True)
class _Tier:
    """A part of the sorted list: the rows meeting ``condition`` (None: all), ordered by ``expressions``
    (most significant first) in the list's direction, or by id alone (``expressions`` empty)."""

    condition: ColumnElement[bool] | None
    expressions: tuple[ColumnElement[Any], ...]


#: "Added": the date the track entered the collection (Traktor's import date when it came from Traktor).
ADDED = func.coalesce(TRACKS.c.import_date, TRACKS.c.date_added)

#: Sort keys a track list accepts: a few of its own, then every stored field by its name.
LIST_SORT_KEYS: tuple[str, ...] = (
    "id",
    "key",
    "added",
    "pending",
    "missing",
    "position",
    *(name for name in TRACK_FIELD_NAMES if name != "path_key"),
)


def _filled_then_empty(expression: ColumnElement[Any], empty: ColumnElement[bool]) -> tuple[_Tier, ...]:
    return _Tier(not_(empty), (expression,)), _Tier(empty, ())


def _range_then_rest(expression: ColumnElement[Any], filled: ColumnElement[bool]) -> tuple[_Tier, _Tier]:
    """The rows ``filled`` keeps, a range of ``expression``'s sort index so that their count is read off the
    index rather than the table, in its order; then every other row, by id."""
    return _Tier(filled, (expression,)), _Tier(_outside(expression, filled), ())


def _outside(expression: ColumnElement[Any], filled: ColumnElement[bool]) -> ColumnElement[bool]:
    """The exact complement of ``filled`` (not a second test of emptiness), so that no row can be in both tiers
    or in neither whatever a column holds: the last tier's size is taken as what the others leave."""
    return or_(expression.is_(None), not_(filled))


def _tiers(sort: str, notation: str, pending: ColumnElement[bool], in_playlist: bool) -> tuple[_Tier, ...]:
    """The parts a list sorted by ``sort`` is read in: the rows with a value, then (for most columns) the
    rows without one, in id order whichever the direction."""
    if sort == "id":
        return (_Tier(None, (TRACKS.c.id,)),)
    if sort == "position":
        if not in_playlist:
            raise InvalidFieldError("Only a playlist's tracks sort by position.")
        return (_Tier(None, (ENTRIES.c.position,)),)
    if sort == "key":
        # Keys in the notation's order, then the key texts that name none ("off"), then nothing. Each tier is
        # told by its rank (NULL for no key), so their counts are read off the rank's index.
        rank: ColumnElement[int] = literal_column(KEY_RANKS[notation])
        keyed = rank >= 0
        no_key = _outside(rank, keyed)
        text = TRACKS.c.key_text
        no_text = or_(text.is_(None), text == "")
        return (
            _Tier(keyed, (rank,)),
            _Tier(and_(no_key, not_(no_text)), (text.collate("NOCASE"),)),
            _Tier(and_(no_key, no_text), ()),
        )
    if sort == "added":
        return _range_then_rest(ADDED, ADDED >= date.min)  # noqa: SIM300 (every date is on or after date.min)
    if sort == "rating":
        # No stars is no rating, as Traktor and the list show it: 0 goes with the empty ratings, after 1 to 5.
        return _range_then_rest(TRACKS.c.rating, TRACKS.c.rating > 0)
    if sort == "pending":
        # Tracks with edits waiting first, the latest edit at the top when descending (the version index).
        return _filled_then_empty(TRACKS.c.changed_version, not_(pending))
    if sort == "missing":
        # Tracks whose file is missing first, by when it went (its index); the found ones after, by id.
        return _filled_then_empty(TRACKS.c.missing_since, TRACKS.c.missing_since.is_(None))
    column = TRACKS.c[sort]
    if column.type.python_type is str:
        expression = sort_expression(sort)
        return _range_then_rest(expression, expression > "")  # any text but '' sorts after it
    return _filled_then_empty(column, column.is_(None))


def _pending(conn: Connection) -> ColumnElement[bool]:
    return TRACKS.c.changed_version > read_status(conn).last_exported_version


#: Named filters of the list (``filter=NAME``): each makes the condition a track must meet.
def _missing(conn: Connection) -> ColumnElement[bool]:
    return TRACKS.c.missing_since.is_not(None)


#: Named filters of the list (``filter=NAME``): each makes the condition a track must meet (``missing``: the
#: tracks whose file was not found).
LIST_FILTERS: dict[str, Callable[[Connection], ColumnElement[bool]]] = {"pending": _pending, "missing": _missing}


@dataclass(frozen=True, slots=True)
class ListedTrack:
    """One row of the list: the track, whether it holds edits not yet exported, and (in a playlist) the
    entry's id and position."""

    track: StoredTrack
    pending: bool
    position: int | None = None
    entry_id: int | None = None


@dataclass(frozen=True, slots=True)
class TrackList:
    """One page: ``total`` rows matched, ``rows`` are those from ``offset`` on, sorted by ``sort``."""

    total: int
    offset: int
    rows: tuple[ListedTrack, ...]
    sort: str = "artist"
    #: Where the track asked to be located stands in the whole list (None: not asked, or not in the list).
    located: int | None = None


#: From this many matches on, a search page is read in sort order off the sort index (see below).
_MANY_MATCHES = 1000

#: A search that is a key written as DJs write keys, in Open Key or Camelot ("7m", "8A"), whatever the notation
#: chosen; musical names are left out ("am", "e" are the starts of words as well).
_KEY_SEARCH = re.compile(r"(1[0-2]|0?[1-9])[dmab]", re.IGNORECASE)


def searched_key(search: str | None) -> int | None:
    """The key (0-23) a search names when it is nothing but a key in Open Key or Camelot, else None. Such a
    search finds the tracks in that key, however their key is stored (a musical key, or a text in another
    notation: the Key column shows "7m" for Traktor 2's "e♭"), besides the tracks whose text matches."""
    text = (search or "").strip()
    return parse_key_text(text) if _KEY_SEARCH.fullmatch(text) else None


@dataclass(frozen=True, slots=True)
class _Listing:
    """What a list is read from: the rows of ``source`` meeting ``where``, in ``tiers``, ties broken by ``tie``;
    ``total`` of them. Built once for a page, and the same way to find where one track stands in it."""

    source: Any
    where: ColumnElement[bool]
    tiers: tuple[_Tier, ...]
    tie: ColumnElement[Any]
    columns: tuple[Any, ...]
    in_playlist: bool
    sort: str
    descending: bool
    total: int

    def count(self, conn: Connection, condition: ColumnElement[bool]) -> int:
        return _count(conn, self.source, condition)

    def tier_condition(self, tier: _Tier) -> ColumnElement[bool]:
        return self.where if tier.condition is None else and_(self.where, tier.condition)

    def backwards(self, tier: _Tier) -> bool:
        """Whether ``tier`` is read last row first (descending, by a value; the rows without one stay by id)."""
        return self.descending and bool(tier.expressions)


def list_tracks(
    conn: Connection,
    search: str | None = None,
    *,
    sort: str | None = None,
    descending: bool = False,
    limit: int = 100,
    offset: int = 0,
    filters: tuple[str, ...] = (),
    playlist_id: int | None = None,
    key_notation: str = "open_key",
    locate: int | None = None,
    locate_entry: int | None = None,
) -> TrackList:
    """A page of the library's tracks (or of playlist ``playlist_id``'s entries; of a smart list, the tracks its
    query finds, or :class:`SmartListError` naming the part Harmony cannot evaluate) matching ``search`` and every
    filter, sorted by ``sort`` (default: artist, or the playlist's order) with empty values last.

    Ties are broken by id (entry id in a playlist), so pages never overlap or skip. Call inside a read
    transaction so the counts and the page agree. ``locate``: a track id (in a playlist, with ``locate_entry``
    its entry) whose 0-based index in the whole list the page carries as ``located`` (None: not in the list)."""
    if limit < 0 or offset < 0:
        raise InvalidFieldError("The limit and the offset cannot be negative.")
    listing = _listing(conn, search, sort, descending, filters, playlist_id, key_notation)
    total, in_playlist = listing.total, listing.in_playlist
    rows = _page(conn, listing, listing.columns, limit, offset)
    width = len(TRACK_COLUMNS)
    listed = tuple(
        ListedTrack(
            track=row_to_track(row),
            pending=bool(row[width]),
            position=row[width + 1] if in_playlist else None,
            entry_id=row[width + 2] if in_playlist else None,
        )
        for row in rows
    )
    located = None if locate is None else _located(conn, listing, locate, locate_entry)
    return TrackList(total=total, offset=offset, rows=listed, sort=listing.sort, located=located)


def list_track_ids(
    conn: Connection,
    search: str | None = None,
    *,
    sort: str | None = None,
    descending: bool = False,
    filters: tuple[str, ...] = (),
    playlist_id: int | None = None,
    key_notation: str = "open_key",
) -> tuple[tuple[int, int | None], ...]:
    """Every row of the list :func:`list_tracks` pages, in its order, as ``(track id, position)`` (the position
    None outside a playlist): what an action on all of a view's rows (Ctrl-A) needs, without reading each track
    whole (at 100,000 tracks, the whole rows took 200 pages and 19 s)."""
    listing = _listing(conn, search, sort, descending, filters, playlist_id, key_notation)
    columns = (TRACKS.c.id, ENTRIES.c.position) if listing.in_playlist else (TRACKS.c.id, literal(None))
    return tuple((row[0], row[1]) for row in _page(conn, listing, columns, listing.total, 0))


def _page(conn: Connection, listing: _Listing, columns: tuple[Any, ...], limit: int, offset: int) -> list[Any]:
    """``columns`` of the ``limit`` rows of ``listing`` from ``offset`` on, tier after tier."""

    def page(condition: ColumnElement[bool], order: tuple[Any, ...], size: int, skip: int) -> list[Any]:
        statement: Select[Any] = select(*columns).select_from(listing.source).where(condition)
        return list(conn.execute(statement.order_by(*order).limit(size).offset(skip)))

    rows: list[Any] = []
    start = 0  # where the current tier begins in the whole list
    for number, tier in enumerate(listing.tiers):
        if len(rows) >= limit or offset + len(rows) >= listing.total:
            break
        last = number == len(listing.tiers) - 1
        condition = listing.tier_condition(tier)
        size = listing.total - start if last else listing.count(conn, condition)
        skip = offset + len(rows) - start
        if skip < size:
            keys = (*tier.expressions, listing.tie)
            backwards = listing.backwards(tier)
            order = tuple(key.desc() if backwards else key.asc() for key in keys)
            rows += page(condition, order, min(limit - len(rows), size - skip), skip)
        start += size
    return rows


def _located(conn: Connection, listing: _Listing, track_id: int, entry_id: int | None) -> int | None:
    """Where track ``track_id`` (in a playlist, entry ``entry_id`` when given) stands in ``listing``."""
    if listing.in_playlist and entry_id is not None:
        # An entry id names the entry while the playlist keeps it (an edit writes the stretch it changed anew,
        # ids there may be reused): it counts only if it is still this track's, else the track's first entry.
        found = _locate(conn, listing, and_(ENTRIES.c.id == entry_id, TRACKS.c.id == track_id))
        if found is not None:
            return found
    return _locate(conn, listing, TRACKS.c.id == track_id)


def _locate(conn: Connection, listing: _Listing, row: ColumnElement[bool]) -> int | None:
    start = 0
    for tier in listing.tiers:
        condition = listing.tier_condition(tier)
        keys = (*tier.expressions, listing.tie)
        statement = select(*keys).select_from(listing.source).where(and_(condition, row))
        found = conn.execute(statement.order_by(listing.tie).limit(1)).first()
        if found is not None:
            # The rows before it: those whose sort values (then tie) come first in the tier's direction, counted
            # as disjoint parts (a smaller first key; the same first key and a smaller second...) so that each
            # is a range of the sort index: a row-value comparison made SQLite walk the whole tier (0.1 s).
            values = tuple(literal(value) for value in found)
            backwards = listing.backwards(tier)
            before = 0
            for number, key in enumerate(keys):
                same = [k == v for k, v in zip(keys[:number], values[:number], strict=True)]
                ahead = key > values[number] if backwards else key < values[number]
                before += listing.count(conn, and_(condition, *same, ahead))
            return start + before
        start += listing.count(conn, condition)
    return None


def _count(conn: Connection, source: Any, condition: ColumnElement[bool]) -> int:
    return int(conn.execute(select(func.count()).select_from(source).where(condition)).scalar_one())


def _listing(
    conn: Connection,
    search: str | None,
    sort: str | None,
    descending: bool,
    filters: tuple[str, ...],
    playlist_id: int | None,
    key_notation: str,
) -> _Listing:
    smart: ColumnElement[bool] | None = None
    if playlist_id is not None:
        found = conn.execute(select(PLAYLISTS.c.smart_query).where(PLAYLISTS.c.id == playlist_id)).first()
        if found is None:
            raise NotFoundError(f"No playlist with id {playlist_id} in the library.")
        if found.smart_query is not None:
            # A smart list has no entries of its own: its tracks are those its query finds, in the library's order.
            smart = smart_condition(found.smart_query, date.today())
            playlist_id = None
    in_playlist = playlist_id is not None
    sort = sort or ("position" if in_playlist else "artist")
    if sort not in LIST_SORT_KEYS:
        raise InvalidFieldError(f"Cannot sort by '{sort}'. Sort by one of: {', '.join(LIST_SORT_KEYS)}.")
    if key_notation not in KEY_NOTATIONS:
        raise InvalidFieldError(f"Key notation must be one of {', '.join(KEY_NOTATIONS)}.")
    for name in filters:
        if name not in LIST_FILTERS:
            raise InvalidFieldError(f"Unknown filter '{name}'. Filter by one of: {', '.join(LIST_FILTERS)}.")
    pending = _pending(conn)
    tiers = _tiers(sort, key_notation, pending, in_playlist)

    conditions: list[ColumnElement[bool]] = [LIST_FILTERS[name](conn) for name in filters]
    if smart is not None:
        conditions.append(smart)
    query = fts_query(search) if search and search.strip() else None
    key = searched_key(search)
    searched: int | None = None  # where the search's condition is in `conditions`
    if query is not None:
        match = _FTS.c.tracks_fts.op("MATCH")(query)
        matching: Select[Any] | CompoundSelect[Any] = select(_FTS.c.rowid).where(match)
        # A key is about a 24th of the library: as many as "many" text matches at a few thousand tracks.
        many = key is not None or (
            conn.execute(select(func.count()).select_from(_FTS).where(match)).scalar_one() >= _MANY_MATCHES
        )
        # Many matches: walk the sort index and keep the rows whose id is in the match list, stopping after the
        # page, instead of sorting tens of thousands of rows. The unary + stops SQLite from driving the query by
        # id lookups, which would force that sort.
        walk_index = many and not in_playlist
        if key is not None:
            matching = union(matching, _tracks_in_key(key))
        searched = len(conditions)
        conditions.append((literal_column("+tracks.id") if walk_index else TRACKS.c.id).in_(matching))
    elif search and search.strip():
        conditions.append(like_condition(search.strip()))

    columns = (*TRACK_COLUMNS, pending.label("pending"))
    if in_playlist:
        source: Any = ENTRIES.join(TRACKS, ENTRIES.c.track_id == TRACKS.c.id)
        conditions.append(ENTRIES.c.playlist_id == playlist_id)
        columns = (*columns, ENTRIES.c.position, ENTRIES.c.id)
        tie = ENTRIES.c.id
    else:
        source = TRACKS
        tie = TRACKS.c.id
    where = and_(true(), *conditions)

    if in_playlist and len(conditions) == 1:
        # Every entry with a track id has its track (the foreign key cascades), so the entries count alone.
        entries = and_(ENTRIES.c.playlist_id == playlist_id, ENTRIES.c.track_id.is_not(None))
        total = int(conn.execute(select(func.count()).select_from(ENTRIES).where(entries)).scalar_one())
    else:
        total = _count(conn, source, where)
    inside = words_inside_condition(search) if total == 0 and searched is not None and key is None and search else None
    if inside is not None and searched is not None:
        # No track of this list has a word starting so: its words anywhere inside a field (a scan of the list,
        # made only when the index found nothing in it).
        conditions[searched] = inside
        where = and_(true(), *conditions)
        total = _count(conn, source, where)
    if (filters or smart is not None) and not in_playlist and total < _MANY_MATCHES:
        # Few tracks pass the filters: read them by id and sort them, rather than walk a whole sort index.
        where = TRACKS.c.id.in_(select(TRACKS.c.id).where(where))
    return _Listing(source, where, tiers, tie, columns, in_playlist, sort, descending, total)
