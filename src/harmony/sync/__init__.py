"""Pure planning of a sync with Traktor: match, three-way merge, cue merge, playlist merge → an ImportPlan.

Data in, data out: no database, no processes, no global state. A worker reads the collection and a library
snapshot, calls :func:`plan_import`, and hands back the :class:`~harmony.library.ImportPlan` (which the service
applies in one transaction) and the :class:`ImportReport` (the statistics and the readable diff a preview shows).
"""

from harmony.sync.digest import entry_salt
from harmony.sync.export import EXPORT_PHASE_SPANS, PlannedExport, plan_export
from harmony.sync.export_digests import stamp_digests
from harmony.sync.export_inputs import ExportOptions, ExportSnapshot, PartialSnapshotError
from harmony.sync.export_report import EntryAdded, EntryChange, EntryRemoved, ExportReport, ExportStats
from harmony.sync.mapping import (
    cue_data_from_values,
    cue_values_from_nml,
    nml_fields_from_track_values,
    track_values_from_nml,
)
from harmony.sync.options import CUE_STRATEGIES, STRATEGIES, CueStrategy, Strategy, SyncOptions
from harmony.sync.paths import PathMapping, PathResolver
from harmony.sync.planner import PHASE_SPANS, PlannedImport, Progress, plan_import
from harmony.sync.report import (
    Conflict,
    CueChange,
    DuplicateEntry,
    FieldChange,
    ImportReport,
    ImportStats,
    NewTrackList,
    NewTrackSummary,
    PlaylistChange,
    SkippedEntry,
    TrackChange,
)
from harmony.sync.snapshot import LibrarySnapshot, TraktorSnapshot
from harmony.sync.tree import TraktorFolder, TraktorNode, TraktorPlaylist, tree_from_nml

__all__ = [
    "CUE_STRATEGIES",
    "EXPORT_PHASE_SPANS",
    "PHASE_SPANS",
    "STRATEGIES",
    "Conflict",
    "CueChange",
    "CueStrategy",
    "DuplicateEntry",
    "EntryAdded",
    "EntryChange",
    "EntryRemoved",
    "ExportOptions",
    "ExportReport",
    "ExportSnapshot",
    "ExportStats",
    "FieldChange",
    "ImportReport",
    "ImportStats",
    "LibrarySnapshot",
    "NewTrackList",
    "NewTrackSummary",
    "PartialSnapshotError",
    "PathMapping",
    "PathResolver",
    "PlannedExport",
    "PlannedImport",
    "PlaylistChange",
    "Progress",
    "SkippedEntry",
    "Strategy",
    "SyncOptions",
    "TrackChange",
    "TraktorFolder",
    "TraktorNode",
    "TraktorPlaylist",
    "TraktorSnapshot",
    "cue_data_from_values",
    "cue_values_from_nml",
    "entry_salt",
    "nml_fields_from_track_values",
    "plan_export",
    "plan_import",
    "stamp_digests",
    "track_values_from_nml",
    "tree_from_nml",
]
