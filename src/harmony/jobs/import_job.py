"""The import job a sync worker runs: read the collection, read the library, plan, and hand the plan over.

Everything heavy happens here, in the worker process: reading and fingerprinting the NML, opening the library
read-only and reading one consistent snapshot of it, matching, merging and checking files
(:func:`~harmony.sync.import_plan.plan_import`), then, for an import, the removal guard and the apply
(:func:`~harmony.jobs.apply_job.apply_parts`): the plan never leaves the worker, where handing a 100,000-track
plan to another process cost seconds of pickling. The report, which says what the plan does, goes back through
a file (:mod:`harmony.jobs.spool`). A preview plans and reports only.

Progress follows the original app's phases, each with its share of the whole operation: ``parsing`` 0–25 %,
``loading`` 25–60 %, then the planner's ``analyzing``, ``validating`` and ``syncing`` (60–95 %), and ``saving``
(95–100 %) when the job applies its plan. The service adds ``complete``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Final

from harmony import nml
from harmony.collector import gc_paused
from harmony.jobs.apply_job import apply_parts
from harmony.jobs.file_check import LOOKS_BEFORE_LISTING, FolderListings
from harmony.jobs.phases import PhaseClock
from harmony.jobs.snapshots import read_import_snapshot
from harmony.jobs.spool import remove_spool, write_report
from harmony.library import open_reader
from harmony.nml import count_tracks_and_playlists
from harmony.nmlfile import DamagedCollectionError, NmlFingerprint, judge_counts, read_fingerprinting
from harmony.progress import ProgressReporter, counted
from harmony.sync import (
    EVERY_FILE,
    PlannedImport,
    SyncOptions,
    TraktorSnapshot,
    check_removals,
    entry_salt,
    file_check_round,
    file_on_disk,
    plan_import,
)
from harmony.words import plural

__all__ = ["PART_SIZE", "ImportJobResult", "plan_from_files", "run_import_job"]

log = logging.getLogger(__name__)

#: Tracks (and cue changes, and track bases) per plan part, applied one after another in one transaction: big
#: enough that each part's inserts run in bulk, small enough that a cancel is heeded within a fraction of a
#: second and the progress moves on often.
PART_SIZE: Final = 1000

_PARSING = (0.0, 25.0)
_LOADING = (25.0, 60.0)


@dataclass(frozen=True, slots=True)
class ImportJobResult:
    """What the worker sends back: where the report is, the library version the import's apply made (None for a
    preview), and the time each phase took. The report travels through a file (``report_file``), read by the
    service on a thread: it grows with the collection, and the pool's answer is unpickled on the app's event
    loop."""

    report_file: str
    fingerprint: NmlFingerprint
    based_on_version: int | None
    seconds_per_phase: dict[str, float] = field(default_factory=dict)
    counts: tuple[int, int] | None = None
    #: Why the collection looks damaged (its counts are implausible against the last ones Harmony saw), or None.
    #: The removal guard asks the DJ about it together with the removals: one confirmation for both.
    damaged: str | None = None
    #: The library version the import's apply made; None for a preview.
    applied_version: int | None = None


def plan_from_files(
    nml_path: Path, library_path: Path, options: SyncOptions, progress: ProgressReporter | None = None
) -> tuple[PlannedImport, NmlFingerprint]:
    """Read the collection at ``nml_path`` and the library at ``library_path`` (read-only) and plan the import.

    Raises :class:`~harmony.errors.NMLError` for a file that is not a readable collection and
    :class:`~harmony.errors.LibraryError` for a library that cannot be read; nothing is written anywhere."""
    planned, fingerprint, _, _ = _plan_checked(nml_path, library_path, options, progress, None)
    return planned, fingerprint


def _plan_checked(
    nml_path: Path,
    library_path: Path,
    options: SyncOptions,
    progress: ProgressReporter | None,
    known: tuple[int, int] | None,
) -> tuple[PlannedImport, NmlFingerprint, tuple[int, int], str | None]:
    """:func:`plan_from_files`; also returns the collection's ``(tracks, playlists)`` and why they are
    implausible against ``known`` (the health check's rule), or None."""
    report = progress or _silent
    report("parsing", _PARSING[0], "Parsing Traktor NML file...")
    data, hashing = read_fingerprinting(nml_path)
    collection = nml.load(data, read_only=True)  # an import never writes it (hashed meanwhile, on a thread)
    del data  # the collection keeps the bytes it needs
    fingerprint = hashing.result()
    counts = count_tracks_and_playlists(collection)
    if collection.root.find("PLAYLISTS") is None and known is not None:
        # No PLAYLISTS section says nothing about the playlists (the import keeps the library's): judge and
        # remember the tracks only.
        counts = (counts[0], known[1])
    damaged = judge_counts(*counts, known)
    traktor = TraktorSnapshot.from_collection(collection)
    report("parsing", _PARSING[1], f"Parsed {plural(traktor.track_count, 'track')} from Traktor")

    def loading(done: int, total: int) -> None:
        share = 1.0 if total == 0 else done / total
        percent = _LOADING[0] + (_LOADING[1] - _LOADING[0]) * share
        report("loading", round(percent, 2), counted("Preparing sync...", done, total, "library track"))

    # The digests of the collection's entries let the snapshot leave out, and the planner skip, the tracks
    # unchanged on both sides since the last import (see harmony.sync.digest); the planner may still read
    # some of them, so it plans while the reader (one consistent snapshot) is open.
    digests = traktor.digests(entry_salt(options)) or []
    with open_reader(library_path) as reader:
        # A big library's present tracks are looked for on disk a share per import (harmony.sync.file_rounds).
        # Compared by value: the options come to the worker pickled, a copy of EVERY_FILE and not itself.
        if options.file_check_round == EVERY_FILE:
            this_round = file_check_round(reader.status.file_check_round, reader.track_count())
            options = replace(options, file_check_round=this_round)
        if options.file_exists is file_on_disk:
            # Files are looked for a folder at a time where a folder holds several asked about; with one share
            # of the tracks asked, a folder must hold that many times more before a listing is the cheaper way.
            listings = FolderListings(looks_before_listing=LOOKS_BEFORE_LISTING * options.file_check_round.rounds)
            options = replace(options, file_exists=listings)
        library = read_import_snapshot(reader, loading, entry_digests=frozenset(d for d in digests if d is not None))
        planned = plan_import(traktor, library, options, report, fingerprint=fingerprint)
    return planned, fingerprint, counts, damaged


def run_import_job(
    nml_path: str,
    library_path: str,
    options: SyncOptions,
    apply: bool = True,
    spool_dir: str | None = None,
    *,
    known: tuple[int, int] | None = None,
    allow_mass_removal: bool = False,
    progress: ProgressReporter | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> ImportJobResult:
    """The sync worker's task: plan the import of ``nml_path`` into ``library_path`` and, with ``apply``, apply
    it in one transaction (cancelled through ``cancelled``, at the next part); without it (a preview) only the
    report comes back. The report goes through a file in ``spool_dir`` (the service removes it).

    ``known`` are the collection's counts when Harmony last saw it: a preview of a collection that lost most of
    them is refused as damaged. An import asks first, through the removal guard: a plan that would remove too
    much, or a collection that looks damaged, raises :class:`~harmony.sync.MassRemovalError` and changes
    nothing unless ``allow_mass_removal``."""
    clock = PhaseClock(progress)
    # The planner's values (a 100,000-track plan and its report) live until the job ends: with the collector
    # on, its collections walk them again and again, a quarter of the planning's time.
    with gc_paused():
        planned, fingerprint, counts, damaged = _plan_checked(Path(nml_path), Path(library_path), options, clock, known)
        if damaged is not None and not apply:
            raise DamagedCollectionError(nml_path, damaged)
        if apply:
            check_removals(planned.report, allow_mass_removal, damaged)
        applied: int | None = None
        # The report first: once the plan is applied, nothing may fail after the commit.
        report_file = write_report(planned.report, spool_dir)
        try:
            if apply:
                parts = planned.plan.split(PART_SIZE)
                applied = apply_parts(
                    library_path, parts, known_counts=(nml_path, *counts), progress=clock, cancelled=cancelled
                )
                log.info("import of %s applied in %d parts: library version %d", nml_path, len(parts), applied)
        except BaseException:
            remove_spool(report_file)
            raise
    return ImportJobResult(
        report_file=str(report_file),
        fingerprint=fingerprint,
        based_on_version=planned.plan.based_on_version,
        seconds_per_phase=clock.stop(),
        counts=counts,
        damaged=damaged,
        applied_version=applied,
    )


def _silent(phase: str, percent: float, message: str, current_item: str | None = None) -> None:
    """The reporter of a plan made outside a pool (tests, scripts): says nothing."""
