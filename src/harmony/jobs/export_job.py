"""The export job an export worker runs: read the collection, apply the library's state, write it safely.

Phases and percentages follow the original app's export worker: ``parsing`` 0–20 % ("Parsing existing NML
file..." → "NML parsed successfully"), ``building`` 20–75 % (reading the library, then the tracks, cues,
playlists and folders, with steps at least every 2 % of tracks), ``writing`` 75–95 % (backup, temporary file,
check, replace). The service records the result and reports ``complete``.

Nothing is written when the plan changes nothing, or for a dry run; then the report says what would change.
"""

from __future__ import annotations

import gc
import logging
from dataclasses import dataclass, field
from pathlib import Path

from harmony import nml
from harmony.jobs.phases import PhaseClock, counting, sliced
from harmony.jobs.snapshots import read_changed_export_snapshot, read_export_snapshot
from harmony.jobs.spool import write_export_details
from harmony.library import BaseUpdates, open_export_reader, open_reader
from harmony.nml import count_tracks_and_playlists
from harmony.nmlfile import (
    NmlFingerprint,
    read_fingerprinting,
    refuse_if_damaged,
    retry_transient,
    write_collection,
)
from harmony.progress import ProgressReporter
from harmony.sync import ExportOptions, ExportReport, PartialSnapshotError, plan_export, stamp_digests

__all__ = ["ExportJobResult", "run_export_job"]

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class ExportJobResult:
    """What the export worker sends back. ``written`` is the new file's fingerprint (None when nothing was
    written); ``bases`` are the sync bases to record with ``based_on_version``."""

    report: ExportReport | None
    read: NmlFingerprint
    written: NmlFingerprint | None
    backup_path: str | None
    bases: BaseUpdates | None
    based_on_version: int
    changed: bool
    warnings: tuple[str, ...] = ()
    seconds_per_phase: dict[str, float] = field(default_factory=dict)
    counts: tuple[int, int] | None = None
    details_file: str | None = None


def run_export_job(
    nml_path: str,
    library_path: str,
    options: ExportOptions,
    dry_run: bool = False,
    backup: bool = True,
    keep_backups: int = 10,
    force: bool = False,
    *,
    known: tuple[int, int] | None = None,
    spool_dir: str | None = None,
    progress: ProgressReporter | None = None,
) -> ExportJobResult:
    """The export worker's task: write the library at ``library_path`` into the collection at ``nml_path``.

    ``known`` are the collection's counts when Harmony last saw it: a collection that lost most of them is
    refused as damaged (writing over it would make the damage permanent). With ``spool_dir``, the report and the
    new bases (which grow with the tracks written) go back through a file there (``details_file``; ``report``
    and ``bases`` are then None), for the service to read on a thread rather than on its event loop."""
    clock = PhaseClock(progress)
    path = Path(nml_path)
    clock("parsing", 0.0, "Parsing existing NML file...")
    data, hashing = read_fingerprinting(path)
    collection = nml.load(data)  # keeps ``data`` itself (no copy): a second load below costs no memory
    fingerprint = hashing.result()  # hashed while the bytes were loaded, on a thread
    counts_after = count_tracks_and_playlists(collection)  # what the file holds when nothing is written
    refuse_if_damaged(nml_path, counts_after, known)
    clock("parsing", 20.0, "NML parsed successfully")

    clock("building", 20.0, "Loading Harmony data...")
    reading = counting(clock, "building", 20.0, 40.0, "Loading Harmony tracks...")
    with open_export_reader(Path(library_path)) as reader:
        snapshot = read_changed_export_snapshot(reader, reading)
    try:
        planned = plan_export(collection, snapshot, options, clock)
    except PartialSnapshotError:
        # A changed track must be found by its file, against the whole library: read it all, plan afresh on
        # an unedited collection (the library may have moved on meanwhile; the new read is one snapshot).
        log.info("export needs the whole library; reading every track")
        collection = nml.load(data)
        with open_reader(Path(library_path)) as full:
            snapshot = read_export_snapshot(full, reading)
        planned = plan_export(collection, snapshot, options, clock)
    del data
    version = snapshot.version
    assert version is not None  # a whole read always knows the version it read
    del snapshot  # not needed for the write: its memory is free for the verify
    written: NmlFingerprint | None = None
    # The bases go with the digests of the entries as written, so the next import can skip those entries.
    bases = stamp_digests(planned.bases, collection, options)
    backup_path: str | None = None
    warnings: tuple[str, ...] = ()
    if planned.changed and dry_run:
        collection.check_entry_sizes()  # a preview must not promise what the write would refuse
    if planned.changed and not dry_run:
        clock("writing", 75.0, "Preparing to write NML file...")
        counts = counts_after = count_tracks_and_playlists(collection)
        # The new file as pieces (views of the bytes read, plus the entries written anew), never joined: a
        # joined copy would cost another file size of memory.
        output = list(collection.chunks())
        # The pieces hold the bytes they view; the tree, the key index and the track views can go now, so the
        # write (which reads the new file back) does not need memory on top of them.
        del collection
        gc.collect()  # the collection's views refer back to it: only the cycle collector frees them
        result = retry_transient(
            lambda: write_collection(
                path,
                output,
                expected=fingerprint,
                backup=backup,
                keep=keep_backups,
                force=force,
                expected_counts=counts,
                progress=sliced(clock, 75.0, 95.0),
            )
        )
        written = result.fingerprint
        backup_path = None if result.backup_path is None else str(result.backup_path)
        warnings = tuple(result.warnings)
        # No progress report after this point: a cancel raised from one would call a written file unwritten.
        log.info("exported library version %d to %s", version, nml_path)
    report: ExportReport | None = planned.report
    sent_bases: BaseUpdates | None = bases
    details_file: str | None = None
    if spool_dir is not None:
        details_file = str(write_export_details(planned.report, bases, spool_dir))
        report, sent_bases = None, None
    return ExportJobResult(
        report=report,
        read=fingerprint,
        written=written,
        backup_path=backup_path,
        bases=sent_bases,
        based_on_version=version,
        changed=planned.changed,
        warnings=warnings,
        seconds_per_phase=clock.stop(),
        counts=counts_after,
        details_file=details_file,
    )
