"""``TraktorService``: the one place the CLI and the web app start, follow and cancel work with Traktor.

It loads the settings from the library, runs the heavy part of each operation on the sync pool of a
:class:`~harmony.workers.WorkerManager`, applies an import's plan in one transaction on a thread (never on the
event loop), forwards every progress report to its subscribers as an
:class:`~harmony.service.operations.OperationEvent`, refuses a second import of a collection that is being
imported, and keeps the history of its operations.

Every public coroutine must be awaited on the same event loop; the service is not thread-safe.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Final

from harmony.errors import HarmonyError, SyncError
from harmony.library import Library
from harmony.library.database import default_library_path
from harmony.library.errors import ImportCancelled
from harmony.library.plan import ImportPlan
from harmony.library.settings import TraktorSettings
from harmony.service.imports import ImportOutcome, ImportRequest, resolve_nml_path
from harmony.service.operations import Operation, OperationEvent, OperationLog
from harmony.sync.job import ImportJobResult, run_import_job
from harmony.sync.spool import read_parts, remove_spool, remove_stale_spools
from harmony.workers import Job, Progress, TaskCancelled, WorkerCrashedError, WorkerManager

__all__ = ["OperationRunningError", "TraktorService"]

log = logging.getLogger(__name__)

IMPORT: Final = "import"
PREVIEW: Final = "preview"
_SAVING = (95.0, 100.0)


class OperationRunningError(SyncError):
    """The same collection is already being imported."""


class TraktorService:
    """Imports (and previews) of Traktor collections into one library, run in the background."""

    def __init__(
        self,
        library_path: Path | str | None = None,
        manager: WorkerManager | None = None,
        *,
        spool_dir: str | None = None,
        history_size: int = 100,
    ) -> None:
        self.library_path = Path(library_path).expanduser() if library_path is not None else default_library_path()
        self._manager = manager
        self._spool_dir = spool_dir
        self.log = OperationLog(history_size)
        self._tasks: dict[str, asyncio.Task[None]] = {}
        remove_stale_spools(spool_dir)

    @property
    def manager(self) -> WorkerManager:
        """The pools the work runs on (the process's manager unless one was given)."""
        if self._manager is None:
            self._manager = WorkerManager.instance()
        return self._manager

    # --- settings ---------------------------------------------------------------------------------------

    def settings(self) -> TraktorSettings:
        """The Traktor settings stored in the library (created on first use)."""
        with Library.open(self.library_path) as library:
            return library.settings()

    def save_settings(self, settings: TraktorSettings) -> None:
        with Library.open(self.library_path) as library:
            library.save_settings(settings)

    def nml_path(self, requested: str | None = None) -> Path:
        """The collection an operation would use (see :func:`~harmony.service.imports.resolve_nml_path`)."""
        return resolve_nml_path(requested, self.settings())

    # --- operations -------------------------------------------------------------------------------------

    def subscribe(self, callback: Callable[[OperationEvent], object]) -> Callable[[], None]:
        """Call ``callback`` with every operation event; returns the function that unsubscribes."""
        return self.log.subscribe(callback)

    def get(self, operation_id: str) -> Operation | None:
        return self.log.get(operation_id)

    def history(self) -> list[Operation]:
        """Recent operations, newest first."""
        return self.log.history()

    def start_import(self, request: ImportRequest | None = None, *, dry_run: bool = False) -> Operation:
        """Start importing (``dry_run``: planning only, like a preview) and return the operation at once.

        Raises at once, before anything runs, for a bad request, an unreadable library or settings, a
        collection that cannot be found, or an import of the same collection already running."""
        return self._start(IMPORT, request or ImportRequest(), apply=not dry_run)

    def start_preview(self, request: ImportRequest | None = None) -> Operation:
        """Start planning an import without applying it; the result's report is the readable diff."""
        return self._start(PREVIEW, request or ImportRequest(), apply=False)

    async def wait(self, operation_id: str) -> Operation:
        """Wait until the operation has finished (whatever its outcome) and return it."""
        op = self._require(operation_id)
        task = self._tasks.get(operation_id)
        if task is not None:
            await asyncio.shield(task)
        return op

    async def sync(self, request: ImportRequest | None = None, *, dry_run: bool = False) -> Operation:
        """Import and wait for the outcome."""
        return await self.wait(self.start_import(request, dry_run=dry_run).id)

    async def preview(self, request: ImportRequest | None = None) -> Operation:
        """Preview and wait for the outcome."""
        return await self.wait(self.start_preview(request).id)

    def cancel(self, operation_id: str) -> bool:
        """Ask a queued or running operation to stop; False if it had already finished.

        A cancelled import changes nothing: the worker stops at its next progress report, and a plan being
        applied is rolled back (unless its last part was already committed, and then it simply succeeds)."""
        op = self._require(operation_id)
        if op.finished:
            return False
        op.cancel_token.cancel("cancelled by the user")
        op.cancel_event.set()
        return True

    async def close(self) -> None:
        """Cancel what runs and wait for it to stop (the pools belong to the manager, which is not closed)."""
        for op in self.log.active():
            self.cancel(op.id)
        tasks = list(self._tasks.values())
        if tasks:
            await asyncio.gather(*tasks, return_exceptions=True)

    # --- running ----------------------------------------------------------------------------------------

    def _require(self, operation_id: str) -> Operation:
        op = self.log.get(operation_id)
        if op is None:
            raise SyncError(f"There is no operation {operation_id!r}.")
        return op

    def _start(self, kind: str, request: ImportRequest, *, apply: bool) -> Operation:
        request.check()
        settings = self.settings()
        nml_path = resolve_nml_path(request.nml_path, settings)
        options = request.options(settings)
        if apply:
            for other in self.log.active():
                if other.operation == IMPORT and Path(other.nml_path) == nml_path:
                    raise OperationRunningError(
                        f"{nml_path} is already being imported (operation {other.id}); wait for it or cancel it."
                    )
        op = self.log.new(kind, str(nml_path))
        job = Job(run_import_job, (str(nml_path), str(self.library_path), options, apply, self._spool_dir))
        self._tasks[op.id] = asyncio.get_running_loop().create_task(self._run(op, job, apply))
        return op

    async def _run(self, op: Operation, job: Job, apply: bool) -> None:
        started = "Starting sync..." if op.operation == IMPORT else "Starting preview..."
        self.log.start(op, started)

        def forward(report: Progress) -> None:
            self.log.progress(op, report.phase, report.percent, report.message, report.current_item)

        result: ImportJobResult | None = None
        try:
            result = await self.manager.execute_sync(job, forward, cancel_token=op.cancel_token)
            if op.cancel_event.is_set():
                raise ImportCancelled("The import was cancelled; nothing was changed.")
            outcome = ImportOutcome(result.report, applied=False, nml_path=op.nml_path)
            seconds = dict(result.seconds_per_phase)
            if apply and result.spool is not None:
                began = time.perf_counter()
                version = await self._apply(op, result)
                seconds["saving"] = round(time.perf_counter() - began, 3)
                outcome = ImportOutcome(result.report, applied=True, library_version=version, nml_path=op.nml_path)
            outcome = outcome.with_seconds(seconds)
            done = "Sync complete" if op.operation == IMPORT else "Analysis complete"
            self.log.finish(op, "succeeded", f"{done}: {outcome.summary()}", result=outcome)
        except (TaskCancelled, ImportCancelled, asyncio.CancelledError):
            self.log.finish(op, "cancelled", "Cancelled; nothing was changed.")
        except WorkerCrashedError as error:
            self.log.finish(op, "failed", "Failed", error=f"The sync worker stopped unexpectedly ({error}).")
        except HarmonyError as error:
            self.log.finish(op, "failed", "Failed", error=str(error))
        except Exception as error:  # a bug: say so plainly, keep the traceback in the log
            log.exception("%s %s failed", op.operation, op.id)
            self.log.finish(op, "failed", "Failed", error=f"Unexpected error: {type(error).__name__}: {error}")
        finally:
            if result is not None and result.spool is not None:
                remove_spool(Path(result.spool))
            self._tasks.pop(op.id, None)

    async def _apply(self, op: Operation, result: ImportJobResult) -> int:
        """Apply the spooled plan in one transaction on a worker thread, reporting each part."""
        assert result.spool is not None
        loop = asyncio.get_running_loop()
        start, end = _SAVING
        total = max(1, result.parts)
        self.log.progress(op, "saving", start, "Saving to database...")

        def report(done: int) -> None:
            percent = round(start + (end - start) * done / total, 2)
            self.log.progress(op, "saving", percent, f"Saving to database... ({done}/{total})")

        def parts() -> Iterator[ImportPlan]:
            for done, part in enumerate(read_parts(Path(result.spool or ""), result.parts), 1):
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
