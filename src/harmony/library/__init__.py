"""The library store: Harmony's own music library in SQLite, through SQLAlchemy 2 and Alembic.

The public API is :class:`Library` (open, read, edit, ``apply_import``, ``record_export``, settings), the
value types that cross process boundaries (:class:`TrackValues`, :class:`CueValues`, the :mod:`plan`
dataclasses), :func:`open_reader` for a worker reading the library, and :func:`scan_paths`, the folder scan.
"""

from harmony.library.database import default_library_path
from harmony.library.errors import (
    ImportCancelled,
    InvalidFieldError,
    LibraryChangedError,
    NewerLibraryError,
    NotALibraryError,
    NotFoundError,
    SettingsError,
    TrackNotFoundError,
)
from harmony.library.fields import CUE_FIELDS, TRACK_FIELDS, FieldValue
from harmony.library.journal import ChangeRecord, LibraryStatus
from harmony.library.paths import path_key
from harmony.library.plan import (
    BaseUpdates,
    CueAdd,
    CueUpdate,
    EntryRef,
    FolderBase,
    FolderBaseSet,
    FolderCreate,
    FolderMove,
    FolderUpdate,
    ImportPlan,
    ImportResult,
    NewTrack,
    NmlFingerprint,
    PlaylistBase,
    PlaylistBaseSet,
    PlaylistCreate,
    PlaylistMove,
    PlaylistUpdate,
    TrackBase,
    TrackBaseSet,
    TrackUpdate,
)
from harmony.library.queries import (
    FolderNode,
    LibraryStats,
    PlaylistNode,
    StoredCue,
    StoredEntry,
    StoredTrack,
    TrackDetail,
    TrackPage,
)
from harmony.library.reader import LibraryReader, SyncFolder, SyncPlaylist, SyncTrack, open_reader
from harmony.library.scan import ScanFailure, ScanResult, scan_paths
from harmony.library.settings import AutoSyncSettings, TraktorSettings
from harmony.library.store import AddResult, Library
from harmony.library.values import CueValues, TrackValues

__all__ = [
    "CUE_FIELDS",
    "TRACK_FIELDS",
    "AddResult",
    "AutoSyncSettings",
    "BaseUpdates",
    "ChangeRecord",
    "CueAdd",
    "CueUpdate",
    "CueValues",
    "EntryRef",
    "FieldValue",
    "FolderBase",
    "FolderBaseSet",
    "FolderCreate",
    "FolderMove",
    "FolderNode",
    "FolderUpdate",
    "ImportCancelled",
    "ImportPlan",
    "ImportResult",
    "InvalidFieldError",
    "Library",
    "LibraryChangedError",
    "LibraryReader",
    "LibraryStats",
    "LibraryStatus",
    "NewTrack",
    "NewerLibraryError",
    "NmlFingerprint",
    "NotALibraryError",
    "NotFoundError",
    "PlaylistBase",
    "PlaylistBaseSet",
    "PlaylistCreate",
    "PlaylistMove",
    "PlaylistNode",
    "PlaylistUpdate",
    "ScanFailure",
    "ScanResult",
    "SettingsError",
    "StoredCue",
    "StoredEntry",
    "StoredTrack",
    "SyncFolder",
    "SyncPlaylist",
    "SyncTrack",
    "TrackBase",
    "TrackBaseSet",
    "TrackDetail",
    "TrackNotFoundError",
    "TrackPage",
    "TrackUpdate",
    "TrackValues",
    "TraktorSettings",
    "default_library_path",
    "open_reader",
    "path_key",
    "scan_paths",
]
