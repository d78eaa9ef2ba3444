"""One export being run: the worker job, an import first if Traktor saved the file meanwhile, then the new sync
bases recorded with the exported library version in one transaction."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import TYPE_CHECKING

from harmony.errors import SyncError
from harmony.jobs import ExportJobResult, read_export_details
from harmony.library import BaseUpdates, Library
from harmony.nmlfile import NmlChangedError
from harmony.service.exports import ExportOutcome, ExportRequest
from harmony.service.operations import Operation
from harmony.sync import ExportReport
from harmony.workers import Job, Progress

if TYPE_CHECKING:
    from harmony.service.traktor import TraktorService

__all__ = ["ExportRun"]


class ExportRun:
    """Runs ``job`` (``run_export_job``) on the export pool for ``op``."""

    def __init__(self, service: TraktorService, op: Operation, job: Job, request: ExportRequest) -> None:
        self.service = service
        self.op = op
        self.job = job
        self.request = request
        # Where a second try's 0-100 % starts: the first try's last figure, so the export's progress never goes
        # back (it went from "writing 90 %" to 0 % when Traktor had saved the file meanwhile).
        self.resumed_at = 0.0
        self.reached = 0.0

    def forward(self, report: Progress) -> None:
        percent = self.resumed_at + (100.0 - self.resumed_at) * report.percent / 100.0
        self.reached = max(self.reached, percent)
        self.service.log.progress(self.op, report.phase, round(percent, 2), report.message, report.current_item)

    async def _export(self) -> ExportJobResult:
        result = await self.service.manager.execute_export(self.job, self.forward, cancel_token=self.op.cancel_token)
        assert isinstance(result, ExportJobResult)
        return result

    async def run(self) -> ExportOutcome:
        try:
            result = await self._export()
        except NmlChangedError:
            if self.request.dry_run:
                raise
            # Traktor saved the collection after the export read it: bring its changes in, then plan again.
            # A second change while that runs is reported, not chased.
            self.resumed_at = self.reached
            self.service.log.progress(
                self.op, "parsing", self.reached, "collection.nml changed since it was read: importing it first..."
            )
            imported = await self.service.sync(self.request.import_request())
            if imported.status != "succeeded":
                raise SyncError(
                    f"collection.nml changed during the export, and importing it failed: {imported.error}"
                ) from None
            result = await self._export()
        report, bases = await asyncio.to_thread(self._details, result)
        if not self.request.dry_run:
            await asyncio.to_thread(self._record, result, bases)
        return ExportOutcome(
            report=report,
            written=result.written is not None,
            dry_run=self.request.dry_run,
            backup_path=result.backup_path,
            nml_path=self.op.nml_path,
            warnings=result.warnings,
            seconds_per_phase=result.seconds_per_phase,
        )

    @staticmethod
    def _details(result: ExportJobResult) -> tuple[ExportReport, BaseUpdates]:
        """The report and the new bases, from the worker's file (on a thread: they grow with the tracks written)."""
        if result.details_file is not None:
            return read_export_details(Path(result.details_file))
        assert result.report is not None and result.bases is not None
        return result.report, result.bases

    def _record(self, result: ExportJobResult, bases: BaseUpdates) -> None:
        """The NML now holds library version ``based_on_version``: record it with the new bases (an edit made
        during the export has a newer version, so it stays pending)."""
        fingerprint = result.written or result.read
        with Library.open(self.service.library_path) as library:
            library.record_export(result.based_on_version, fingerprint, bases, read=result.read)
            if result.counts is not None:
                library.record_known_counts(self.op.nml_path, *result.counts)
