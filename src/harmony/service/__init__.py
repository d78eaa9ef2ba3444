"""The application service: what the CLI and the web app call to work with Traktor in the background.

:class:`TraktorService` starts imports and previews on the worker pools, applies plans off the event loop,
publishes :class:`OperationEvent` progress to its subscribers and keeps the history of :class:`Operation`.
"""

from harmony.service.autosync import AutoSyncService, AutoSyncStatus, SyncRunner
from harmony.service.exports import ExportOutcome, ExportRequest
from harmony.service.imports import ImportOutcome, ImportRequest, resolve_nml_path
from harmony.service.operations import FINISHED, Operation, OperationEvent, OperationLog
from harmony.service.traktor import OperationRunningError, TraktorService

__all__ = [
    "FINISHED",
    "AutoSyncService",
    "AutoSyncStatus",
    "ExportOutcome",
    "ExportRequest",
    "ImportOutcome",
    "ImportRequest",
    "Operation",
    "OperationEvent",
    "OperationLog",
    "OperationRunningError",
    "SyncRunner",
    "TraktorService",
    "resolve_nml_path",
]
