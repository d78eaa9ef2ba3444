"""The inputs of an export plan besides the collection: the choices it is made with, and the library as one read."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import get_args

from harmony.errors import SyncError
from harmony.library.plan import FolderBase, PlaylistBase, TrackBase
from harmony.library.reader import LibraryReader, SyncFolder, SyncPlaylist, SyncTrack
from harmony.nml.paths import DEFAULT_STARTUP_VOLUME, Platform, current_platform
from harmony.sync.options import CUE_TOLERANCE_MS, STRATEGIES, Strategy
from harmony.sync.paths import PathMapping

__all__ = ["ExportOptions", "ExportSnapshot"]


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


@dataclass(frozen=True, slots=True)
class ExportSnapshot:
    """The library as one consistent read, for an export: tracks with cues and bases, folders and playlists with
    theirs, the bases of what was deleted in Harmony since the last sync, and the library version it shows (the
    version the export records as written)."""

    tracks: Sequence[SyncTrack] = ()
    folders: Sequence[SyncFolder] = ()
    playlists: Sequence[SyncPlaylist] = ()
    unlinked_track_bases: Sequence[TrackBase] = ()
    unlinked_playlist_bases: Sequence[PlaylistBase] = ()
    unlinked_folder_bases: Sequence[FolderBase] = ()
    version: int | None = None

    @classmethod
    def read(cls, reader: LibraryReader, progress: Callable[[int, int], None] | None = None) -> ExportSnapshot:
        """Read everything the export needs from one library snapshot; ``progress(done, total)`` is told how many
        tracks are read, at least every 2 % of them."""
        tracks: list[SyncTrack] = []
        total = reader.track_count() if progress is not None else 0
        every = max(1, total // 50)
        if progress is not None:
            progress(0, total)
        for track in reader.iter_tracks():
            tracks.append(track)
            if progress is not None and len(tracks) % every == 0:
                progress(len(tracks), total)
        if progress is not None:
            progress(len(tracks), total)
        return cls(
            tracks=tracks,
            folders=reader.folders(),
            playlists=reader.playlists(),
            unlinked_track_bases=tuple(reader.unlinked_track_bases()),
            unlinked_playlist_bases=reader.unlinked_playlist_bases(),
            unlinked_folder_bases=reader.unlinked_folder_bases(),
            version=reader.version,
        )
