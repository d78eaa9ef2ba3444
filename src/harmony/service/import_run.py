"""One import (or preview) being run: the planning job, then the plan applied from its spool by the apply job,
both on the sync pool (the app's process only follows them)."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

from harmony.jobs import SAVING, ImportJobResult, apply_import_job, read_report, remove_spool
from harmony.library import ImportCancelled, Library
from harmony.service.imports import ImportOutcome
from harmony.service.operations import Operation, OperationLog
from harmony.sync import ImportReport, check_removals
from harmony.workers import Job, Progress, WorkerManager

__all__ = ["ImportRun"]


class ImportRun:
    """Runs ``job`` (``run_import_job``) on the sync pool for ``op`` and, when ``apply``, applies its plan."""

    def __init__(
        self,
        manager: WorkerManager,
        log: OperationLog,
        library_path: Path,
        op: Operation,
        job: Job,
        *,
        apply: bool,
        allow_mass_removal: bool = False,
    ) -> None:
        self.manager = manager
        self.log = log
        self.library_path = library_path
        self.op = op
        self.job = job
        self.apply = apply
        self.allow_mass_removal = allow_mass_removal

    def forward(self, report: Progress) -> None:
        self.log.progress(self.op, report.phase, report.percent, report.message, report.current_item)

    async def run(self) -> ImportOutcome:
        op = self.op
        result: ImportJobResult | None = None
        reading: asyncio.Future[ImportReport] | None = None
        try:
            result = await self.manager.execute_sync(self.job, self.forward, cancel_token=op.cancel_token)
            # The report is read on a thread while the plan is applied in a worker: it grows with the collection
            # (every new track), and nothing that does may be decoded on the event loop.
            reading = asyncio.ensure_future(asyncio.to_thread(read_report, Path(result.report_file)))
            if op.cancel_event.is_set():
                raise ImportCancelled("The import was cancelled; nothing was changed.")
            seconds = dict(result.seconds_per_phase)
            applied, version = False, None
            if self.apply and result.spool is not None:
                # The guard needs the report's removal counts before anything is applied; it asks about a
                # damaged-looking collection in the same breath (one confirmation for both).
                check_removals(await asyncio.shield(reading), self.allow_mass_removal, result.damaged)
                began = time.perf_counter()
                version = await self._apply(result)
                applied = True
                seconds["saving"] = round(time.perf_counter() - began, 3)
                if result.counts is not None:
                    await asyncio.to_thread(self._record_counts, result.counts)
            report = await reading
            outcome = ImportOutcome(report, applied=applied, library_version=version, nml_path=op.nml_path)
            return outcome.with_seconds(seconds)
        finally:
            if result is not None:
                if reading is not None and not reading.done():
                    await asyncio.gather(reading, return_exceptions=True)
                # On a thread: freeing a 100,000-track plan's blocks is tens of milliseconds of system time.
                spools = [Path(name) for name in (result.spool, result.report_file) if name is not None]
                for path in spools:
                    await asyncio.to_thread(remove_spool, path)

    def _record_counts(self, counts: tuple[int, int]) -> None:
        with Library.open(self.library_path) as library:
            library.record_known_counts(self.op.nml_path, *counts)

    async def _apply(self, result: ImportJobResult) -> int:
        """Apply the spooled plan in one transaction, in a worker (see :mod:`harmony.jobs.apply_job`)."""
        op = self.op
        self.log.progress(op, "saving", SAVING[0], "Saving to database...")
        job = Job(
            apply_import_job,
            (str(self.library_path), str(result.spool), result.parts),
            timeout=self.job.timeout,  # the same budget as the planning
        )
        applying = asyncio.ensure_future(self.manager.execute_sync(job, self.forward, cancel_token=op.cancel_token))
        try:
            version = await asyncio.shield(applying)
        except asyncio.CancelledError:
            # Cancelled from outside: ask the worker to roll back at its next part, and report what really
            # happened (a commit that was already under way stands).
            op.cancel_token.cancel("cancelled")
            version = await applying
        assert isinstance(version, int)
        return version
