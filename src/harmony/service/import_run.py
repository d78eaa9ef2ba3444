"""One import (or preview) being run: the import job on the sync pool, which plans and, for an import, asks the
removal guard and applies its plan itself (the app's process only follows it)."""

from __future__ import annotations

import asyncio
from pathlib import Path

from harmony.jobs import ImportJobResult, read_report, remove_spool
from harmony.library import ImportCancelled
from harmony.service.imports import ImportOutcome
from harmony.service.operations import Operation, OperationLog
from harmony.sync import ImportReport
from harmony.workers import Job, Progress, WorkerManager

__all__ = ["ImportRun"]


class ImportRun:
    """Runs ``job`` (``run_import_job``, which for an import also applies its plan) on the sync pool for ``op``."""

    def __init__(
        self,
        manager: WorkerManager,
        log: OperationLog,
        op: Operation,
        job: Job,
    ) -> None:
        self.manager = manager
        self.log = log
        self.op = op
        self.job = job

    def forward(self, report: Progress) -> None:
        self.log.progress(self.op, report.phase, report.percent, report.message, report.current_item)

    async def run(self) -> ImportOutcome:
        op = self.op
        result: ImportJobResult | None = None
        reading: asyncio.Future[ImportReport] | None = None
        try:
            result = await self._execute()
            # The report is read on a thread: it grows with the collection (every new track), and nothing that
            # does may be decoded on the event loop.
            reading = asyncio.ensure_future(asyncio.to_thread(read_report, Path(result.report_file)))
            applied, version = result.applied_version is not None, result.applied_version
            # An applied import is done (its counts were remembered in its transaction): nothing here may turn
            # it into a failure. A preview that was cancelled meanwhile says so.
            if not applied and op.cancel_event.is_set():
                raise ImportCancelled("The import was cancelled; nothing was changed.")
            report = await reading
            outcome = ImportOutcome(report, applied=applied, library_version=version, nml_path=op.nml_path)
            return outcome.with_seconds(dict(result.seconds_per_phase))
        finally:
            if result is not None:
                if reading is not None and not reading.done():
                    await asyncio.gather(reading, return_exceptions=True)
                # On a thread: freeing a 100,000-track report's blocks is tens of milliseconds of system time.
                await asyncio.to_thread(remove_spool, Path(result.report_file))

    async def _execute(self) -> ImportJobResult:
        """Run the job on the sync pool. Cancelled from outside (the app closing), the job is asked to roll back
        (it looks before each part and once more just before its commit) and its answer is awaited."""
        op = self.op
        running = asyncio.ensure_future(self.manager.execute_sync(self.job, self.forward, cancel_token=op.cancel_token))
        try:
            result = await asyncio.shield(running)
        except asyncio.CancelledError:
            op.cancel_token.cancel("cancelled")
            result = await running
        assert isinstance(result, ImportJobResult)
        return result
