"""Matching collection entries to library tracks: a track is its file.

Both sides become a *comparison key*: the local path (a Traktor location through the DJ's path mappings),
normalised the way the platform's file system compares names (Unicode NFC everywhere, case-folded on Windows and
macOS). Keys are only compared, never written: the stored strings stay the truth on both sides.

An entry whose file matches no library track, but whose NML key is the one a library track was last synced
under, is that track: its local path changed (the DJ's path mappings changed). The planner moves the track there
once it has seen every entry and the file exists.

Two collection entries that name the same file are *duplicates*: the first is used and the others reported,
never silently collapsed into it. A location that names no file on this platform (a web stream, a malformed
folder, a macOS volume on Windows without a path mapping) is left out and reported.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass

from harmony.errors import NMLError
from harmony.library import TrackRef
from harmony.nml import Location, TrackData, split_playlist_key
from harmony.sync.paths import PathResolver
from harmony.sync.report import DuplicateEntry, SkippedEntry

log = logging.getLogger(__name__)

__all__ = ["EntryMatcher", "LibraryIndex", "ResolvedEntry"]


class LibraryIndex:
    """The library's tracks by comparison key. Library tracks that share a key (possible when the library was
    built on a platform that tells case apart) are reported; the first, by id, is the one matched."""

    def __init__(self, tracks: Iterable[TrackRef], resolver: PathResolver) -> None:
        self.by_key: dict[str, TrackRef] = {}
        self.key_of: dict[int, str] = {}  # track id -> comparison key of its file
        clashes: dict[str, list[str]] = {}
        key_of_path = resolver.key_of_path
        for track in sorted(tracks, key=lambda t: t.id):
            key = self.key_of[track.id] = key_of_path(track.path)
            first = self.by_key.setdefault(key, track)
            if first is not track:
                clashes.setdefault(key, [first.path]).append(track.path)
        self.duplicates = [DuplicateEntry(paths[0], tuple(paths)) for paths in clashes.values()]
        # The track each NML key was last synced with: it is still that track if its file moved locally.
        self.by_base_key = {t.base_key: t for t in self.by_key.values() if t.base_key is not None}
        # The track whose base came from the entry with this digest, for tracks unchanged in Harmony since
        # (see :mod:`harmony.sync.digest`): such an entry, if still in the collection, needs no merge.
        self.by_digest = {
            t.base_digest: t
            for t in self.by_key.values()
            if t.base_digest is not None and t.synced_version is not None and t.changed_version <= t.synced_version
        }

    def __len__(self) -> int:
        return len(self.by_key)

    def get(self, key: str) -> TrackRef | None:
        return self.by_key.get(key)


@dataclass(frozen=True, slots=True)
class ResolvedEntry:
    """A collection entry whose file is known: its local path, comparison key and library track (if any)."""

    data: TrackData
    path: str
    key: str
    track: TrackRef | None
    digest: str | None = None  # of the entry's raw bytes (see harmony.sync.digest), when known


class EntryMatcher:
    """Matches collection entries one at a time (so a 100,000-entry collection streams through), remembering
    what it needs later: which file each NML key names, and which entries were duplicates or unusable."""

    def __init__(self, library: LibraryIndex, resolver: PathResolver) -> None:
        self.library = library
        self.resolver = resolver
        self.first_key: dict[str, str] = {}  # comparison key -> NML key of the first entry naming that file
        self.file_of: dict[str, str] = {}  # NML key -> comparison key, for every usable entry
        self.duplicate_keys: dict[str, list[str]] = {}  # comparison key -> NML keys of every entry naming it
        self.duplicate_paths: dict[str, str] = {}
        self.skipped: list[SkippedEntry] = []
        self.matched_track_ids: set[int] = set()

    def match(self, data: TrackData, digest: str | None = None) -> ResolvedEntry | None:
        """The resolved entry, or None when it is left out (unusable location, or a duplicate of an earlier
        entry: both are recorded for the report)."""
        try:
            path = self.resolver.to_path(data.location)
        except NMLError as error:
            self.skipped.append(SkippedEntry(data.key or "(no location)", str(error)))
            return None
        key = self.resolver.key_of_path(path)
        self.file_of.setdefault(data.key, key)
        first = self.first_key.get(key)
        if first is not None:  # an earlier entry names the same file
            self.duplicate_keys.setdefault(key, [first]).append(data.key)
            self.duplicate_paths.setdefault(key, path)
            return None
        self.first_key[key] = data.key
        track = self.library.get(key)
        if track is not None:
            self.matched_track_ids.add(track.id)
        return ResolvedEntry(data, path, key, track, digest)

    def match_unchanged(self, track: TrackRef) -> None:
        """Record an entry known, by its digest, to be the very entry ``track``'s base came from: its NML key
        is the base's, its file the track's (what :meth:`match` would find, without parsing the entry)."""
        nml_key = track.base_key
        assert nml_key is not None
        key = self.library.key_of[track.id]
        self.file_of.setdefault(nml_key, key)
        first = self.first_key.get(key)
        if first is not None:  # an earlier entry names the same file
            self.duplicate_keys.setdefault(key, [first]).append(nml_key)
            self.duplicate_paths.setdefault(key, track.path)
            return
        self.first_key[key] = nml_key
        self.matched_track_ids.add(track.id)

    @property
    def duplicates(self) -> list[DuplicateEntry]:
        return [DuplicateEntry(self.duplicate_paths[key], tuple(keys)) for key, keys in self.duplicate_keys.items()]

    def file_of_key(self, nml_key: str) -> str | None:
        """The comparison key of the file a playlist entry's NML key names, or None if it names none here.

        Keys of collection entries are looked up; any other key (a playlist entry for a track missing from the
        collection) is decoded as a location, so it can still find a library track."""
        known = self.file_of.get(nml_key)
        if known is not None:
            return known
        try:
            volume, folders, file = split_playlist_key(nml_key)
        except NMLError:
            return None
        return self.resolver.key_of_location(Location(volume, folders, file))
