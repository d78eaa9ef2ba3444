"""The :class:`Library`: the one object the rest of Harmony uses to read and change the library.

Each public method is one operation: one transaction, and for an edit one new library version in the change
journal. Reads see one snapshot. The class holds only the engine; the work is done by :mod:`queries`,
:mod:`writes`, :mod:`apply`, :mod:`journal` and :mod:`settings`, which a test or a worker can call directly.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from uuid import uuid4

from sqlalchemy import Connection, Engine

from harmony.library import apply, journal, merge, missing, operations, queries, track_list, writes
from harmony.library.database import open_database, read_connection, write_connection
from harmony.library.editing import EditOutcome, LibraryEdits
from harmony.library.fields import check_typed
from harmony.library.glance import LibraryStats
from harmony.library.journal import ChangeRecord, LibraryStatus
from harmony.library.known_counts import KnownCounts, read_known_counts, write_known_counts
from harmony.library.merge import MergeResult
from harmony.library.operations import OperationRecord
from harmony.library.paths import path_key
from harmony.library.plan import NO_BASE_UPDATES, BaseUpdates, ImportPlan, ImportResult
from harmony.library.queries import (
    FolderNode,
    PlaylistNode,
    TrackDetail,
    TrackPage,
)
from harmony.library.reader import LibraryReader
from harmony.library.records import StoredEntry, StoredTrack
from harmony.library.scan import ScanFailure, ScanResult
from harmony.library.settings import TraktorSettings, load_settings, save_settings
from harmony.library.track_list import TrackList
from harmony.library.twins import with_twins
from harmony.library.values import CueValues, TrackValues
from harmony.nmlfile import NmlFingerprint

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class AddResult:
    """What adding scanned files did: new track ids, how many were already there, what could not be read."""

    added: tuple[int, ...]
    already_present: int
    failures: tuple[ScanFailure, ...]
    missing: tuple[str, ...]


class Library(LibraryEdits):
    """Harmony's music library: tracks, cue points, playlists, folders, sync bases and settings."""

    def __init__(self, path: Path, engine: Engine) -> None:
        self.path = path
        self._engine = engine

    @classmethod
    def open(cls, path: Path | str | None = None, *, read_only: bool = False) -> Library:
        """Open the library at ``path`` (default: the per-user ``library.db``), creating or upgrading it.

        See :func:`harmony.library.database.open_database` for what is refused and how upgrades are backed up.
        """
        resolved, engine = open_database(path, read_only=read_only)
        return cls(resolved, engine)

    def close(self) -> None:
        """Close every connection."""
        self._engine.dispose()

    def __enter__(self) -> Library:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    @contextmanager
    def _read(self) -> Iterator[Connection]:
        with read_connection(self._engine) as conn:
            yield conn

    @contextmanager
    def _edit(self, operation: str, summary: object = "") -> Iterator[tuple[Connection, int]]:
        """A write transaction that is one edit of the plain API (no undo step): it bumps the version and yields
        it with the connection. Not remembered as made here: the app's watcher announces these to the pages,
        which no route of the app does for them."""
        text = summary if isinstance(summary, str) else json.dumps(summary)
        with self._edit_transaction(operation, text, remember=False) as edit:
            yield edit

    # --- state ---

    def status(self) -> LibraryStatus:
        """Version, last exported version, last NML fingerprint."""
        with self._read() as conn:
            return journal.read_status(conn)

    @property
    def version(self) -> int:
        """The current library version (bumped by every edit)."""
        return self.status().version

    @property
    def pending_export(self) -> bool:
        """Whether edits are waiting to be exported to Traktor."""
        return self.status().pending_export

    def pending_track_count(self) -> int:
        """How many tracks hold edits no export has written yet."""
        with self._read() as conn:
            return queries.count_tracks_changed_since(conn, journal.read_status(conn).last_exported_version)

    def changes_since(self, version: int, limit: int = 1000) -> list[ChangeRecord]:
        """The change journal after ``version``."""
        with self._read() as conn:
            return journal.changes_since(conn, version, limit)

    # --- reads ---

    def stats(self) -> LibraryStats:
        """Counts of tracks, cues, playlists and folders, and the version."""
        with self._read() as conn:
            return queries.stats(conn)

    def search_tracks(
        self,
        search: str | None = None,
        *,
        sort: str = "artist",
        descending: bool = False,
        limit: int = 100,
        offset: int = 0,
        only_missing: bool = False,
    ) -> TrackPage:
        """A page of tracks matching ``search``, sorted (see :func:`queries.search_tracks`)."""
        with self._read() as conn:
            return queries.search_tracks(
                conn, search, sort=sort, descending=descending, limit=limit, offset=offset, only_missing=only_missing
            )

    def missing_count(self) -> int:
        """How many tracks have their file marked missing."""
        with self._read() as conn:
            return missing.count_missing(conn)

    def check_files(self, exists: Callable[[str], bool] = os.path.isfile) -> tuple[int, int]:
        """Look for every track's file now: (tracks newly marked missing, tracks whose file is back). The marks
        are not edits: the version stays."""
        with self._read() as conn:
            rows = missing.stored_paths(conn)
        lost, found = missing.check_files(rows, exists)  # the disk's time, with no transaction held
        with write_connection(self._engine) as conn:
            return missing.mark_checked(conn, lost, found, journal.now())

    def duplicate_rows(self) -> list[tuple[object, ...]]:
        """Per track, what finding duplicates needs (see :func:`merge.duplicate_rows`)."""
        with self._read() as conn:
            return merge.duplicate_rows(conn)

    def playlists_of(self, track_ids: Sequence[int]) -> dict[int, list[str]]:
        """The playlists each of the tracks is in, by path in the tree ("Gigs/Friday")."""
        with self._read() as conn:
            return merge.playlists_of(conn, track_ids)

    def merge_tracks(self, keep: int, others: Sequence[int]) -> EditOutcome[MergeResult]:
        """Merge duplicate tracks into ``keep``, as one edit and one undo step (see
        :mod:`harmony.library.merge`)."""
        return self._recorded(
            "tracks.merge",
            merge.merge_scope(keep, others),
            lambda conn, version: merge.merge_tracks(conn, version, keep, others),
            merge.merge_label,
            {"keep": keep, "others": list(others)},
        )

    def missing_keys(self) -> list[tuple[int, str, str | None]]:
        """Each missing track's id, path and last-synced NML key (see :func:`missing.missing_keys`)."""
        with self._read() as conn:
            return missing.missing_keys(conn)

    def missing_tracks(self, limit: int | None = None) -> list[StoredTrack]:
        """The tracks whose file is marked missing, by path."""
        with self._read() as conn:
            return missing.missing_tracks(conn, limit)

    def list_tracks(
        self,
        search: str | None = None,
        *,
        sort: str | None = None,
        descending: bool = False,
        limit: int = 100,
        offset: int = 0,
        filters: tuple[str, ...] = (),
        playlist_id: int | None = None,
        key_notation: str | None = None,
        locate: int | None = None,
        locate_entry: int | None = None,
    ) -> TrackList:
        """A page of the track list, of the library or of one playlist (see :func:`track_list.list_tracks`);
        ``key_notation`` None: the one the settings choose. ``locate``: a track id (in a playlist, with
        ``locate_entry`` its entry) whose index in the whole list the page carries as ``located``, read in the
        same snapshot as the page."""
        with self._read() as conn:
            notation = key_notation or load_settings(conn).key_notation
            return track_list.list_tracks(
                conn,
                search,
                sort=sort,
                descending=descending,
                limit=limit,
                offset=offset,
                filters=filters,
                playlist_id=playlist_id,
                key_notation=notation,
                locate=locate,
                locate_entry=locate_entry,
            )

    def list_track_ids(
        self,
        search: str | None = None,
        *,
        sort: str | None = None,
        descending: bool = False,
        filters: tuple[str, ...] = (),
        playlist_id: int | None = None,
        key_notation: str | None = None,
    ) -> tuple[tuple[int, int | None], ...]:
        """Every row of the list :meth:`list_tracks` pages, in its order, as ``(track id, position)`` (see
        :func:`track_list.list_track_ids`)."""
        with self._read() as conn:
            notation = key_notation or load_settings(conn).key_notation
            return track_list.list_track_ids(
                conn,
                search,
                sort=sort,
                descending=descending,
                filters=filters,
                playlist_id=playlist_id,
                key_notation=notation,
            )

    def get_track(self, track_id: int) -> TrackDetail:
        """A track with its cues."""
        with self._read() as conn:
            return queries.get_track(conn, track_id)

    def find_tracks_by_path_key(self, keys: Sequence[str]) -> dict[str, int]:
        """Track ids of the given path keys that are in the library."""
        with self._read() as conn:
            return queries.find_track_ids_by_path_keys(conn, keys)

    def playlist_tree(self) -> tuple[FolderNode | PlaylistNode, ...]:
        """The tree of folders and playlists."""
        with self._read() as conn:
            return queries.playlist_tree(conn)

    def playlist_entries(self, playlist_id: int) -> tuple[StoredEntry, ...]:
        """A playlist's entries in order."""
        with self._read() as conn:
            return queries.playlist_entries(conn, playlist_id)

    def pending(self, *, with_tracks: bool = True) -> dict[str, object]:
        """What no export has written yet: the tracks (listed unless ``with_tracks`` is false: they can be
        100,000; ``tracks`` is then None) and the playlists (and folders) edited since, and how many playlists
        and folders were deleted since: the bases the export reads as deletions to write
        (:meth:`LibraryReader.unlinked_playlist_bases`), counted while an export is pending (a node deleted on
        both sides keeps its base until the next export, with nothing left to write)."""
        with self._read() as conn:
            status = journal.read_status(conn)
            since = status.last_exported_version
            tracks = queries.track_ids_changed_since(conn, since) if with_tracks else None
            playlists, folders = queries.node_ids_changed_since(conn, since)
            reader = LibraryReader(conn)
            waiting = status.pending_export
            gone_playlists = len(reader.unlinked_playlist_bases()) if waiting else 0
            gone_folders = len(reader.unlinked_folder_bases()) if waiting else 0
        return {
            "since_version": since,
            "tracks": tracks,
            "playlists": playlists,
            "folders": folders,
            "deleted_playlists": gone_playlists,
            "deleted_folders": gone_folders,
        }

    def waiting_for_export(self) -> bool:
        """Whether an export has anything to write: what :meth:`pending` lists (a track, playlist or folder edited
        since the last export) or a deletion since (:meth:`LibraryReader.has_unlinked_bases`). Stricter than
        :attr:`pending_export`, which any new version sets: after an undo of the only edit the version has moved
        and nothing waits (the Traktor page said "Library edits are waiting" where the library page said none).
        Auto-sync keeps to the version: an export too many writes nothing, one too few would lose an edit."""
        with self._read() as conn:
            status = journal.read_status(conn)
            if not status.pending_export:
                return False
            since = status.last_exported_version
            return bool(
                queries.count_tracks_changed_since(conn, since)
                or any(queries.node_ids_changed_since(conn, since))
                or LibraryReader(conn).has_unlinked_bases()
            )

    def track_ids_changed_since(self, version: int) -> list[int]:
        """Tracks changed after ``version``."""
        with self._read() as conn:
            return queries.track_ids_changed_since(conn, version)

    @contextmanager
    def reader(self) -> Iterator[LibraryReader]:
        """A streaming reader over one snapshot (in this process; a worker uses :func:`open_reader`)."""
        with self._read() as conn:
            yield LibraryReader(conn)

    # --- tracks and cues ---

    def add_track(self, values: TrackValues, cues: Sequence[CueValues] = ()) -> int:
        """Add one track with its cues; return its id."""
        return self.add_tracks([(values, cues)])[0]

    def add_tracks(self, items: Sequence[tuple[TrackValues, Sequence[CueValues]]]) -> list[int]:
        """Add tracks with their cues in one transaction; return their ids in order."""
        with self._edit("tracks.add", {"tracks": len(items)}) as (conn, version):
            return writes.insert_tracks(conn, version, items)

    def add_scanned(self, result: ScanResult) -> AddResult:
        """Add the tracks a folder scan found, skipping files already in the library (same path key)."""
        with write_connection(self._engine) as conn:
            keyed = {(t.path_key or path_key(t.path)): t for t in result.tracks}
            present = queries.find_track_ids_by_path_keys(conn, list(keyed))
            new = [t for key, t in keyed.items() if key not in present]
            ids: list[int] = []
            if new:
                version = journal.bump_version(conn, "tracks.add", json.dumps({"tracks": len(new)}))
                ids = writes.insert_tracks(conn, version, [(t, ()) for t in new])
        return AddResult(
            added=tuple(ids),
            already_present=len(result.tracks) - len(new),
            failures=result.failures,
            missing=result.missing,
        )

    def update_track(self, track_id: int, changes: Mapping[str, object]) -> None:
        """Set fields of a track (field -> value); unknown fields and bad values are refused. A value Traktor
        stores twice (rating and ranking, BPM and its text, key and key text) changes as one
        (:func:`~harmony.library.twins.with_twins`). One recorded edit, like every edit: one transaction, a new
        version in the journal and an undo step (:meth:`set_track_fields`)."""
        checked = writes.check_track_changes(with_twins(writes.check_track_changes(changes)))
        check_typed(checked)
        if not checked:  # nothing to change is not an edit: no new version, but a wrong id is still an error
            with self._read() as conn:
                writes.require_track(conn, track_id)
            return
        self.set_track_fields(track_id, checked)

    def delete_tracks(self, track_ids: Sequence[int]) -> int:
        """Delete tracks with their cues and playlist entries; return how many existed."""
        with self._edit("tracks.delete", {"tracks": len(track_ids)}) as (conn, _version):
            return writes.delete_tracks(conn, track_ids)

    def add_cue(self, track_id: int, cue: CueValues) -> int:
        """Add a cue to a track; return its id."""
        with self._edit("cue.add", {"track": track_id}) as (conn, version):
            cue_id = writes.insert_cues(conn, [(track_id, cue)])[0]
            writes.touch_tracks(conn, version, [track_id])
            return cue_id

    def update_cue(self, cue_id: int, changes: Mapping[str, object]) -> None:
        """Set fields of a cue."""
        with self._edit("cue.update", {"cue": cue_id}) as (conn, version):
            owners = writes.cue_track_ids(conn, [cue_id])
            writes.update_cues(conn, [(cue_id, changes)])
            writes.touch_tracks(conn, version, owners.values())

    def delete_cue(self, cue_id: int) -> None:
        """Delete a cue."""
        with self._edit("cue.delete", {"cue": cue_id}) as (conn, version):
            owners = writes.cue_track_ids(conn, [cue_id])
            writes.delete_cues(conn, [cue_id])
            writes.touch_tracks(conn, version, owners.values())

    # --- folders and playlists ---

    def create_folder(self, name: str, parent_id: int | None = None, position: int | None = None) -> int:
        """Create a folder (at the end of its parent unless ``position`` is given); return its id."""
        with self._edit("folder.create", {"name": name}) as (conn, version):
            return writes.create_folder(conn, version, name, parent_id, position)

    def rename_folder(self, folder_id: int, name: str) -> None:
        """Rename a folder."""
        with self._edit("folder.rename", {"folder": folder_id}) as (conn, version):
            writes.rename_folder(conn, version, folder_id, name)

    def move_folder(self, folder_id: int, parent_id: int | None, position: int | None = None) -> None:
        """Move a folder."""
        with self._edit("folder.move", {"folder": folder_id}) as (conn, version):
            writes.move_folder(conn, version, folder_id, parent_id, position)

    def delete_folder(self, folder_id: int) -> None:
        """Delete a folder and everything in it."""
        with self._edit("folder.delete", {"folder": folder_id}) as (conn, _version):
            writes.delete_folder(conn, folder_id)

    def create_playlist(
        self,
        name: str,
        folder_id: int | None = None,
        position: int | None = None,
        *,
        uuid: str | None = None,
        smart_query: str | None = None,
        track_ids: Sequence[int] = (),
    ) -> int:
        """Create a playlist, optionally with tracks; return its id.

        A playlist made in Harmony gets a UUID of Traktor's form (32 hex digits) unless one is given: it is how
        an export and the imports after it know the playlist is the same, whatever it is renamed to."""
        uuid = uuid if uuid is not None else uuid4().hex
        with self._edit("playlist.create", {"name": name}) as (conn, version):
            playlist_id = writes.create_playlist(conn, version, name, folder_id, position, uuid, smart_query)
            if track_ids:
                writes.set_playlist_entries(conn, version, playlist_id, [(t, None) for t in track_ids])
            return playlist_id

    def update_playlist(self, playlist_id: int, changes: Mapping[str, str | None]) -> None:
        """Change a playlist's name, uuid or smart query."""
        with self._edit("playlist.update", {"playlist": playlist_id}) as (conn, version):
            writes.update_playlist(conn, version, playlist_id, changes)

    def move_playlist(self, playlist_id: int, folder_id: int | None, position: int | None = None) -> None:
        """Move a playlist."""
        with self._edit("playlist.move", {"playlist": playlist_id}) as (conn, version):
            writes.move_playlist(conn, version, playlist_id, folder_id, position)

    def delete_playlist(self, playlist_id: int) -> None:
        """Delete a playlist."""
        with self._edit("playlist.delete", {"playlist": playlist_id}) as (conn, _version):
            writes.delete_playlist(conn, playlist_id)

    def set_playlist_tracks(self, playlist_id: int, track_ids: Sequence[int]) -> None:
        """Replace a playlist's entries with these tracks, in order (duplicates allowed)."""
        with self._edit("playlist.entries", {"playlist": playlist_id}) as (conn, version):
            writes.set_playlist_entries(conn, version, playlist_id, [(t, None) for t in track_ids])

    def add_to_playlist(self, playlist_id: int, track_ids: Iterable[int]) -> None:
        """Append tracks to a playlist."""
        with self._edit("playlist.entries", {"playlist": playlist_id}) as (conn, version):
            entries = writes.playlist_entry_pairs(conn, playlist_id)
            entries.extend((t, None) for t in track_ids)
            writes.set_playlist_entries(conn, version, playlist_id, entries)

    # --- sync -----------------------------------------------------------------------------------------------

    def apply_import(self, plan: ImportPlan) -> ImportResult:
        """Apply an import plan: everything in one transaction, or nothing (the error is raised)."""
        with write_connection(self._engine) as conn:
            return apply.apply_import(conn, plan)

    def apply_import_parts(
        self,
        parts: Iterable[ImportPlan],
        cancelled: Callable[[], bool] | None = None,
        *,
        known_counts: tuple[str, int, int] | None = None,
    ) -> ImportResult:
        """Apply the parts of one plan (:meth:`ImportPlan.split`), read one at a time, in one transaction.

        ``cancelled`` is asked before each part and once more just before the commit; once it returns True the
        transaction is rolled back and :class:`~harmony.library.errors.ImportCancelled` is raised. Any error
        leaves the library as it was. ``known_counts`` (``nml_path, tracks, playlists``) are remembered in the
        same transaction (:meth:`record_known_counts`), so an applied import never fails afterwards for them."""
        with write_connection(self._engine) as conn:
            result = apply.apply_import_parts(conn, parts, cancelled)
            if known_counts is not None:
                write_known_counts(conn, *known_counts)
            return result

    def record_export(
        self,
        library_version: int,
        fingerprint: NmlFingerprint,
        bases: BaseUpdates = NO_BASE_UPDATES,
        *,
        read: NmlFingerprint | None = None,
    ) -> None:
        """Record that an export wrote ``library_version`` to the NML at ``fingerprint``, with new bases
        (``read``: the file as the export read it; see :func:`harmony.library.apply.record_export`)."""
        with write_connection(self._engine) as conn:
            apply.record_export(conn, library_version, fingerprint, bases, read=read)

    # --- settings ---

    def record_operation(self, record: OperationRecord) -> None:
        """Add a finished operation to the operations journal (no library version is bumped)."""
        with write_connection(self._engine) as conn:
            operations.write_operation(conn, record)

    def recent_operations(self, limit: int = 20) -> list[OperationRecord]:
        """The newest finished operations, newest first."""
        with self._read() as conn:
            return operations.read_operations(conn, limit)

    def known_counts(self, nml_path: str) -> KnownCounts | None:
        """The tracks and playlists the collection at ``nml_path`` held when Harmony last read or wrote it."""
        with self._read() as conn:
            return read_known_counts(conn, nml_path)

    def record_known_counts(self, nml_path: str, tracks: int, playlists: int) -> None:
        """Remember what the collection at ``nml_path`` holds now (no library version is bumped)."""
        with write_connection(self._engine) as conn:
            write_known_counts(conn, nml_path, tracks, playlists)

    def settings(self) -> TraktorSettings:
        """The Traktor settings (defaults when never saved)."""
        with self._read() as conn:
            return load_settings(conn)

    def save_settings(self, settings: TraktorSettings) -> None:
        """Validate and store the Traktor settings."""
        with write_connection(self._engine) as conn:
            save_settings(conn, settings)
