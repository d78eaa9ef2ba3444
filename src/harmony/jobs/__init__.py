"""The job functions the worker pools run: thin compositions of ``nml``, ``sync`` and ``nmlfile``.

Each reads what it needs itself (the collection.nml, the library read-only), calls the pure planners, and hands
back a result for the service: :func:`run_import_job` (which applies its own plan, see
:mod:`harmony.jobs.apply_job`), :func:`run_export_job` and :func:`summarize_collection`.
:mod:`harmony.jobs.snapshots` is where the library side of a sync is read.
"""

from harmony.jobs.apply_job import SAVING
from harmony.jobs.collection_info import summarize_collection
from harmony.jobs.export_job import ExportJobResult, run_export_job
from harmony.jobs.file_check import FolderListings
from harmony.jobs.folder_walk import walk_files
from harmony.jobs.import_job import ImportJobResult, run_import_job
from harmony.jobs.rebuild_job import RebuildResult, run_rebuild_job
from harmony.jobs.relocate_job import RelocateJobResult, content_hash, run_relocate_job
from harmony.jobs.restore_job import run_restore_job
from harmony.jobs.snapshots import read_changed_export_snapshot, read_export_snapshot, read_import_snapshot
from harmony.jobs.spool import read_export_details, read_report, remove_spool, remove_stale_spools
from harmony.jobs.waveform import PEAKS, Waveform, compute_waveform, transcode_for_browser

__all__ = [
    "PEAKS",
    "SAVING",
    "ExportJobResult",
    "FolderListings",
    "ImportJobResult",
    "RebuildResult",
    "RelocateJobResult",
    "Waveform",
    "compute_waveform",
    "content_hash",
    "read_changed_export_snapshot",
    "read_export_details",
    "read_export_snapshot",
    "read_import_snapshot",
    "read_report",
    "remove_spool",
    "remove_stale_spools",
    "run_export_job",
    "run_import_job",
    "run_rebuild_job",
    "run_relocate_job",
    "run_restore_job",
    "summarize_collection",
    "transcode_for_browser",
    "walk_files",
]
