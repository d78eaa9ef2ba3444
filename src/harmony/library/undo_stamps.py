"""The version stamps an undo puts back, so that an edit undone before any export is not "pending export".

Every edit stamps the rows it changes with its library version, and "pending export" is a row stamped after the
last export. An undo writes the old values back as an edit of its own, so without this module an edit undone at
once left its rows pending, while the export found nothing to write.

A step keeps, for each row it changed, the stamp the row carried just before the step's change was applied
(``Snapshot.stamps``; taken again on every redo). An undo puts that stamp back on a row only when all of these
hold, which together say the row is now exactly as it was before that change:

- nothing exported holds the change: the library's last exported version is below the version that applied it;
- the row still carries that version, or still the one kept for it (the step moved it as a sibling, without a
  stamp): nothing changed it since (every write of exported values stamps the row);
- after the undo, the row's values are the step's "before" values (an undo that could not restore a row, for
  example one whose folder is gone, leaves it stamped with the undo's version);
- on a redo, the row held the step's "before" values just before the redo (an import in between may have
  changed them), or no stamp is kept for it;
- for a track, no import wrote its sync base after the step (:func:`rebased_since`): Traktor's side moved on.

A track the step deleted (a merge's other tracks) comes back the same way: while it is still gone and no export
holds the step, the undo writes it again as it was, its sync base's link included, with its stamp (a merge of
12,000 duplicates undone at once left 12,000 tracks pending, with nothing for the export to write). Only a
deletion by the step itself counts: a track an import deleted is not the step's to put back. A playlist or
folder the undo brings back from deletion keeps the undo's version: an import in between may have dropped the
sync base it was linked to, which its values do not show.

An export records the version it read, which may be older than the library by the time it has written the file:
an undo made in between found the change unexported, yet the file now holds it. So each row an undo marks is
kept (table ``undo_put_backs``, migration 0013), and recording an export marks pending again every row an undo
after the export's version marked for a change at or before it (:func:`settle_export`). The table keeps at
most :data:`MAX_PUT_BACKS` rows; an undo that would pass that leaves its rows pending rather than lose track.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Final

from sqlalchemy import Connection, Table, delete, func, insert, select, text, update

from harmony.library.batches import in_batches
from harmony.library.journal import read_status
from harmony.library.models import FOLDERS, PLAYLISTS, TRACK_BASES, TRACKS, UNDO_PUT_BACKS

if TYPE_CHECKING:
    from harmony.library.undo import Snapshot

__all__ = [
    "KINDS",
    "MAX_PUT_BACKS",
    "kept_stamps",
    "put_back",
    "read_stamps",
    "rebased_since",
    "same_rows",
    "settle_export",
    "untouched_since",
]

#: The kinds of row a step stamps, and their tables.
KINDS: Final[dict[str, Table]] = {"tracks": TRACKS, "playlists": PLAYLISTS, "folders": FOLDERS}
#: The most rows ``undo_put_backs`` keeps between exports (an export drops those it can no longer concern).
MAX_PUT_BACKS: Final = 200_000


def _row_ids(snap: Snapshot) -> dict[str, set[int]]:
    """The rows ``snap`` holds values of, by kind (a playlist's entries are the playlist's)."""
    return {
        "tracks": snap.track_ids,
        "playlists": set(snap.playlists) | set(snap.entries),
        "folders": set(snap.folders),
    }


def read_stamps(conn: Connection, snap: Snapshot) -> dict[str, dict[int, int]]:
    """The version each existing row of ``snap`` carries now."""
    stamps: dict[str, dict[int, int]] = {}
    for kind, ids in _row_ids(snap).items():
        table = KINDS[kind]
        found: dict[int, int] = {}
        for chunk in in_batches(sorted(ids)):
            rows = conn.execute(select(table.c.id, table.c.changed_version).where(table.c.id.in_(chunk)))
            found.update((row_id, version) for row_id, version in rows)
        if found:
            stamps[kind] = found
    return stamps


def same_rows(expected: Snapshot, now: Snapshot) -> dict[str, set[int]]:
    """The rows whose values in ``now`` (captured over ``expected``'s rows) are those of ``expected``."""

    def same(parts: Sequence[str], row_id: int) -> bool:
        return all(getattr(expected, part).get(row_id) == getattr(now, part).get(row_id) for part in parts)

    wanted = _row_ids(expected)
    return {
        "tracks": {t for t in wanted["tracks"] if same(("tracks", "cues", "rows"), t)},
        "playlists": {p for p in wanted["playlists"] if same(("playlists", "entries"), p)},
        "folders": {f for f in wanted["folders"] if same(("folders",), f)},
    }


def kept_stamps(
    stamps: dict[str, dict[int, int]], snap: Snapshot, only: dict[str, set[int]] | None = None
) -> dict[str, dict[int, int]]:
    """The part of ``stamps`` for the rows ``snap`` holds (and, given ``only``, among those rows)."""
    out: dict[str, dict[int, int]] = {}
    for kind, ids in _row_ids(snap).items():
        if only is not None:
            ids &= only[kind]
        found = {row_id: stamp for row_id, stamp in stamps.get(kind, {}).items() if row_id in ids}
        if found:
            out[kind] = found
    return out


def untouched_since(
    now: dict[str, dict[int, int]], kept: dict[str, dict[int, int]], version: int, after: Snapshot
) -> dict[str, set[int]]:
    """The rows that no write stamped after the step was applied at ``version``: each carries ``version``, or
    still the version ``kept`` for it (the step moved it without a stamp of its own, as a sibling a move
    renumbers), and the tracks the step itself deleted (``after``, its side after the change) that are still
    gone (an id is never given to another row, so nothing wrote them since)."""
    untouched = {
        kind: {row_id for row_id, stamp in found.items() if stamp in (version, kept.get(kind, {}).get(row_id))}
        for kind, found in now.items()
    }
    deleted = {track_id for track_id, row in after.rows.items() if row is None}
    gone = deleted & set(kept.get("tracks", {})) - set(now.get("tracks", {}))
    untouched.setdefault("tracks", set()).update(gone)
    return untouched


def rebased_since(conn: Connection, track_ids: set[int], version: int) -> set[int]:
    """The tracks among ``track_ids`` whose sync base an import wrote after ``version``: what Traktor's file
    holds moved on while the track did not, so an undo that gives the track its old version would leave it
    differing from its base and not pending, and the export would never carry it (found by a review)."""
    found: set[int] = set()
    for chunk in in_batches(sorted(track_ids)):
        found.update(
            conn.execute(
                select(TRACK_BASES.c.track_id).where(
                    TRACK_BASES.c.track_id.in_(chunk), TRACK_BASES.c.synced_version > version
                )
            ).scalars()
        )
    return found


def put_back(
    conn: Connection, stamps: dict[str, dict[int, int]], rows: dict[str, set[int]], undo_version: int, applied: int
) -> None:
    """Stamp each row of ``rows`` with its version in ``stamps`` (rows it has none for are left), and keep them
    for :func:`settle_export`: the undo at ``undo_version`` took back a change applied at ``applied``."""
    exported = read_status(conn).last_exported_version
    conn.execute(delete(UNDO_PUT_BACKS).where(UNDO_PUT_BACKS.c.undo_version <= exported))  # no export needs them
    # A row an export found changed under an undo's put-back (settle_export) may not claim an older version
    # again: the file holds the change, so the row stays pending until a later export.
    settled = {
        (kind, row_id): version
        for kind, row_id, version in conn.execute(
            select(UNDO_PUT_BACKS.c.kind, UNDO_PUT_BACKS.c.row_id, func.max(UNDO_PUT_BACKS.c.settled_version))
            .where(UNDO_PUT_BACKS.c.settled_version.is_not(None))
            .group_by(UNDO_PUT_BACKS.c.kind, UNDO_PUT_BACKS.c.row_id)
        )
    }
    chosen = {
        kind: [
            (r, stamps[kind][r])
            for r in sorted(ids)
            if r in stamps.get(kind, {}) and stamps[kind][r] > settled.get((kind, r), -1)
        ]
        for kind, ids in rows.items()
    }
    count = sum(len(pairs) for pairs in chosen.values())
    kept_now = conn.execute(select(func.count()).select_from(UNDO_PUT_BACKS)).scalar_one()
    if not count or kept_now + count > MAX_PUT_BACKS:
        return  # (past the limit the rows stay pending: an export then settles them)
    for kind, pairs in chosen.items():
        table = KINDS[kind]
        by_stamp: dict[int, list[int]] = {}
        for row_id, stamp in pairs:
            by_stamp.setdefault(stamp, []).append(row_id)
        for stamp, ids in by_stamp.items():  # a bulk edit's rows mostly share a few versions
            for chunk in in_batches(sorted(ids)):
                conn.execute(update(table).where(table.c.id.in_(chunk)).values(changed_version=stamp))
        marked = [
            {"undo_version": undo_version, "applied_version": applied, "kind": kind, "row_id": row_id}
            for row_id, _ in pairs
        ]
        if marked:
            conn.execute(insert(UNDO_PUT_BACKS), marked)


def settle_export(conn: Connection, exported: int) -> None:
    """An export now records that the NML holds library version ``exported``: every row an undo after that
    version marked, for a change applied at or before it, is in the file as the change left it, so it is pending
    again (stamped with that undo's version). Put-backs of undos at or before ``exported`` go: no export to come
    read the library before them."""
    for kind, table in KINDS.items():
        conn.execute(
            text(
                f"UPDATE {table.name} SET changed_version = p.undo_version "
                "FROM (SELECT row_id, max(undo_version) AS undo_version FROM undo_put_backs "
                "      WHERE kind = :kind AND undo_version > :exported AND applied_version <= :exported "
                "      GROUP BY row_id) AS p "
                f"WHERE {table.name}.id = p.row_id AND {table.name}.changed_version <= :exported"
            ),
            {"kind": kind, "exported": exported},
        )
    # Rows that changed again since cannot be marked now; a later undo must not put them back below this.
    conn.execute(
        update(UNDO_PUT_BACKS)
        .where(UNDO_PUT_BACKS.c.undo_version > exported, UNDO_PUT_BACKS.c.applied_version <= exported)
        .values(settled_version=func.max(func.coalesce(UNDO_PUT_BACKS.c.settled_version, 0), exported))
    )
    conn.execute(delete(UNDO_PUT_BACKS).where(UNDO_PUT_BACKS.c.undo_version <= exported))
