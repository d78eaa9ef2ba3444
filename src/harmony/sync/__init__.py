"""Pure planning of a sync with Traktor: match, three-way merge, cue merge, playlist merge → an ImportPlan.

Data in, data out: no database, no processes, no global state. A worker reads the collection and a library
snapshot, calls :func:`plan_import`, and hands back the :class:`~harmony.library.ImportPlan` (which the service
applies in one transaction) and the :class:`ImportReport` (the statistics and the readable diff a preview shows).
"""

from harmony.sync.digest import entry_salt
from harmony.sync.duplicates import MIN_AUDIO_BYTES, DuplicateCandidate, DuplicateGroup, find_duplicates
from harmony.sync.export_digests import stamp_digests
from harmony.sync.export_inputs import ExportOptions, ExportSnapshot, PartialSnapshotError
from harmony.sync.export_plan import EXPORT_PHASE_SPANS, PlannedExport, plan_export
from harmony.sync.export_report import EntryAdded, EntryChange, EntryRemoved, ExportReport, ExportStats
from harmony.sync.file_rounds import EVERY_FILE, FileCheckRound, file_check_round
from harmony.sync.import_plan import PHASE_SPANS, PlannedImport, plan_import
from harmony.sync.mapping import (
    cue_data_from_values,
    cue_values_from_nml,
    nml_fields_from_track_values,
    track_values_from_nml,
)
from harmony.sync.options import CUE_STRATEGIES, STRATEGIES, CueStrategy, Strategy, SyncOptions, file_on_disk
from harmony.sync.path_suggestions import MappingSuggestion, key_names, location_of_key, vote_mappings
from harmony.sync.paths import PathMapping, PathResolver, fold_name, merged_mappings
from harmony.sync.relocate import FileIndex, FileProbe, LostTrack, Relocation, match_lost_tracks
from harmony.sync.removals import MASS_REMOVAL_SHARE, MassRemovalError, check_removals, mass_removal
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
    RemovedTrack,
    SkippedEntry,
    TrackChange,
)
from harmony.sync.snapshot import LibrarySnapshot, TraktorSnapshot
from harmony.sync.three_way import FIRST_SYNC, Decision, decide, decide_deletion, settle
from harmony.sync.tree import TraktorFolder, TraktorNode, TraktorPlaylist, tree_from_nml

__all__ = [
    "CUE_STRATEGIES",
    "EVERY_FILE",
    "EXPORT_PHASE_SPANS",
    "FIRST_SYNC",
    "MASS_REMOVAL_SHARE",
    "MIN_AUDIO_BYTES",
    "PHASE_SPANS",
    "STRATEGIES",
    "Conflict",
    "CueChange",
    "CueStrategy",
    "Decision",
    "DuplicateCandidate",
    "DuplicateEntry",
    "DuplicateGroup",
    "EntryAdded",
    "EntryChange",
    "EntryRemoved",
    "ExportOptions",
    "ExportReport",
    "ExportSnapshot",
    "ExportStats",
    "FieldChange",
    "FileCheckRound",
    "FileIndex",
    "FileProbe",
    "ImportReport",
    "ImportStats",
    "LibrarySnapshot",
    "LostTrack",
    "MappingSuggestion",
    "MassRemovalError",
    "NewTrackList",
    "NewTrackSummary",
    "PartialSnapshotError",
    "PathMapping",
    "PathResolver",
    "PlannedExport",
    "PlannedImport",
    "PlaylistChange",
    "Relocation",
    "RemovedTrack",
    "SkippedEntry",
    "Strategy",
    "SyncOptions",
    "TrackChange",
    "TraktorFolder",
    "TraktorNode",
    "TraktorPlaylist",
    "TraktorSnapshot",
    "check_removals",
    "cue_data_from_values",
    "cue_values_from_nml",
    "decide",
    "decide_deletion",
    "entry_salt",
    "file_check_round",
    "file_on_disk",
    "find_duplicates",
    "fold_name",
    "key_names",
    "location_of_key",
    "mass_removal",
    "match_lost_tracks",
    "merged_mappings",
    "nml_fields_from_track_values",
    "plan_export",
    "plan_import",
    "settle",
    "stamp_digests",
    "track_values_from_nml",
    "tree_from_nml",
    "vote_mappings",
]
