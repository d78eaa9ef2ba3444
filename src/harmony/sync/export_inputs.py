"""The inputs of an export plan besides the collection: the choices it is made with, and the library as one read."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from harmony.errors import SyncError
from harmony.library import FolderBase, PlaylistBase, SyncFolder, SyncPlaylist, SyncTrack, TrackBase
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
    base), known to be in the NML exactly as its base says. The jobs read it
    (``harmony.jobs.read_export_snapshot``, ``harmony.jobs.read_changed_export_snapshot``)."""

    tracks: Sequence[SyncTrack] = ()
    folders: Sequence[SyncFolder] = ()
    playlists: Sequence[SyncPlaylist] = ()
    unlinked_track_bases: Sequence[TrackBase] = ()
    unlinked_playlist_bases: Sequence[PlaylistBase] = ()
    unlinked_folder_bases: Sequence[FolderBase] = ()
    version: int | None = None
    synced_keys: Mapping[int, str] = field(default_factory=dict)
    complete: bool = True
