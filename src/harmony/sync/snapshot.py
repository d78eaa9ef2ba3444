"""The two inputs of an import plan as plain values: the Traktor side and the library side."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass, field

from harmony.library.plan import FolderBase, PlaylistBase, TrackBase
from harmony.library.reader import LibraryReader, SyncFolder, SyncPlaylist, SyncTrack, TrackRef
from harmony.nml.collection import Collection as NmlCollection
from harmony.nml.playlists import ROOT_NAME
from harmony.nml.track import TrackData
from harmony.sync.digest import entry_digests
from harmony.sync.tree import TraktorFolder, tree_from_nml

__all__ = ["LibrarySnapshot", "TraktorSnapshot"]


@dataclass(frozen=True, slots=True)
class TraktorSnapshot:
    """The collection: its tracks (read once, in order: a stream is fine), how many there are (for progress)
    and its playlist tree.

    ``has_playlists`` is False for a file with no playlist tree at all (no ``PLAYLISTS`` section): that says
    nothing about the DJ's playlists, unlike a tree with no playlists in it, so an import leaves them alone.

    A snapshot of a loaded collection can also give each entry's digest (:meth:`digests`) and read only some
    tracks (:meth:`read`), so that a re-import parses only the entries that changed."""

    tracks: Iterable[TrackData]
    track_count: int
    playlists: TraktorFolder
    collection: NmlCollection | None = None
    has_playlists: bool = True
    _digests: dict[bytes, list[str | None]] = field(default_factory=dict, init=False, repr=False, compare=False)

    @classmethod
    def from_collection(cls, collection: NmlCollection) -> TraktorSnapshot:
        """The snapshot of a loaded collection, streaming its tracks (see ``Collection.iter_data``)."""
        # ``collection.playlists`` would add an empty tree to a file that has none: read without touching it.
        has_tree = collection.root.find(f"PLAYLISTS/NODE[@NAME='{ROOT_NAME}']") is not None
        tree = tree_from_nml(collection.playlists) if has_tree else TraktorFolder(ROOT_NAME)
        return cls(collection.iter_data(), len(collection.tracks), tree, collection, has_playlists=has_tree)

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


#: Tracks read in full per query when only some are read (at most 2 % of 100,000, for the progress reports).
_CHUNK = 500


def _silent(done: int, total: int) -> None:
    """The progress reporter of a read nobody follows."""


def _unchanged_since_synced(ref: TrackRef, digests: Collection[str]) -> bool:
    """Whether the track may be skipped by the import: its base came from an entry the collection still holds
    byte for byte, and Harmony did not change the track since (the planner checks the rest)."""
    return (
        ref.base_digest is not None
        and ref.synced_version is not None
        and ref.changed_version <= ref.synced_version
        and ref.base_digest in digests
    )


@dataclass(frozen=True, slots=True)
class LibrarySnapshot:
    """The library as one consistent read: tracks with cues and bases, folders and playlists with theirs, the
    bases of what was deleted in Harmony since the last sync, and the library version it shows.

    ``light`` holds the tracks read only as :class:`~harmony.library.reader.TrackRef` (a re-import reads in
    full only the tracks whose entry may have changed); ``load`` reads such tracks in full on demand while
    the reader the snapshot came from is open."""

    tracks: Sequence[SyncTrack] = ()
    folders: Sequence[SyncFolder] = ()
    playlists: Sequence[SyncPlaylist] = ()
    unlinked_track_bases: Sequence[TrackBase] = ()
    unlinked_playlist_bases: Sequence[PlaylistBase] = ()
    unlinked_folder_bases: Sequence[FolderBase] = ()
    version: int | None = None
    light: Sequence[TrackRef] = ()
    load: Callable[[Sequence[int]], list[SyncTrack]] | None = None

    @classmethod
    def read(
        cls,
        reader: LibraryReader,
        progress: Callable[[int, int], None] | None = None,
        *,
        entry_digests: Collection[str] | None = None,
    ) -> LibrarySnapshot:
        """Read everything the planner needs from one library snapshot; ``progress(done, total)`` is told how
        many tracks are read, at least every 2 % of them.

        With ``entry_digests`` (the digests of the collection's entries, see :meth:`TraktorSnapshot.digests`)
        a track whose base came from one of those entries and that Harmony did not change since is read only
        as a :class:`TrackRef`: such tracks need no merge. Plan while ``reader`` is open (``load`` uses it)."""
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
        return cls(
            tracks=tracks,
            folders=reader.folders(),
            playlists=reader.playlists(),
            unlinked_track_bases=tuple(reader.unlinked_track_bases()),
            unlinked_playlist_bases=reader.unlinked_playlist_bases(),
            unlinked_folder_bases=reader.unlinked_folder_bases(),
            version=reader.version,
            light=light,
            load=reader.tracks_by_id,
        )
