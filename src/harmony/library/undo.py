"""Undo and redo: every edit the DJ makes is one step, kept in the library (table ``undo_steps``).

A step stores the part of the library its edit could touch (its :class:`Scope`), as it was before and after:
the edited fields of the edited tracks, the cue points of the tracks whose cues changed, the folder and
playlist rows of the folders whose children moved, the entries of the playlists whose entries changed, and
whole track rows for an edit that takes tracks out of the library (a merge of duplicates), and the missing
marks of the tracks a relocation points at their files. Only
what actually differs is kept, so a 10,000-track rating edit stores two small values per track, never whole
rows. Undoing writes the "before" side back, redoing the "after" side; both are edits of their own (a new
library version, the rows stamped with it), so the export carries an undo like any other change. An undo of
an edit no export has carried yet puts back the versions its rows had before it (:mod:`harmony.library.undo_stamps`),
so those rows are not "pending export" for nothing.

The same capture and restore code serves every kind of edit, which is what lets one property test (random
edits, then undo all) vouch for all of them.
"""

from __future__ import annotations

import json
import logging
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Final, cast

from sqlalchemy import Connection, bindparam, delete, false, func, insert, or_, select, update

from harmony.library import undo_stamps, writes
from harmony.library.batches import in_batches
from harmony.library.errors import EditConflictError, NothingToUndoError
from harmony.library.fields import TRACK_FIELDS, FieldValue
from harmony.library.journal import now, read_status
from harmony.library.models import CUES, ENTRIES, FOLDERS, PLAYLIST_BASES, PLAYLISTS, TRACK_BASES, TRACKS, UNDO_STEPS
from harmony.library.queries import find_track_ids_by_path_keys
from harmony.library.sort_forms import SORT_COLUMNS, sort_columns
from harmony.library.values import CUE_FIELD_NAMES

__all__ = ["KEEP_STEPS", "Scope", "Snapshot", "StepInfo", "capture", "record_step", "redo", "undo"]

log = logging.getLogger(__name__)

#: How many steps the library keeps (the newest ones); the DJ is promised at least 50.
KEEP_STEPS: Final = 200
_FOLDER_COLUMNS: Final = ("parent_id", "name", "position")
_PLAYLIST_COLUMNS: Final = ("folder_id", "name", "position", "uuid", "smart_query")
_CUE_COLUMNS: Final = ("id", *CUE_FIELD_NAMES)
_DATE_FIELDS: Final = frozenset(name for name, spec in TRACK_FIELDS.items() if spec.kind == "date")
#: A whole track row: every column but its id and the version stamp (a restored row gets the undo's version).
# The sort forms are left out: they follow the text (and steps saved before they existed hold none).
_ROW_COLUMNS: Final = tuple(
    c.name for c in TRACKS.columns if c.name not in ("id", "changed_version") and c.name not in SORT_COLUMNS
)
#: A track's missing mark: since when its file has been missing here, and when it was last seen.
_MARK_COLUMNS: Final = ("missing_since", "last_seen")
_ROW_TYPES: Final = {c.name: c.type.python_type for c in TRACKS.columns if c.name in _ROW_COLUMNS}


@dataclass(frozen=True, slots=True)
class Scope:
    """What an edit may change: ``fields`` of ``track_ids``; every cue of ``cue_tracks``; the rows of the
    folders and playlists in ``parents`` (None: the top level); the rows of ``folders`` and ``playlists``; the
    entries of ``entry_playlists`` and of every playlist holding one of ``entry_tracks``; everything inside
    the folders of ``subtrees``; the whole rows of ``whole_tracks`` (tracks the edit may take out of the
    library, with the link to their sync base, so an undo brings them back as they were); and the missing
    marks of ``marks`` (a relocation clears them: undone, the track points at its old file, missing again)."""

    track_ids: Sequence[int] = ()
    fields: Sequence[str] = ()
    cue_tracks: Iterable[int] = ()
    parents: Iterable[int | None] = ()
    folders: Iterable[int] = ()
    playlists: Iterable[int] = ()
    entry_playlists: Iterable[int] = ()
    subtrees: Iterable[int] = ()
    entry_tracks: Sequence[int] = ()
    whole_tracks: Sequence[int] = ()
    marks: Sequence[int] = ()


@dataclass(slots=True)
class Snapshot:
    """The values of a scope at one moment (``None`` for a row that does not exist)."""

    fields: list[str] = field(default_factory=list)
    tracks: dict[int, list[FieldValue]] = field(default_factory=dict)
    cues: dict[int, list[list[Any]]] = field(default_factory=dict)
    folders: dict[int, list[Any] | None] = field(default_factory=dict)
    playlists: dict[int, list[Any] | None] = field(default_factory=dict)
    entries: dict[int, list[list[Any]] | None] = field(default_factory=dict)
    #: Whole track rows: ``{"row": [values of _ROW_COLUMNS], "base": NML key of its sync base or None}``.
    rows: dict[int, dict[str, Any] | None] = field(default_factory=dict)
    #: Missing marks: since when the track's file has been missing here and when it was last seen (ISO text
    #: each, or None). Not an edit: restoring one stamps no version.
    marks: dict[int, list[str | None]] = field(default_factory=dict)
    #: The version each row carried (``{"tracks" | "playlists" | "folders": {id: version}}``). A step keeps them
    #: on its "before" side only: the versions just before its change was applied (see ``undo_stamps``).
    stamps: dict[str, dict[int, int]] = field(default_factory=dict)

    def to_json(self) -> str:
        def plain(values: list[FieldValue]) -> list[Any]:
            return [v.isoformat() if isinstance(v, date) else v for v in values]

        return json.dumps(
            {
                "fields": self.fields,
                "tracks": {str(k): plain(v) for k, v in self.tracks.items()},
                "cues": {str(k): v for k, v in self.cues.items()},
                "folders": {str(k): v for k, v in self.folders.items()},
                "playlists": {str(k): v for k, v in self.playlists.items()},
                "entries": {str(k): v for k, v in self.entries.items()},
                "rows": {str(k): v for k, v in self.rows.items()},
                "marks": {str(k): v for k, v in self.marks.items()},
                "stamps": {kind: {str(k): v for k, v in found.items()} for kind, found in self.stamps.items()},
            },
            separators=(",", ":"),
            ensure_ascii=False,
        )

    @classmethod
    def from_json(cls, text: str) -> Snapshot:
        data = json.loads(text)
        names = list(data.get("fields", []))
        dates = [i for i, name in enumerate(names) if name in _DATE_FIELDS]

        def typed(values: list[Any]) -> list[FieldValue]:
            for i in dates:
                if values[i] is not None:
                    values[i] = date.fromisoformat(values[i])
            return values

        return cls(
            fields=names,
            tracks={int(k): typed(v) for k, v in data.get("tracks", {}).items()},
            cues={int(k): v for k, v in data.get("cues", {}).items()},
            folders={int(k): v for k, v in data.get("folders", {}).items()},
            playlists={int(k): v for k, v in data.get("playlists", {}).items()},
            entries={int(k): v for k, v in data.get("entries", {}).items()},
            rows={int(k): v for k, v in data.get("rows", {}).items()},
            marks={int(k): v for k, v in data.get("marks", {}).items()},
            stamps={kind: {int(k): v for k, v in found.items()} for kind, found in data.get("stamps", {}).items()},
        )

    @property
    def track_ids(self) -> set[int]:
        """Tracks whose fields, cues or whole rows this snapshot holds."""
        return set(self.tracks) | set(self.cues) | set(self.rows) | set(self.marks)

    @property
    def touches_playlists(self) -> bool:
        return bool(self.folders or self.playlists or self.entries)

    def is_empty(self) -> bool:
        return not (self.tracks or self.cues or self.rows or self.marks or self.touches_playlists)


def _subtree(conn: Connection, roots: Iterable[int]) -> tuple[set[int], set[int]]:
    """The folders (roots included) and playlists inside ``roots``."""
    folders = set(roots)
    frontier = set(folders)
    while frontier:
        found = set(conn.execute(select(FOLDERS.c.id).where(FOLDERS.c.parent_id.in_(sorted(frontier)))).scalars())
        frontier = found - folders
        folders |= frontier
    playlists = set(conn.execute(select(PLAYLISTS.c.id).where(PLAYLISTS.c.folder_id.in_(sorted(folders)))).scalars())
    return folders, playlists


def capture(conn: Connection, scope: Scope, known: Snapshot | None = None, *, stamps: bool = True) -> Snapshot:
    """The scope's values now. ``known`` (the same scope captured earlier) adds its rows, so a row that went
    away in between shows as ``None``. ``stamps``: read the rows' versions too (a step keeps its "before"
    side's)."""
    snap = Snapshot(fields=list(scope.fields))
    track_ids = sorted(set(scope.track_ids) | (set(known.tracks) if known else set()))
    if snap.fields and track_ids:
        columns = [TRACKS.c.id, *(TRACKS.c[name] for name in snap.fields)]
        for chunk in in_batches(track_ids):
            for row in conn.execute(select(*columns).where(TRACKS.c.id.in_(chunk))):
                snap.tracks[row[0]] = list(row[1:])

    cue_tracks = sorted(set(scope.cue_tracks) | (set(known.cues) if known else set()))
    for track_id in cue_tracks:
        snap.cues[track_id] = []
    for chunk in in_batches(cue_tracks):
        rows = conn.execute(
            select(CUES.c.track_id, *(CUES.c[name] for name in _CUE_COLUMNS))
            .where(CUES.c.track_id.in_(chunk))
            .order_by(CUES.c.id)
        )
        for row in rows:
            snap.cues[row[0]].append(list(row[1:]))

    whole = sorted(set(scope.whole_tracks) | (set(known.rows) if known else set()))
    for track_id in whole:
        snap.rows[track_id] = None
    for chunk in in_batches(whole):
        for row in conn.execute(
            select(TRACKS.c.id, *(TRACKS.c[c] for c in _ROW_COLUMNS)).where(TRACKS.c.id.in_(chunk))
        ):
            snap.rows[row[0]] = {"row": [_plain(v) for v in row[1:]], "base": None}
        bases = conn.execute(
            select(TRACK_BASES.c.track_id, TRACK_BASES.c.nml_key).where(TRACK_BASES.c.track_id.in_(chunk))
        )
        for track_id, key in bases:
            cast(dict[str, Any], snap.rows[track_id])["base"] = key

    marked = sorted(set(scope.marks) | (set(known.marks) if known else set()))
    for chunk in in_batches(marked):
        for track_id, *mark in conn.execute(
            select(TRACKS.c.id, *(TRACKS.c[name] for name in _MARK_COLUMNS)).where(TRACKS.c.id.in_(chunk))
        ):
            snap.marks[track_id] = [_plain(value) for value in mark]

    folder_ids, playlist_ids = _subtree(conn, scope.subtrees)
    folder_ids |= set(scope.folders)
    playlist_ids |= set(scope.playlists)
    entry_ids = set(scope.entry_playlists) | (playlist_ids - set(scope.playlists))
    for chunk in in_batches(sorted(set(scope.entry_tracks))):
        entry_ids |= set(conn.execute(select(ENTRIES.c.playlist_id).where(ENTRIES.c.track_id.in_(chunk))).scalars())
    parents = list(scope.parents)
    if parents:
        top = None in parents
        inner = [p for p in parents if p is not None]
        folder_where = or_(FOLDERS.c.parent_id.in_(inner), FOLDERS.c.parent_id.is_(None) if top else false())
        playlist_where = or_(PLAYLISTS.c.folder_id.in_(inner), PLAYLISTS.c.folder_id.is_(None) if top else false())
        folder_ids |= set(conn.execute(select(FOLDERS.c.id).where(folder_where)).scalars())
        playlist_ids |= set(conn.execute(select(PLAYLISTS.c.id).where(playlist_where)).scalars())
    if known:
        folder_ids |= set(known.folders)
        playlist_ids |= set(known.playlists)
        entry_ids |= set(known.entries)

    for folder_id in folder_ids:
        snap.folders[folder_id] = None
    for row in conn.execute(select(FOLDERS.c.id, *(FOLDERS.c[c] for c in _FOLDER_COLUMNS))):
        if row[0] in snap.folders:
            snap.folders[row[0]] = list(row[1:])
    for playlist_id in playlist_ids:
        snap.playlists[playlist_id] = None
    if playlist_ids:
        rows = conn.execute(
            select(PLAYLISTS.c.id, *(PLAYLISTS.c[c] for c in _PLAYLIST_COLUMNS)).where(
                PLAYLISTS.c.id.in_(sorted(playlist_ids))
            )
        )
        for row in rows:
            snap.playlists[row[0]] = list(row[1:])
    for playlist_id in sorted(entry_ids):
        exists = conn.execute(select(PLAYLISTS.c.id).where(PLAYLISTS.c.id == playlist_id)).first() is not None
        snap.entries[playlist_id] = list(map(list, writes.playlist_entry_pairs(conn, playlist_id))) if exists else None
    if stamps:
        snap.stamps = undo_stamps.read_stamps(conn, snap)
    return snap


def diff(before: Snapshot, after: Snapshot) -> tuple[Snapshot, Snapshot]:
    """The two snapshots with everything that did not change left out; the "before" side keeps the versions of
    its rows, the "after" side none."""
    old, new = Snapshot(fields=before.fields), Snapshot(fields=after.fields)
    for name in ("tracks", "cues", "folders", "playlists", "entries", "rows", "marks"):
        a: dict[int, Any] = getattr(before, name)
        b: dict[int, Any] = getattr(after, name)
        for key in a.keys() | b.keys():
            if a.get(key) != b.get(key):
                getattr(old, name)[key] = a.get(key)
                getattr(new, name)[key] = b.get(key)
    if old.tracks:  # only the fields that changed on some track
        changed = [
            i
            for i in range(len(old.fields))
            if any(old.tracks[t][i] != new.tracks.get(t, old.tracks[t])[i] for t in old.tracks)
        ]
        for snap in (old, new):
            snap.fields = [snap.fields[i] for i in changed]
            snap.tracks = {t: [values[i] for i in changed] for t, values in snap.tracks.items()}
    old.stamps = undo_stamps.kept_stamps(before.stamps, old)
    return old, new


def _places(conn: Connection, snap: Snapshot) -> dict[tuple[str, int], tuple[int | None, str] | None]:
    """Where each folder and playlist ``snap`` writes is now, and its name: (parent, name), or None if gone."""
    places: dict[tuple[str, int], tuple[int | None, str] | None] = {}
    for kind, table, parent, ids in (
        ("f", FOLDERS, FOLDERS.c.parent_id, [i for i, row in snap.folders.items() if row is not None]),
        ("p", PLAYLISTS, PLAYLISTS.c.folder_id, [i for i, row in snap.playlists.items() if row is not None]),
    ):
        for node_id in ids:
            places[(kind, node_id)] = None
        for chunk in in_batches(ids):
            for node_id, parent_id, name in conn.execute(
                select(table.c.id, parent, table.c.name).where(table.c.id.in_(chunk))
            ):
                places[(kind, node_id)] = (parent_id, name)
    return places


def _check_names(
    conn: Connection, before: dict[tuple[str, int], tuple[int | None, str] | None], after: dict[tuple[str, int], Any]
) -> None:
    """Refuse a step that gives a folder or playlist a name another one in its folder has (see
    :func:`writes.require_free_name`): a rename undone after a new node took the old name, a deleted playlist
    brought back beside a new one of its name. Only the nodes the step renames, moves or brings back are asked
    about, so a library that holds two of a name from before (an import of such a file) can still undo the rest."""
    asked = {key: place for key, place in after.items() if place is not None and place != before.get(key)}
    if not asked:
        return
    # The names in each folder asked about, read a folder at a time (a step may bring back thousands of playlists,
    # and a query per node read both tables each time): only a name held twice there is asked of the rule itself.
    held: Counter[tuple[int | None, str]] = Counter()
    folders = sorted({parent for parent, _ in asked.values() if parent is not None})
    for table, parent in ((FOLDERS, FOLDERS.c.parent_id), (PLAYLISTS, PLAYLISTS.c.folder_id)):
        if any(parent_id is None for parent_id, _ in asked.values()):
            held.update((row[0], row[1]) for row in conn.execute(select(parent, table.c.name).where(parent.is_(None))))
        for chunk in in_batches(folders):
            held.update((row[0], row[1]) for row in conn.execute(select(parent, table.c.name).where(parent.in_(chunk))))
    for (kind, node_id), (parent_id, name) in asked.items():
        if held[(parent_id, name)] < 2:
            continue
        if kind == "f":
            writes.require_free_name(conn, parent_id, name, folder=node_id)
        else:
            writes.require_free_name(conn, parent_id, name, playlist_id=node_id)


def restore(conn: Connection, version: int, snap: Snapshot) -> None:
    """Write ``snap``'s values back (one side of a step), stamping ``version`` on what changes."""
    before = _places(conn, snap)
    # Rows that must not exist: playlists first, then folders (their contents go with them).
    gone_playlists = [pid for pid, row in snap.playlists.items() if row is None]
    for chunk in in_batches(gone_playlists):
        conn.execute(delete(PLAYLISTS).where(PLAYLISTS.c.id.in_(chunk)))
    gone_folders = [fid for fid, row in snap.folders.items() if row is None]
    for chunk in in_batches(gone_folders):
        conn.execute(delete(FOLDERS).where(FOLDERS.c.id.in_(chunk)))

    # Folders, parents before children.
    existing = set(conn.execute(select(FOLDERS.c.id)).scalars())
    todo = {fid: row for fid, row in snap.folders.items() if row is not None}
    while todo:
        ready = [fid for fid, row in todo.items() if row[0] is None or row[0] in existing or row[0] not in todo]
        if not ready:  # a cycle cannot be stored; leave the rest rather than loop
            log.warning("undo: folders %s form a cycle and were left as they are", sorted(todo))
            break
        for fid in ready:
            row = todo.pop(fid)
            values = dict(zip(_FOLDER_COLUMNS, row, strict=True), changed_version=version)
            if values["parent_id"] is not None and values["parent_id"] not in existing:
                values["parent_id"] = None  # its parent is gone since: keep the folder at the top level
            if fid in existing:
                conn.execute(update(FOLDERS).where(FOLDERS.c.id == fid).values(**values))
            else:
                conn.execute(insert(FOLDERS).values(id=fid, **values))
                existing.add(fid)

    for pid, playlist in snap.playlists.items():
        if playlist is None:
            continue
        values = dict(zip(_PLAYLIST_COLUMNS, playlist, strict=True), changed_version=version)
        if values["folder_id"] is not None and values["folder_id"] not in existing:
            values["folder_id"] = None
        if conn.execute(select(PLAYLISTS.c.id).where(PLAYLISTS.c.id == pid)).first() is not None:
            conn.execute(update(PLAYLISTS).where(PLAYLISTS.c.id == pid).values(**values))
        else:
            conn.execute(insert(PLAYLISTS).values(id=pid, **values))
            if values["uuid"] is not None:  # a deleted playlist that comes back is the one Traktor knows
                conn.execute(
                    update(PLAYLIST_BASES)
                    .where(PLAYLIST_BASES.c.uuid == values["uuid"], PLAYLIST_BASES.c.playlist_id.is_(None))
                    .values(playlist_id=pid)
                )
    parents = {row[0] for row in snap.folders.values() if row is not None}
    parents |= {row[0] for row in snap.playlists.values() if row is not None}
    for parent in parents:
        _renumber(conn, parent)
    _check_names(conn, before, _places(conn, snap))

    _restore_rows(conn, version, snap.rows)

    listed = {t for pairs in snap.entries.values() if pairs for t, _ in pairs if t}
    present_tracks = writes.existing_tracks(conn, listed)
    for pid, pairs in snap.entries.items():
        if pairs is None or conn.execute(select(PLAYLISTS.c.id).where(PLAYLISTS.c.id == pid)).first() is None:
            continue
        kept = [(t, k) for t, k in pairs if (t is None and k is not None) or t in present_tracks]
        writes.set_playlist_entries(conn, version, pid, kept)

    live = writes.existing_tracks(conn, snap.cues)
    # Every cue of these tracks goes before any comes back: a merge gives the kept track cue ids its
    # merged-away tracks had, so an undo must free them before those tracks' cues return.
    for chunk in in_batches(sorted(live)):
        conn.execute(delete(CUES).where(CUES.c.track_id.in_(chunk)))
    cue_rows = [
        {**dict(zip(_CUE_COLUMNS, row, strict=True)), "track_id": track_id}
        for track_id, rows in snap.cues.items()
        if track_id in live
        for row in rows
    ]
    if cue_rows:
        conn.execute(insert(CUES), cue_rows)
    writes.touch_tracks(conn, version, live)

    if snap.fields and snap.tracks:
        live = writes.existing_tracks(conn, snap.tracks)
        # In id order, as the edit wrote them: in the snapshot's order (a set's) the rows and the search index
        # were reached at random, and undoing a bulk edit of 28,000 tracks took three times the edit.
        in_order = sorted(snap.tracks.items())
        writes.update_tracks(
            conn, version, ((t, dict(zip(snap.fields, values, strict=True))) for t, values in in_order if t in live)
        )
    live = writes.existing_tracks(conn, snap.marks)
    if live:  # after the paths: a mark goes with the file the track points at
        conn.execute(
            update(TRACKS)
            .where(TRACKS.c.id == bindparam("_id"))
            .values({name: bindparam(f"v_{name}") for name in _MARK_COLUMNS}),
            [
                {
                    "_id": t,
                    **{
                        f"v_{name}": None if value is None else datetime.fromisoformat(value)
                        for name, value in zip(_MARK_COLUMNS, mark, strict=True)
                    },
                }
                for t, mark in snap.marks.items()
                if t in live
            ],
        )


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


def _typed_row(values: list[Any]) -> dict[str, Any]:
    row = dict(zip(_ROW_COLUMNS, values, strict=True))
    for name, value in row.items():
        if isinstance(value, str) and _ROW_TYPES[name] in (date, datetime):
            row[name] = _ROW_TYPES[name].fromisoformat(value)
    return row


def _restore_rows(conn: Connection, version: int, rows: dict[int, dict[str, Any] | None]) -> None:
    """Take out the tracks that must not exist and bring back, with their ids and their sync base's link, those
    that must (their cues and playlist entries are restored after them)."""
    writes.delete_tracks(conn, sorted(track_id for track_id, row in rows.items() if row is None))
    present = writes.existing_tracks(conn, rows)
    # Tracks still there are updated one by one, before any comes back; those that come back are written
    # together, one statement for all (an undone merge of a group of 12,000 copies brought them back one
    # statement each, in 13–23 s; bench/merge_bench.py).
    back: list[dict[str, Any]] = []
    relinks: list[dict[str, Any]] = []
    for track_id, saved in rows.items():
        if saved is None:
            continue
        row = _typed_row(saved["row"])
        values = {**row, **sort_columns(row), "changed_version": version}
        if track_id in present:
            conn.execute(update(TRACKS).where(TRACKS.c.id == track_id).values(**values))
        else:
            back.append({"id": track_id, **values})
            if saved["base"] is not None:  # the collection entry is this track's again: no export removes it
                relinks.append({"key": saved["base"], "track": track_id})
    taken = find_track_ids_by_path_keys(conn, [values["path_key"] for values in back])
    if taken:  # the file came back as another track since (an import): keep that one
        for values in back:
            if values["path_key"] in taken:
                log.warning(
                    "undo: track %s was not brought back: its file is track %s now",
                    values["id"],
                    taken[values["path_key"]],
                )
        skipped = {values["id"] for values in back if values["path_key"] in taken}
        back = [values for values in back if values["id"] not in skipped]
        relinks = [link for link in relinks if link["track"] not in skipped]
    if back:
        conn.execute(insert(TRACKS), back)
    if relinks:
        conn.execute(
            update(TRACK_BASES)
            .where(TRACK_BASES.c.nml_key == bindparam("key"), TRACK_BASES.c.track_id.is_(None))
            .values(track_id=bindparam("track")),
            relinks,
        )


def _renumber(conn: Connection, parent: int | None) -> None:
    """Make the positions among ``parent``'s children gapless again, keeping their order (another change made
    between the edit and its undo may have moved a sibling)."""
    folders = conn.execute(
        select(FOLDERS.c.id, FOLDERS.c.position).where(FOLDERS.c.parent_id.is_not_distinct_from(parent))
    ).all()
    playlists = conn.execute(
        select(PLAYLISTS.c.id, PLAYLISTS.c.position).where(PLAYLISTS.c.folder_id.is_not_distinct_from(parent))
    ).all()
    children = sorted([(r.position, 0, r.id) for r in folders] + [(r.position, 1, r.id) for r in playlists])
    for slot, (position, kind, node_id) in enumerate(children):
        if position != slot:
            table = FOLDERS if kind == 0 else PLAYLISTS
            conn.execute(update(table).where(table.c.id == node_id).values(position=slot))


# --- the history ------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class StepInfo:
    """A step as the DJ sees it: its id, what it did, and what it touched (for the pages to refresh)."""

    id: int
    label: str
    operation: str
    version: int
    track_ids: tuple[int, ...]
    playlists: bool

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "label": self.label}


def _info(step_id: int, label: str, operation: str, version: int, snap: Snapshot) -> StepInfo:
    return StepInfo(step_id, label, operation, version, tuple(sorted(snap.track_ids)), snap.touches_playlists)


def record_step(
    conn: Connection, version: int, operation: str, label: str, before: Snapshot, after: Snapshot
) -> StepInfo | None:
    """Keep one edit as the newest step (None when it changed nothing): a new edit ends the redo chain, and
    only the newest :data:`KEEP_STEPS` steps are kept."""
    old, new = diff(before, after)
    if old.is_empty() and new.is_empty():
        return None
    conn.execute(delete(UNDO_STEPS).where(UNDO_STEPS.c.state == "undone"))
    step_id = conn.execute(
        insert(UNDO_STEPS)
        .values(
            version=version,
            at=now(),
            operation=operation,
            label=label,
            state="done",
            before_json=old.to_json(),
            after_json=new.to_json(),
        )
        .returning(UNDO_STEPS.c.id)
    ).scalar_one()
    oldest_kept = conn.execute(
        select(UNDO_STEPS.c.id).order_by(UNDO_STEPS.c.id.desc()).offset(KEEP_STEPS - 1).limit(1)
    ).scalar()
    if oldest_kept is not None:
        conn.execute(delete(UNDO_STEPS).where(UNDO_STEPS.c.id < oldest_kept))
    return _info(int(step_id), label, operation, version, new)


def _check_named(conn: Connection, row: Any, step_id: int | None, direction: str) -> None:
    """Refuse when there is no step next in line (``row``), or when the DJ asked for step ``step_id`` (an Undo
    on that edit's notification) and the step next in line is another: undoing the newest edit instead would
    take back an edit the DJ did not name."""
    if row is not None and (step_id is None or row.id == step_id):
        return
    if step_id is None:
        raise NothingToUndoError(f"Nothing to {direction}.")
    named = conn.execute(select(UNDO_STEPS.c.label, UNDO_STEPS.c.state).where(UNDO_STEPS.c.id == step_id)).first()
    if named is None or row is None or named.state == ("undone" if direction == "undo" else "done"):
        raise NothingToUndoError(f"That edit is already {direction}ne." if named else "That edit is no longer kept.")
    later = "came after it" if direction == "undo" else "was undone after it"
    raise EditConflictError(f"Not {direction}ne: “{row.label}” {later}. {direction.capitalize()} that first.")


def undo(conn: Connection, version: int, step_id: int | None = None) -> StepInfo:
    """Undo the newest done step (raises :class:`NothingToUndoError` when there is none); given ``step_id``,
    only if that is the step (:class:`EditConflictError` otherwise)."""
    row = conn.execute(
        select(UNDO_STEPS).where(UNDO_STEPS.c.state == "done").order_by(UNDO_STEPS.c.id.desc()).limit(1)
    ).first()
    _check_named(conn, row, step_id, "undo")
    assert row is not None
    before = Snapshot.from_json(row.before_json)
    # The step's rows that nothing changed since it was applied, while no export holds it (see undo_stamps).
    untouched: dict[str, set[int]] = {}
    if before.stamps and row.version > read_status(conn).last_exported_version:
        untouched = undo_stamps.untouched_since(
            undo_stamps.read_stamps(conn, before), before.stamps, row.version, Snapshot.from_json(row.after_json)
        )
    restore(conn, version, before)
    if untouched:
        restored = undo_stamps.same_rows(before, capture(conn, Scope(fields=before.fields), known=before, stamps=False))
        as_before = {kind: ids & restored[kind] for kind, ids in untouched.items()}
        if as_before.get("tracks"):
            as_before["tracks"] -= undo_stamps.rebased_since(conn, as_before["tracks"], row.version)
        undo_stamps.put_back(conn, before.stamps, as_before, version, row.version)
    conn.execute(update(UNDO_STEPS).where(UNDO_STEPS.c.id == row.id).values(state="undone"))
    return _info(row.id, row.label, row.operation, version, before)


def redo(conn: Connection, version: int, step_id: int | None = None) -> StepInfo:
    """Redo the step undone last (raises :class:`NothingToUndoError` when there is none); given ``step_id``,
    only if that is the step (:class:`EditConflictError` otherwise)."""
    row = conn.execute(
        select(UNDO_STEPS).where(UNDO_STEPS.c.state == "undone").order_by(UNDO_STEPS.c.id).limit(1)
    ).first()
    _check_named(conn, row, step_id, "redo")
    assert row is not None
    after = Snapshot.from_json(row.after_json)
    before = Snapshot.from_json(row.before_json)
    # The step is applied again at this version: its rows' versions are taken again, and only for rows that
    # hold its "before" values now (an import since the undo may have changed them).
    current = capture(conn, Scope(fields=before.fields), known=before)
    before.stamps = undo_stamps.kept_stamps(current.stamps, before, only=undo_stamps.same_rows(before, current))
    restore(conn, version, after)
    conn.execute(
        update(UNDO_STEPS)
        .where(UNDO_STEPS.c.id == row.id)
        .values(state="done", version=version, before_json=before.to_json())
    )
    return _info(row.id, row.label, row.operation, version, after)


def history(conn: Connection) -> dict[str, Any]:
    """What can be undone and redone next, and how many steps are kept."""
    done = conn.execute(
        select(UNDO_STEPS.c.id, UNDO_STEPS.c.label).where(UNDO_STEPS.c.state == "done").order_by(UNDO_STEPS.c.id.desc())
    ).first()
    undone = conn.execute(
        select(UNDO_STEPS.c.id, UNDO_STEPS.c.label).where(UNDO_STEPS.c.state == "undone").order_by(UNDO_STEPS.c.id)
    ).first()
    total = conn.execute(select(func.count()).select_from(UNDO_STEPS)).scalar_one()
    return {
        "undo": None if done is None else {"id": done.id, "label": done.label},
        "redo": None if undone is None else {"id": undone.id, "label": undone.label},
        "steps": int(total),
    }
