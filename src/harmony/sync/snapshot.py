"""The two inputs of an import plan as plain values: the Traktor side and the library side."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field

from harmony.library import FolderBase, PlaylistBase, SyncFolder, SyncPlaylist, SyncTrack, TrackBase, TrackRef
from harmony.nml import ROOT_NAME, TrackData
from harmony.nml import Collection as NmlCollection
from harmony.sync.digest import entry_digests
from harmony.sync.tree import TraktorFolder, tree_from_nml

__all__ = ["LibrarySnapshot", "TraktorSnapshot"]


@dataclass(frozen=True, slots=True)
class TraktorSnapshot:
    """The collection: its tracks (read once, in order: a stream is fine), how many there are (for progress)
    and its playlist tree.

    A snapshot of a loaded collection can also give each entry's digest (:meth:`digests`) and read only some
    tracks (:meth:`read`), so that a re-import parses only the entries that changed."""

    tracks: Iterable[TrackData]
    track_count: int
    playlists: TraktorFolder
    collection: NmlCollection | None = None
    _digests: dict[bytes, list[str | None]] = field(default_factory=dict, init=False, repr=False, compare=False)

    @classmethod
    def from_collection(cls, collection: NmlCollection) -> TraktorSnapshot:
        """The snapshot of a loaded collection, streaming its tracks (see ``Collection.iter_data``)."""
        # ``collection.playlists`` would add an empty tree to a file that has none: read without touching it.
        has_tree = collection.root.find(f"PLAYLISTS/NODE[@NAME='{ROOT_NAME}']") is not None
        tree = tree_from_nml(collection.playlists) if has_tree else TraktorFolder(ROOT_NAME)
        return cls(collection.iter_data(), len(collection.tracks), tree, collection)

    def digests(self, salt: bytes) -> list[str | None] | None:
        """Each track's entry digest under ``salt`` (see :mod:`harmony.sync.digest`), in track order; None when
        the snapshot was not made from a collection. Computed once per salt."""
        if self.collection is None:
            return None
        known = self._digests.get(salt)
        if known is None:
            known = self._digests[salt] = entry_digests(self.collection.raw_entries(), salt)
        return known

    def read(self, positions: Iterable[int]) -> Iterator[TrackData]:
        """The tracks at ``positions`` (ascending), in order; the others are not parsed. Only for a snapshot
        made from a collection (the stream in :attr:`tracks` is then left unread)."""
        if self.collection is None:
            raise ValueError("only a snapshot of a loaded collection can read tracks by position")
        return self.collection.iter_data(positions)


@dataclass(frozen=True, slots=True)
class LibrarySnapshot:
    """The library as one consistent read: tracks with cues and bases, folders and playlists with theirs, the
    bases of what was deleted in Harmony since the last sync, and the library version it shows.

    ``light`` holds the tracks read only as :class:`~harmony.library.reader.TrackRef` (a re-import reads in
    full only the tracks whose entry may have changed); ``load`` reads such tracks in full on demand while
    the reader the snapshot came from is open. The jobs read it (``harmony.jobs.read_import_snapshot``)."""

    tracks: Sequence[SyncTrack] = ()
    folders: Sequence[SyncFolder] = ()
    playlists: Sequence[SyncPlaylist] = ()
    unlinked_track_bases: Sequence[TrackBase] = ()
    unlinked_playlist_bases: Sequence[PlaylistBase] = ()
    unlinked_folder_bases: Sequence[FolderBase] = ()
    version: int | None = None
    light: Sequence[TrackRef] = ()
    load: Callable[[Sequence[int]], list[SyncTrack]] | None = None
