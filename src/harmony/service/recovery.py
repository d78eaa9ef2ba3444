"""Keeping the collection recoverable: its health, the copies that can be put back, restore and rebuild.

:class:`Recovery` is reached as ``TraktorService.recovery``. The blocking methods are for the CLI (a terminal
process with no event loop to keep free); the coroutines run the heavy reads on the sync pool and the rebuild
on the export pool, for the web app and auto-sync.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from harmony.errors import HarmonyError, SyncError
from harmony.jobs import RebuildResult, run_rebuild_job, run_restore_job
from harmony.library import OperationRecord
from harmony.nmlfile import (
    CollectionHealth,
    Listing,
    Reading,
    RestorableCopy,
    Stamp,
    UnknownBackupError,
    backup_folder,
    check_collection,
    read_back,
    read_restorable,
    stamp_of,
)
from harmony.service.copy_readings import CopyReadings
from harmony.service.exports import ExportRequest
from harmony.service.operations import TRIGGER, Operation
from harmony.words import plural
from harmony.workers import Job

if TYPE_CHECKING:
    from harmony.library import TraktorSettings
    from harmony.nml import Collection
    from harmony.service.traktor import TraktorService

__all__ = ["REBUILD", "RESTORE", "Recovery", "compare_copies", "restore_record"]

log = logging.getLogger(__name__)

REBUILD = "rebuild"
#: A restore's name in the operations journal. It runs as one request, not as an operation with progress, but
#: the journal keeps it beside the imports and exports: it changed the collection as they do.
RESTORE = "restore"

#: What the DJ must know before rebuilding: what the library does not hold is not in the new file.
REBUILD_LOSES = (
    "Traktor's analysis data that Harmony does not keep (waveform stripes, loudness, the analysis itself) is not "
    "in the rebuilt collection; Traktor analyses the tracks again."
)

#: How many track names a comparison lists on each side.
COMPARE_LIMIT = 50


def restore_record(
    nml_path: Path, backup: str, started: datetime, result: dict[str, Any] | None, error: BaseException | None
) -> OperationRecord:
    """The journal's record of a restore of ``backup`` over ``nml_path``: its ``result`` or the ``error`` it
    ended with."""
    finished = datetime.now(UTC)
    name = Path(backup).name
    if result is not None:
        tracks, playlists = result["tracks"], result["playlists"]
        summary = f"Restored {name}: {plural(tracks, 'track')}, {plural(playlists, 'playlist')}"
        counts: dict[str, Any] = {"tracks": tracks, "playlists": playlists}
    else:
        summary, counts = f"Restoring {name} failed", {}
    message = None if error is None else (error.plain if isinstance(error, HarmonyError) else str(error))
    return OperationRecord(
        operation_id=f"restore-{uuid.uuid4().hex[:12]}",
        operation=RESTORE,
        status="succeeded" if result is not None else "failed",
        finished_at=finished,
        nml_path=str(nml_path),
        trigger=TRIGGER.get(),
        started_at=started,
        seconds=(finished - started).total_seconds(),
        summary=summary,
        error=message or None,
        counts=counts,
    )


def _loaded(path: str) -> Collection:
    from harmony import nml

    return nml.load(Path(path).read_bytes())


def compare_copies(copy: str, current: str) -> dict[str, Any]:
    """Worker job: what a copy holds that the current file does not, and the other way round (track keys, the
    first :data:`COMPARE_LIMIT` of each), the tracks both hold whose entries differ (``changed``), whether the
    playlists differ, with both counts."""
    from harmony import nml

    mine = _loaded(copy)
    try:
        theirs: Collection | None = _loaded(current)
        current_counts: tuple[int, int] | None = read_back(Path(current)).counts
    except Exception as error:  # the current file is what is damaged: everything in the copy is "only in it"
        log.info("comparing with an unreadable current file: %s", error)
        theirs, current_counts = None, None
    difference = nml.compare_collections(mine, theirs)
    return {
        "backup": copy,
        "nml_path": current,
        # The copy was read whole when it was listed; the current file is read whole here, as the health check
        # reads it, since it is what may have been damaged since.
        "backup_counts": list(nml.count_tracks_and_playlists(mine)),
        "current_counts": None if current_counts is None else list(current_counts),
        "only_in_backup": len(difference.only_in_first),
        "only_in_current": len(difference.only_in_second),
        "only_in_backup_sample": difference.only_in_first[:COMPARE_LIMIT],
        "only_in_current_sample": difference.only_in_second[:COMPARE_LIMIT],
        "changed": len(difference.changed),
        "changed_sample": difference.changed[:COMPARE_LIMIT],
        # Nothing to say of the playlists against a file that cannot be read.
        "playlists_differ": None if current_counts is None else difference.playlists_differ,
    }


#: A version of the file (its :data:`~harmony.nmlfile.Stamp`: a file renamed over it with the same size and time,
#: on a drive with coarse times, is another) and the counts it was judged against.
_FileState = tuple[Stamp, tuple[int, int] | None]


def _file_state(path: Path, known: tuple[int, int] | None) -> _FileState | None:
    stamp = stamp_of(path)
    return None if stamp is None else (stamp, known)


class Recovery:
    """Health, copies, restore and rebuild of the collection of one :class:`TraktorService`."""

    def __init__(self, service: TraktorService) -> None:
        self.service = service
        # The last verdict, by file state and counts compared with: the page and auto-sync ask often, and at
        # 100,000 tracks a check reads 150 MB.
        self._checked: tuple[_FileState, CollectionHealth] | None = None
        # The reads under way, by the same key, so that callers asking at once share one.
        self._checking: dict[_FileState, asyncio.Future[CollectionHealth]] = {}
        # What the last listing of the copies read, by file stamp: the next one reads only new copies (at 100,000
        # tracks each takes about a second, and the Traktor page lists them at every visit and after each write).
        # Kept in the cache folder too, for the next run.
        self._copy_readings = CopyReadings(service.cache_dir)

    # --- health -----------------------------------------------------------------------------------------

    def health(self, nml_path: str | None = None) -> CollectionHealth:
        """The collection's health, read here (blocking)."""
        path = self.service.nml_path(nml_path)
        return check_collection(path, self.service.known_counts(path))

    async def check(self, nml_path: str | None = None) -> CollectionHealth:
        """The collection's health, read on the sync pool. Callers asking about the same file state while it
        is being read share that one read: after a Traktor save, every open page asks at once."""
        path = await asyncio.to_thread(self.service.nml_path, nml_path)
        known = await asyncio.to_thread(self.service.known_counts, path)
        key = await asyncio.to_thread(_file_state, path, known)
        if key is None:
            return await self._read_health(path, known, None)
        if self._checked is not None and self._checked[0] == key:
            return self._checked[1]
        running = self._checking.get(key)
        if running is None or running.get_loop() is not asyncio.get_running_loop():
            running = asyncio.ensure_future(self._read_health(path, known, key))
            self._checking[key] = running
            running.add_done_callback(lambda done: self._forget_check(key, done))
        # Shielded: one caller going away (a page closed) does not cancel the read the others wait for.
        return await asyncio.shield(running)

    async def _read_health(self, path: Path, known: tuple[int, int] | None, key: _FileState | None) -> CollectionHealth:
        health = await self.service.manager.execute_sync(Job(check_collection, (str(path), known)))
        assert isinstance(health, CollectionHealth)
        if key is not None and key == await asyncio.to_thread(_file_state, path, known):
            self._checked = (key, health)
        return health

    def _forget_check(self, key: _FileState, done: asyncio.Future[CollectionHealth]) -> None:
        if self._checking.get(key) is done:
            del self._checking[key]
        if not done.cancelled():
            done.exception()  # seen here too: every caller may have gone before it failed

    def accept(self, nml_path: str | None = None) -> CollectionHealth:
        """The DJ says the collection is as they want it (they removed those tracks): if it reads as a whole
        collection, its counts become the ones the next checks compare with."""
        path = self.service.nml_path(nml_path)
        health = check_collection(path)
        if health.ok and health.tracks is not None and health.playlists is not None:
            self.service.record_counts(path, (health.tracks, health.playlists))
            log.info("accepted %s as it is: %d tracks, %d playlists", path, health.tracks, health.playlists)
        known = self.service.known_counts(path)
        return check_collection(path, known)

    # --- copies -----------------------------------------------------------------------------------------

    def copies(self, nml_path: str | None = None) -> list[RestorableCopy]:
        """Every restorable copy, newest first (blocking)."""
        path = self.service.nml_path(nml_path)
        listing = read_restorable(path, self._copy_readings.known(path))
        self._copy_readings.keep(path, listing.readings)
        return listing.copies

    async def list_copies(self, nml_path: str | None = None) -> list[RestorableCopy]:
        """Every restorable copy, newest first, read on the sync pool. The current file is read once for this
        and its health: the page asks for both at once, and at 100,000 tracks each read is 150 MB."""
        path = await asyncio.to_thread(self.service.nml_path, nml_path)
        known = await asyncio.to_thread(self._copy_readings.known, path)
        current = await asyncio.to_thread(stamp_of, path)
        if current not in known:  # else its counts are known: no wait for the check
            try:
                health: CollectionHealth | None = await self.check(nml_path)
            except (HarmonyError, OSError):
                health = None  # the listing reads the file itself, and says what it finds
            known.update(self._checked_counts(current, health))
        listing = await self.service.manager.execute_sync(Job(read_restorable, (str(path), known)))
        assert isinstance(listing, Listing)
        await asyncio.to_thread(self._copy_readings.keep, path, listing.readings)
        return listing.copies

    def _checked_counts(self, current: Stamp | None, health: CollectionHealth | None) -> dict[Stamp, Reading]:
        """The current file's counts as ``health`` read them, if it read the version ``current`` (the verdict is
        kept for the version it read, and ``current`` was taken before the check)."""
        checked = self._checked
        if current is None or health is None or checked is None or checked[1] is not health:
            return {}
        if checked[0][0] != current or health.tracks is None or health.playlists is None:
            return {}
        return {current: ((health.tracks, health.playlists), None)}

    async def compare(self, backup: str, nml_path: str | None = None) -> dict[str, Any]:
        """How one listed copy differs from the current file, track by track (on the sync pool)."""
        path = await asyncio.to_thread(self.service.nml_path, nml_path)
        source = await asyncio.to_thread(self._listed, path, backup)
        found = await self.service.manager.execute_sync(Job(compare_copies, (str(source), str(path))))
        assert isinstance(found, dict)
        return found

    def _listed(self, nml_path: Path, backup: str) -> Path:
        """``backup`` if it is one of the listed copies of the collection (the web app restores nothing else)."""
        wanted = Path(backup)
        root = (nml_path.parent / "Backup").resolve()
        try:
            resolved = wanted.resolve()
        except OSError as error:
            raise UnknownBackupError(f"no backup {backup}: {error}") from None
        if not resolved.is_relative_to(root) or not resolved.is_file() or resolved.suffix.lower() != ".nml":
            raise UnknownBackupError(f"{backup} is not one of the backups of {nml_path} (see the list of backups)")
        return resolved

    def restore(
        self, backup: str, nml_path: str | None = None, *, force: bool = False, listed_only: bool = False
    ) -> dict[str, Any]:
        """Put ``backup`` back in place of the collection through the safe write (the current file, damaged
        or not, is backed up first). ``listed_only``: refuse anything but a listed copy (the web app)."""
        target, args = self._restore_args(backup, nml_path, force, listed_only)
        started = datetime.now(UTC)
        try:
            result = run_restore_job(*args)
        except Exception as error:
            self.service.journal(restore_record(target, args[1], started, None, error))
            raise
        # Journaled first: the file is back whatever happens to the counts' record.
        self.service.journal(restore_record(target, args[1], started, result, None))
        self.service.record_counts(target, (result["tracks"], result["playlists"]))
        return result

    async def restore_in_pool(
        self, backup: str, nml_path: str | None = None, *, force: bool = False, listed_only: bool = True
    ) -> dict[str, Any]:
        """:meth:`restore`, run on the export pool (the web app)."""
        target, args = await asyncio.to_thread(self._restore_args, backup, nml_path, force, listed_only)
        started = datetime.now(UTC)
        try:
            result = await self.service.manager.execute_export(Job(run_restore_job, args))
        except Exception as error:
            await asyncio.to_thread(self.service.journal, restore_record(target, args[1], started, None, error))
            raise
        assert isinstance(result, dict)
        await asyncio.to_thread(self.service.journal, restore_record(target, args[1], started, result, None))
        await asyncio.to_thread(self.service.record_counts, target, (result["tracks"], result["playlists"]))
        return result

    def _restore_args(
        self, backup: str, nml_path: str | None, force: bool, listed_only: bool
    ) -> tuple[Path, tuple[str, str, int, bool]]:
        settings = self.service.settings()
        target = self.service.nml_path(nml_path)
        source = self._listed(target, backup) if listed_only else Path(backup).expanduser()
        return target, (str(target), str(source), settings.backups_to_keep, force)

    # --- rebuild ----------------------------------------------------------------------------------------

    def _rebuild_reads(self, out_path: str | None, replace: bool) -> tuple[TraktorSettings, Path]:
        """The settings and the file to write, checked (blocking: the library file and the file system)."""
        settings = self.service.settings()
        target = self.service.nml_path(out_path)
        if target.is_dir():
            raise SyncError(f"{target} is a folder; give the path of the .nml file to write.")
        if target.exists() and not replace:
            raise SyncError(f"{target} already exists; give --replace to write over it (it is backed up first).")
        return settings, target

    async def begin_rebuild(
        self, out_path: str | None = None, *, replace: bool = False, force: bool = False
    ) -> Operation:
        """:meth:`start_rebuild` with its reads on a worker thread (the web app's event loop stays free)."""
        reads = await asyncio.to_thread(self._rebuild_reads, out_path, replace)
        return self.start_rebuild(out_path, replace=replace, force=force, reads=reads)

    def start_rebuild(
        self,
        out_path: str | None = None,
        *,
        replace: bool = False,
        force: bool = False,
        reads: tuple[TraktorSettings, Path] | None = None,
    ) -> Operation:
        """Start writing a complete collection from the library at ``out_path`` (default: the collection
        itself, which then needs ``replace``) on the export pool; returns the operation at once."""
        service = self.service
        settings, target = reads or self._rebuild_reads(out_path, replace)
        service.refuse_if_running(REBUILD, target, "rebuilt")
        options = ExportRequest().options(settings)
        op = service.log.new(REBUILD, str(target))
        args = (str(target), str(service.library_path), options, replace, settings.backups_to_keep, force)
        job = Job(run_rebuild_job, args)

        async def work() -> RebuildResult:
            def forward(report: Any) -> None:
                service.log.progress(op, report.phase, report.percent, report.message, report.current_item)

            result = await service.manager.execute_export(job, forward, cancel_token=op.cancel_token)
            assert isinstance(result, RebuildResult)
            await asyncio.to_thread(service.record_counts, target, (result.tracks, result.playlists))
            return result

        service.launch(op, work, "Rebuilding the collection from the library...", "Rebuild complete", "export")
        return op

    async def rebuild(self, out_path: str | None = None, *, replace: bool = False, force: bool = False) -> Operation:
        """Rebuild and wait for the outcome."""
        return await self.service.wait((await self.begin_rebuild(out_path, replace=replace, force=force)).id)

    def backup_folder(self, nml_path: str | None = None) -> Path:
        return backup_folder(self.service.nml_path(nml_path))
