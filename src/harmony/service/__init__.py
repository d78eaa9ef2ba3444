"""The application service: what the CLI and the web app call to work with Traktor in the background.

:class:`TraktorService` starts imports and previews on the worker pools, applies plans off the event loop,
publishes :class:`OperationEvent` progress to its subscribers and keeps the history of :class:`Operation`.
"""

# The shells go through this package only: the pools' manager (which they start and stop), the error of a full
# queue, and where Traktor keeps its collections come from the layers below, named here.
from harmony.jobs import RebuildResult
from harmony.nml import CollectionSummary
from harmony.nmlfile import (
    CollectionHealth,
    RestorableCopy,
    TraktorProcess,
    TraktorRunningError,
    UnknownBackupError,
    default_nml_path,
    native_instruments_folder,
    running_traktor,
)
from harmony.service.autosync import AutoSyncService, AutoSyncStatus, SyncRunner
from harmony.service.collection_info import PARSES_PER_CLIENT, CollectionInfoCache, TooManyParsesError
from harmony.service.duplicates import DuplicateReport, find_library_duplicates, merge_duplicates
from harmony.service.exports import ExportOutcome, ExportRequest
from harmony.service.imports import ImportOutcome, ImportRequest, resolve_nml_path
from harmony.service.media import MediaService, PlayableAudio, UnreadableAudioError, default_cache_dir
from harmony.service.operations import FINISHED, Operation, OperationEvent, OperationLog
from harmony.service.path_suggestions import SuggestionResult, apply_mapping, default_roots, suggest_mappings
from harmony.service.recovery import REBUILD, REBUILD_LOSES, Recovery
from harmony.service.relocate import (
    RelocateOutcome,
    accepted_moves,
    apply_relocations,
    check_every_file,
    start_relocate,
)
from harmony.service.remember import Remembered, Remembering, remember_collection
from harmony.service.status import last_export, last_sync, overall_state, restored_since_sync, status_json
from harmony.service.traktor import OperationRunningError, TraktorService
from harmony.sync import MassRemovalError
from harmony.workers import PoolClosedError, QueueFullError, WorkerManager

__all__ = [
    "FINISHED",
    "PARSES_PER_CLIENT",
    "REBUILD",
    "REBUILD_LOSES",
    "AutoSyncService",
    "AutoSyncStatus",
    "CollectionHealth",
    "CollectionInfoCache",
    "CollectionSummary",
    "DuplicateReport",
    "ExportOutcome",
    "ExportRequest",
    "ImportOutcome",
    "ImportRequest",
    "MassRemovalError",
    "MediaService",
    "Operation",
    "OperationEvent",
    "OperationLog",
    "OperationRunningError",
    "PlayableAudio",
    "PoolClosedError",
    "QueueFullError",
    "RebuildResult",
    "Recovery",
    "RelocateOutcome",
    "Remembered",
    "Remembering",
    "RestorableCopy",
    "SuggestionResult",
    "SyncRunner",
    "TooManyParsesError",
    "TraktorProcess",
    "TraktorRunningError",
    "TraktorService",
    "UnknownBackupError",
    "UnreadableAudioError",
    "WorkerManager",
    "accepted_moves",
    "apply_mapping",
    "apply_relocations",
    "check_every_file",
    "default_cache_dir",
    "default_nml_path",
    "default_roots",
    "find_library_duplicates",
    "last_export",
    "last_sync",
    "merge_duplicates",
    "native_instruments_folder",
    "overall_state",
    "remember_collection",
    "resolve_nml_path",
    "restored_since_sync",
    "running_traktor",
    "start_relocate",
    "status_json",
    "suggest_mappings",
]
