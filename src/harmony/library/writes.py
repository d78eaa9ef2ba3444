"""Writes to tracks, cue points, folders and playlists, on a connection inside a write transaction.

These functions do not open or commit transactions and do not bump the library version: the caller
(:class:`harmony.library.Library` or :mod:`harmony.library.apply`) does both, so one operation is one version
and one transaction. Each takes the ``version`` that operation produced and stamps it on the rows it changes.

Folders and playlists share one ``position`` order among the children of a folder (as NML nodes do); positions
stay gapless (0..n-1), so a move or insert shifts its siblings.
"""

from __future__ import annotations

import functools
import hashlib
import logging
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from operator import itemgetter
from typing import Any, Final, cast

from sqlalchemy import Column, Connection, Integer, MetaData, Table, bindparam, delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from harmony.collector import gc_paused
from harmony.errors import LibraryError
from harmony.library.batches import in_batches
from harmony.library.driver_rows import all_driver_rows, rows_with_ids
from harmony.library.errors import EditConflictError, InvalidFieldError, NotFoundError, TrackNotFoundError
from harmony.library.fields import (
    COLOR_RE,
    CUE_FIELDS,
    TRACK_FIELDS,
    FieldSpec,
    FieldValue,
    check_holdable,
    check_value,
    check_values,
)
from harmony.library.models import CUES, ENTRIES, FOLDERS, PLAYLISTS, STATE, TRACKS
from harmony.library.paths import path_key
from harmony.library.sort_forms import SORT_COLUMNS, SORTED_TEXT_FIELDS, sort_columns, sort_forms
from harmony.library.values import (
    CUE_FIELD_NAMES,
    TRACK_FIELD_NAMES,
    CueValues,
    TrackValues,
    cue_getter,
    track_getter,
)

log = logging.getLogger(__name__)


# --- validation, kept tight because an import checks every field of 100,000 tracks ---


_INF = float("inf")


def _row_plan(
    specs: Mapping[str, FieldSpec], names: Sequence[str]
) -> tuple[tuple[int, str, str, float, float, bool], ...]:
    """Per field, in the order of ``specs``: its index in ``names`` (the order of the values dataclass and of
    the insert statements), name, kind, inclusive range (open ends as infinities), and whether it may be
    empty."""
    plan = []
    for name, spec in specs.items():
        kind = "color" if specs is CUE_FIELDS and name == "color" else spec.kind
        lo = -_INF if spec.minimum is None else spec.minimum
        hi = _INF if spec.maximum is None else spec.maximum
        plan.append((names.index(name), name, kind, lo, hi, spec.nullable))
    return tuple(plan)


_TRACK_PLAN = _row_plan(TRACK_FIELDS, TRACK_FIELD_NAMES)
_CUE_PLAN = _row_plan(CUE_FIELDS, CUE_FIELD_NAMES)
_PATH_KEY = TRACK_FIELD_NAMES.index("path_key")
_TRACK_DATES = tuple(i for i, name in enumerate(TRACK_FIELD_NAMES) if TRACK_FIELDS[name].kind == "date")
_KEY_TEXT = TRACK_FIELD_NAMES.index("key_text")
_sorted_texts = itemgetter(*(TRACK_FIELD_NAMES.index(name) for name in SORTED_TEXT_FIELDS))


def _check_values(
    specs: Mapping[str, FieldSpec],
    plan: tuple[tuple[int, str, str, float, float, bool], ...],
    values: list[FieldValue],
) -> None:
    """Check every value of a full row (in the values dataclass's field order) in place.

    An import checks every field of 100,000 tracks, so the common, valid case is decided inline by exact type
    and range; anything else goes to :func:`check_value`, which widens an int for a float field or raises the
    error that explains what is wrong."""
    for index, name, kind, lo, hi, nullable in plan:
        value = values[index]
        kind_of_value = type(value)
        if value is None:
            if nullable:
                continue
        elif kind == "text":
            if kind_of_value is str and (nullable or value.strip()):  # type: ignore[union-attr]
                continue
        elif kind == "int":
            if kind_of_value is int and lo <= value <= hi:  # type: ignore[operator]
                continue
        elif kind == "float":
            if kind_of_value is float and lo <= value <= hi and value != _INF and value != -_INF:  # type: ignore[operator]
                continue  # NaN fails every comparison, so it falls through to the full check
        elif kind == "date":
            if kind_of_value is date:
                continue
        elif kind == "bool":
            if kind_of_value is bool:
                continue
        elif kind == "color" and kind_of_value is str and COLOR_RE.match(value):  # type: ignore[arg-type]
            continue
        values[index] = check_value(specs, name, value)


def checked_track_values(values: TrackValues) -> list[FieldValue]:
    """The checked fields of ``values`` as a list in :data:`TRACK_FIELD_NAMES` order (``path_key`` as given)."""
    row = list(track_getter(values))
    _check_values(TRACK_FIELDS, _TRACK_PLAN, row)
    return row


def checked_cue_values(cue: CueValues) -> list[FieldValue]:
    """The checked fields of ``cue`` as a list in :data:`CUE_FIELD_NAMES` order."""
    row = list(cue_getter(cue))
    _check_values(CUE_FIELDS, _CUE_PLAN, row)
    return row


def track_row(values: TrackValues, version: int) -> dict[str, FieldValue]:
    """The checked database row of ``values`` (``path_key`` derived from ``path`` when empty, the sort forms
    from their fields)."""
    row = list(track_getter(values))
    if row[_PATH_KEY] is None:
        row[_PATH_KEY] = path_key(values.path)
    _check_values(TRACK_FIELDS, _TRACK_PLAN, row)
    result: dict[str, FieldValue] = dict(zip(TRACK_FIELD_NAMES, row, strict=True))
    result.update(sort_columns(result))
    result["changed_version"] = version
    return result


def cue_row(cue: CueValues, track_id: int) -> dict[str, FieldValue]:
    """The checked database row of ``cue`` on track ``track_id``."""
    result = dict(zip(CUE_FIELD_NAMES, checked_cue_values(cue), strict=True))
    result["track_id"] = track_id
    return result


def checked_track(values: TrackValues) -> dict[str, FieldValue]:
    """The fields of ``values`` after the checks a stored track gets (whole numbers widened for floats)."""
    return dict(zip(TRACK_FIELD_NAMES, checked_track_values(values), strict=True))


def checked_cue(cue: CueValues) -> dict[str, FieldValue]:
    """The fields of ``cue`` after the checks a stored cue gets."""
    return dict(zip(CUE_FIELD_NAMES, checked_cue_values(cue), strict=True))


def sqlite_date(value: date) -> str:
    """A date as the library stores it (``YYYY-MM-DD``, as SQLAlchemy's SQLite ``Date`` type writes it).

    Bulk inserts go to the driver with plain tuples, so they convert dates themselves; a ``datetime`` keeps
    only its date part, as the ``Date`` type does."""
    if type(value) is date:
        return value.isoformat()
    return f"{value.year:04d}-{value.month:02d}-{value.day:02d}"


#: The column of ``library_state`` holding the highest id each table ever gave (migration 0014).
_LAST_IDS: Final = {TRACKS.name: STATE.c.last_track_id, PLAYLISTS.name: STATE.c.last_playlist_id,
                    FOLDERS.name: STATE.c.last_folder_id}  # fmt: skip


def claim_ids(conn: Connection, table: Table, count: int) -> int:
    """The first of ``count`` new ids for ``table``, above every id it ever gave, recorded as given: an undo may
    bring back a deleted track, playlist or folder with its id, so no new row may take it meanwhile."""
    last = _LAST_IDS[table.name]
    present = int(conn.execute(select(func.coalesce(func.max(table.c.id), 0))).scalar_one())
    given = int(conn.execute(select(last).where(STATE.c.id == 1)).scalar_one())
    first = max(present, given) + 1
    conn.execute(update(STATE).where(STATE.c.id == 1).values({last: first + count - 1}))
    return first


def _quoted(names: Iterable[str]) -> str:
    return ", ".join(f'"{name}"' for name in names)


# Bulk inserts run as precompiled SQL through the driver's executemany, on the caller's connection and inside
# its transaction: building and binding 400,000 rows through SQLAlchemy's compiled-statement machinery cost more
# than SQLite's own work. Column lists come from the same names the values dataclasses use.
_INSERT_TRACK_SQL = (
    f"INSERT INTO {TRACKS.name} ({_quoted((*TRACK_FIELD_NAMES, *SORT_COLUMNS, 'changed_version', 'id'))}) "
    f"VALUES ({', '.join('?' * (len(TRACK_FIELD_NAMES) + len(SORT_COLUMNS) + 2))})"
)
_INSERT_CUE_SQL = (
    f"INSERT INTO {CUES.name} ({_quoted((*CUE_FIELD_NAMES, 'track_id'))}) "
    f"VALUES ({', '.join('?' * (len(CUE_FIELD_NAMES) + 1))})"
)
_INSERT_ENTRY_SQL = (
    f"INSERT INTO {ENTRIES.name} ({_quoted(('playlist_id', 'position', 'track_id', 'nml_key'))}) VALUES (?, ?, ?, ?)"
)


def executemany(conn: Connection, sql: str, rows: Sequence[Sequence[object]]) -> None:
    """Run ``sql`` once per row through the driver, in ``conn``'s transaction; SQLAlchemy still wraps errors
    (so an :class:`IntegrityError` or a locked database reads as it does elsewhere)."""
    if rows:
        conn.exec_driver_sql(sql, rows)


def _integrity(error: IntegrityError) -> LibraryError:
    text = str(error.orig)
    if "UNIQUE" in text and "tracks.path" in text:
        return LibraryError("A track with that file path is already in the library.")
    if "UNIQUE" in text and "playlists.uuid" in text:
        return LibraryError("A playlist with that Traktor UUID is already in the library.")
    if "CHECK" in text:
        return InvalidFieldError(f"A value is out of range ({text}).")
    return LibraryError(f"The library refused the change ({text}).")


# --- tracks -------------------------------------------------------------------------------------------------


def insert_tracks(
    conn: Connection, version: int, items: Sequence[tuple[TrackValues, Sequence[CueValues]]]
) -> list[int]:
    """Insert tracks with their cues in bulk and return the new track ids, in order."""
    with gc_paused():
        return insert_track_rows(conn, version, items).track_ids


@dataclass(slots=True)
class InsertedTracks:
    """What :func:`insert_track_rows` wrote: the new ids, in order, and per track its checked values (in
    :data:`TRACK_FIELD_NAMES` order, ``path_key`` as given, dates already as ISO text) and its checked cues
    (each in :data:`CUE_FIELD_NAMES` order, followed by the track id), so a caller can encode a sync base of
    the same values without checking them twice."""

    track_ids: list[int]
    checked_values: list[list[FieldValue]]
    checked_cues: list[list[tuple[FieldValue, ...]]]


def insert_track_rows(
    conn: Connection, version: int, items: Sequence[tuple[TrackValues, Sequence[CueValues]]]
) -> InsertedTracks:
    """Insert tracks with their cues in bulk, one ``executemany`` per table.

    Ids are assigned here, above every id the library ever gave (a track a merge took out keeps its id for an
    undo to bring it back): the caller holds the write lock (``BEGIN IMMEDIATE``), so no one else can take
    them, and the cue rows can be built without a round trip per track."""
    if not items:
        return InsertedTracks([], [], [])
    first_id = claim_ids(conn, TRACKS, len(items))
    track_rows: list[tuple[FieldValue, ...]] = []
    cue_rows: list[tuple[FieldValue, ...]] = []
    checked_values: list[list[FieldValue]] = []
    checked_cues: list[list[tuple[FieldValue, ...]]] = []
    for offset, (values, cues) in enumerate(items):
        track_id = first_id + offset
        checked = list(track_getter(values))
        given_key = checked[_PATH_KEY]
        if given_key is None:
            checked[_PATH_KEY] = path_key(values.path)
        _check_values(TRACK_FIELDS, _TRACK_PLAN, checked)
        odd_dates = False
        for index in _TRACK_DATES:
            day = checked[index]
            if type(day) is date:
                checked[index] = day.isoformat()  # the text both the row and a base's JSON hold
            elif day is not None:
                odd_dates = True  # a datetime: the row keeps its date part, a base's JSON all of it
        row = (*checked, *sort_forms(_sorted_texts(checked), checked[_KEY_TEXT]), version, track_id)
        if odd_dates:
            row = tuple(
                sqlite_date(value) if index in _TRACK_DATES and isinstance(value, date) else value
                for index, value in enumerate(row)
            )
        track_rows.append(row)
        if given_key is None:
            checked[_PATH_KEY] = None  # the values as given, as a sync base stores them
        checked_values.append(checked)
        track_cues = []
        for cue in cues:
            cue_values = list(cue_getter(cue))
            _check_values(CUE_FIELDS, _CUE_PLAN, cue_values)
            track_cues.append((*cue_values, track_id))
        cue_rows.extend(track_cues)
        checked_cues.append(track_cues)
    try:
        with _search_index_in_bulk(conn, first_id, len(track_rows)):
            executemany(conn, _INSERT_TRACK_SQL, track_rows)
        executemany(conn, _INSERT_CUE_SQL, cue_rows)
    except IntegrityError as error:
        raise _integrity(error) from error
    return InsertedTracks(list(range(first_id, first_id + len(items))), checked_values, checked_cues)


#: From this many tracks on, an insert fills the search index in one statement rather than row by row.
BULK_SEARCH_INDEX_MIN = 1000
_SEARCH_TABLE = "tracks_fts"
_SEARCH_INSERT_TRIGGER = "tracks_fts_insert"


@contextmanager
def _search_index_in_bulk(conn: Connection, first_id: int, count: int) -> Iterator[None]:
    """Index tracks ``first_id`` .. ``first_id + count - 1`` in the search index with one ``INSERT … SELECT``
    after they are written, instead of through the per-row insert trigger (from
    :data:`BULK_SEARCH_INDEX_MIN` tracks on; see :func:`search_trigger_dropped`)."""
    if count < BULK_SEARCH_INDEX_MIN:
        yield
        return
    with search_trigger_dropped(conn) as fill:
        yield
        if fill is not None:
            fill(first_id, first_id + count - 1)


@contextmanager
def search_trigger_dropped(conn: Connection) -> Iterator[Callable[[int, int], None] | None]:
    """Drop the search index's per-row insert trigger for the block, and yield what indexes tracks ``first`` ..
    ``last`` (ids) in one statement (None when the schema has no search index, or the trigger is already
    dropped by an enclosing block, which then indexes the rows itself).

    The FTS5 index with prefix indexes costs far more fed one row at a time by a trigger (about 5 s for
    100,000 tracks) than in one statement (about 0.5 s). The trigger is created again, from its own stored
    SQL, inside the caller's transaction: SQLite DDL is transactional, so a crash or a rollback brings back
    the trigger with everything else, and no committed state ever lacks it. The rows the caller indexes are
    the ones the trigger would have indexed, with the same values."""
    trigger_sql = conn.exec_driver_sql(
        "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?", (_SEARCH_INSERT_TRIGGER,)
    ).scalar()
    if trigger_sql is None:
        yield None
        return
    columns = _quoted(row[1] for row in conn.exec_driver_sql(f"PRAGMA table_info({_SEARCH_TABLE})"))

    def fill(first: int, last: int) -> None:
        conn.exec_driver_sql(
            f"INSERT INTO {_SEARCH_TABLE} (rowid, {columns}) SELECT id, {columns} FROM {TRACKS.name} "
            "WHERE id BETWEEN ? AND ?",
            (first, last),
        )

    conn.exec_driver_sql(f"DROP TRIGGER {_SEARCH_INSERT_TRIGGER}")
    try:
        yield fill
    finally:
        # Also after an error: a caller that catches it and commits the rest must not lose the trigger.
        conn.exec_driver_sql(trigger_sql)


def require_track(conn: Connection, track_id: int) -> None:
    """Raise :class:`TrackNotFoundError` unless track ``track_id`` exists."""
    require_tracks(conn, [track_id])


def require_tracks(conn: Connection, track_ids: Iterable[int]) -> None:
    """Raise :class:`TrackNotFoundError` naming the first of ``track_ids`` that does not exist."""
    wanted = sorted(set(track_ids))
    found = existing_tracks(conn, wanted)
    if len(found) < len(wanted):
        missing = next(track_id for track_id in wanted if track_id not in found)
        raise TrackNotFoundError(f"No track with id {missing} in the library.")


def existing_tracks(conn: Connection, track_ids: Iterable[int]) -> set[int]:
    """Which of ``track_ids`` are tracks of the library."""
    wanted = sorted(set(track_ids))
    return {row[0] for row in rows_with_ids(conn, f"SELECT id FROM {TRACKS.name} WHERE id IN ({{ids}})", wanted)}


def check_track_changes(changes: Mapping[str, object]) -> dict[str, FieldValue]:
    """Check a field -> value mapping for a track update; ``path_key`` follows ``path`` unless given."""
    checked = check_values(TRACK_FIELDS, changes)
    if "path" in checked and "path_key" not in checked:
        if checked["path"] is None:
            raise InvalidFieldError("Field 'path' cannot be empty.")
        checked["path_key"] = path_key(str(checked["path"]))
    for required in ("path", "path_key"):
        if required in checked and checked[required] is None:
            raise InvalidFieldError(f"Field '{required}' cannot be empty.")
    return checked


#: The columns no two tracks may share.
_UNIQUE_PATHS: Final = ("path", "path_key")


def update_tracks(conn: Connection, version: int | None, updates: Iterable[tuple[int, Mapping[str, object]]]) -> int:
    """Apply field changes to tracks; updates touching the same fields go in one ``executemany``. Each track is
    stamped with ``version``; None leaves its ``changed_version`` as it was (a change that is not an edit
    waiting for an export: see :func:`harmony.library.apply` on files found elsewhere).

    Returns how many tracks were updated; raises :class:`TrackNotFoundError` if an id does not exist.
    """
    stamp = {} if version is None else {"changed_version": version}
    groups: dict[tuple[str, ...], list[dict[str, object]]] = defaultdict(list)
    for track_id, changes in updates:
        checked = check_track_changes(changes)
        if not checked:
            require_track(conn, track_id)
            continue
        checked.update(sort_columns(checked))
        fields = tuple(sorted(checked))
        groups[fields].append({"_id": track_id, **{f"v_{name}": value for name, value in checked.items()}})
    count = 0
    for fields, rows in groups.items():
        unique = [column for column in _UNIQUE_PATHS if column in fields]
        if len(rows) > 1 and unique:
            _let_go_of_paths(conn, unique, rows)
        try:
            updated = _update_each(conn, fields, stamp, rows)
        except IntegrityError as error:
            raise _integrity(error) from error
        if updated != len(rows):
            require_tracks(conn, (cast(int, row["_id"]) for row in rows))
        count += len(rows)
    return count


#: From this many tracks on, their values go through a temporary table and one ``UPDATE … FROM``.
_ONE_STATEMENT_FROM: Final = 100


def _update_each(
    conn: Connection, fields: tuple[str, ...], stamp: Mapping[str, object], rows: list[dict[str, object]]
) -> int:
    """Give each track of ``rows`` (``_id`` and ``v_<field>`` values) its own values of ``fields``; returns how
    many tracks were updated.

    A statement per track made the search index write its pending words at each one (an FTS5 table flushes them
    at every statement's savepoint): undoing a bulk edit of 28,000 tracks took three times the edit, which is one
    ``UPDATE … WHERE id IN`` per 500 tracks. So many tracks' values are put in a temporary table first (no
    index, no trigger) and written by one statement."""
    if len(rows) < _ONE_STATEMENT_FROM:
        statement = (
            update(TRACKS)
            .where(TRACKS.c.id == bindparam("_id"))
            .values({**{name: bindparam(f"v_{name}") for name in fields}, **stamp})
        )
        return int(conn.execute(statement, rows).rowcount)
    values = _new_values_table(fields)
    values.create(conn, checkfirst=True)  # kept by the connection, empty, for the next time
    try:
        # A track given twice takes its last values, as one statement per track gave it.
        conn.execute(insert(values), list({row["_id"]: row for row in rows}.values()))
        statement = (
            update(TRACKS)
            .where(TRACKS.c.id == values.c._id)
            .values({**{name: values.c[f"v_{name}"] for name in fields}, **stamp})
        )
        return int(conn.execute(statement).rowcount)
    finally:
        conn.execute(delete(values))


_NEW_VALUES = MetaData()


@functools.cache
def _new_values_table(fields: tuple[str, ...]) -> Table:
    """The temporary table for new values of ``fields``: one per set of fields, so that its statements are
    compiled once (a table made at each call compiled them again and filled the statement cache)."""
    name = "harmony_new_values_" + hashlib.sha1(" ".join(fields).encode()).hexdigest()[:12]
    return Table(
        name,
        _NEW_VALUES,
        Column("_id", Integer, primary_key=True),
        *(Column(f"v_{field}", TRACKS.c[field].type) for field in fields),
        prefixes=["TEMPORARY"],
    )


def _let_go_of_paths(conn: Connection, columns: Sequence[str], rows: Sequence[Mapping[str, object]]) -> None:
    """Tracks given new paths in one statement may trade files (an undone relocation, a chain of moves): a track
    whose new path another of them still holds would meet the unique index of ``columns`` (``path``,
    ``path_key``). Each such holder first takes a stand-in there (its id after a NUL, which no file path can
    hold). A path held by a track outside the statement is still refused; a statement trading nothing costs a
    look-up per 500 paths."""
    holders: set[int] = set()
    for column in columns:
        wanted_by = {row[f"v_{column}"]: row["_id"] for row in rows}
        for chunk in in_batches(list(wanted_by)):
            for track_id, value in conn.execute(
                select(TRACKS.c.id, TRACKS.c[column]).where(TRACKS.c[column].in_(chunk))
            ):
                if wanted_by[value] != track_id:
                    holders.add(track_id)
    trading = sorted(holders & {cast(int, row["_id"]) for row in rows})
    if trading:
        conn.execute(
            update(TRACKS)
            .where(TRACKS.c.id == bindparam("_id"))
            .values({column: bindparam("_stand_in") for column in columns}),
            [{"_id": track_id, "_stand_in": f"\0{track_id}"} for track_id in trading],
        )


def update_tracks_alike(conn: Connection, version: int, track_ids: Sequence[int], changes: Mapping[str, object]) -> int:
    """Set the same field values on many tracks: one ``UPDATE … WHERE id IN (…)`` per 500 ids, far cheaper
    than a statement per track for a bulk edit of thousands. Returns how many tracks were updated; raises
    :class:`TrackNotFoundError` if an id does not exist."""
    checked = check_track_changes(changes)
    ids = sorted(set(track_ids))
    if not checked:
        require_tracks(conn, ids)
        return 0
    checked.update(sort_columns(checked))
    count = 0
    for chunk in in_batches(ids):
        try:
            result = conn.execute(
                update(TRACKS).where(TRACKS.c.id.in_(chunk)).values({**checked, "changed_version": version})
            )
        except IntegrityError as error:
            raise _integrity(error) from error
        if result.rowcount != len(chunk):
            require_tracks(conn, chunk)
        count += len(chunk)
    return count


def touch_tracks(conn: Connection, version: int, track_ids: Iterable[int]) -> None:
    """Stamp ``version`` on tracks whose cues changed, so "changed since export" finds them."""
    ids = sorted(set(track_ids))
    for chunk in in_batches(ids):
        conn.execute(update(TRACKS).where(TRACKS.c.id.in_(chunk)).values(changed_version=version))


def delete_tracks(conn: Connection, track_ids: Sequence[int]) -> int:
    """Delete tracks (their cues and playlist entries go with them); return how many existed. The playlists
    that held them are numbered again from 0, in their order: the positions a page shows and sends back stay
    the entries' places in the list."""
    ids = sorted(set(track_ids))
    holding = sorted({row[0] for row in rows_with_ids(conn, _PLAYLISTS_HOLDING_SQL, ids)})
    total = 0
    for chunk in in_batches(ids):
        total += conn.execute(delete(TRACKS).where(TRACKS.c.id.in_(chunk))).rowcount
    for chunk in in_batches(holding):
        conn.exec_driver_sql(_RENUMBER_SQL.format(ids=", ".join("?" * len(chunk))), tuple(chunk))
    return total


_PLAYLISTS_HOLDING_SQL = f"SELECT DISTINCT playlist_id FROM {ENTRIES.name} WHERE track_id IN ({{ids}})"
#: The entries of some playlists at positions 0, 1, 2… in their order (SQLite 3.33's ``UPDATE … FROM``).
_RENUMBER_SQL = (
    f"UPDATE {ENTRIES.name} SET position = numbered.place FROM (SELECT id, row_number() OVER "
    f"(PARTITION BY playlist_id ORDER BY position, id) - 1 AS place FROM {ENTRIES.name} "
    f"WHERE playlist_id IN ({{ids}})) AS numbered "
    f"WHERE {ENTRIES.name}.id = numbered.id AND {ENTRIES.name}.position != numbered.place"
)


# --- cues ---------------------------------------------------------------------------------------------------


def insert_cues(conn: Connection, cues: Sequence[tuple[int, CueValues]]) -> list[int]:
    """Add cues to existing tracks and return their ids, in order."""
    if not cues:
        return []
    require_tracks(conn, (track_id for track_id, _ in cues))
    first_id = int(conn.execute(select(func.coalesce(func.max(CUES.c.id), 0))).scalar_one()) + 1
    rows = []
    for offset, (track_id, cue) in enumerate(cues):
        row = cue_row(cue, track_id)
        row["id"] = first_id + offset
        rows.append(row)
    try:
        conn.execute(insert(CUES), rows)
    except IntegrityError as error:
        raise _integrity(error) from error
    return [first_id + offset for offset in range(len(cues))]


def cue_track_ids(conn: Connection, cue_ids: Iterable[int]) -> dict[int, int]:
    """Map cue id -> track id for existing cues; raise :class:`NotFoundError` for a missing one."""
    ids = sorted(set(cue_ids))
    found: dict[int, int] = {}
    for chunk in in_batches(ids):
        rows = conn.execute(select(CUES.c.id, CUES.c.track_id).where(CUES.c.id.in_(chunk)))
        found.update({row.id: row.track_id for row in rows})
    missing = [cue_id for cue_id in ids if cue_id not in found]
    if missing:
        raise NotFoundError(f"No cue point with id {missing[0]} in the library.")
    return found


def update_cues(conn: Connection, updates: Sequence[tuple[int, Mapping[str, object]]]) -> None:
    """Apply field changes to cues (field -> value)."""
    cue_track_ids(conn, (cue_id for cue_id, _ in updates))
    # Updates touching the same fields go in one executemany, as for tracks.
    groups: dict[tuple[str, ...], list[dict[str, object]]] = defaultdict(list)
    for cue_id, changes in updates:
        checked = check_values(CUE_FIELDS, changes)
        if checked:
            row = {f"v_{name}": value for name, value in checked.items()}
            groups[tuple(sorted(checked))].append({"_id": cue_id, **row})
    for fields, rows in groups.items():
        statement = (
            update(CUES).where(CUES.c.id == bindparam("_id")).values({name: bindparam(f"v_{name}") for name in fields})
        )
        try:
            conn.execute(statement, rows)
        except IntegrityError as error:
            raise _integrity(error) from error


def delete_cues(conn: Connection, cue_ids: Sequence[int]) -> None:
    """Delete cues by id (a missing id is an error: the plan that named it is stale)."""
    cue_track_ids(conn, cue_ids)
    for chunk in in_batches(cue_ids):
        conn.execute(delete(CUES).where(CUES.c.id.in_(chunk)))


# --- folders and playlists ----------------------------------------------------------------------------------


def require_folder(conn: Connection, folder_id: int | None) -> None:
    """Raise :class:`NotFoundError` unless ``folder_id`` is None (the top level) or an existing folder."""
    if folder_id is not None and conn.execute(select(FOLDERS.c.id).where(FOLDERS.c.id == folder_id)).first() is None:
        raise NotFoundError(f"No folder with id {folder_id} in the library.")


def require_playlist(conn: Connection, playlist_id: int) -> None:
    """Raise :class:`NotFoundError` unless playlist ``playlist_id`` exists."""
    if conn.execute(select(PLAYLISTS.c.id).where(PLAYLISTS.c.id == playlist_id)).first() is None:
        raise NotFoundError(f"No playlist with id {playlist_id} in the library.")


#: The position a moving folder or playlist holds while its siblings are renumbered: below every real one.
_PARKED = -1

_NO_IDS: set[int] = set()


def _child_count(conn: Connection, parent_id: int | None) -> int:
    """How many folders and playlists sit in ``parent_id`` (not counting one being moved)."""
    folders = conn.execute(
        select(func.count())
        .select_from(FOLDERS)
        .where(FOLDERS.c.parent_id.is_not_distinct_from(parent_id), FOLDERS.c.position != _PARKED)
    ).scalar_one()
    playlists = conn.execute(
        select(func.count())
        .select_from(PLAYLISTS)
        .where(PLAYLISTS.c.folder_id.is_not_distinct_from(parent_id), PLAYLISTS.c.position != _PARKED)
    ).scalar_one()
    return int(folders) + int(playlists)


def _shift(conn: Connection, parent_id: int | None, from_position: int, delta: int) -> None:
    """Shift the positions of the children of ``parent_id`` at or after ``from_position`` by ``delta``."""
    conn.execute(
        update(FOLDERS)
        .where(FOLDERS.c.parent_id.is_not_distinct_from(parent_id), FOLDERS.c.position >= from_position)
        .values(position=FOLDERS.c.position + delta)
    )
    conn.execute(
        update(PLAYLISTS)
        .where(PLAYLISTS.c.folder_id.is_not_distinct_from(parent_id), PLAYLISTS.c.position >= from_position)
        .values(position=PLAYLISTS.c.position + delta)
    )


def _make_room(conn: Connection, parent_id: int | None, position: int | None) -> int:
    """Return the position a new child of ``parent_id`` gets, shifting later siblings when inserting."""
    count = _child_count(conn, parent_id)
    if position is None or position >= count:
        return count
    if position < 0:
        raise LibraryError(f"Position {position} is not valid; positions start at 0.")
    _shift(conn, parent_id, position, +1)
    return position


def _reposition(
    conn: Connection,
    table: Table,
    parent_column: Column[Any],
    node_id: int,
    parent_id: int | None,
    position: int | None,
    version: int,
) -> None:
    """Move a folder or playlist (they share one order among siblings) under ``parent_id`` at ``position``:
    close its old gap, park it, open a slot in the new place, and put it there."""
    old = conn.execute(select(parent_column, table.c.position).where(table.c.id == node_id)).one()
    _shift(conn, old[0], old.position + 1, -1)
    conn.execute(update(table).where(table.c.id == node_id).values(position=_PARKED))
    slot = _make_room(conn, parent_id, position)
    conn.execute(
        update(table)
        .where(table.c.id == node_id)
        .values({parent_column.name: parent_id, "position": slot, "changed_version": version})
    )


def _delete_node(conn: Connection, table: Table, parent_column: Column[Any], node_id: int) -> None:
    """Delete a folder or playlist and close the gap among its siblings."""
    old = conn.execute(select(parent_column, table.c.position).where(table.c.id == node_id)).one()
    conn.execute(delete(table).where(table.c.id == node_id))
    _shift(conn, old[0], old.position + 1, -1)


def create_folder(
    conn: Connection, version: int, name: str, parent_id: int | None = None, position: int | None = None
) -> int:
    """Create a folder and return its id."""
    _check_name(name, "folder")
    require_folder(conn, parent_id)
    slot = _make_room(conn, parent_id, position)
    folder_id = claim_ids(conn, FOLDERS, 1)
    conn.execute(
        insert(FOLDERS).values(id=folder_id, name=name, parent_id=parent_id, position=slot, changed_version=version)
    )
    return folder_id


def rename_folder(conn: Connection, version: int, folder_id: int, name: str) -> None:
    """Rename a folder."""
    _check_name(name, "folder")
    require_folder(conn, folder_id)
    conn.execute(update(FOLDERS).where(FOLDERS.c.id == folder_id).values(name=name, changed_version=version))


def move_folder(
    conn: Connection, version: int, folder_id: int, parent_id: int | None, position: int | None = None
) -> None:
    """Move a folder under ``parent_id`` at ``position``; a folder cannot go inside itself."""
    require_folder(conn, folder_id)
    require_folder(conn, parent_id)
    ancestor = parent_id
    while ancestor is not None:
        if ancestor == folder_id:
            raise EditConflictError("Field 'parent_id': a folder cannot be moved inside itself.")
        ancestor = conn.execute(select(FOLDERS.c.parent_id).where(FOLDERS.c.id == ancestor)).scalar_one()
    _reposition(conn, FOLDERS, FOLDERS.c.parent_id, folder_id, parent_id, position, version)


def delete_folder(conn: Connection, folder_id: int) -> None:
    """Delete a folder with everything inside it, closing the gap among its siblings."""
    require_folder(conn, folder_id)
    _delete_node(conn, FOLDERS, FOLDERS.c.parent_id, folder_id)


def create_playlist(
    conn: Connection,
    version: int,
    name: str,
    folder_id: int | None = None,
    position: int | None = None,
    uuid: str | None = None,
    smart_query: str | None = None,
) -> int:
    """Create an empty playlist and return its id."""
    _check_name(name, "playlist")
    check_holdable({"smart_query": smart_query})
    require_folder(conn, folder_id)
    slot = _make_room(conn, folder_id, position)
    playlist_id = claim_ids(conn, PLAYLISTS, 1)
    try:
        conn.execute(
            insert(PLAYLISTS).values(
                id=playlist_id,
                name=name,
                folder_id=folder_id,
                position=slot,
                uuid=uuid,
                smart_query=smart_query,
                changed_version=version,
            )
        )
    except IntegrityError as error:
        raise _integrity(error) from error
    return playlist_id


_PLAYLIST_FIELDS = {"name", "uuid", "smart_query"}


def update_playlist(conn: Connection, version: int, playlist_id: int, changes: Mapping[str, str | None]) -> None:
    """Change a playlist's ``name``, ``uuid`` or ``smart_query``."""
    unknown = set(changes) - _PLAYLIST_FIELDS
    if unknown:
        raise InvalidFieldError(f"Unknown playlist field '{sorted(unknown)[0]}'. Known: name, uuid, smart_query.")
    if "name" in changes:
        _check_name(changes["name"], "playlist")
    check_holdable(changes)
    require_playlist(conn, playlist_id)
    try:
        conn.execute(update(PLAYLISTS).where(PLAYLISTS.c.id == playlist_id).values(**changes, changed_version=version))
    except IntegrityError as error:
        raise _integrity(error) from error


def move_playlist(
    conn: Connection, version: int, playlist_id: int, folder_id: int | None, position: int | None = None
) -> None:
    """Move a playlist into ``folder_id`` at ``position``."""
    require_playlist(conn, playlist_id)
    require_folder(conn, folder_id)
    _reposition(conn, PLAYLISTS, PLAYLISTS.c.folder_id, playlist_id, folder_id, position, version)


def delete_playlist(conn: Connection, playlist_id: int) -> None:
    """Delete a playlist and its entries, closing the gap among its siblings."""
    require_playlist(conn, playlist_id)
    _delete_node(conn, PLAYLISTS, PLAYLISTS.c.folder_id, playlist_id)


def set_playlist_entries(
    conn: Connection,
    version: int,
    playlist_id: int,
    entries: Sequence[tuple[int | None, str | None]],
    *,
    now: Sequence[tuple[int | None, str | None]] | None = None,
) -> None:
    """Replace a playlist's entries with ``(track_id, nml_key)`` pairs, in order (duplicates allowed). ``now``:
    its entries as :func:`playlist_entry_pairs` gave them in this transaction, when the caller has them (a read
    of 100,000 entries is 0.2 s).

    Only the stretch between what the playlist keeps at its start and at its end is written: one entry removed
    from a 100,000-entry playlist deletes one row and moves the positions after it in one statement, rather
    than writing every entry again. The entries kept keep their ids. Positions with gaps (a deleted track takes
    its entries with it) are written anew, every entry, numbered from 0."""
    require_playlist(conn, playlist_id)
    old = list(now) if now is not None else playlist_entry_pairs(conn, playlist_id)
    new = list(entries)
    start = end = 0
    if _positions_from_zero(conn, playlist_id, len(old)):
        while start < len(old) and start < len(new) and old[start] == new[start]:
            start += 1
        while end < len(old) - start and end < len(new) - start and old[-1 - end] == new[-1 - end]:
            end += 1
    old_stop, new_stop = len(old) - end, len(new) - end
    rows = [(playlist_id, start + i, track_id, nml_key) for i, (track_id, nml_key) in enumerate(new[start:new_stop])]
    _check_entries(conn, rows)
    at = ENTRIES.c.position
    in_playlist = ENTRIES.c.playlist_id == playlist_id
    if start == end == 0:
        conn.execute(delete(ENTRIES).where(in_playlist))
    elif old_stop > start:
        conn.execute(delete(ENTRIES).where(in_playlist, at >= start, at < old_stop))
    if new_stop != old_stop and end:
        conn.execute(update(ENTRIES).where(in_playlist, at >= old_stop).values(position=at + (new_stop - old_stop)))
    executemany(conn, _INSERT_ENTRY_SQL, rows)
    conn.execute(update(PLAYLISTS).where(PLAYLISTS.c.id == playlist_id).values(changed_version=version))


def _positions_from_zero(conn: Connection, playlist_id: int, count: int) -> bool:
    """Whether the playlist's ``count`` entries stand at positions 0 to ``count - 1``, one each."""
    sql = (
        f"SELECT count(*), count(DISTINCT position), min(position), max(position) FROM {ENTRIES.name} "
        "WHERE playlist_id = ?"
    )
    rows, distinct, lowest, highest = all_driver_rows(conn, sql, (playlist_id,))[0]
    return rows == distinct == count and (count == 0 or (lowest == 0 and highest == count - 1))


def insert_entries(
    conn: Connection,
    rows: Sequence[tuple[int, int, int | None, str | None]],
    known_tracks: Sequence[int] = (),
) -> None:
    """Add ``(playlist_id, position, track_id, nml_key)`` entries to playlists that have none at those positions
    (new playlists), in one ``executemany``. ``known_tracks`` are ids the caller just created in this
    transaction: they need no look-up."""
    _check_entries(conn, rows, set(known_tracks))
    executemany(conn, _INSERT_ENTRY_SQL, rows)


def _check_entries(
    conn: Connection, rows: Sequence[tuple[int, int, int | None, str | None]], known_tracks: set[int] = _NO_IDS
) -> None:
    """Refuse an entry with neither a track nor an NML key, or naming a track that does not exist."""
    require_tracks(conn, (row[2] for row in rows if row[2] is not None and row[2] not in known_tracks))
    for row in rows:
        if row[2] is None and row[3] is None:
            raise LibraryError("A playlist entry needs a track or an NML key.")


def playlist_entry_pairs(conn: Connection, playlist_id: int) -> list[tuple[int | None, str | None]]:
    """The ``(track_id, nml_key)`` entries of a playlist, in order."""
    sql = f"SELECT track_id, nml_key FROM {ENTRIES.name} WHERE playlist_id = ? ORDER BY position, id"
    return cast(list[tuple[int | None, str | None]], all_driver_rows(conn, sql, (playlist_id,)))


def _check_name(name: object, what: str) -> None:
    if not isinstance(name, str) or not name.strip():
        raise InvalidFieldError(f"A {what} needs a name.")
    check_holdable({"name": name})


def require_free_name(
    conn: Connection, folder_id: int | None, name: str, *, playlist_id: int | None = None, folder: int | None = None
) -> None:
    """Refuse ``name`` for a playlist or folder in ``folder_id`` (None: the top level) when another playlist or
    folder there has it already (``playlist_id`` or ``folder``: the one being renamed or moved, which may keep its
    own name).

    Traktor's collection holds one node of a name per folder, so an export leaves the second one out
    (:meth:`harmony.nml.Folder.get` finds nodes by their exact name; names here compare the same way, case and
    all). A DJ's edits are refused here rather than left out later; an import takes the library as Traktor's
    file has it, so this is for edits only."""
    taken = select(PLAYLISTS.c.id).where(
        PLAYLISTS.c.folder_id.is_not_distinct_from(folder_id),
        PLAYLISTS.c.name == name,
        PLAYLISTS.c.id.is_distinct_from(playlist_id),
    )
    taken_by_folder = select(FOLDERS.c.id).where(
        FOLDERS.c.parent_id.is_not_distinct_from(folder_id),
        FOLDERS.c.name == name,
        FOLDERS.c.id.is_distinct_from(folder),
    )
    if conn.execute(taken.union_all(taken_by_folder).limit(1)).first() is None:
        return
    if folder_id is None:
        where = "at the top level"
    else:
        where = f"in “{conn.execute(select(FOLDERS.c.name).where(FOLDERS.c.id == folder_id)).scalar_one()}”"
    raise EditConflictError(
        f"“{name}” is already the name of a playlist or folder {where}, and Traktor's collection holds one of a "
        "name per folder. Choose another name."
    )
