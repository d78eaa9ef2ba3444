"""Auto-sync: keep the library and collection.nml in step without the DJ pressing a button.

Triggers (each subject to the ``auto_sync`` settings, read afresh every time):

- start-up (``on_startup``);
- a library change (``on_library_change``), debounced by ``debounce_ms``. The app calls
  :meth:`AutoSyncService.library_changed` after its own edits, and a poll of the library's version catches
  edits made by other processes (the CLI);
- the collection changing on disk (Traktor saved it), seen with watchfiles. A file whose fingerprint is the one
  Harmony last read or wrote is Harmony's own write and is ignored.

A trigger that arrives while a sync runs is not dropped (the original's defect): one more run follows.
``direction`` decides what a run does: ``import``, ``export`` (only when the library has edits no export has
written yet), or ``bidirectional`` (import, then export what is pending). The status, with ``state``,
``running``, ``phase``, ``percent``, ``message``, ``direction``, ``last_sync_at`` and ``last_error``, is
published to subscribers on every change, and a success clears the last error.

Living with Traktor: Traktor keeps its collection in memory and writes it when it quits, over anything written
meanwhile. So an export is held while Traktor runs (state ``waiting_for_traktor``, "Waiting for Traktor to
close — 3 tracks to export"), and a watch on Traktor's process runs the sync by itself once Traktor has quit
and the file has settled (no change for :data:`SETTLE_SECONDS`): import what Traktor wrote, then export what
waits. Whether Traktor saved on quitting or not, the held edits go out.

Before every run the collection's health is checked (:mod:`harmony.nmlfile.health`, on the sync pool): a
damaged file (truncated, emptied, lost most of its entries) pauses auto-sync (state ``damaged``) until it is
healthy again (a restore, a rebuild, Traktor saving it, or the DJ accepting it), so auto-sync never imports a
mass removal nor writes over a damaged file.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final

from harmony.errors import HarmonyError
from harmony.library import Library, TraktorSettings
from harmony.nmlfile import CollectionHealth, running_traktor
from harmony.service.operations import Operation
from harmony.words import plural

__all__ = ["AutoSyncService", "AutoSyncStatus", "SyncRunner"]

log = logging.getLogger(__name__)

#: How often the library's version is read to notice edits made by other processes.
LIBRARY_POLL_SECONDS: Final = 2.0
#: How often, while an export waits for Traktor, the running programs are listed to see whether it has quit.
TRAKTOR_POLL_SECONDS: Final = 1.0
#: How often a collection folder that does not exist (a drive not plugged in) is looked for again.
FOLDER_POLL_SECONDS: Final = 5.0
#: After Traktor has quit, how long the collection must stay unchanged before it is imported (Traktor may still
#: be writing it, and a big collection takes a moment).
SETTLE_SECONDS: Final = 3.0

#: The reason of a run a library edit asked for, after the debounce.
LIBRARY_CHANGE: Final = "library change"

#: What auto-sync is doing, as ``state``: switched off, idle, a sync under way, an export held until Traktor
#: quits, paused on a damaged collection, or the last run failed.
STATES: Final = ("off", "idle", "syncing", "waiting_for_traktor", "damaged", "error")


@dataclass(frozen=True, slots=True)
class AutoSyncStatus:
    """What the auto-sync is doing; ``last_error`` is the error of the last run, cleared by a success."""

    enabled: bool = False
    running: bool = False
    phase: str | None = None
    percent: float = 0.0
    message: str = ""
    direction: str | None = None
    last_sync_at: datetime | None = None
    last_error: str | None = None
    pending: bool = False
    state: str = "off"
    pending_tracks: int = 0
    traktor_running: bool = False
    health: dict[str, Any] | None = None
    #: The part of the run's 0–100 % that the import or export running now fills (its own progress, 0–100 %,
    #: maps onto it): a sync both ways reports one figure that never goes back. None between steps.
    step_span: tuple[float, float] | None = None

    def to_json(self) -> dict[str, Any]:
        out = asdict(self)
        out["last_sync_at"] = None if self.last_sync_at is None else self.last_sync_at.isoformat()
        return out


def waiting_message(pending_tracks: int) -> str:
    """What the DJ reads while an export waits for Traktor to quit."""
    what = plural(pending_tracks, "track") if pending_tracks else "playlist edits"
    return f"Waiting for Traktor to close — {what} to export"


def traktor_is_running() -> bool:
    return bool(running_traktor())


class SyncRunner:
    """What auto-sync needs from the service: import, export, and whether an export is pending."""

    def __init__(
        self,
        run_import: Callable[[], Awaitable[Operation]],
        run_export: Callable[[], Awaitable[Operation]],
        settings: Callable[[], TraktorSettings],
        library_path: Path,
        *,
        check: Callable[[], Awaitable[CollectionHealth]] | None = None,
        traktor_running: Callable[[], bool] = traktor_is_running,
        nml_path: Callable[[], Path] | None = None,
    ) -> None:
        """``check`` judges the collection's health (None: not checked); ``traktor_running`` says whether
        Traktor runs (blocking: called on a thread); ``nml_path`` is the collection the syncs use."""
        self.run_import = run_import
        self.run_export = run_export
        self.settings = settings
        self.library_path = library_path
        self.check = check
        self.traktor_running = traktor_running
        self.nml_path = nml_path

    def pending_tracks(self) -> int:
        """How many tracks hold edits no export has written yet."""
        with Library.open(self.library_path) as library:
            return library.pending_track_count()

    def library_state(self) -> tuple[int, bool, str | None]:
        """The library's version, whether an export is pending, and the hash of the NML it last saw."""
        with Library.open(self.library_path) as library:
            status = library.status()
        fingerprint = status.nml_fingerprint
        return status.version, status.pending_export, None if fingerprint is None else fingerprint.sha256


class AutoSyncService:
    """Runs syncs on the triggers above, one at a time, never losing a trigger."""

    def __init__(
        self,
        runner: SyncRunner,
        *,
        poll_seconds: float = LIBRARY_POLL_SECONDS,
        direction: str | None = None,
        always_on: bool = False,
        traktor_poll_seconds: float = TRAKTOR_POLL_SECONDS,
        settle_seconds: float = SETTLE_SECONDS,
    ) -> None:
        """``direction`` overrides the configured one; ``always_on`` (``harmony traktor watch``) runs even when
        the ``enabled`` setting is off (the other settings still apply)."""
        self.runner = runner
        self.poll_seconds = poll_seconds
        self.direction = direction
        self.always_on = always_on
        self.status = AutoSyncStatus()
        self._subscribers: list[Callable[[AutoSyncStatus], object]] = []
        self._wake = asyncio.Event()
        self._reasons: list[str] = []
        self._changed_runs = 0  # runs in a row that Traktor's saves made start again
        self._debounce: asyncio.Task[None] | None = None
        self._tasks: list[asyncio.Task[None]] = []
        self._idle = asyncio.Event()
        self._idle.set()
        self._last_version: int | None = None
        self.traktor_poll_seconds = traktor_poll_seconds
        self.settle_seconds = settle_seconds
        self._traktor_watch: asyncio.Task[None] | None = None
        # Whether it was on, and which collection it followed, when it last started: a restart for a settings
        # change syncs only for a change that calls for it (see start).
        self._started_with: tuple[bool, str | None] | None = None

    # --- subscribers and status ---------------------------------------------------------------------------

    def subscribe(self, callback: Callable[[AutoSyncStatus], object]) -> Callable[[], None]:
        self._subscribers.append(callback)
        return lambda: self._subscribers.remove(callback) if callback in self._subscribers else None

    def _set(self, **changes: Any) -> None:
        # Every key is applied as given, None included: a success really clears the last error and direction.
        if changes.get("running") is False:
            changes.setdefault("step_span", None)  # a run that ended, however, has no step under way
        self.status = replace(self.status, **changes)
        for callback in list(self._subscribers):
            try:
                callback(self.status)
            except Exception:
                log.exception("an auto-sync status subscriber failed")

    # --- life cycle -----------------------------------------------------------------------------------------

    async def start(self, *, restarted: bool = False) -> None:
        """Start watching (library and collection) and, if configured ("on start-up"), sync once.

        ``restarted``: started again because the settings were saved. Then it syncs only when it was just
        switched on or follows another collection; a change of direction, of the wait after edits or of any
        other setting syncs nothing by itself (each used to start a sync the DJ had not asked for)."""
        settings = await asyncio.to_thread(self.runner.settings)
        auto = settings.auto_sync
        enabled = auto.enabled or self.always_on
        before, self._started_with = self._started_with, (enabled, settings.nml_path)
        held = self.status.state in _HELD  # an export waiting for Traktor to quit, or a run that failed
        if enabled and self._last_version is None:
            # The poll compares against the version seen here: taken lazily at the first poll instead, an edit
            # made in the moments after start-up (or after auto-sync is switched on) would become the
            # baseline and never be exported.
            await self._take_baseline()
        self._set(enabled=enabled, state="idle" if enabled else "off")
        self._tasks.append(asyncio.create_task(self._loop(), name="auto-sync"))
        if not enabled:
            log.info("auto-sync is off")
            return
        self._tasks.append(asyncio.create_task(self._poll_library(), name="auto-sync library poll"))
        if settings.nml_path:
            self._tasks.append(asyncio.create_task(self._watch_collection(Path(settings.nml_path))))
        reason = _start_reason(restarted, before, settings.nml_path, auto.on_startup, held)
        if reason is not None:
            self.trigger(reason)
        elif self.runner.check is not None:
            self._tasks.append(asyncio.create_task(self._check_at_startup(), name="auto-sync health check"))

    async def stop(self) -> None:
        """Stop watching; a sync under way finishes first (its operation can be cancelled through the service)."""
        if self._debounce is not None:
            self._tasks.append(self._debounce)
            self._debounce = None
        await self._idle.wait()
        if self._traktor_watch is not None:
            self._tasks.append(self._traktor_watch)
            self._traktor_watch = None
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            try:
                await task
            except asyncio.CancelledError:
                pass
            except Exception:
                # A watcher that died on its own (said in the log when it happened) must not stop the others
                # from being stopped, nor fail the app's shutdown.
                log.debug("auto-sync task %s had ended with an error", task.get_name(), exc_info=True)
        self._tasks.clear()

    # --- triggers -------------------------------------------------------------------------------------------

    def _failed(self, error: Exception) -> None:
        """The run ended in an error: the status says so (the page shows its words)."""
        self._set(
            running=False, state="error", phase=None, percent=0.0, message="Auto-sync failed", last_error=str(error)
        )

    def trigger(self, reason: str) -> None:
        """Ask for a sync; while one runs, one more follows it."""
        self._reasons.append(reason)
        self._set(pending=True)
        self._wake.set()

    def library_changed(self) -> None:
        """The library was edited: sync after ``debounce_ms`` without further edits (if configured).

        Returns at once: the settings are read on a worker thread (they live in the library file), and each
        new edit restarts the wait."""
        if self._debounce is not None:
            self._debounce.cancel()
        self._debounce = asyncio.get_running_loop().create_task(
            self._after_library_change(), name="auto-sync library change"
        )

    async def _after_library_change(self) -> None:
        try:
            auto = (await asyncio.to_thread(self.runner.settings)).auto_sync
        except HarmonyError as error:
            log.warning("auto-sync cannot read its settings: %s", error)
            return
        if not ((auto.enabled or self.always_on) and auto.on_library_change):
            return
        await asyncio.sleep(auto.debounce_ms / 1000)
        self._debounce = None
        self.trigger(LIBRARY_CHANGE)

    async def run_once(self, direction: str | None = None, reason: str = "manual") -> AutoSyncStatus:
        """Run one sync now (after any that runs) in ``direction`` (default: the configured one)."""
        await self._idle.wait()
        self._idle.clear()
        try:
            await self._run(direction, reason)
        finally:
            self._idle.set()
        return self.status

    async def settled(self) -> None:
        """Wait until no sync runs and none is waiting (for tests and shutdown)."""
        while True:
            await self._idle.wait()
            if not self._reasons and not self._wake.is_set():
                return
            await asyncio.sleep(0.01)

    # --- the work -------------------------------------------------------------------------------------------

    async def _loop(self) -> None:
        while True:
            await self._wake.wait()
            await self._idle.wait()
            self._wake.clear()
            reasons, self._reasons = self._reasons, []
            if not reasons:
                continue
            if set(reasons) == {LIBRARY_CHANGE} and not await self._edits_waiting():
                # The edits that asked for this run went out with an earlier one (the run when auto-sync was
                # switched on, or one another trigger started during the debounce): it would export nothing and
                # import nothing new (Traktor's saves have their own trigger), and say "Sync complete" twice
                # for one edit.
                log.info("auto-sync: the library's edits were exported meanwhile; no run")
                self._set(pending=False)
                continue
            self._idle.clear()
            try:
                await self._run(None, ", ".join(dict.fromkeys(reasons)))
            except Exception:
                log.exception("auto-sync run failed")
            finally:
                self._idle.set()

    async def _edits_waiting(self) -> bool:
        """Whether the library holds edits no export has written (the version, as every run's export step asks;
        an unreadable library says yes, and the run that follows says why)."""
        try:
            return (await asyncio.to_thread(self.runner.library_state))[1]
        except HarmonyError:
            return True

    async def current_direction(self) -> str:
        """The direction of its runs: the one it was started with, else the settings' (read on a thread)."""
        return self.direction or (await asyncio.to_thread(self.runner.settings)).auto_sync.direction

    async def _run(self, direction: str | None, reason: str) -> None:
        direction = direction or await self.current_direction()
        self._set(
            running=True,
            state="syncing",
            pending=bool(self._reasons),
            phase="starting",
            percent=0.0,
            message=f"Starting auto-sync ({reason})...",
            direction=direction,
            step_span=None,
        )
        log.info("auto-sync (%s): %s", reason, direction)
        try:
            if not await self._healthy():
                return
            messages: list[str] = []
            if direction in ("import", "bidirectional"):
                import_end = 50.0 if direction == "bidirectional" else 90.0
                self._set(
                    phase="syncing", percent=10.0, step_span=(10.0, import_end), message="Importing from Traktor..."
                )
                op = await self.runner.run_import()
                messages.append(f"Import: {_summary(op)}")
                self._set(percent=import_end, step_span=None, message=messages[-1])
            if direction in ("export", "bidirectional"):
                _, pending, _ = await asyncio.to_thread(self.runner.library_state)
                if pending and await asyncio.to_thread(self.runner.traktor_running):
                    await self._wait_for_traktor(messages)
                    return
                if pending:
                    percent = 60.0 if direction == "bidirectional" else 10.0
                    self._set(
                        phase="writing", percent=percent, step_span=(percent, 100.0), message="Exporting to Traktor..."
                    )
                    op = await self.runner.run_export()
                    messages.append(f"Export: {_summary(op)}")
                else:
                    messages.append("Export: nothing pending")
        except CollectionChangedMeanwhile as error:
            # Traktor saved while this run exported: nothing was written; run once more with its changes (a few
            # times in a row at most: a file that never stops changing is an error after all).
            self._changed_runs += 1
            if self._changed_runs > MAX_CHANGED_RUNS:
                self._changed_runs = 0
                self._failed(error)
                return
            self._set(
                running=False,
                state="idle",
                phase=None,
                percent=0.0,
                message="Traktor saved the collection during the sync; syncing again with its changes...",
            )
            self.trigger("collection changed during the sync")
            return
        except HarmonyError as error:
            self._failed(error)
            return
        self._last_version = (await asyncio.to_thread(self.runner.library_state))[0]
        self._changed_runs = 0
        self._set(
            running=False,
            state="idle",
            phase="complete",
            percent=100.0,
            step_span=None,
            message="; ".join(messages) or "Auto-sync complete",
            direction=None,
            last_sync_at=datetime.now(UTC),
            last_error=None,
            pending=bool(self._reasons),
            pending_tracks=0,
            traktor_running=False,
        )

    async def _healthy(self) -> bool:
        """Check the collection; on a damaged (or missing) one, pause with that status and say so."""
        if self.runner.check is None:
            return True
        self._set(phase="checking", percent=5.0, message="Checking the collection...")
        health = await self.runner.check()
        self._set(health=health.to_json())
        if health.ok:
            return True
        if health.status == "damaged":
            self._set(
                running=False,
                state="damaged",
                phase=None,
                percent=0.0,
                message=f"Paused: the collection looks damaged ({health.reason})",
                last_error=f"The collection looks damaged: {health.reason}. Restore a backup or rebuild it.",
                direction=None,
            )
        else:
            raise HarmonyError(f"The collection cannot be found: {health.reason}.")
        return False

    async def _check_at_startup(self) -> None:
        """At start-up without a start-up sync: still say at once when the collection is damaged."""
        assert self.runner.check is not None
        try:
            health = await self.runner.check()
        except HarmonyError as error:
            log.warning("auto-sync cannot check the collection: %s", error)
            return
        if self._idle.is_set() and health.status == "damaged" and self.status.state == "idle":
            self._set(
                state="damaged",
                health=health.to_json(),
                message=f"Paused: the collection looks damaged ({health.reason})",
                last_error=f"The collection looks damaged: {health.reason}. Restore a backup or rebuild it.",
            )
        else:
            self._set(health=health.to_json())

    async def _wait_for_traktor(self, messages: list[str]) -> None:
        """Hold the export while Traktor runs: say so, and sync by itself once Traktor has quit."""
        count = await asyncio.to_thread(self.runner.pending_tracks)
        done = "; ".join(messages)
        self._set(
            running=False,
            state="waiting_for_traktor",
            phase=None,
            percent=0.0,
            message=waiting_message(count) + (f" ({done})" if done else ""),
            direction=None,
            pending_tracks=count,
            traktor_running=True,
            last_error=None,
        )
        if self._traktor_watch is None or self._traktor_watch.done():
            self._traktor_watch = asyncio.create_task(self._watch_traktor(), name="auto-sync waits for Traktor")

    async def _watch_traktor(self) -> None:
        """Wait for Traktor to quit and the collection to settle, then run the held sync."""
        while await asyncio.to_thread(self.runner.traktor_running):
            await asyncio.sleep(self.traktor_poll_seconds)
        self._set(traktor_running=False, message="Traktor closed: waiting for the collection to settle...")
        if self.runner.nml_path is not None:
            await self._settle(self.runner.nml_path())
        log.info("Traktor has quit: running the sync that waited for it")
        self._traktor_watch = None
        self.trigger("Traktor closed")

    async def _settle(self, path: Path) -> None:
        """Return once ``path`` has not changed (size, modification time) for :attr:`settle_seconds`."""

        def state() -> tuple[int, int] | None:
            try:
                stat = path.stat()
            except OSError:
                return None
            return stat.st_size, stat.st_mtime_ns

        step = min(0.25, self.settle_seconds / 4) or 0.05
        last = await asyncio.to_thread(state)
        quiet = 0.0
        while quiet < self.settle_seconds:
            await asyncio.sleep(step)
            now = await asyncio.to_thread(state)
            quiet = quiet + step if now == last else 0.0
            last = now

    async def _take_baseline(self) -> None:
        try:
            self._last_version = (await asyncio.to_thread(self.runner.library_state))[0]
        except HarmonyError as error:
            log.warning("auto-sync cannot read the library: %s", error)

    async def _poll_library(self) -> None:
        """Notice edits other processes make: a new library version with an export pending."""
        while True:
            await asyncio.sleep(self.poll_seconds)
            try:
                version, pending, _ = await asyncio.to_thread(self.runner.library_state)
            except HarmonyError as error:
                log.warning("auto-sync cannot read the library: %s", error)
                continue
            if self._last_version is None:
                self._last_version = version
            elif version != self._last_version and self._idle.is_set():
                self._last_version = version
                if pending:
                    self.library_changed()
                elif self.status.state == "damaged":
                    # The library changed while auto-sync was paused on a damaged collection: an import the DJ
                    # confirmed, or a restore. The next run checks the collection again and resumes if it is ok.
                    self.trigger("library changed")

    async def _watch_collection(self, nml_path: Path) -> None:
        """Trigger a sync when Traktor saves the collection (not when Harmony wrote it)."""
        import watchfiles

        target = nml_path.resolve()

        def is_collection(change: watchfiles.Change, path: str) -> bool:
            return Path(path).resolve() == target

        while True:
            # A collection on a drive that is not plugged in (or a folder not made yet): wait for its folder
            # instead of failing; watchfiles cannot watch a folder that does not exist.
            while not await asyncio.to_thread(nml_path.parent.is_dir):
                await asyncio.sleep(FOLDER_POLL_SECONDS)
            try:
                async for _changes in watchfiles.awatch(nml_path.parent, watch_filter=is_collection, debounce=500):
                    await self._collection_changed(nml_path)
            except FileNotFoundError:
                log.info("the collection's folder %s went away: waiting for it to come back", nml_path.parent)
                await asyncio.sleep(FOLDER_POLL_SECONDS)
                continue
            return

    async def _collection_changed(self, nml_path: Path) -> None:
        """The file changed on disk: sync unless it was Harmony's own write or Traktor is still writing."""
        from harmony.nmlfile import read_with_fingerprint

        try:
            _, fingerprint = await asyncio.to_thread(read_with_fingerprint, nml_path)
            _, _, known = await asyncio.to_thread(self.runner.library_state)
        except HarmonyError as error:
            log.info("collection changed but cannot be read yet: %s", error)
            return
        if fingerprint.sha256 == known:
            return  # Harmony's own write, or a save that changed nothing
        if self.status.state == "waiting_for_traktor":
            return  # Traktor is writing: the sync runs once it has quit and the file has settled
        self.trigger("collection changed")


#: How many runs in a row may start again because Traktor saved the collection meanwhile.
MAX_CHANGED_RUNS = 3


class CollectionChangedMeanwhile(HarmonyError):
    """Traktor saved the collection while this run was writing it: the run starts again (not an error)."""


def _summary(op: Operation) -> str:
    if op.status != "succeeded" and op.error_code == "collection_changed":
        raise CollectionChangedMeanwhile(op.error or "The collection changed during the sync.")
    if op.status != "succeeded":
        raise HarmonyError(op.error or f"The {op.operation} was {op.status}.")
    summary = getattr(op.result, "summary", None)
    return summary() if callable(summary) else "done"


#: Auto-sync's states that leave a run to do: a restart for saved settings (which stops its watch for Traktor)
#: tries it again, or the export held for Traktor would never go out.
_HELD: Final = frozenset({"waiting_for_traktor", "error"})


def _start_reason(
    restarted: bool, before: tuple[bool, str | None] | None, nml_path: str | None, on_startup: bool, held: bool
) -> str | None:
    """Why a start of auto-sync (switched on) syncs at once, or None when it need not: at start-up, when it is
    switched on or follows another collection (each with "on start-up"), and after a restart that found a run
    held or failed."""
    if not restarted or before is None:
        return "startup" if on_startup else None
    was_on, followed = before
    if was_on and held:
        return "settings saved"
    if not on_startup:
        return None
    if not was_on:
        return "switched on"
    if followed != nml_path:
        return "another collection"
    return None
