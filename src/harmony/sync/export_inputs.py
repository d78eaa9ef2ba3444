"""The inputs of an export plan besides the collection: the choices it is made with, and the library as one read."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from harmony.errors import SyncError
from harmony.library.export_reader import ExportReader
from harmony.library.plan import FolderBase, PlaylistBase, TrackBase
from harmony.library.reader import LibraryReader, SyncFolder, SyncPlaylist, SyncTrack
from harmony.sync.options import SyncOptions

__all__ = ["ExportOptions", "ExportSnapshot", "PartialSnapshotError"]


#: The export is planned with the import's options (one type, so both directions see the same strategy,
#: platform, path mappings and cue tolerance): ``strategy`` settles a value changed on both sides exactly as the
#: import does, and seeds a first sync the export's way (:data:`harmony.sync.three_way.FIRST_SYNC`);
#: ``platform`` and ``path_mappings`` turn library paths into NML locations (the mappings reversed). The cue
#: strategy and the file check are the import's alone.
ExportOptions = SyncOptions


class PartialSnapshotError(SyncError):
    """The export needs the whole library (a track must be matched by its file), but only the tracks changed
    since the last export were read: read everything and plan again."""

    def __init__(self) -> None:
        super().__init__("The export needs every library track; read the whole library and plan again.")


@dataclass(frozen=True, slots=True)
class ExportSnapshot:
    """The library as one consistent read, for an export: tracks with cues and bases, folders and playlists with
    theirs, the bases of what was deleted in Harmony since the last sync, and the library version it shows (the
    version the export records as written).

    A *partial* snapshot (``complete`` False, see :meth:`read_changed`) holds in ``tracks`` only the tracks that
    can differ from their base; every other library track is in ``synced_keys`` (track id -> the NML key of its
    base), known to be in the NML exactly as its base says."""

    tracks: Sequence[SyncTrack] = ()
    folders: Sequence[SyncFolder] = ()
    playlists: Sequence[SyncPlaylist] = ()
    unlinked_track_bases: Sequence[TrackBase] = ()
    unlinked_playlist_bases: Sequence[PlaylistBase] = ()
    unlinked_folder_bases: Sequence[FolderBase] = ()
    version: int | None = None
    synced_keys: Mapping[int, str] = field(default_factory=dict)
    complete: bool = True

    @classmethod
    def read(cls, reader: LibraryReader, progress: Callable[[int, int], None] | None = None) -> ExportSnapshot:
        """Read everything the export needs from one library snapshot; ``progress(done, total)`` is told how many
        tracks are read, at least every 2 % of them."""
        tracks = reader.all_tracks(progress)
        return cls(
            tracks=tracks,
            folders=reader.folders(),
            playlists=reader.playlists(),
            unlinked_track_bases=tuple(reader.unlinked_track_bases()),
            unlinked_playlist_bases=reader.unlinked_playlist_bases(),
            unlinked_folder_bases=reader.unlinked_folder_bases(),
            version=reader.version,
        )

    @classmethod
    def read_changed(cls, reader: ExportReader, progress: Callable[[int, int], None] | None = None) -> ExportSnapshot:
        """Read only the tracks that can need writing (see :mod:`harmony.library.export_reader`): those changed
        since the last export. When a track has no base (it must be matched by its file against every other
        track), the whole library is read instead, as :meth:`read` does."""
        if reader.tracks_without_base():
            return cls.read(reader.library, progress)
        changed = reader.changed_track_ids()
        synced = reader.synced_track_keys()
        if progress is not None:
            progress(0, len(changed))
        tracks = list(reader.tracks_by_id(changed))
        if progress is not None:
            progress(len(tracks), len(changed))
        read = {track.track.id for track in tracks}
        library = reader.library
        return cls(
            tracks=tracks,
            folders=library.folders(),
            playlists=library.playlists(),
            unlinked_track_bases=tuple(library.unlinked_track_bases()),
            unlinked_playlist_bases=library.unlinked_playlist_bases(),
            unlinked_folder_bases=library.unlinked_folder_bases(),
            version=library.version,
            synced_keys={track_id: key for track_id, key in synced.items() if track_id not in read},
            complete=False,
        )
