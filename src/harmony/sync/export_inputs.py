"""The inputs of an export plan besides the collection: the choices it is made with, and the library as one read."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import get_args

from harmony.errors import SyncError
from harmony.library import FolderBase, PlaylistBase, SyncFolder, SyncPlaylist, SyncTrack, TrackBase
from harmony.nml import DEFAULT_STARTUP_VOLUME, Platform, current_platform
from harmony.sync.options import CUE_TOLERANCE_MS, STRATEGIES, Strategy
from harmony.sync.paths import PathMapping

__all__ = ["ExportOptions", "ExportSnapshot", "PartialSnapshotError"]


@dataclass(frozen=True, slots=True)
class ExportOptions:
    """Everything an export plan depends on besides the collection and the library.

    ``strategy`` settles a value changed on both sides since the last sync exactly as the import does (so an
    import and an export never undo each other), and seeds a first sync the export's way: ``smart_merge`` fills
    Traktor's empty fields, ``traktor_wins`` keeps Traktor's values, ``harmony_wins`` writes Harmony's non-empty
    values. ``platform`` and ``path_mappings`` turn library paths into NML locations (the mappings reversed) and
    decide how two spellings of a file compare, as on import.
    """

    strategy: Strategy = "smart_merge"
    platform: Platform = field(default_factory=current_platform)
    path_mappings: tuple[PathMapping, ...] = ()
    startup_volume: str = DEFAULT_STARTUP_VOLUME
    cue_tolerance_ms: float = CUE_TOLERANCE_MS

    def __post_init__(self) -> None:
        if self.strategy not in STRATEGIES:
            raise SyncError(f"Unknown strategy {self.strategy!r}; choose one of {', '.join(STRATEGIES)}.")
        if self.platform not in get_args(Platform):
            raise SyncError(f"Unknown platform {self.platform!r}; choose one of windows, macos, linux.")
        if not self.cue_tolerance_ms >= 0:
            raise SyncError("The cue position tolerance cannot be negative.")


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
