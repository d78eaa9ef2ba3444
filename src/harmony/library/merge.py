"""Merging duplicate tracks into one, inside one edit's transaction.

The kept track takes the union of the cue points (a cue of another track whose type, slot and position match
one it has is not added twice; one on a hot cue slot already taken comes as a memory cue) but for the beat grid,
which stays its own (see :func:`_offered_cues`), every playlist
entry of the others (in place: same playlist, same position), the sum of the play counts, the highest rating,
and the others' values for its empty fields. The others leave the library (their sync bases stay, unlinked, so
the next export removes their entries from the collection). No audio file is touched.

A merge is one undo step: its scope (:func:`merge_scope`) holds the kept track's fields and cues and the
merged-away tracks whole, so one undo brings them back with their ids, cues and playlist places."""

from __future__ import annotations

from bisect import bisect_left, insort
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace

from sqlalchemy import Connection, func, select, update

from harmony.library import writes
from harmony.library.batches import in_batches
from harmony.library.errors import InvalidFieldError
from harmony.library.models import CUES, ENTRIES, FOLDERS, PLAYLISTS, TRACK_BASES, TRACKS
from harmony.library.queries import get_track, get_tracks
from harmony.library.twins import with_twins
from harmony.library.undo import Scope
from harmony.library.values import TRACK_FIELD_NAMES, CueValues
from harmony.nml import CueType
from harmony.words import plural

__all__ = ["MergeResult", "merge_label", "merge_scope", "merge_tracks"]

#: Cues of two tracks closer than this (milliseconds) with the same type and slot are one cue.
CUE_TOLERANCE_MS = 1.0
#: Fields never filled from another track: the file is the kept track's own; the rest are settled below.
_NOT_FILLED = frozenset({"path", "path_key", "play_count", "rating", "ranking"})


@dataclass(frozen=True, slots=True)
class MergeResult:
    """The kept track, the tracks merged into it, and what moved."""

    kept: int
    removed: tuple[int, ...]
    cues_added: int
    entries_moved: int
    fields_filled: tuple[str, ...]
    kept_title: str | None = None


def merge_scope(keep: int, others: Sequence[int]) -> Scope:
    """What a merge may change, for its undo step: every field and cue of the kept track, the merged-away
    tracks whole (rows, cues, sync base link) and the playlists that hold them."""
    removed = list(dict.fromkeys(others))
    return Scope(
        track_ids=[keep],
        fields=[name for name in TRACK_FIELD_NAMES if name not in ("path", "path_key")],
        cue_tracks=[keep, *removed],
        entry_tracks=removed,
        whole_tracks=removed,
    )


def merge_label(result: MergeResult) -> str:
    """The merge as the undo history names it."""
    count = len(result.removed)
    what = plural(count, "duplicate")
    return f"Merged {what} into “{result.kept_title}”" if result.kept_title else f"Merged {what} into one track"


def _cues_to_add(have: list[CueValues], offered: Iterable[CueValues]) -> list[CueValues]:
    """The others' cues the kept track gains, in the order offered: a cue with the same type and slot as one
    the kept track has (or gains first) within :data:`CUE_TOLERANCE_MS` is the same cue, not added twice; a hot
    cue slot holds one cue, so a cue on a slot already taken comes as a memory cue.

    Looked up by type and slot among sorted positions: a group of 12,000 placeholder copies offers some 36,000
    cues, and comparing each with every one kept before took over a minute."""
    starts: dict[tuple[int, int], list[float]] = {}
    slots: set[int] = set()

    def keep(cue: CueValues) -> None:
        insort(starts.setdefault((cue.type, cue.hotcue), []), cue.start)
        if cue.hotcue >= 0:
            slots.add(cue.hotcue)

    for cue in have:
        keep(cue)
    added: list[CueValues] = []
    for cue in offered:
        near = starts.get((cue.type, cue.hotcue), ())
        # The nearest kept position on each side decides, measured as the plain rule measures (a difference of
        # floats only grows with the position, so no farther one can be within the tolerance if these are not).
        at = bisect_left(near, cue.start)
        if any(abs(near[i] - cue.start) <= CUE_TOLERANCE_MS for i in (at - 1, at) if 0 <= i < len(near)):
            continue  # the same cue
        if cue.hotcue >= 0 and cue.hotcue in slots:
            cue = replace(cue, hotcue=-1)
        keep(cue)
        added.append(cue)
    return added


def _offered_cues(have: Sequence[CueValues], others: Sequence[Sequence[CueValues]]) -> Iterator[CueValues]:
    """The others' cues the kept track is offered, in order: every cue, loop and marker, but grid markers only
    when the kept track has none, and then those of one other track alone.

    A beat grid is the analysis of one file. Another copy's grid beside the kept one's made a second grid (an
    MP3 of a WAV starts some tens of milliseconds apart, its encoder's delay), and two copies' grids two."""
    grids = CueType.GRID
    gridded = any(cue.type == grids for cue in have)
    for cues in others:
        yield from (cue for cue in cues if cue.type != grids or not gridded)
        gridded = gridded or any(cue.type == grids for cue in cues)


def merge_tracks(conn: Connection, version: int, keep: int, others: Sequence[int]) -> MergeResult:
    """Merge ``others`` into ``keep`` (see the module doc); raises for an unknown id or a track named twice."""
    removed = tuple(dict.fromkeys(others))
    if not removed:
        raise InvalidFieldError("Name at least one other track to merge into the kept one.")
    if keep in removed:
        raise InvalidFieldError(f"Track {keep} cannot be merged into itself.")
    kept = get_track(conn, keep)
    merged = get_tracks(conn, removed)

    values = kept.track.values
    changes: dict[str, object] = {}
    for name in TRACK_FIELD_NAMES:
        if name in _NOT_FILLED or getattr(values, name) is not None:
            continue
        for other in merged:
            value = getattr(other.track.values, name)
            if value is not None:
                changes[name] = value
                break
    plays = [t.track.values.play_count for t in (kept, *merged) if t.track.values.play_count is not None]
    if plays and sum(plays) != values.play_count:
        changes["play_count"] = sum(plays)
    ratings = [t.track.values.rating for t in (kept, *merged) if t.track.values.rating is not None]
    if ratings and max(ratings) != values.rating:
        changes["rating"] = max(ratings)  # its twin, the ranking, follows
    checked = with_twins(writes.check_track_changes(changes)) if changes else {}

    have = [cue.values for cue in kept.cues]
    new_cues = _cues_to_add(have, _offered_cues(have, [[cue.values for cue in other.cues] for other in merged]))

    # Playlists that hold the others change (their entries now name the kept track, in place). A group can be
    # thousands of copies (placeholder files of one "song"): its ids go in batches of one IN list each.
    playlist_ids: set[int] = set()
    moved = 0
    kept_key = conn.execute(select(TRACK_BASES.c.nml_key).where(TRACK_BASES.c.track_id == keep)).scalar()
    for chunk in in_batches(removed):
        holding = select(ENTRIES.c.playlist_id).where(ENTRIES.c.track_id.in_(chunk)).distinct()
        playlist_ids.update(conn.execute(holding).scalars())
        moved += conn.execute(
            update(ENTRIES).where(ENTRIES.c.track_id.in_(chunk)).values(track_id=keep, nml_key=kept_key)
        ).rowcount
    for chunk in in_batches(sorted(playlist_ids)):
        conn.execute(update(PLAYLISTS).where(PLAYLISTS.c.id.in_(chunk)).values(changed_version=version))
    writes.delete_tracks(conn, removed)
    if new_cues:
        writes.insert_cues(conn, [(keep, cue) for cue in new_cues])
    if checked:
        writes.update_tracks(conn, version, [(keep, checked)])
    else:
        writes.touch_tracks(conn, version, [keep])
    return MergeResult(keep, removed, len(new_cues), moved, tuple(sorted(checked)), values.title)


def duplicate_rows(conn: Connection) -> list[tuple[object, ...]]:
    """Per track, what finding duplicates needs: id, path, artist, title, duration, file size, bitrate, cue
    count, date added, whether its file is missing; then what the DJ is shown to choose between them: the play
    count, BPM, musical key and key text. One query, no cue rows read."""
    cue_count = select(func.count()).where(CUES.c.track_id == TRACKS.c.id).scalar_subquery()
    query = select(
        TRACKS.c.id,
        TRACKS.c.path,
        TRACKS.c.artist,
        TRACKS.c.title,
        TRACKS.c.duration,
        TRACKS.c.file_size,
        TRACKS.c.bitrate,
        cue_count,
        TRACKS.c.date_added,
        TRACKS.c.missing_since.is_not(None),
        TRACKS.c.play_count,
        TRACKS.c.bpm,
        TRACKS.c.musical_key,
        TRACKS.c.key_text,
    ).order_by(TRACKS.c.id)
    return [tuple(row) for row in conn.execute(query)]


def playlists_of(conn: Connection, track_ids: Sequence[int]) -> dict[int, list[str]]:
    """The playlists each track is in, by path in the tree ("Gigs/Friday"; a playlist once), sorted: a name
    alone said "Special" for either of two playlists so named in different folders."""
    folders = {
        row.id: (row.parent_id, row.name)
        for row in conn.execute(select(FOLDERS.c.id, FOLDERS.c.parent_id, FOLDERS.c.name))
    }

    def path(folder_id: int | None, name: str) -> str:
        names = [name]
        seen: set[int] = set()
        while folder_id is not None and folder_id in folders and folder_id not in seen:
            seen.add(folder_id)
            folder_id, folder_name = folders[folder_id]
            names.append(folder_name)
        return "/".join(reversed(names))

    out: dict[int, list[str]] = {}
    for chunk in in_batches(track_ids):
        rows = conn.execute(
            select(ENTRIES.c.track_id, PLAYLISTS.c.folder_id, PLAYLISTS.c.name)
            .select_from(ENTRIES.join(PLAYLISTS, PLAYLISTS.c.id == ENTRIES.c.playlist_id))
            .where(ENTRIES.c.track_id.in_(chunk))
            .distinct()
        )
        for track_id, folder_id, name in rows:
            out.setdefault(track_id, []).append(path(folder_id, name))
    return {track_id: sorted(paths) for track_id, paths in out.items()}
