"""The two inputs of an import plan as plain values: the Traktor side and the library side."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from harmony.library.plan import FolderBase, PlaylistBase, TrackBase
from harmony.library.reader import LibraryReader, SyncFolder, SyncPlaylist, SyncTrack
from harmony.nml.collection import Collection
from harmony.nml.playlists import ROOT_NAME
from harmony.nml.track import TrackData
from harmony.sync.tree import TraktorFolder, tree_from_nml

__all__ = ["LibrarySnapshot", "TraktorSnapshot"]


@dataclass(frozen=True, slots=True)
class TraktorSnapshot:
    """The collection: its tracks (read once, in order: a stream is fine), how many there are (for progress)
    and its playlist tree."""

    tracks: Iterable[TrackData]
    track_count: int
    playlists: TraktorFolder

    @classmethod
    def from_collection(cls, collection: Collection) -> TraktorSnapshot:
        """The snapshot of a loaded collection, streaming its tracks (see ``Collection.iter_data``)."""
        # ``collection.playlists`` would add an empty tree to a file that has none: read without touching it.
        has_tree = collection.root.find(f"PLAYLISTS/NODE[@NAME='{ROOT_NAME}']") is not None
        tree = tree_from_nml(collection.playlists) if has_tree else TraktorFolder(ROOT_NAME)
        return cls(collection.iter_data(), len(collection.tracks), tree)


@dataclass(frozen=True, slots=True)
class LibrarySnapshot:
    """The library as one consistent read: tracks with cues and bases, folders and playlists with theirs, the
    bases of what was deleted in Harmony since the last sync, and the library version it shows."""

    tracks: Sequence[SyncTrack] = ()
    folders: Sequence[SyncFolder] = ()
    playlists: Sequence[SyncPlaylist] = ()
    unlinked_track_bases: Sequence[TrackBase] = ()
    unlinked_playlist_bases: Sequence[PlaylistBase] = ()
    unlinked_folder_bases: Sequence[FolderBase] = ()
    version: int | None = None

    @classmethod
    def read(cls, reader: LibraryReader, progress: Callable[[int, int], None] | None = None) -> LibrarySnapshot:
        """Read everything the planner needs from one library snapshot; ``progress(done, total)`` is told how
        many tracks are read, at least every 2 % of them."""
        tracks: list[SyncTrack] = []
        if progress is None:
            tracks.extend(reader.iter_tracks())
        else:
            total = reader.track_count()
            every = max(1, total // 50)
            progress(0, total)
            for track in reader.iter_tracks():
                tracks.append(track)
                if len(tracks) % every == 0:
                    progress(len(tracks), total)
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
