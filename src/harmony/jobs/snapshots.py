"""Reading the library side of a sync: one consistent read of the library, as the plain values sync plans from.

The planning in :mod:`harmony.sync` is pure: it never opens the library. The jobs read the library here (in the
worker, through a read-only :class:`~harmony.library.LibraryReader`) and hand the snapshot to the planner.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from typing import Any

from harmony.library import ExportReader, LibraryReader, SyncTrack, TrackRef
from harmony.sync import ExportSnapshot, LibrarySnapshot

#: ``progress(done, total)``: how many tracks of how many are read.
CountProgress = Callable[[int, int], None]

__all__ = ["read_changed_export_snapshot", "read_export_snapshot", "read_import_snapshot"]

#: Tracks read in full per query when only some are read (at most 2 % of 100,000, for the progress reports).
_CHUNK = 500


def _silent(done: int, total: int) -> None:
    """The progress reporter of a read nobody follows."""


def _snapshot(
    reader: LibraryReader, tracks: list[SyncTrack], shared: dict[str, str] | None = None, **extra: Any
) -> LibrarySnapshot:
    """The snapshot of ``tracks`` with the library's whole tree and unlinked bases, read from the same
    ``reader`` (``extra``: the fields one direction adds; ``shared``: see ``LibraryReader.playlists``)."""
    return LibrarySnapshot(
        tracks=tracks,
        folders=reader.folders(),
        playlists=reader.playlists(shared),
        unlinked_track_bases=tuple(reader.unlinked_track_bases()),
        unlinked_playlist_bases=reader.unlinked_playlist_bases(),
        unlinked_folder_bases=reader.unlinked_folder_bases(),
        version=reader.version,
        **extra,
    )


def _unchanged_since_synced(ref: TrackRef, digests: Collection[str]) -> bool:
    """Whether the track may be skipped by the import: its base came from an entry the collection still holds
    byte for byte, and Harmony did not change the track since (the planner checks the rest)."""
    return (
        ref.base_digest is not None
        and ref.synced_version is not None
        and ref.changed_version <= ref.synced_version
        and ref.base_digest in digests
    )


def read_import_snapshot(
    reader: LibraryReader,
    progress: CountProgress | None = None,
    *,
    entry_digests: Collection[str] | None = None,
) -> LibrarySnapshot:
    """Read everything the import planner needs from one library snapshot; ``progress(done, total)`` is told how
    many tracks are read, at least every 2 % of them.

    With ``entry_digests`` (the digests of the collection's entries, see ``TraktorSnapshot.digests``) a track
    whose base came from one of those entries and that Harmony did not change since is read only as a
    :class:`~harmony.library.TrackRef`: such tracks need no merge. Plan while ``reader`` is open (the
    snapshot's ``load`` uses it)."""
    light: list[TrackRef] = []
    tracks: list[SyncTrack] = []
    report = progress or _silent
    if entry_digests:
        to_read: list[int] = []
        for ref in reader.track_refs():
            if _unchanged_since_synced(ref, entry_digests):
                light.append(ref)
            else:
                to_read.append(ref.id)
        total = len(to_read)
        every = max(_CHUNK, total // 50 // _CHUNK * _CHUNK)
        report(0, total)
        for start in range(0, total, _CHUNK):
            tracks.extend(reader.tracks_by_id(to_read[start : start + _CHUNK]))
            if (start + _CHUNK) % every == 0:
                report(len(tracks), total)
        report(len(tracks), total)
    else:
        tracks = reader.all_tracks(progress)
    return _snapshot(reader, tracks, light=light, load=reader.tracks_by_id)


def read_export_snapshot(reader: LibraryReader, progress: CountProgress | None = None) -> ExportSnapshot:
    """Read everything the export needs from one library snapshot; ``progress(done, total)`` is told how many
    tracks are read, at least every 2 % of them."""
    return _snapshot(reader, reader.all_tracks(progress))


def read_changed_export_snapshot(reader: ExportReader, progress: CountProgress | None = None) -> ExportSnapshot:
    """Read only the tracks that can need writing (see ``harmony.library.export_reader``): those changed since the
    last export. When a track has no base (it must be matched by its file against every other track), the whole
    library is read instead, as :func:`read_export_snapshot` does."""
    if reader.tracks_without_base():
        return read_export_snapshot(reader.library, progress)
    changed = reader.changed_track_ids()
    synced = reader.synced_track_keys()
    if progress is not None:
        progress(0, len(changed))
    tracks = list(reader.tracks_by_id(changed))
    if progress is not None:
        progress(len(tracks), len(changed))
    # The tracks read in full leave the map in place: a filtered copy would hold a second map of every
    # synced track (100,000 at a time) beside the first.
    for track in tracks:
        synced.pop(track.track.id, None)
    shared = {key: key for key in synced.values()}  # for the playlists' entry keys to be these strings
    return _snapshot(reader.library, tracks, shared, synced_keys=synced, complete=False)
