"""``TraktorService``: the one place the CLI and the web app start, follow and cancel work with Traktor.

It loads the settings from the library, runs the heavy part of each operation on a pool of a
:class:`~harmony.workers.WorkerManager` (imports on the sync pool, exports on the export pool), applies the
results on a thread (never on the event loop: :mod:`~harmony.service.import_run`,
:mod:`~harmony.service.export_run`), forwards every progress report to its subscribers as an
:class:`~harmony.service.operations.OperationEvent`, refuses a second import (or export) of a collection that
is being imported (exported), and keeps the history of its operations.

Every public coroutine must be awaited on the same event loop; the service is not thread-safe.
"""

from __future__ import annotations

import asyncio
import logging
import tempfile
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, Final, Protocol

from harmony import nml
from harmony.errors import HarmonyError, SyncError
from harmony.jobs import remove_stale_spools, run_export_job, run_import_job
from harmony.library import (
    ImportCancelled,
    Library,
    OperationRecord,
    TraktorSettings,
    default_library_path,
    is_read_only,
)
from harmony.nml import CollectionSummary, check_collection_path
from harmony.nmlfile import RestorableCopy
from harmony.service.autosync import SyncRunner
from harmony.service.budget import job_budget as budget_of
from harmony.service.budget import over_budget_message
from harmony.service.cache_folder import default_cache_dir
from harmony.service.collection_info import CollectionInfoCache
from harmony.service.export_run import ExportRun
from harmony.service.exports import ExportRequest
from harmony.service.import_run import ImportRun
from harmony.service.imports import ImportRequest, resolve_nml_path
from harmony.service.metrics import operation_record
from harmony.service.operations import TRIGGER, Operation, OperationEvent, OperationLog
from harmony.service.recovery import Recovery
from harmony.workers import Job, TaskCancelled, TaskTimeoutError, WorkerCrashedError, WorkerManager, preload_modules

__all__ = ["OperationRunningError", "TraktorService"]

log = logging.getLogger(__name__)

# The pools run the jobs: have the forkserver import them once, so each new worker starts with the NML codec, the
# planners and the library reader loaded instead of importing them (SQLAlchemy included) on its first job.
preload_modules("harmony.jobs")

IMPORT: Final = "import"
PREVIEW: Final = "preview"
EXPORT: Final = "export"
#: An export that plans and writes nothing (a dry run): its own kind, so it is never taken for the last export.
EXPORT_PREVIEW: Final = "export_preview"
#: The trigger of the operations auto-sync starts (see the operations journal).
AUTO_SYNC: Final = "auto-sync"


class OperationRunningError(SyncError):
    """The same collection is already being imported (or exported)."""


class Outcome(Protocol):
    """What a finished operation holds: a one-line summary and its JSON (long lists cut to ``listed`` items)."""

    def summary(self) -> str: ...

    def to_json(self, *, listed: int | None = None) -> dict[str, Any]: ...


class TraktorService:
    """Imports, previews and exports of Traktor collections for one library, run in the background."""

    def __init__(
        self,
        library_path: Path | str | None = None,
        manager: WorkerManager | None = None,
        *,
        spool_dir: str | None = None,
        history_size: int = 100,
        job_budget: float | None = None,
        cache_dir: Path | None = None,
    ) -> None:
        """``job_budget`` (seconds) bounds each job in a worker (default: see :mod:`harmony.service.budget`).
        ``cache_dir`` keeps what can be read again, such as the backups' counts (default: the user's cache
        folder)."""
        self.job_budget = budget_of(job_budget)
        self.library_path = Path(library_path).expanduser() if library_path is not None else default_library_path()
        self._manager = manager
        self._spool_dir = spool_dir
        self.log = OperationLog(history_size)
        self.cache_dir = cache_dir or default_cache_dir()
        self._tasks: dict[str, asyncio.Task[None]] = {}
        self.recovery = Recovery(self)
        self._collection_info: CollectionInfoCache | None = None
        remove_stale_spools(spool_dir)

    @property
    def manager(self) -> WorkerManager:
        """The pools the work runs on (the process's manager unless one was given)."""
        if self._manager is None:
            self._manager = WorkerManager.instance()
        return self._manager

    # --- settings ---------------------------------------------------------------------------------------

    def settings(self) -> TraktorSettings:
        """The Traktor settings stored in the library (defaults when never saved). Read-only when the library
        cannot be written, so that a preview still works on a read-only disk."""
        with Library.open(self.library_path, read_only=is_read_only(self.library_path)) as library:
            return library.settings()

    def save_settings(self, settings: TraktorSettings) -> None:
        """Store ``settings``; a collection path that can never be a collection file is refused first."""
        if settings.nml_path is not None:
            check_collection_path(settings.nml_path, must_exist=False)
        with Library.open(self.library_path) as library:
            library.save_settings(settings)

    def nml_path(self, requested: str | None = None) -> Path:
        """The collection an operation would use (see :func:`~harmony.service.imports.resolve_nml_path`)."""
        return resolve_nml_path(requested, self.settings())

    # --- what a collection holds -------------------------------------------------------------------------

    def describe_collection(self, path: Path | None = None) -> tuple[Path, CollectionSummary]:
        """The collection at ``path`` (default: the configured one, else the newest Traktor's) and what it holds,
        parsed in this process (``harmony traktor info``)."""
        if path is None:
            path = self.nml_path()
        return path, nml.summarize(nml.load(path))

    async def collection_summary(self, path: Path, client: str = "") -> dict[str, Any]:
        """What the collection at ``path`` holds, as JSON values, counted on the sync pool (never on the event
        loop) and cached per file state. Raises ``OSError`` if it cannot be read, ``NMLError`` if it is not a
        collection, :class:`TooManyParsesError` if ``client`` (an address) already has a parse running."""
        if self._collection_info is None:
            self._collection_info = CollectionInfoCache(self.manager, budget=self.job_budget, cache_dir=self.cache_dir)
        return await self._collection_info.summary(path, client)

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

    async def begin_import(self, request: ImportRequest | None = None, *, preview: bool = False) -> Operation:
        """:meth:`start_import` (or :meth:`start_preview`) with its library reads (the settings, the counts the
        collection last had) on a worker thread, so that the event loop serving the pages never waits on the
        library file."""
        request = request or ImportRequest()
        request.check()
        reads = await asyncio.to_thread(self._reads, request.nml_path)
        return self._start(PREVIEW if preview else IMPORT, request, apply=not preview, reads=reads)

    async def check_import_can_start(self, request: ImportRequest | None = None) -> None:
        """Raise what :meth:`begin_import` would raise before it starts anything (a bad request, a collection that
        cannot be found, an import of it already running), for a caller that must change something first and
        wants nothing changed when the import cannot start."""
        request = request or ImportRequest()
        request.check()
        _, nml_path, _ = await asyncio.to_thread(self._reads, request.nml_path)
        self.refuse_if_running(IMPORT, nml_path, "imported")

    async def begin_export(self, request: ExportRequest | None = None) -> Operation:
        """:meth:`start_export` with its library reads on a worker thread (see :meth:`begin_import`)."""
        request = request or ExportRequest()
        request.check()
        reads = await asyncio.to_thread(self._reads, request.nml_path)
        return self._start_export(request, reads=reads)

    async def sync(self, request: ImportRequest | None = None, *, dry_run: bool = False) -> Operation:
        """Import and wait for the outcome."""
        if dry_run:
            return await self.wait(self.start_import(request, dry_run=True).id)
        return await self.wait((await self.begin_import(request)).id)

    async def preview(self, request: ImportRequest | None = None) -> Operation:
        """Preview and wait for the outcome."""
        return await self.wait((await self.begin_import(request, preview=True)).id)

    def start_export(self, request: ExportRequest | None = None) -> Operation:
        """Start exporting the library into the collection and return the operation at once.

        Raises at once for a bad request, unreadable settings, a collection that cannot be found, or an export
        of the same collection already running."""
        return self._start_export(request or ExportRequest())

    async def export(self, request: ExportRequest | None = None) -> Operation:
        """Export and wait for the outcome."""
        return await self.wait((await self.begin_export(request)).id)

    def auto_sync_runner(self) -> SyncRunner:
        """What :class:`~harmony.service.autosync.AutoSyncService` runs: this service's import and export with
        the stored settings."""
        return SyncRunner(
            lambda: self._triggered(AUTO_SYNC, self.sync(ImportRequest())),
            lambda: self._triggered(AUTO_SYNC, self.export(ExportRequest())),
            self.settings,
            self.library_path,
            check=self.recovery.check,
            nml_path=self.nml_path,
        )

    @staticmethod
    async def _triggered(trigger: str, work: Awaitable[Operation]) -> Operation:
        """Await ``work`` with the operations it starts marked as started by ``trigger``."""
        token = TRIGGER.set(trigger)
        try:
            return await work
        finally:
            TRIGGER.reset(token)

    # --- backups ----------------------------------------------------------------------------------------

    def backups(self, nml_path: str | None = None) -> list[RestorableCopy]:
        """Every restorable copy of the collection (Harmony's backups and Traktor's), newest first."""
        return self.recovery.copies(nml_path)

    def restore(self, backup: str, nml_path: str | None = None, *, force: bool = False) -> dict[str, Any]:
        """Put ``backup`` back in place of the collection, safely (the current file is backed up first)."""
        return self.recovery.restore(backup, nml_path, force=force)

    def pending_export(self) -> bool:
        """Whether the library holds edits no export has written yet (from the change journal)."""
        with Library.open(self.library_path) as library:
            return library.pending_export

    def cancel(self, operation_id: str) -> bool:
        """Ask a queued or running operation to stop; False if it had already finished.

        A cancelled import changes nothing: the worker stops at its next progress report, and a plan being
        applied is rolled back (the worker looks before each part and once more just before its commit). A
        cancel that lands during the commit itself (under a second at 100,000 tracks) comes too late: the
        operation waits for the worker's answer and succeeds, as the import went through."""
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

    def _reads(self, requested: str | None) -> tuple[TraktorSettings, Path, tuple[int, int] | None]:
        """What starting an operation reads from the library: the settings, the collection's path, and the
        counts it last had (blocking)."""
        settings = self.settings()
        nml_path = resolve_nml_path(requested, settings)
        return settings, nml_path, self.known_counts(nml_path)

    def _start(
        self,
        kind: str,
        request: ImportRequest,
        *,
        apply: bool,
        reads: tuple[TraktorSettings, Path, tuple[int, int] | None] | None = None,
    ) -> Operation:
        request.check()
        settings, nml_path, known = reads or self._reads(request.nml_path)
        options = request.options(settings)
        if apply:
            self.refuse_if_running(IMPORT, nml_path, "imported")
        op = self.log.new(kind, str(nml_path))
        job = Job(
            run_import_job,
            (str(nml_path), str(self.library_path), options, apply, self._spool_dir),
            {"known": known, "allow_mass_removal": request.allow_mass_removal},
            timeout=self.job_budget,
        )
        run = ImportRun(self.manager, self.log, op, job)
        started = "Starting sync..." if kind == IMPORT else "Starting preview..."
        done = "Sync complete" if kind == IMPORT else "Analysis complete"
        self.launch(op, run.run, started, done, "sync")
        return op

    def _start_export(
        self, request: ExportRequest, *, reads: tuple[TraktorSettings, Path, tuple[int, int] | None] | None = None
    ) -> Operation:
        request.check()
        settings, nml_path, known = reads or self._reads(request.nml_path)
        options = request.options(settings)
        if not request.dry_run:
            self.refuse_if_running(EXPORT, nml_path, "exported")
        op = self.log.new(EXPORT_PREVIEW if request.dry_run else EXPORT, str(nml_path))
        backup = settings.auto_backup if request.backup is None else request.backup
        job = Job(
            run_export_job,
            (str(nml_path), str(self.library_path), options, request.dry_run, backup, settings.backups_to_keep),
            {
                "force": request.force,
                "known": known,
                "spool_dir": self._spool_dir or tempfile.gettempdir(),
            },
            timeout=self.job_budget,
        )
        run = ExportRun(self, op, job, request)
        if request.dry_run:
            self.launch(op, run.run, "Starting export preview...", "Export preview ready", "export")
        else:
            self.launch(op, run.run, "Starting export...", "Export complete", "export")
        return op

    async def _record(self, op: Operation) -> None:
        """Add the finished operation to the library's operations journal (``harmony stats``). A journal that
        cannot be written is logged: it never changes how the operation ended."""
        await asyncio.to_thread(self.journal, operation_record(op, self.manager.stats()))

    def journal(self, record: OperationRecord) -> None:
        """Add ``record`` to the library's operations journal (blocking). A journal that cannot be written is
        logged: it never changes how the operation ended."""
        try:
            with Library.open(self.library_path) as library:
                library.record_operation(record)
        except HarmonyError as error:  # a read-only or damaged library: its own error said so already
            what = f"{record.operation} {record.operation_id}"
            log.warning("could not record %s in the operations journal: %s", what, error)
        except Exception:
            log.exception("could not record %s %s in the operations journal", record.operation, record.operation_id)

    def known_counts(self, nml_path: Path | str) -> tuple[int, int] | None:
        """``(tracks, playlists)`` the collection held when Harmony last imported, exported or restored it."""
        with Library.open(self.library_path) as library:
            known = library.known_counts(str(nml_path))
        return None if known is None else (known.tracks, known.playlists)

    def record_counts(self, nml_path: Path | str, counts: tuple[int, int]) -> None:
        """Remember what the collection holds now, for the next health check."""
        with Library.open(self.library_path) as library:
            library.record_known_counts(str(nml_path), *counts)

    def recent_operations(self, limit: int = 20) -> list[OperationRecord]:
        """The operations journal of the library, newest first (also those of other processes)."""
        with Library.open(self.library_path) as library:
            return library.recent_operations(limit)

    def refuse_if_running(self, kind: str, nml_path: Path, verb: str) -> None:
        """Raise :class:`OperationRunningError` when an operation of ``kind`` on ``nml_path`` is under way."""
        for other in self.log.active():
            if other.operation == kind and Path(other.nml_path) == nml_path:
                raise OperationRunningError(
                    f"{nml_path} is already being {verb} (operation {other.id}); wait for it or cancel it."
                )

    def launch(
        self, op: Operation, work: Callable[[], Awaitable[Outcome]], started: str, done: str, worker: str
    ) -> None:
        """Run ``work`` as the operation ``op`` in a task of its own: start, success, failure, cancellation."""

        async def execute() -> None:
            self.log.start(op, started)
            end = self.log.settle
            try:
                outcome = await work()
                end(op, "succeeded", f"{done}: {outcome.summary()}", result=outcome)
            except (TaskCancelled, ImportCancelled, asyncio.CancelledError):
                end(op, "cancelled", "Cancelled; nothing was changed.")
            except TaskTimeoutError as error:
                end(op, "failed", "Failed", error=over_budget_message(op.operation, error.timeout))
            except WorkerCrashedError as error:
                end(op, "failed", "Failed", error=f"The {worker} worker stopped unexpectedly ({error}).")
            except HarmonyError as error:
                op.failure = error
                end(op, "failed", "Failed", error=error.plain, error_code=getattr(error, "code", None))
            except Exception as error:  # a bug: say so plainly, keep the traceback in the log
                log.exception("%s %s failed", op.operation, op.id)
                end(op, "failed", "Failed", error=f"Unexpected error: {type(error).__name__}: {error}")
            finally:
                # In the journal before the pages hear of the end: a page that reads the journal when it hears
                # (the Traktor page's last export, its last sync's line) finds this operation there.
                try:
                    await self._record(op)
                finally:
                    self.log.publish(op)
                    self._tasks.pop(op.id, None)

        self._tasks[op.id] = asyncio.get_running_loop().create_task(execute(), name=f"{op.operation} {op.id}")
