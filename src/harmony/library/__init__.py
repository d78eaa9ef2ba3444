"""The library store: Harmony's own music library in SQLite, through SQLAlchemy 2 and Alembic.

The public API is :class:`Library` (open, read, edit, ``apply_import``, ``record_export``, settings), the
value types that cross process boundaries (:class:`TrackValues`, :class:`CueValues`, the :mod:`plan`
dataclasses), :func:`open_reader` for a worker reading the library, and :func:`scan_paths`, the folder scan.

Importing this package stays light: the errors, fields, values, plan and record types come from small modules
without SQLAlchemy behind them, so the pure sync layer can use them. The names that need the database
(``Library``, the readers, the queries, the settings, the scan) are imported on first use.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from harmony.library.errors import (
    AlreadyInPlaylistError,
    DamagedLibraryError,
    EditConflictError,
    HotCueTakenError,
    ImportCancelled,
    InvalidFieldError,
    LibraryChangedError,
    NewerLibraryError,
    NotALibraryError,
    NotFoundError,
    NothingToUndoError,
    ReadOnlyLibraryError,
    SettingsError,
    SmartListError,
    TrackNotFoundError,
)
from harmony.library.fields import (
    CUE_FIELDS,
    EDITABLE_TRACK_FIELDS,
    MAX_TEXT_CHARS,
    SORT_KEYS,
    TRACK_FIELDS,
    FieldSpec,
    FieldValue,
    parse_field_text,
    unknown_field,
)
from harmony.library.values import CUE_FIELD_NAMES, TRACK_FIELD_NAMES, CueValues, TrackValues

if TYPE_CHECKING:
    from harmony.library.cue_words import clock, cue_words, describe_cue
    from harmony.library.editing import CUE_TYPES, SAME, EditOutcome, Same
    from harmony.library.export_reader import ExportReader, open_export_reader
    from harmony.library.glance import LibraryStats, glance_stats
    from harmony.library.health import IntegrityReport, check_integrity, damaged_error, is_read_only
    from harmony.library.identity import default_library_path
    from harmony.library.journal import ChangeRecord, LibraryStatus
    from harmony.library.merge import MergeResult
    from harmony.library.operations import OperationRecord
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
        PlaylistBase,
        PlaylistBaseSet,
        PlaylistCreate,
        PlaylistMove,
        PlaylistUpdate,
        Ref,
        TrackBase,
        TrackBaseSet,
        TrackUpdate,
    )
    from harmony.library.queries import FolderNode, PlaylistNode, TrackDetail, TrackPage
    from harmony.library.reader import LibraryReader, open_reader
    from harmony.library.records import (
        StoredCue,
        StoredEntry,
        StoredTrack,
        SyncFolder,
        SyncPlaylist,
        SyncTrack,
        TrackRef,
    )
    from harmony.library.recover import RecoveryReport, recover_library
    from harmony.library.scan import ScanFailure, ScanResult, is_audio_file, scan_paths
    from harmony.library.setting_keys import AUTO_SYNC, SETTING_KEYS, SettingKey, SettingKind
    from harmony.library.settings import (
        BACKUPS_MAX,
        BACKUPS_MIN,
        DEBOUNCE_MAX_MS,
        DEBOUNCE_MIN_MS,
        AutoSyncSettings,
        PathMappingPair,
        TraktorSettings,
        mapping_text,
        settings_to_dict,
    )
    from harmony.library.store import AddResult, Library
    from harmony.library.tags import TagReadError, read_track
    from harmony.library.track_list import (
        KEY_NOTATIONS,
        LIST_FILTERS,
        LIST_SORT_KEYS,
        KeyNotation,
        ListedTrack,
        TrackList,
        key_display,
    )
    from harmony.library.twins import TWINS
    from harmony.library.undo import StepInfo

#: The names that need the database, and the module each comes from (imported on first use).
_LAZY: dict[str, str] = {
    # harmony.nml behind it (lxml): the command line starts without it
    "TWINS": "harmony.library.twins",
    "clock": "harmony.library.cue_words",
    "cue_words": "harmony.library.cue_words",
    "describe_cue": "harmony.library.cue_words",
    "path_key": "harmony.library.paths",
    "BaseUpdates": "harmony.library.plan",
    "CueAdd": "harmony.library.plan",
    "CueUpdate": "harmony.library.plan",
    "EntryRef": "harmony.library.plan",
    "FolderBase": "harmony.library.plan",
    "FolderBaseSet": "harmony.library.plan",
    "FolderCreate": "harmony.library.plan",
    "FolderMove": "harmony.library.plan",
    "FolderUpdate": "harmony.library.plan",
    "ImportPlan": "harmony.library.plan",
    "ImportResult": "harmony.library.plan",
    "NewTrack": "harmony.library.plan",
    "PlaylistBase": "harmony.library.plan",
    "PlaylistBaseSet": "harmony.library.plan",
    "PlaylistCreate": "harmony.library.plan",
    "PlaylistMove": "harmony.library.plan",
    "PlaylistUpdate": "harmony.library.plan",
    "Ref": "harmony.library.plan",
    "TrackBase": "harmony.library.plan",
    "TrackBaseSet": "harmony.library.plan",
    "TrackUpdate": "harmony.library.plan",
    "StoredCue": "harmony.library.records",
    "StoredEntry": "harmony.library.records",
    "StoredTrack": "harmony.library.records",
    "SyncFolder": "harmony.library.records",
    "SyncPlaylist": "harmony.library.records",
    "SyncTrack": "harmony.library.records",
    "TrackRef": "harmony.library.records",
    "AUTO_SYNC": "harmony.library.setting_keys",
    "SETTING_KEYS": "harmony.library.setting_keys",
    "SettingKey": "harmony.library.setting_keys",
    "SettingKind": "harmony.library.setting_keys",
    "BACKUPS_MAX": "harmony.library.settings",
    "BACKUPS_MIN": "harmony.library.settings",
    "DEBOUNCE_MAX_MS": "harmony.library.settings",
    "DEBOUNCE_MIN_MS": "harmony.library.settings",
    "settings_to_dict": "harmony.library.settings",
    "mapping_text": "harmony.library.settings",
    "PathMappingPair": "harmony.library.settings",
    "IntegrityReport": "harmony.library.health",
    "check_integrity": "harmony.library.health",
    "damaged_error": "harmony.library.health",
    "is_read_only": "harmony.library.health",
    "RecoveryReport": "harmony.library.recover",
    "recover_library": "harmony.library.recover",
    "KEY_NOTATIONS": "harmony.library.track_list",
    "LIST_FILTERS": "harmony.library.track_list",
    "LIST_SORT_KEYS": "harmony.library.track_list",
    "KeyNotation": "harmony.library.track_list",
    "ListedTrack": "harmony.library.track_list",
    "TrackList": "harmony.library.track_list",
    "key_display": "harmony.library.track_list",
    "OperationRecord": "harmony.library.operations",
    "default_library_path": "harmony.library.identity",
    "glance_stats": "harmony.library.glance",
    "ChangeRecord": "harmony.library.journal",
    "LibraryStatus": "harmony.library.journal",
    "FolderNode": "harmony.library.queries",
    "LibraryStats": "harmony.library.glance",
    "PlaylistNode": "harmony.library.queries",
    "TrackDetail": "harmony.library.queries",
    "TrackPage": "harmony.library.queries",
    "LibraryReader": "harmony.library.reader",
    "open_reader": "harmony.library.reader",
    "ScanFailure": "harmony.library.scan",
    "ScanResult": "harmony.library.scan",
    "scan_paths": "harmony.library.scan",
    "is_audio_file": "harmony.library.scan",
    "MergeResult": "harmony.library.merge",
    "TagReadError": "harmony.library.tags",
    "read_track": "harmony.library.tags",
    "Same": "harmony.library.editing",
    "AutoSyncSettings": "harmony.library.settings",
    "TraktorSettings": "harmony.library.settings",
    "AddResult": "harmony.library.store",
    "Library": "harmony.library.store",
    "EditOutcome": "harmony.library.editing",
    "CUE_TYPES": "harmony.library.editing",
    "SAME": "harmony.library.editing",
    "StepInfo": "harmony.library.undo",
    "ExportReader": "harmony.library.export_reader",
    "open_export_reader": "harmony.library.export_reader",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


__all__ = [
    "AUTO_SYNC",
    "BACKUPS_MAX",
    "BACKUPS_MIN",
    "CUE_FIELDS",
    "CUE_FIELD_NAMES",
    "CUE_TYPES",
    "DEBOUNCE_MAX_MS",
    "DEBOUNCE_MIN_MS",
    "EDITABLE_TRACK_FIELDS",
    "KEY_NOTATIONS",
    "LIST_FILTERS",
    "LIST_SORT_KEYS",
    "MAX_TEXT_CHARS",
    "SAME",
    "SETTING_KEYS",
    "SORT_KEYS",
    "TRACK_FIELDS",
    "TRACK_FIELD_NAMES",
    "TWINS",
    "AddResult",
    "AlreadyInPlaylistError",
    "AutoSyncSettings",
    "BaseUpdates",
    "ChangeRecord",
    "CueAdd",
    "CueUpdate",
    "CueValues",
    "DamagedLibraryError",
    "EditConflictError",
    "EditOutcome",
    "EntryRef",
    "ExportReader",
    "FieldSpec",
    "FieldValue",
    "FolderBase",
    "FolderBaseSet",
    "FolderCreate",
    "FolderMove",
    "FolderNode",
    "FolderUpdate",
    "HotCueTakenError",
    "ImportCancelled",
    "ImportPlan",
    "ImportResult",
    "IntegrityReport",
    "InvalidFieldError",
    "KeyNotation",
    "Library",
    "LibraryChangedError",
    "LibraryReader",
    "LibraryStats",
    "LibraryStatus",
    "ListedTrack",
    "MergeResult",
    "NewTrack",
    "NewerLibraryError",
    "NotALibraryError",
    "NotFoundError",
    "NothingToUndoError",
    "OperationRecord",
    "PathMappingPair",
    "PlaylistBase",
    "PlaylistBaseSet",
    "PlaylistCreate",
    "PlaylistMove",
    "PlaylistNode",
    "PlaylistUpdate",
    "ReadOnlyLibraryError",
    "RecoveryReport",
    "Ref",
    "Same",
    "ScanFailure",
    "ScanResult",
    "SettingKey",
    "SettingKind",
    "SettingsError",
    "SmartListError",
    "StepInfo",
    "StoredCue",
    "StoredEntry",
    "StoredTrack",
    "SyncFolder",
    "SyncPlaylist",
    "SyncTrack",
    "TagReadError",
    "TrackBase",
    "TrackBaseSet",
    "TrackDetail",
    "TrackList",
    "TrackNotFoundError",
    "TrackPage",
    "TrackRef",
    "TrackUpdate",
    "TrackValues",
    "TraktorSettings",
    "check_integrity",
    "clock",
    "cue_words",
    "damaged_error",
    "default_library_path",
    "describe_cue",
    "glance_stats",
    "is_audio_file",
    "is_read_only",
    "key_display",
    "mapping_text",
    "open_export_reader",
    "open_reader",
    "parse_field_text",
    "path_key",
    "read_track",
    "recover_library",
    "scan_paths",
    "settings_to_dict",
    "unknown_field",
]
