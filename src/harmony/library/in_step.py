"""What an import writes that Traktor's file already holds stays out of "Pending export".

An edit stamps its rows with the library version it made, and a row is pending export while that version is
above the last one an export (or an import that left nothing unwritten) recorded. An import stamps what it
writes too, and when the DJ has edits waiting, that record cannot move on: every track, playlist or folder the
import brought in from Traktor then read "Pending export" (a title renamed in Traktor, with three edits
waiting: "Pending export (4)"), and the export had nothing to write for it.

A row that was in step before the import (exchanged, with a sync base, and not changed since the last export)
holds no change of Harmony's, so the import leaves it exactly as Traktor's file has it: it gets back the version
it had. A row the import creates, with its sync base, is as the file has it too: it gets the last exported
version. A row with an edit waiting keeps the import's version: it still is pending. This is the invariant
:mod:`harmony.library.export_reader` relies on (a row at or below the last exported version, with a base, is in
the file as its base says), kept rather than bent: such rows have just been given that base.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Connection, Table

from harmony.library import writes
from harmony.library.batches import in_batches
from harmony.library.models import FOLDER_BASES, FOLDERS, PLAYLIST_BASES, PLAYLISTS, TRACK_BASES, TRACKS

__all__ = ["InStep"]

# Each table, the table of its sync bases and the column there that names the row.
_BASES = {
    TRACKS.name: (TRACK_BASES.name, "track_id"),
    PLAYLISTS.name: (PLAYLIST_BASES.name, "playlist_id"),
    FOLDERS.name: (FOLDER_BASES.name, "folder_id"),
}


class InStep:
    """The rows of one import that Traktor's file holds as they end, and the version each gets back."""

    def __init__(self, last_exported: int) -> None:
        self.last_exported = last_exported
        self._back: dict[str, dict[int, int]] = {name: {} for name in _BASES}
        self._agreed: set[int] = set()

    def before_change(self, conn: Connection, table: Table, ids: Iterable[int]) -> None:
        """Call before the import changes rows ``ids`` of ``table``: those in step now are noted, with their
        version (the first call for a row wins: a later part of the same import sees the import's version)."""
        back = self._back[table.name]
        bases, column = _BASES[table.name]
        for chunk in in_batches(sorted({i for i in ids if i not in back})):
            marks = ", ".join("?" * len(chunk))
            rows = conn.exec_driver_sql(
                f"SELECT id, changed_version FROM {table.name} WHERE id IN ({marks}) AND changed_version <= ? "
                f"AND EXISTS (SELECT 1 FROM {bases} WHERE {bases}.{column} = {table.name}.id)",
                (*chunk, self.last_exported),
            )
            for row_id, version in rows:
                back.setdefault(row_id, version)

    def created(self, table: Table, ids: Iterable[int]) -> None:
        """Rows the import creates from the file."""
        back = self._back[table.name]
        for row_id in ids:
            back.setdefault(row_id, self.last_exported)

    def agreed(self, track_ids: Iterable[int]) -> None:
        """Tracks the import leaves exactly as the file holds them, with that base (the planner says which):
        an edit of the DJ's that the strategy gave up to Traktor's, or that Traktor made too, is no edit
        waiting any more. Settled to the last exported version unless already at or below it."""
        self._agreed.update(track_ids)

    def settle(self, conn: Connection, version: int) -> None:
        """Give the noted rows their version back: those the import stamped ``version`` and that have a base;
        then the agreed tracks still above the last exported version get that one."""
        for name, back in self._back.items():
            if not back:
                continue
            bases, column = _BASES[name]
            writes.executemany(
                conn,
                f"UPDATE {name} SET changed_version = ? WHERE id = ? AND changed_version = ? "
                f"AND EXISTS (SELECT 1 FROM {bases} WHERE {bases}.{column} = {name}.id)",
                [(old, row_id, version) for row_id, old in back.items()],
            )
        bases, column = _BASES[TRACKS.name]
        writes.executemany(
            conn,
            f"UPDATE {TRACKS.name} SET changed_version = ? WHERE id = ? AND changed_version > ? "
            f"AND EXISTS (SELECT 1 FROM {bases} WHERE {bases}.{column} = {TRACKS.name}.id)",
            [(self.last_exported, track_id, self.last_exported) for track_id in sorted(self._agreed)],
        )
