"""Applying an :class:`~harmony.library.plan.ImportPlan`, and recording an export, each in one transaction.

The caller passes a connection inside a ``BEGIN IMMEDIATE`` transaction; any error raised here propagates, the
transaction rolls back, and the library is exactly as before. A process killed half-way leaves the same
result: SQLite never shows an uncommitted transaction to the next reader."""

from __future__ import annotations

import gc
import itertools
import json
import logging
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field

from sqlalchemy import Connection, delete
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError

from harmony.collector import frozen_for_life, gc_paused
from harmony.errors import LibraryError
from harmony.library import bulk, missing, undo_stamps, writes
from harmony.library.batches import in_batches
from harmony.library.errors import ImportCancelled, LibraryChangedError
from harmony.library.in_step import InStep
from harmony.library.journal import bump_version, current_version, now, read_status, record_nml_state, set_summary
from harmony.library.models import FOLDER_BASES, FOLDERS, PLAYLIST_BASES, PLAYLISTS, TRACK_BASES, TRACKS
from harmony.library.plan import (
    NO_BASE_UPDATES,
    BaseUpdates,
    EntryRef,
    FolderBaseSet,
    ImportPlan,
    ImportResult,
    NewTrack,
    PlaylistBaseSet,
    Ref,
    TrackBase,
    TrackBaseSet,
)
from harmony.library.values import cue_lists_to_json, track_list_to_json
from harmony.nmlfile import NmlFingerprint
from harmony.progress import last_look

log = logging.getLogger(__name__)


@dataclass(slots=True)
class _Refs:
    """Ids given to the plan-local refs of things the plan creates."""

    tracks: dict[str, int] = field(default_factory=dict)
    folders: dict[str, int] = field(default_factory=dict)
    playlists: dict[str, int] = field(default_factory=dict)

    def resolve(self, ref: Ref | None, kind: str) -> int | None:
        if ref is None or isinstance(ref, int):
            return ref
        table = {"track": self.tracks, "folder": self.folders, "playlist": self.playlists}[kind]
        try:
            return table[ref]
        except KeyError:
            raise LibraryError(f"The import plan names a {kind} '{ref}' that it does not create.") from None

    def add(self, kind: str, ref: str, new_id: int) -> None:
        table = {"track": self.tracks, "folder": self.folders, "playlist": self.playlists}[kind]
        if ref in table:
            raise LibraryError(f"The import plan creates two {kind}s with the same ref '{ref}'.")
        table[ref] = new_id


_SUMMARY_KEYS = (
    "new_tracks",
    "track_updates",
    "cue_adds",
    "cue_updates",
    "cue_removals",
    "folder_changes",
    "playlist_changes",
    "track_deletes",
)


def _counts(plan: ImportPlan) -> Counter[str]:
    return Counter(
        {
            "new_tracks": len(plan.new_tracks),
            "track_updates": len(plan.track_updates),
            "cue_adds": len(plan.cue_adds) + sum(len(t.cues) for t in plan.new_tracks),
            "cue_updates": len(plan.cue_updates),
            "cue_removals": len(plan.cue_removals),
            "folder_changes": len(plan.folder_creates)
            + len(plan.folder_updates)
            + len(plan.folder_moves)
            + len(plan.folder_deletes),
            "playlist_changes": len(plan.playlist_creates)
            + len(plan.playlist_updates)
            + len(plan.playlist_moves)
            + len(plan.playlist_deletes),
            "track_deletes": len(plan.track_deletes),
        }
    )


def _summary(counts: Counter[str]) -> str:
    return json.dumps({key: counts[key] for key in _SUMMARY_KEYS if counts[key]})


def apply_import(conn: Connection, plan: ImportPlan) -> ImportResult:
    """Apply every part of ``plan`` on ``conn`` (inside the caller's write transaction)."""
    return apply_import_parts(conn, (plan,))


def apply_import_parts(
    conn: Connection, parts: Iterable[ImportPlan], cancelled: Callable[[], bool] | None = None
) -> ImportResult:
    """Apply the parts of one plan (see :meth:`ImportPlan.split`) in order, on ``conn``, inside the caller's
    write transaction. ``cancelled`` is asked before each part and once more at the end; once it says yes,
    :class:`ImportCancelled` is raised and the caller's rollback leaves the library as it was."""
    with _collector_spared():
        return _apply_parts(conn, parts, cancelled)


@contextmanager
def _collector_spared() -> Iterator[None]:
    """Keep the garbage collector off the objects that were alive before the import, while it runs.

    A big import outlives many collections; each full one walks every object of the process (the whole
    app's, on any thread), about 30 ms in the app, holding the GIL: its event loop freezes as long. Objects
    alive before the import are moved aside (``gc.freeze``) and given back at the end, so a full collection
    during the import walks only what the import made.

    A process that froze its long-lived objects for good (a worker does at start: ``freeze_for_life``) needs no
    more, and is left as it is: ``gc.unfreeze`` would give back everything frozen, not just this import's."""
    if frozen_for_life():
        yield
        return
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def _apply_parts(conn: Connection, parts: Iterable[ImportPlan], cancelled: Callable[[], bool] | None) -> ImportResult:
    state = _Applying(current_version(conn), read_status(conn).last_exported_version)
    remaining = iter(parts)
    first = next(remaining, None)
    if first is None:
        raise LibraryError("An import plan needs at least one part.")
    _check_based_on(first, state.before)
    # A first import of many tracks builds the indexes once, at the end (see harmony.library.bulk).
    first_import = len(first.new_tracks) >= bulk.BULK_FIRST_IMPORT_MIN and bulk.is_empty(conn)
    # Its new tracks' bases are encoded while SQLite builds those indexes, and written after: in an empty library
    # no base of the plan's (nor any delete of one) can concern the same track, so the order changes nothing.
    state.defer_new_bases = first_import
    with bulk.indexes_built_after(conn, meanwhile=state.encode_new_bases) if first_import else nullcontext():
        last = first
        for part in itertools.chain((first,), remaining):
            if cancelled is not None and cancelled():
                raise ImportCancelled("The import was cancelled; nothing was changed.")
            # The collector is paused for one part at a time, not for the whole import: a paused collector
            # lets the garbage of every part (and of the app's other threads) pile up, and the one collection
            # that follows then holds the GIL, and freezes the app's event loop, for over 100 ms. Between
            # parts it collects one part's worth, in a millisecond or two.
            with gc_paused():
                state.apply(conn, part)
            last = part
    state.write_new_bases(conn)
    if state.version is not None:
        set_summary(conn, state.version, _summary(state.counts))
        state.restamp_early_bases(conn)
        if not last.leaves_nml_current:  # edits wait: what came from the file must not join them
            state.in_step.settle(conn, state.version)
    version = state.version if state.version is not None else state.before
    record_nml_state(
        conn,
        last.nml_fingerprint,
        imported=True,
        exported_version=version if last.leaves_nml_current else None,
    )
    if cancelled is not None and last_look(cancelled):
        # The last moment a cancel can still mean "nothing changed": after the rebuilt indexes of a first import
        # (seconds), the summary and the NML's state, just before the caller commits. Past it, a worker's task
        # is not killed for a cancel: the commit is never cut off, and the import is reported as done.
        raise ImportCancelled("The import was cancelled; nothing was changed.")
    log.info("applied import: library version %d -> %d", state.before, version)
    refs = state.refs
    return ImportResult(version=version, track_ids=refs.tracks, folder_ids=refs.folders, playlist_ids=refs.playlists)


def _check_based_on(plan: ImportPlan, current: int) -> None:
    if plan.based_on_version is not None and plan.based_on_version != current:
        raise LibraryChangedError(
            f"The library changed while the import was being prepared (version {plan.based_on_version} -> "
            f"{current}); run the import again."
        )


class _Applying:
    """One import being applied part by part: the version it writes and the ids given to the plan's refs."""

    def __init__(self, before: int, last_exported: int) -> None:
        self.before = before
        self.in_step = InStep(last_exported)  # rows the file holds as the import leaves them (see in_step)
        self.version: int | None = None  # bumped by the first part that changes the library
        self.refs = _Refs()
        self.counts: Counter[str] = Counter()
        # NML keys of track bases written before a later part bumped the version: they are restamped with the
        # import's version at the end, so every base of one import says the same version.
        self.early_bases: list[str] = []
        # A first import's new tracks' bases, kept to the end (see defer_new_bases): each part's new tracks as
        # inserted, then their rows, encoded while SQLite builds the indexes.
        self.defer_new_bases = False
        self.new_bases: list[tuple[tuple[NewTrack, ...], writes.InsertedTracks, int]] = []
        self.new_base_rows: list[_TrackBaseRow] = []

    def encode_new_bases(self) -> None:
        """The rows of the new tracks' bases kept so far (their JSON is the work: about 2 s at 100,000 tracks)."""
        while self.new_bases:
            new_tracks, inserted, version = self.new_bases.pop(0)  # each part's values go once encoded
            self.new_base_rows.extend(_new_track_base_rows(new_tracks, inserted, version))

    def write_new_bases(self, conn: Connection) -> None:
        """Write the new tracks' bases kept so far (encoding what is not yet)."""
        self.encode_new_bases()
        _write_track_base_rows(conn, self.new_base_rows)
        self.new_base_rows = []

    def restamp_early_bases(self, conn: Connection) -> None:
        if self.early_bases and self.version is not None:
            writes.executemany(conn, _RESTAMP_TRACK_BASE_SQL, [(self.version, key) for key in self.early_bases])

    def apply(self, conn: Connection, plan: ImportPlan) -> None:
        if self.version is None and plan.changes_library():
            self.version = bump_version(conn, "import")
        version = self.version if self.version is not None else self.before
        self.counts.update(_counts(plan))
        refs = self.refs

        in_step = self.in_step
        in_step.before_change(
            conn, FOLDERS, [*(f.folder_id for f in plan.folder_updates), *(f.folder_id for f in plan.folder_moves)]
        )
        for create in plan.folder_creates:
            parent = refs.resolve(create.parent, "folder")
            folder_id = writes.create_folder(conn, version, create.name, parent, create.position)
            refs.add("folder", create.ref, folder_id)
            in_step.created(FOLDERS, [folder_id])
        for rename in plan.folder_updates:
            writes.rename_folder(conn, version, rename.folder_id, rename.name)
        for move in plan.folder_moves:
            writes.move_folder(conn, version, move.folder_id, refs.resolve(move.parent, "folder"), move.position)

        inserted = writes.insert_track_rows(conn, version, [(t.values, t.cues) for t in plan.new_tracks])
        in_step.created(TRACKS, inserted.track_ids)
        never_seen: list[int] = []
        for new_track, new_id in zip(plan.new_tracks, inserted.track_ids, strict=True):
            refs.add("track", new_track.ref, new_id)
            if new_track.missing:
                never_seen.append(new_id)
        if never_seen or plan.files_lost or plan.files_found:
            checked = now()
            missing.mark_missing(conn, never_seen, checked, None)
            # A lost file was there at the previous import's check, the last one this library made.
            missing.mark_missing(conn, plan.files_lost, checked, read_status(conn).last_import_at)
            missing.mark_found(conn, plan.files_found, checked)
        # A track whose file is now found elsewhere (the DJ's path mappings changed, or Traktor moved the file)
        # changes only where this computer finds it: the collection already says so, and, like the missing mark,
        # that is nothing for an export to write. Stamped, every track of a new mapping (2,513 in a walk-through)
        # read "Pending export" while the DJ had one edit waiting, and the export wrote that one.
        moves = [u for u in plan.track_updates if u.changes.keys() == {"path"}]
        others = [u for u in plan.track_updates if u.changes.keys() != {"path"}]
        touched: set[int] = set()  # the tracks whose cues change
        if plan.cue_removals:
            touched.update(writes.cue_track_ids(conn, plan.cue_removals).values())
        if plan.cue_updates:
            touched.update(writes.cue_track_ids(conn, (u.cue_id for u in plan.cue_updates)).values())
        touched.update(add.track_id for add in plan.cue_adds)
        in_step.before_change(conn, TRACKS, [*(u.track_id for u in others), *touched])
        writes.update_tracks(conn, version, ((u.track_id, u.changes) for u in others))
        writes.update_tracks(conn, None, ((u.track_id, u.changes) for u in moves))

        if plan.cue_removals:
            writes.delete_cues(conn, plan.cue_removals)
        if plan.cue_updates:
            writes.update_cues(conn, [(u.cue_id, u.changes) for u in plan.cue_updates])
        if plan.cue_adds:
            writes.insert_cues(conn, [(add.track_id, add.cue) for add in plan.cue_adds])
        writes.touch_tracks(conn, version, touched)
        in_step.agreed(plan.tracks_agreed)

        # New playlists' entries go in one executemany after the playlists exist: an import creates hundreds
        # of playlists with a hundred thousand entries between them, and one statement per playlist cost
        # seconds.
        new_entries: list[tuple[int, int, int | None, str | None]] = []
        changed_playlists = [
            *(p.playlist_id for p in plan.playlist_updates),
            *(p.playlist_id for p in plan.playlist_moves),
        ]
        in_step.before_change(conn, PLAYLISTS, changed_playlists)
        for create_pl in plan.playlist_creates:
            folder = refs.resolve(create_pl.folder, "folder")
            playlist_id = writes.create_playlist(
                conn, version, create_pl.name, folder, create_pl.position, create_pl.uuid, create_pl.smart_query
            )
            refs.add("playlist", create_pl.ref, playlist_id)
            in_step.created(PLAYLISTS, [playlist_id])
            new_entries.extend(
                (playlist_id, position, track_id, nml_key)
                for position, (track_id, nml_key) in enumerate(_entries(refs, create_pl.entries))
            )
        writes.insert_entries(conn, new_entries, known_tracks=list(refs.tracks.values()))
        for change in plan.playlist_updates:
            if change.changes:
                writes.update_playlist(conn, version, change.playlist_id, change.changes)
            if change.entries is not None:
                writes.set_playlist_entries(conn, version, change.playlist_id, _entries(refs, change.entries))
        for move_pl in plan.playlist_moves:
            writes.move_playlist(
                conn, version, move_pl.playlist_id, refs.resolve(move_pl.folder, "folder"), move_pl.position
            )
        for playlist_id in plan.playlist_deletes:
            writes.delete_playlist(conn, playlist_id)
        for folder_id in plan.folder_deletes:
            writes.delete_folder(conn, folder_id)
        writes.delete_tracks(conn, plan.track_deletes)

        write_bases(conn, plan.bases, refs, version)
        if self.defer_new_bases:
            self.new_bases.append((plan.new_tracks, inserted, version))
        else:
            _write_track_base_rows(conn, _new_track_base_rows(plan.new_tracks, inserted, version))
        if self.version is None:
            self.early_bases.extend(item.base.nml_key for item in plan.bases.tracks)


def record_export(
    conn: Connection,
    library_version: int,
    fingerprint: NmlFingerprint,
    bases: BaseUpdates = NO_BASE_UPDATES,
    *,
    read: NmlFingerprint | None = None,
) -> None:
    """Record that the NML at ``fingerprint`` now holds version ``library_version``, with its bases.

    ``read``: the file as the export read it. When that is not the file the library last read or wrote (Traktor
    saved it since the last sync), the export kept Traktor's changes in the file, but no import has brought them
    into the library: the file written is then not recorded as the one the library is in step with, so the
    status still says the collection changed since the last sync, and auto-sync imports it."""
    write_bases(conn, bases, _Refs(), library_version)
    known = read_status(conn).nml_fingerprint
    unimported = read is not None and known is not None and known.sha256 != read.sha256
    record_nml_state(conn, None if unimported else fingerprint, exported_version=library_version)
    undo_stamps.settle_export(conn, library_version)  # undos made while the export ran
    log.info("recorded export of library version %d to %s", library_version, fingerprint.path)


def _entries(refs: _Refs, entries: Iterable[EntryRef]) -> list[tuple[int | None, str | None]]:
    return [(refs.resolve(entry.track, "track"), entry.nml_key) for entry in entries]


def write_bases(conn: Connection, bases: BaseUpdates, refs: _Refs, version: int) -> None:
    """Apply sync-base changes: deletes first, then upserts (a base replaces the older base of its track).
    Track bases are stamped with ``version``, the library version they were exchanged at."""
    for chunk in in_batches(bases.track_deletes):
        conn.execute(delete(TRACK_BASES).where(TRACK_BASES.c.nml_key.in_(chunk)))
    for uuid in bases.playlist_deletes:
        conn.execute(delete(PLAYLIST_BASES).where(PLAYLIST_BASES.c.uuid == uuid))
    for path in bases.folder_deletes:
        conn.execute(delete(FOLDER_BASES).where(FOLDER_BASES.c.path_json == _path_json(path)))

    _upsert_track_bases(conn, refs, bases.tracks, version)
    for playlist_base in bases.playlists:
        _upsert_playlist_base(conn, refs, playlist_base)
    for folder_base in bases.folders:
        _upsert_folder_base(conn, refs, folder_base)


# Track bases are written through the driver's executemany (see :func:`writes.executemany`): an import writes
# one per track.
_UPSERT_TRACK_BASE_SQL = (
    f"INSERT INTO {TRACK_BASES.name} (nml_key, track_id, values_json, cues_json, entry_digest, synced_version) "
    "VALUES (?, ?, ?, ?, ?, ?) "
    "ON CONFLICT (nml_key) DO UPDATE SET track_id = excluded.track_id, values_json = excluded.values_json, "
    "cues_json = excluded.cues_json, entry_digest = excluded.entry_digest, synced_version = excluded.synced_version"
)
_DELETE_OTHER_TRACK_BASE_SQL = f"DELETE FROM {TRACK_BASES.name} WHERE track_id = ? AND nml_key != ?"
_RESTAMP_TRACK_BASE_SQL = f"UPDATE {TRACK_BASES.name} SET synced_version = ? WHERE nml_key = ?"

# nml_key, track_id, values_json, cues_json, entry_digest, synced_version
_TrackBaseRow = tuple[str, int | None, str, str, str | None, int]


def _upsert_track_bases(conn: Connection, refs: _Refs, items: tuple[TrackBaseSet, ...], version: int) -> None:
    if not items:
        return
    rows: list[_TrackBaseRow] = []
    linked: set[int] = set()
    for item in items:
        track_id = refs.resolve(item.track, "track")
        if track_id is not None:
            if track_id in linked:
                raise LibraryError(f"The plan gives track {track_id} two sync bases; a track has one.")
            linked.add(track_id)
        rows.append((item.base.nml_key, track_id, *_base_json(item.base), item.base.digest, version))
    if linked:
        # A track has one base: a base under another NML key (the file moved) is replaced, not kept.
        writes.executemany(
            conn,
            _DELETE_OTHER_TRACK_BASE_SQL,
            [(row[1], row[0]) for row in rows if row[1] is not None],
        )
    _write_track_base_rows(conn, rows)


def _new_track_base_rows(
    new_tracks: Sequence[NewTrack], inserted: writes.InsertedTracks, version: int
) -> list[_TrackBaseRow]:
    """The base rows of the tracks a plan created. Their ids are new, so no older base can point at them; a base
    holding the very values (and cues) the track was created from reuses their checked form."""
    rows: list[_TrackBaseRow] = []
    for new_track, track_id, checked_values, checked_cues in zip(
        new_tracks, inserted.track_ids, inserted.checked_values, inserted.checked_cues, strict=True
    ):
        base = new_track.base
        if base is None:
            continue
        if base.values is new_track.values and base.cues is new_track.cues:
            values_json, cues_json = track_list_to_json(checked_values), cue_lists_to_json(checked_cues)
        else:
            values_json, cues_json = _base_json(base)
        rows.append((base.nml_key, track_id, values_json, cues_json, base.digest, version))
    return rows


def _base_json(base: TrackBase) -> tuple[str, str]:
    """A base's values and cues as stored: checked like stored values, so the JSON holds the same types."""
    return (
        track_list_to_json(writes.checked_track_values(base.values)),
        cue_lists_to_json([writes.checked_cue_values(cue) for cue in base.cues]),
    )


def _write_track_base_rows(conn: Connection, rows: list[_TrackBaseRow]) -> None:
    try:
        writes.executemany(conn, _UPSERT_TRACK_BASE_SQL, rows)
    except IntegrityError as error:
        raise LibraryError(f"The plan's track sync bases conflict ({error.orig}).") from error


def _upsert_playlist_base(conn: Connection, refs: _Refs, item: PlaylistBaseSet) -> None:
    playlist_id = refs.resolve(item.playlist, "playlist")
    if playlist_id is not None:
        conn.execute(
            delete(PLAYLIST_BASES).where(
                PLAYLIST_BASES.c.playlist_id == playlist_id, PLAYLIST_BASES.c.uuid != item.base.uuid
            )
        )
    base = item.base
    statement = sqlite_insert(PLAYLIST_BASES).values(
        uuid=base.uuid,
        playlist_id=playlist_id,
        name=base.name,
        folder_path_json=_path_json(base.folder_path),
        position=base.position,
        entries_json=json.dumps(list(base.entries), ensure_ascii=False),
        smart_query=base.smart_query,
    )
    excluded = statement.excluded
    conn.execute(
        statement.on_conflict_do_update(
            index_elements=[PLAYLIST_BASES.c.uuid],
            set_={
                "playlist_id": excluded.playlist_id,
                "name": excluded.name,
                "folder_path_json": excluded.folder_path_json,
                "position": excluded.position,
                "entries_json": excluded.entries_json,
                "smart_query": excluded.smart_query,
            },
        )
    )


def _upsert_folder_base(conn: Connection, refs: _Refs, item: FolderBaseSet) -> None:
    folder_id = refs.resolve(item.folder, "folder")
    path_json = _path_json(item.base.path)
    if folder_id is not None:
        conn.execute(
            delete(FOLDER_BASES).where(FOLDER_BASES.c.folder_id == folder_id, FOLDER_BASES.c.path_json != path_json)
        )
    statement = sqlite_insert(FOLDER_BASES).values(
        path_json=path_json, folder_id=folder_id, position=item.base.position
    )
    conn.execute(
        statement.on_conflict_do_update(
            index_elements=[FOLDER_BASES.c.path_json],
            set_={"folder_id": statement.excluded.folder_id, "position": statement.excluded.position},
        )
    )


def _path_json(path: tuple[str, ...]) -> str:
    return json.dumps(list(path), ensure_ascii=False)
