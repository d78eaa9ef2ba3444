"""The library's records as plain values: what a read of the library hands to other layers.

Frozen, slotted dataclasses with no database behind them, so the pure sync layer (and a worker's pickles) can
use them without importing SQLAlchemy. :mod:`harmony.library.queries` and :mod:`harmony.library.reader` build
them from rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from harmony.library.plan import FolderBase, PlaylistBase, TrackBase
from harmony.library.values import CueValues, TrackValues

__all__ = ["StoredCue", "StoredEntry", "StoredTrack", "SyncFolder", "SyncPlaylist", "SyncTrack", "TrackRef"]


@dataclass(frozen=True, slots=True)
class StoredTrack:
    """A track as stored: its id, its values and the library version of its last change; ``missing_since``
    (None: its file was found at the last check) and ``last_seen`` (the last check that found the file)."""

    id: int
    values: TrackValues
    changed_version: int = 0
    missing_since: datetime | None = None
    last_seen: datetime | None = None

    @property
    def missing(self) -> bool:
        """Whether the track's file was not found on this machine at the last check."""
        return self.missing_since is not None


@dataclass(frozen=True, slots=True)
class StoredCue:
    """A cue point as stored: its id, its track and its values."""

    id: int
    track_id: int
    values: CueValues


@dataclass(frozen=True, slots=True)
class StoredEntry:
    """One entry of a playlist: a library track, or a dangling NML key, or both."""

    id: int
    position: int
    track_id: int | None
    nml_key: str | None


@dataclass(frozen=True, slots=True)
class SyncTrack:
    """A track with its cues and its sync base (None if it was never exchanged with Traktor), and the library
    version that base was written at (None if unknown)."""

    track: StoredTrack
    cues: tuple[StoredCue, ...]
    base: TrackBase | None
    synced_version: int | None = None

    @property
    def ref(self) -> TrackRef:
        """The few values that identify this track for a sync (see :class:`TrackRef`)."""
        base = self.base
        values = self.track.values
        return TrackRef(
            self.track.id,
            values.path,
            values.path_key,
            self.track.changed_version,
            None if base is None else base.nml_key,
            None if base is None else base.digest,
            self.synced_version,
            self.track.missing,
        )


@dataclass(slots=True)
class TrackRef:
    """What a sync needs to know of every library track before it knows which tracks it must merge: its id,
    file, last change, and the NML key, entry digest and version of its sync base (None without one).

    A re-import reads these for every track and the whole track (values, cues, base values) only for those
    whose collection entry changed, which is what makes it cheap.

    Not frozen, though nothing changes one once read: a re-import builds one per library track, and a frozen
    dataclass takes about twice as long to build (its ``__init__`` sets each field through ``object.__setattr__``),
    0.05 s of a 2 s re-import at 100,000 tracks."""

    id: int
    path: str
    path_key: str | None
    changed_version: int
    base_key: str | None
    base_digest: str | None
    synced_version: int | None
    missing: bool = False  # the file was not found at the last check


@dataclass(frozen=True, slots=True)
class SyncFolder:
    """A folder with its sync base."""

    id: int
    parent_id: int | None
    name: str
    position: int
    base: FolderBase | None


@dataclass(frozen=True, slots=True)
class SyncPlaylist:
    """A playlist with its ordered entries and its sync base."""

    id: int
    folder_id: int | None
    name: str
    position: int
    uuid: str | None
    smart_query: str | None
    entries: tuple[StoredEntry, ...]
    base: PlaylistBase | None
