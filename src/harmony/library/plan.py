"""The shape of what an import from Traktor applies to the library, and of what an export records.

The sync engine is pure code running in a worker: it reads the library (see :mod:`harmony.library.reader`) and
the NML, and builds an :class:`ImportPlan` out of these frozen, slotted dataclasses, with no database at hand.
:meth:`harmony.library.Library.apply_import` then applies the whole plan in one transaction, or nothing.

References: things that already exist in the library are named by their row id (``int``); things created by
the same plan are named by the plan-local ``ref`` string given at creation (a :data:`Ref`). A new track's ref
is usually its NML key, so playlist entries can point at tracks created in the same import."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from harmony.library.fields import FieldValue
from harmony.library.values import CueValues, TrackValues, pickled_by_fields
from harmony.nmlfile import NmlFingerprint

#: A row id of something in the library (int) or the plan-local ref of something this plan creates (str).
Ref = int | str


# --- sync bases: the values last exchanged with Traktor ---


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class TrackBase:
    """A track as it was last exchanged with Traktor: its NML key (``VOLUME + DIR + FILE``, the PRIMARYKEY
    text), its values and its cue points. The base of the three-way merge of fields and of cues."""

    nml_key: str
    values: TrackValues
    cues: tuple[CueValues, ...] = ()
    #: The digest of the raw NML entry these values were taken from, when Harmony's track agreed with it (see
    #: :mod:`harmony.sync.digest`); None when unknown. Stored with the library version it was written at.
    digest: str | None = None


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class TrackBaseSet:
    """Store ``base`` (keyed by its NML key, replacing any older one) and link it to ``track`` if given."""

    base: TrackBase
    track: Ref | None = None


@dataclass(frozen=True, slots=True)
class PlaylistBase:
    """A playlist as last exchanged: keyed by its Traktor UUID; ``folder_path`` names its parent folders from
    below $ROOT; ``entries`` are the NML keys of its entries, in order."""

    uuid: str
    name: str
    folder_path: tuple[str, ...]
    position: int
    entries: tuple[str, ...] = ()
    smart_query: str | None = None


@dataclass(frozen=True, slots=True)
class PlaylistBaseSet:
    """Store ``base`` (keyed by UUID) and link it to ``playlist`` if given."""

    base: PlaylistBase
    playlist: Ref | None = None


@dataclass(frozen=True, slots=True)
class FolderBase:
    """A folder as last exchanged. NML folders have no UUID, so the key is the path of names below $ROOT."""

    path: tuple[str, ...]
    position: int


@dataclass(frozen=True, slots=True)
class FolderBaseSet:
    """Store ``base`` (keyed by path) and link it to ``folder`` if given."""

    base: FolderBase
    folder: Ref | None = None


@dataclass(frozen=True, slots=True)
class BaseUpdates:
    """Changes to the sync bases. A base whose Harmony side was deleted keeps existing, unlinked, until it is
    removed here: that is how an export knows a playlist was deleted in Harmony after the last sync."""

    tracks: tuple[TrackBaseSet, ...] = ()
    track_deletes: tuple[str, ...] = ()  # NML keys
    playlists: tuple[PlaylistBaseSet, ...] = ()
    playlist_deletes: tuple[str, ...] = ()  # UUIDs
    folders: tuple[FolderBaseSet, ...] = ()
    folder_deletes: tuple[tuple[str, ...], ...] = ()  # paths

    def __bool__(self) -> bool:
        return any(
            (
                self.tracks,
                self.track_deletes,
                self.playlists,
                self.playlist_deletes,
                self.folders,
                self.folder_deletes,
            )
        )


#: The empty set of base changes (a shared, immutable default).
NO_BASE_UPDATES = BaseUpdates()


# --- tracks and cues ---


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class NewTrack:
    """A track to create, with its cues and (usually) its sync base. ``ref`` must be unique in the plan.
    ``missing``: its file is not on this machine (the track is kept all the same, marked missing)."""

    ref: str
    values: TrackValues
    cues: tuple[CueValues, ...] = ()
    base: TrackBase | None = None
    missing: bool = False


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class TrackUpdate:
    """Set the given fields of an existing track (field name -> new value)."""

    track_id: int
    changes: Mapping[str, FieldValue]


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class CueAdd:
    """Add a cue to an existing track."""

    track_id: int
    cue: CueValues


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class CueUpdate:
    """Set the given fields of an existing cue (field name -> new value)."""

    cue_id: int
    changes: Mapping[str, FieldValue]


# --- folders and playlists ---


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class EntryRef:
    """One playlist entry: a track (id or new-track ref), or a dangling entry known only by its NML key
    (a track Traktor lists that is not in the library). Both may be given; ``track`` wins for display."""

    track: Ref | None = None
    nml_key: str | None = None


@dataclass(frozen=True, slots=True)
class FolderCreate:
    """Create a folder under ``parent`` (None: the top level) at ``position`` among its siblings."""

    ref: str
    name: str
    parent: Ref | None = None
    position: int | None = None


@dataclass(frozen=True, slots=True)
class FolderUpdate:
    """Rename a folder."""

    folder_id: int
    name: str


@dataclass(frozen=True, slots=True)
class FolderMove:
    """Move a folder under ``parent`` (None: the top level) at ``position`` (None: last)."""

    folder_id: int
    parent: Ref | None
    position: int | None = None


@dataclass(frozen=True, slots=True)
class PlaylistCreate:
    """Create a playlist with ordered entries (duplicates allowed); ``smart_query`` makes a smart list."""

    ref: str
    name: str
    folder: Ref | None = None
    position: int | None = None
    uuid: str | None = None
    smart_query: str | None = None
    entries: tuple[EntryRef, ...] = ()


@dataclass(frozen=True, slots=True)
class PlaylistUpdate:
    """Change a playlist: any of ``name``, ``uuid``, ``smart_query`` through ``changes``, and, when
    ``entries`` is not None, replace its entries with these, in this order."""

    playlist_id: int
    changes: Mapping[str, str | None] = field(default_factory=dict)
    entries: tuple[EntryRef, ...] | None = None


@dataclass(frozen=True, slots=True)
class PlaylistMove:
    """Move a playlist into ``folder`` (None: the top level) at ``position`` (None: last)."""

    playlist_id: int
    folder: Ref | None
    position: int | None = None


# --- the plan ---


@dataclass(frozen=True, slots=True)
class ImportPlan:
    """Everything one import applies. Applied in this order: folders, tracks, cues, playlists, bases, state.

    ``based_on_version`` is the library version the plan was computed from: if the library changed since,
    applying it could overwrite a newer edit, so it is refused (None skips the check). ``leaves_nml_current``
    says that after this import the NML holds everything the library does, so nothing is pending export."""

    nml_fingerprint: NmlFingerprint | None = None
    based_on_version: int | None = None
    leaves_nml_current: bool = False
    new_tracks: tuple[NewTrack, ...] = ()
    track_updates: tuple[TrackUpdate, ...] = ()
    cue_adds: tuple[CueAdd, ...] = ()
    cue_updates: tuple[CueUpdate, ...] = ()
    cue_removals: tuple[int, ...] = ()  # cue ids
    folder_creates: tuple[FolderCreate, ...] = ()
    folder_updates: tuple[FolderUpdate, ...] = ()
    folder_moves: tuple[FolderMove, ...] = ()
    folder_deletes: tuple[int, ...] = ()  # folder ids; what is inside goes too
    playlist_creates: tuple[PlaylistCreate, ...] = ()
    playlist_updates: tuple[PlaylistUpdate, ...] = ()
    playlist_moves: tuple[PlaylistMove, ...] = ()
    playlist_deletes: tuple[int, ...] = ()  # playlist ids
    bases: BaseUpdates = NO_BASE_UPDATES
    #: Tracks removed from the collection in Traktor since the last sync (ids); their cues and playlist
    #: entries go with them. Applied last, after the playlists.
    track_deletes: tuple[int, ...] = ()
    #: Library tracks whose file was not found (ids; marked missing) and missing tracks whose file is back
    #: (ids; the mark is cleared). Neither is an edit: the version stays, nothing becomes pending export.
    files_lost: tuple[int, ...] = ()
    files_found: tuple[int, ...] = ()
    #: Library tracks (ids) this import leaves exactly as the collection holds them, with that base: not pending
    #: export once it is applied, whatever edit of Harmony's they held (see :mod:`harmony.library.in_step`).
    tracks_agreed: tuple[int, ...] = ()

    def split(self, size: int = 5000) -> list[ImportPlan]:
        """This plan as parts to apply one after another in one transaction (``apply_import_parts``).

        The track work (new tracks, updates, cue changes, track bases) is cut into parts of at most ``size``
        items of each kind, so neither side ever holds more than one part's rows; the last part carries the
        folders, playlists and their bases, which may name tracks the earlier parts create, and the tracks
        to delete. Every part keeps
        the plan's fingerprint, version and ``leaves_nml_current``."""
        if size < 1:
            raise ValueError("a part holds at least one item")
        empty = replace(
            self,
            new_tracks=(),
            track_updates=(),
            cue_adds=(),
            cue_updates=(),
            cue_removals=(),
            bases=replace(self.bases, tracks=(), track_deletes=()),
        )
        track_work = (
            "new_tracks",
            "track_updates",
            "cue_adds",
            "cue_updates",
            "cue_removals",
        )
        longest = max(
            max(len(getattr(self, name)) for name in track_work),
            len(self.bases.tracks),
            len(self.bases.track_deletes),
        )
        parts = [
            replace(
                self,
                **{name: getattr(self, name)[start : start + size] for name in track_work},
                folder_creates=(),
                folder_updates=(),
                folder_moves=(),
                folder_deletes=(),
                playlist_creates=(),
                playlist_updates=(),
                playlist_moves=(),
                playlist_deletes=(),
                track_deletes=(),
                files_lost=(),
                files_found=(),
                bases=BaseUpdates(
                    tracks=self.bases.tracks[start : start + size],
                    track_deletes=self.bases.track_deletes[start : start + size],
                ),
            )
            for start in range(0, longest, size)
        ]
        parts.append(empty)
        return parts

    def changes_library(self) -> bool:
        """Whether applying the plan edits tracks, cues, playlists or folders (and so bumps the version)."""
        return any(
            (
                self.new_tracks,
                self.track_updates,
                self.cue_adds,
                self.cue_updates,
                self.cue_removals,
                self.folder_creates,
                self.folder_updates,
                self.folder_moves,
                self.folder_deletes,
                self.playlist_creates,
                self.playlist_updates,
                self.playlist_moves,
                self.playlist_deletes,
                self.track_deletes,
            )
        )


@dataclass(frozen=True, slots=True)
class ImportResult:
    """What :meth:`Library.apply_import` did: the new library version and the ids given to plan refs."""

    version: int
    track_ids: Mapping[str, int]
    folder_ids: Mapping[str, int]
    playlist_ids: Mapping[str, int]
