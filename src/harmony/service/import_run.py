"""One import (or preview) being run: the worker job, then the plan applied from its spool on a thread."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Final

from harmony.jobs.import_job import ImportJobResult
from harmony.jobs.spool import read_parts, remove_spool
from harmony.library import Library
from harmony.library.errors import ImportCancelled
from harmony.library.plan import ImportPlan
from harmony.service.imports import ImportOutcome
from harmony.service.operations import Operation, OperationLog
from harmony.workers import Job, Progress, WorkerManager

__all__ = ["ImportRun"]

_SAVING: Final = (95.0, 100.0)


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
    ) -> None:
        self.manager = manager
        self.log = log
        self.library_path = library_path
        self.op = op
        self.job = job
        self.apply = apply

    def forward(self, report: Progress) -> None:
        self.log.progress(self.op, report.phase, report.percent, report.message, report.current_item)

    async def run(self) -> ImportOutcome:
        op = self.op
        result: ImportJobResult | None = None
        try:
            result = await self.manager.execute_sync(self.job, self.forward, cancel_token=op.cancel_token)
            if op.cancel_event.is_set():
                raise ImportCancelled("The import was cancelled; nothing was changed.")
            seconds = dict(result.seconds_per_phase)
            outcome = ImportOutcome(result.report, applied=False, nml_path=op.nml_path)
            if self.apply and result.spool is not None:
                began = time.perf_counter()
                version = await self._apply(result)
                seconds["saving"] = round(time.perf_counter() - began, 3)
                outcome = ImportOutcome(result.report, applied=True, library_version=version, nml_path=op.nml_path)
            return outcome.with_seconds(seconds)
        finally:
            if result is not None and result.spool is not None:
                remove_spool(Path(result.spool))

    async def _apply(self, result: ImportJobResult) -> int:
        """Apply the spooled plan in one transaction on a thread, reporting each part."""
        op = self.op
        spool = Path(result.spool or "")
        loop = asyncio.get_running_loop()
        start, end = _SAVING
        total = max(1, result.parts)
        self.log.progress(op, "saving", start, "Saving to database...")

        def report(done: int) -> None:
            percent = round(start + (end - start) * done / total, 2)
            self.log.progress(op, "saving", percent, f"Saving to database... ({done}/{total})")

        def parts() -> Iterator[ImportPlan]:
            for done, part in enumerate(read_parts(spool, result.parts), 1):
                yield part
                loop.call_soon_threadsafe(report, done)

        def apply_all() -> int:
            with Library.open(self.library_path) as library:
                return library.apply_import_parts(parts(), cancelled=op.cancel_event.is_set).version

        applying = asyncio.ensure_future(asyncio.to_thread(apply_all))
        try:
            return await asyncio.shield(applying)
        except asyncio.CancelledError:
            # The thread cannot be interrupted: tell it to roll back at its next part, and report what really
            # happened (a commit that was already under way stands).
            op.cancel_event.set()
            return await applying
