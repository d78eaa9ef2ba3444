"""The DJ's edits: track fields (one track or many), cue points, folders, playlists and their entries, undo
and redo. Each is one transaction, one library version in the change journal, and one undo step
(:mod:`harmony.library.undo`); each answers an :class:`EditOutcome` saying what it touched, so the app can
tell every open page (and auto-sync) what changed.

:class:`LibraryEdits` is mixed into :class:`harmony.library.Library`; it needs only its ``_engine``.
"""

from __future__ import annotations

import json
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from typing import Any, Final, Generic, TypeVar, cast

from sqlalchemy import Connection, Engine, func, select

from harmony.library import journal, missing, undo, writes
from harmony.library.cue_words import cue_words
from harmony.library.database import write_connection
from harmony.library.errors import (
    AlreadyInPlaylistError,
    EditConflictError,
    HotCueTakenError,
    InvalidFieldError,
    NotFoundError,
    SmartListError,
)
from harmony.library.fields import CUE_FIELDS, check_length, check_track_edit, check_typed, check_values
from harmony.library.models import CUES, ENTRIES, FOLDERS, PLAYLISTS, TRACKS
from harmony.library.sort_forms import sort_expression
from harmony.library.twins import with_twins
from harmony.library.undo import Scope, StepInfo
from harmony.library.values import CUE_FIELD_NAMES, CueValues
from harmony.nml import CUE_TYPE_NAMES, TRACK_COLORS
from harmony.words import plural

__all__ = ["CUE_TYPES", "SAME", "EditOutcome", "LibraryEdits", "Same", "cue_type_code"]

T = TypeVar("T")

#: Cue types by the names the pages and the CLI use (Traktor's numbers 0-5).
CUE_TYPES: dict[str, int] = {name: code for code, name in CUE_TYPE_NAMES.items()}

#: How a field is called in a step's label.
_FIELD_WORDS = {
    "bpm": "BPM",
    "bpm_text": "BPM",
    "musical_key": "key",
    "key_text": "key",
    "catalog_number": "catalogue number",
    "comment2": "comment 2",
    "key_lyrics": "lyrics key",
    "track_number": "track number",
    "of_tracks": "track count",
    "release_date": "release date",
    "color": "colour",
    "ranking": "rating",
}


class Same:
    """The type of :data:`SAME`."""


#: "Leave it where it is" for a folder's or playlist's parent in a move (None already means the top level).
SAME: Final = Same()


@dataclass(frozen=True, slots=True)
class EditOutcome(Generic[T]):
    """What an edit did: its result (a new id, a count…), the library version it made, its undo step (None
    when it changed nothing), the tracks whose fields or cues changed and whether the playlist tree or a
    playlist's entries changed."""

    value: T
    version: int
    step: StepInfo | None
    track_ids: tuple[int, ...]
    playlists: bool
    operation: str = ""


def cue_type_code(value: object) -> object:
    """A cue type given by name (``"loop"``) as Traktor's number; anything else unchanged (checked later)."""
    if isinstance(value, str):
        code = CUE_TYPES.get(value.strip().lower().replace("-", "_"))
        if code is None:
            raise InvalidFieldError(f"Field 'type' must be one of {', '.join(CUE_TYPES)} (or 0-5), not {value!r}.")
        return code
    return value


def _free(conn: Connection, folder_id: int | None, name: str) -> str:
    """``name``, once no playlist or folder in ``folder_id`` has it (see :func:`writes.require_free_name`)."""
    writes.require_free_name(conn, folder_id, name)
    return name


def _quoted(text: str | None) -> str:
    return f"“{text}”" if text else "a track without a title"


def _track_label(fields: Sequence[str], values: Mapping[str, object], count: int, title: str | None) -> str:
    """The undo history's words for an edit of ``fields`` (as the DJ named them) to ``values`` (checked, twins
    included) on ``count`` tracks; ``title`` is the one track's title before the edit."""
    words = sorted({_FIELD_WORDS.get(name, name.replace("_", " ")) for name in fields})
    # One track is named by the title it has after the edit: the one the DJ now sees.
    named = values.get("title", title)
    what = plural(count, "track") if count != 1 else _quoted(named if isinstance(named, str) else None)
    if words == ["rating"]:
        stars = values.get("rating")
        return (
            f"Rated {what} {plural(stars, 'star')}"
            if isinstance(stars, int) and stars
            else f"Cleared the rating of {what}"
        )
    if words == ["colour"]:
        colour = values.get("color")
        if not colour:
            return f"Cleared the colour of {what}"
        # Named as Traktor names it, so "Undo: Coloured “Song” red" says which colour the undo takes away.
        name = TRACK_COLORS.get(colour) if isinstance(colour, int) else None
        return f"Coloured {what} {name}" if name else f"Coloured {what}"
    if words == ["title"] and count == 1:
        return f"Renamed {_quoted(title)} to {what}" if named else f"Cleared the title of {_quoted(title)}"
    return f"Set {', '.join(words)} of {what}"


def _cue_word(cue: Mapping[str, Any]) -> str:
    """A cue (its stored fields) as the edit's label names it (:func:`~harmony.library.cue_words.cue_words`)."""
    return cue_words(CueValues(**{name: cue[name] for name in CUE_FIELD_NAMES if name in cue}))


class LibraryEdits:
    """The recorded edits of :class:`~harmony.library.Library` (see the module docstring)."""

    _engine: Engine
    _made_here: deque[int] | None = None

    def made_here(self, version: int) -> bool:
        """Whether this Library object made library version ``version`` (an edit of this process, which its
        caller announces itself) rather than another process."""
        return self._made_here is not None and version in self._made_here

    @contextmanager
    def _edit_transaction(
        self, operation: str, summary: str = "", *, remember: bool = True
    ) -> Iterator[tuple[Connection, int]]:
        """One edit's write transaction and the library version it makes, remembered as made here (unless not
        ``remember``).

        Remembered inside the transaction, so a watcher that sees the committed version already knows it; and
        forgotten when the edit does not commit (refused, or failed): its version number is then free, and the
        next edit to take it may be another process's, which the app's pages must hear about (a refused "add
        again" swallowed the CLI's next edit, the pages never redrawn)."""
        version: int | None = None
        try:
            with write_connection(self._engine) as conn:
                version = journal.bump_version(conn, operation, summary)
                if remember:
                    if self._made_here is None:
                        self._made_here = deque(maxlen=10_000)
                    self._made_here.append(version)
                yield conn, version
        except BaseException:
            if version is not None and self._made_here is not None and version in self._made_here:
                self._made_here.remove(version)
            raise

    def _recorded(
        self,
        operation: str,
        scope: Scope,
        action: Callable[[Connection, int], T],
        label: Callable[[T], str],
        summary: Mapping[str, object] | None = None,
    ) -> EditOutcome[T]:
        """Run ``action`` as one edit: capture ``scope`` before and after it, keep the difference as a step."""
        with self._edit_transaction(operation, json.dumps(summary or {})) as (conn, version):
            before = undo.capture(conn, scope)
            value = action(conn, version)
            after = undo.capture(conn, scope, known=before, stamps=False)
            step = undo.record_step(conn, version, operation, label(value), before, after)
            touched = before.track_ids | after.track_ids
            playlists = before.touches_playlists or after.touches_playlists
            return EditOutcome(value, version, step, tuple(sorted(touched)), playlists, operation)

    def _history(self, operation: str, run: Callable[[Connection, int], StepInfo]) -> EditOutcome[StepInfo]:
        with self._edit_transaction(operation) as (conn, version):
            step = run(conn, version)
            journal.set_summary(conn, version, json.dumps({"step": step.id, "label": step.label}))
            return EditOutcome(step, version, step, step.track_ids, step.playlists, operation)

    # --- tracks ---------------------------------------------------------------------------------------------

    def edit_tracks(self, track_ids: Sequence[int], changes: Mapping[str, object]) -> EditOutcome[int]:
        """Set the same field values on every track of ``track_ids`` (one track, or a bulk edit); returns how
        many tracks were updated. Only editable fields, in their edit ranges; a twin (stars and ranking, BPM
        and its text, key and key text) follows the half given."""
        ids = list(dict.fromkeys(int(t) for t in track_ids))
        if not ids:
            raise InvalidFieldError("Field 'ids' needs at least one track id.")
        checked = writes.check_track_changes(with_twins(check_track_edit(changes)))
        if not checked:
            raise InvalidFieldError("Field 'set' names no field to change.")
        title: list[str | None] = [None]

        def action(conn: Connection, version: int) -> int:
            if len(ids) == 1:
                title[0] = conn.execute(select(TRACKS.c.title).where(TRACKS.c.id == ids[0])).scalar()
            return writes.update_tracks_alike(conn, version, ids, checked)

        return self._recorded(
            "track.update" if len(ids) == 1 else "tracks.update",
            Scope(track_ids=ids, fields=sorted(checked)),
            action,
            lambda count: _track_label(list(changes), checked, count, title[0]),
            {"track": ids[0], "fields": sorted(checked)}
            if len(ids) == 1
            else {"tracks": len(ids), "fields": sorted(checked)},
        )

    def set_track_fields(self, track_id: int, checked: Mapping[str, object]) -> EditOutcome[int]:
        """Set already checked fields of one track (any stored field: play count, dates, the path…), recorded
        like every edit: one transaction, a new version and an undo step. :meth:`edit_tracks` is the DJ's
        edit (the editable fields in their ranges); this is :meth:`Library.update_track`'s."""
        title: list[str | None] = [None]

        def action(conn: Connection, version: int) -> int:
            title[0] = conn.execute(select(TRACKS.c.title).where(TRACKS.c.id == track_id)).scalar()
            return writes.update_tracks(conn, version, [(track_id, checked)])

        return self._recorded(
            "track.update",
            Scope(track_ids=[track_id], fields=sorted(checked)),
            action,
            lambda count: _track_label(list(checked), checked, count, title[0]),
            {"track": track_id, "fields": sorted(checked)},
        )

    def relocate_tracks(self, moves: Sequence[tuple[int, str]]) -> EditOutcome[int]:
        """Point tracks at the files found for them, (track id, new path) each, as one edit and one undo step:
        each keeps its id, fields, cues and playlist entries, its missing mark clears, and the next export
        moves its NML entry. Undone, each points at its old file again, marked missing as it was. Returns how
        many tracks were relocated."""
        moved = dict(moves)  # a track named twice goes where it was named last
        if not moved:
            raise InvalidFieldError("Name at least one track to relocate.")
        ids = list(moved)
        title: list[str | None] = [None]

        def action(conn: Connection, version: int) -> int:
            if len(ids) == 1:
                title[0] = conn.execute(select(TRACKS.c.title).where(TRACKS.c.id == ids[0])).scalar()
            writes.update_tracks(conn, version, [(track_id, {"path": path}) for track_id, path in moved.items()])
            missing.mark_found(conn, ids, journal.now())
            return len(ids)

        return self._recorded(
            "tracks.relocate",
            Scope(track_ids=ids, fields=["path"], marks=ids),
            action,
            lambda count: f"Relocated {_quoted(title[0]) if count == 1 else plural(count, 'track')}",
            {"tracks": len(ids)},
        )

    # --- cue points -----------------------------------------------------------------------------------------

    def add_cue_point(self, track_id: int, fields: Mapping[str, object], *, swap: bool = False) -> EditOutcome[int]:
        """Add a cue to a track; returns its id. A hot cue slot held by another cue is refused
        (:class:`HotCueTakenError`) unless ``swap``: then that cue gives the slot up (becomes a plain cue)."""
        values = dict(fields)
        if "type" in values:
            values["type"] = cue_type_code(values["type"])
        for required in ("type", "start"):
            if required not in values:
                raise InvalidFieldError(f"Field '{required}' is required for a new cue.")
        cue = CueValues.from_mapping(values)
        check_typed(cue.as_dict())
        _check_cue_position(cue.start, cue.length)

        def action(conn: Connection, version: int) -> int:
            writes.require_track(conn, track_id)
            _free_slot(conn, track_id, cue.hotcue, None, -1, swap)
            cue_id = writes.insert_cues(conn, [(track_id, cue)])[0]
            writes.touch_tracks(conn, version, [track_id])
            return cue_id

        return self._recorded(
            "cue.add",
            Scope(cue_tracks=[track_id]),
            action,
            lambda _id: f"Added {_cue_word(cue.as_dict())}",
            {"track": track_id, "cue": "add"},
        )

    def edit_cue_point(
        self, track_id: int, cue_id: int, changes: Mapping[str, object], *, swap: bool = False
    ) -> EditOutcome[int]:
        """Change fields of a cue of ``track_id`` (rename, recolour, type, slot, position, length)."""
        values = dict(changes)
        if "type" in values:
            values["type"] = cue_type_code(values["type"])
        checked = check_values(CUE_FIELDS, values)
        check_typed(checked)
        if not checked:
            raise InvalidFieldError("The request names no cue field to change.")
        old: dict[str, Any] = {}

        def action(conn: Connection, version: int) -> int:
            row = _cue_row(conn, track_id, cue_id)
            old.update(row)
            merged = {**row, **checked}
            _check_cue_position(merged["start"], merged["length"])
            if "hotcue" in checked and checked["hotcue"] != row["hotcue"]:
                _free_slot(conn, track_id, cast(int, checked["hotcue"]), cue_id, int(row["hotcue"]), swap)
            writes.update_cues(conn, [(cue_id, checked)])
            writes.touch_tracks(conn, version, [track_id])
            return cue_id

        def label(_id: int) -> str:
            if set(checked) == {"name"}:
                return f"Renamed {_cue_word(old)} to “{checked['name'] or ''}”"
            if set(checked) <= {"start"}:
                return f"Moved {_cue_word(old)}"
            return f"Changed {_cue_word(old)}"

        return self._recorded(
            "cue.update", Scope(cue_tracks=[track_id]), action, label, {"track": track_id, "cue": cue_id}
        )

    def delete_cue_point(self, track_id: int, cue_id: int) -> EditOutcome[int]:
        """Delete a cue of ``track_id``."""
        old: dict[str, Any] = {}

        def action(conn: Connection, version: int) -> int:
            old.update(_cue_row(conn, track_id, cue_id))
            writes.delete_cues(conn, [cue_id])
            writes.touch_tracks(conn, version, [track_id])
            return cue_id

        return self._recorded(
            "cue.delete",
            Scope(cue_tracks=[track_id]),
            action,
            lambda _id: f"Deleted {_cue_word(old)}",
            {"track": track_id, "cue": cue_id},
        )

    # --- folders --------------------------------------------------------------------------------------------

    def new_folder(self, name: str, parent_id: int | None = None, position: int | None = None) -> EditOutcome[int]:
        """Create a folder in ``parent_id`` (None: the top level); returns its id."""
        check_length({"name": name})
        return self._recorded(
            "folder.create",
            Scope(parents=[parent_id]),
            lambda conn, version: writes.create_folder(
                conn, version, _free(conn, parent_id, name), parent_id, position
            ),
            lambda _id: f"Created folder “{name}”",
            {"name": name},
        )

    def change_folder(
        self,
        folder_id: int,
        *,
        name: str | None = None,
        parent_id: int | Same | None = SAME,
        position: int | None = None,
    ) -> EditOutcome[int]:
        """Rename a folder and/or move it to ``parent_id`` (:data:`SAME`: where it is; None: the top level) at
        ``position`` (None: the end)."""
        check_length({"name": name})
        old_parent, old_name = self._node(FOLDERS, FOLDERS.c.parent_id, folder_id, "folder")
        move = not isinstance(parent_id, Same) or position is not None
        target = old_parent if isinstance(parent_id, Same) else parent_id
        parents = {old_parent, target} if move else set()

        def action(conn: Connection, version: int) -> int:
            if name is not None or target != old_parent:
                writes.require_free_name(conn, target, old_name if name is None else name, folder=folder_id)
            if name is not None:
                writes.rename_folder(conn, version, folder_id, name)
            if move:
                writes.move_folder(conn, version, folder_id, target, position)
            return folder_id

        def label(_id: int) -> str:
            if name is not None and name != old_name:
                return f"Renamed folder “{old_name}” to “{name}”"
            return f"Moved folder “{old_name}”"

        return self._recorded(
            "folder.update", Scope(folders=[folder_id], parents=parents), action, label, {"folder": folder_id}
        )

    def remove_folder(self, folder_id: int) -> EditOutcome[dict[str, int]]:
        """Delete a folder with everything in it (tracks stay); returns how many folders, playlists and
        entries went."""
        parent, name = self._node(FOLDERS, FOLDERS.c.parent_id, folder_id, "folder")

        def action(conn: Connection, version: int) -> dict[str, int]:
            folders, playlists = undo._subtree(conn, [folder_id])
            entries = conn.execute(
                select(func.count()).select_from(ENTRIES).where(ENTRIES.c.playlist_id.in_(sorted(playlists)))
            ).scalar_one()
            writes.delete_folder(conn, folder_id)
            return {"folders": len(folders), "playlists": len(playlists), "entries": int(entries)}

        return self._recorded(
            "folder.delete",
            Scope(parents=[parent], subtrees=[folder_id]),
            action,
            lambda n: (
                f"Deleted folder “{name}” "
                f"({plural(n['playlists'], 'playlist')}, {plural(n['entries'], 'entry', 'entries')})"
            ),
            {"folder": folder_id},
        )

    # --- playlists ------------------------------------------------------------------------------------------

    def new_playlist(
        self,
        name: str,
        folder_id: int | None = None,
        position: int | None = None,
        *,
        uuid: str | None = None,
    ) -> EditOutcome[int]:
        """Create an empty playlist in ``folder_id``; returns its id (a Traktor-style UUID is made for it)."""
        from uuid import uuid4

        check_length({"name": name})
        made = uuid or uuid4().hex
        return self._recorded(
            "playlist.create",
            Scope(parents=[folder_id]),
            lambda conn, version: writes.create_playlist(
                conn, version, _free(conn, folder_id, name), folder_id, position, made, None
            ),
            lambda _id: f"Created playlist “{name}”",
            {"name": name},
        )

    def change_playlist(
        self,
        playlist_id: int,
        *,
        name: str | None = None,
        folder_id: int | Same | None = SAME,
        position: int | None = None,
    ) -> EditOutcome[int]:
        """Rename a playlist and/or move it into ``folder_id`` (:data:`SAME`: where it is; None: the top
        level) at ``position`` (None: the end)."""
        check_length({"name": name})
        old_folder, old_name = self._node(PLAYLISTS, PLAYLISTS.c.folder_id, playlist_id, "playlist")
        move = not isinstance(folder_id, Same) or position is not None
        target = old_folder if isinstance(folder_id, Same) else folder_id
        parents = {old_folder, target} if move else set()

        def action(conn: Connection, version: int) -> int:
            if name is not None or target != old_folder:
                writes.require_free_name(conn, target, old_name if name is None else name, playlist_id=playlist_id)
            if name is not None:
                writes.update_playlist(conn, version, playlist_id, {"name": name})
            if move:
                writes.move_playlist(conn, version, playlist_id, target, position)
            return playlist_id

        def label(_id: int) -> str:
            if name is not None and name != old_name:
                return f"Renamed playlist “{old_name}” to “{name}”"
            return f"Moved playlist “{old_name}”"

        return self._recorded(
            "playlist.update",
            Scope(playlists=[playlist_id], parents=parents),
            action,
            label,
            {"playlist": playlist_id},
        )

    def remove_playlist(self, playlist_id: int) -> EditOutcome[int]:
        """Delete a playlist (its tracks stay in the library); returns how many entries went."""
        folder, name = self._node(PLAYLISTS, PLAYLISTS.c.folder_id, playlist_id, "playlist")

        def action(conn: Connection, version: int) -> int:
            entries = len(writes.playlist_entry_pairs(conn, playlist_id))
            writes.delete_playlist(conn, playlist_id)
            return entries

        return self._recorded(
            "playlist.delete",
            Scope(parents=[folder], playlists=[playlist_id], entry_playlists=[playlist_id]),
            action,
            lambda n: f"Deleted playlist “{name}” ({plural(n, 'entry', 'entries')})",
            {"playlist": playlist_id},
        )

    def add_playlist_tracks(
        self,
        playlist_id: int,
        track_ids: Sequence[int],
        position: int | None = None,
        *,
        allow_duplicates: bool = False,
    ) -> EditOutcome[int]:
        """Insert tracks into a playlist at ``position`` (None appends); returns how many were added. Tracks
        already in it are refused (:class:`AlreadyInPlaylistError`) unless ``allow_duplicates``."""
        ids = [int(t) for t in track_ids]
        if not ids:
            raise InvalidFieldError("Field 'track_ids' needs at least one track id.")
        name = self._node(PLAYLISTS, PLAYLISTS.c.folder_id, playlist_id, "playlist")[1]

        def action(conn: Connection, version: int) -> int:
            writes.require_tracks(conn, ids)
            entries = writes.playlist_entry_pairs(conn, playlist_id)
            if not allow_duplicates:
                present = {t for t, _ in entries}
                repeated = sorted({t for t in ids if t in present} | _repeats(ids))
                if repeated:
                    raise AlreadyInPlaylistError(
                        f"{len(repeated)} of these tracks {'is' if len(repeated) == 1 else 'are'} already in "
                        f"“{name}”; add them again with allow_duplicates.",
                        track_ids=repeated,
                    )
            if position is not None and position < 0:
                raise InvalidFieldError(f"Field 'position' must be at least 0, not {position}.")
            at = len(entries) if position is None else min(position, len(entries))  # past the end appends
            added = [*entries[:at], *((t, None) for t in ids), *entries[at:]]
            writes.set_playlist_entries(conn, version, playlist_id, added, now=entries)
            return len(ids)

        return self._recorded(
            "playlist.entries",
            Scope(entry_playlists=[playlist_id]),
            action,
            lambda n: f"Added {plural(n, 'track')} to “{name}”",
            {"playlist": playlist_id, "added": len(ids)},
        )

    def remove_playlist_entries(self, playlist_id: int, positions: Sequence[int]) -> EditOutcome[int]:
        """Remove the entries at ``positions`` (0-based) from a playlist; returns how many went."""
        wanted = set(int(p) for p in positions)
        if not wanted:
            raise InvalidFieldError("Field 'positions' needs at least one position.")
        name = self._node(PLAYLISTS, PLAYLISTS.c.folder_id, playlist_id, "playlist")[1]

        def action(conn: Connection, version: int) -> int:
            entries = writes.playlist_entry_pairs(conn, playlist_id)
            for p in wanted:
                _position(p, len(entries) - 1, "positions")
            kept = [entry for i, entry in enumerate(entries) if i not in wanted]
            writes.set_playlist_entries(conn, version, playlist_id, kept, now=entries)
            return len(entries) - len(kept)

        return self._recorded(
            "playlist.entries",
            Scope(entry_playlists=[playlist_id]),
            action,
            lambda n: f"Removed {plural(n, 'track')} from “{name}”",
            {"playlist": playlist_id, "removed": len(wanted)},
        )

    def move_playlist_entries(self, playlist_id: int, positions: Sequence[int], to: int) -> EditOutcome[int]:
        """Move the entries at ``positions`` (kept in their order) so the first of them lands at ``to`` in the
        reordered playlist; returns how many moved."""
        wanted = sorted(set(int(p) for p in positions))
        if not wanted:
            raise InvalidFieldError("Field 'from' needs at least one position.")
        name = self._node(PLAYLISTS, PLAYLISTS.c.folder_id, playlist_id, "playlist")[1]

        def action(conn: Connection, version: int) -> int:
            entries = writes.playlist_entry_pairs(conn, playlist_id)
            for p in wanted:
                _position(p, len(entries) - 1, "from")
            moving = [entries[p] for p in wanted]
            leaving = set(wanted)
            rest = [entry for i, entry in enumerate(entries) if i not in leaving]
            at = _position(to, len(rest), "to")
            rest[at:at] = moving
            writes.set_playlist_entries(conn, version, playlist_id, rest, now=entries)
            return len(moving)

        return self._recorded(
            "playlist.entries",
            Scope(entry_playlists=[playlist_id]),
            action,
            lambda n: f"Reordered “{name}”",
            {"playlist": playlist_id, "moved": len(wanted)},
        )

    # --- undo and redo --------------------------------------------------------------------------------------

    def undo(self, step_id: int | None = None) -> EditOutcome[StepInfo]:
        """Undo the newest step: an edit of its own, with a new version. Rows it puts back as no export has
        seen them changed are no longer pending export (:mod:`harmony.library.undo_stamps`). Given
        ``step_id`` (the Undo of one edit's notification), only that step: another edit made since is
        :class:`EditConflictError`, never undone in its place."""
        return self._history("undo", lambda conn, version: undo.undo(conn, version, step_id))

    def redo(self, step_id: int | None = None) -> EditOutcome[StepInfo]:
        """Redo the step undone last (given ``step_id``, only that step)."""
        return self._history("redo", lambda conn, version: undo.redo(conn, version, step_id))

    def undo_history(self) -> dict[str, Any]:
        """``{"undo": {"id", "label"} | None, "redo": … | None, "steps": N}``."""
        from harmony.library.database import read_connection

        with read_connection(self._engine) as conn:
            return undo.history(conn)

    # --- smart lists ----------------------------------------------------------------------------------------

    def smart_list(self, playlist_id: int, today: date | None = None) -> dict[str, Any]:
        """A smart list's query and the tracks it finds in the library (``track_count``, ``tracks``: their ids in
        the list's order, by artist). Where Harmony cannot evaluate the query, ``evaluable`` is false,
        ``reason`` says why and ``unsupported`` names the part as written; ``tracks`` is then null, never a
        silent empty list (Traktor still fills the list when it loads the collection)."""
        from harmony.library.database import read_connection
        from harmony.library.smart_lists import smart_condition

        with read_connection(self._engine) as conn:
            row = conn.execute(
                select(PLAYLISTS.c.name, PLAYLISTS.c.smart_query).where(PLAYLISTS.c.id == playlist_id)
            ).first()
            if row is None:
                raise NotFoundError(f"No playlist with id {playlist_id} in the library.")
            if row.smart_query is None:
                raise NotFoundError(f"Playlist “{row.name}” is not a smart list.")
            answer: dict[str, Any] = {"id": playlist_id, "name": row.name, "query": row.smart_query}
            try:
                condition = smart_condition(row.smart_query, today or date.today())
            except SmartListError as error:
                return {
                    **answer,
                    "evaluable": False,
                    "reason": f"{error} Traktor fills this list from its query when it loads the collection; "
                    "the query is kept and exported as it is.",
                    "unsupported": error.part,
                    "track_count": None,
                    "tracks": None,
                }
            ids = [
                found.id
                for found in conn.execute(
                    select(TRACKS.c.id)
                    .where(condition)
                    .order_by(func.coalesce(TRACKS.c.artist, "") == "", sort_expression("artist"), TRACKS.c.id)
                )
            ]
        return {
            **answer,
            "evaluable": True,
            "reason": None,
            "unsupported": None,
            "track_count": len(ids),
            "tracks": ids,
        }

    # --- finding folders and playlists by their path in the tree ---------------------------------------------

    def find_node(self, name: str, kind: str | None = None) -> tuple[str, int]:
        """``("folder"|"playlist", id)`` of the node at tree path ``name`` (``"Gigs/Friday"``), or of the
        playlist with that id when ``name`` is a number. ``kind`` limits the search to folders or playlists.
        Raises :class:`NotFoundError` naming what was looked for."""
        from harmony.library.database import read_connection
        from harmony.library.queries import FolderNode, playlist_tree

        text = name.strip()
        if text.isdigit() and kind != "folder":
            with read_connection(self._engine) as conn:
                if conn.execute(select(PLAYLISTS.c.id).where(PLAYLISTS.c.id == int(text))).first() is not None:
                    return "playlist", int(text)
        parts = [part for part in text.strip("/").split("/") if part]
        if not parts:
            raise NotFoundError('Name a folder or playlist by its path in the tree, e.g. "Gigs/Friday", or by id.')
        with read_connection(self._engine) as conn:
            nodes: Sequence[Any] = playlist_tree(conn)
        for depth, part in enumerate(parts):
            last = depth == len(parts) - 1
            match = [
                node
                for node in nodes
                if node.name == part
                and (not last or kind is None or node.kind == kind)
                and (last or isinstance(node, FolderNode))
            ]
            if not match:
                what = kind or "folder or playlist"
                raise NotFoundError(f"No {what} at “{'/'.join(parts[: depth + 1])}” in the library.")
            if last:
                return match[0].kind, int(match[0].id)
            nodes = match[0].children
        raise AssertionError("unreachable")  # pragma: no cover

    # --- helpers --------------------------------------------------------------------------------------------

    def _node(self, table: Any, parent: Any, node_id: int, what: str) -> tuple[int | None, str]:
        from harmony.library.database import read_connection

        with read_connection(self._engine) as conn:
            row = conn.execute(select(parent, table.c.name).where(table.c.id == node_id)).first()
        if row is None:
            raise NotFoundError(f"No {what} with id {node_id} in the library.")
        return row[0], row[1]


def _repeats(ids: Iterable[int]) -> set[int]:
    seen: set[int] = set()
    twice: set[int] = set()
    for t in ids:
        (twice if t in seen else seen).add(t)
    return twice


def _position(value: int, last: int, name: str) -> int:
    """A position within 0..``last``; past the end the playlist changed under the request (409, not 400)."""
    if value < 0:
        raise InvalidFieldError(f"Field '{name}' must be at least 0, not {value}.")
    if value > last:
        raise EditConflictError(f"Field '{name}' must be between 0 and {max(last, 0)}, not {value}.")
    return value


def _check_cue_position(start: object, length: object) -> None:
    if isinstance(start, int | float) and start < 0:
        raise InvalidFieldError(f"Field 'start' must be at least 0 (milliseconds), not {start!r}.")
    if isinstance(length, int | float) and length < 0:
        raise InvalidFieldError(f"Field 'length' must be at least 0 (milliseconds), not {length!r}.")


def _cue_row(conn: Connection, track_id: int, cue_id: int) -> dict[str, Any]:
    row = conn.execute(select(CUES).where(CUES.c.id == cue_id)).first()
    if row is None or row.track_id != track_id:
        raise NotFoundError(f"No cue point with id {cue_id} on track {track_id}.")
    return dict(row._mapping)


def _free_slot(conn: Connection, track_id: int, slot: int, cue_id: int | None, old_slot: int, swap: bool) -> None:
    """Make sure hot cue ``slot`` is free for cue ``cue_id`` (None: a new cue) of ``track_id``: never two cues
    on one slot. With ``swap`` the cue holding it takes ``old_slot`` (the slot being given up, -1 for none)."""
    if slot < 0:
        return
    holder = conn.execute(
        select(CUES.c.id, CUES.c.name).where(
            CUES.c.track_id == track_id, CUES.c.hotcue == slot, CUES.c.id != (cue_id or -1)
        )
    ).first()
    if holder is None:
        return
    if not swap:
        named = f" “{holder.name}”" if holder.name else ""
        raise HotCueTakenError(
            f"Hot cue {slot + 1} (slot {slot}) is already held by cue {holder.id}{named}; swap the slots to take "
            "it (swap: true, or --swap).",
            cue_id=int(holder.id),
            hotcue=slot,
        )
    writes.update_cues(conn, [(int(holder.id), {"hotcue": old_slot})])
