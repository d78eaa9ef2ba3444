"""``WorkerManager``: the app's two pools — one for sync (import from Traktor), one for export.

Two pools keep an export responsive while a long import runs; ``shared=True`` puts both kinds of work on one
pool (fewer processes, the seed's "next step"). There is one manager per process
(:meth:`WorkerManager.instance`), but tests and tools may construct their own. The process-wide manager shuts
its workers down at interpreter exit and on SIGTERM.
"""

from __future__ import annotations

import asyncio
import atexit
import dataclasses
import logging
import signal
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import FrameType, MappingProxyType
from typing import Any, ClassVar

from harmony.workers.cancel import CancelToken
from harmony.workers.pool import WorkerPool
from harmony.workers.progress import Progress, ProgressCallback
from harmony.workers.stats import PoolStats

__all__ = ["Job", "PoolConfig", "WorkerManager"]

log = logging.getLogger(__name__)

SYNC = "sync"
EXPORT = "export"


@dataclass(frozen=True, slots=True)
class PoolConfig:
    """The options of one pool; the defaults are the seed's (2 workers, none kept, 60 s idle timeout)."""

    max_workers: int = 2
    min_workers: int = 0
    idle_timeout: float = 60.0
    max_queue: int | None = None
    task_timeout: float | None = None
    cancel_grace: float = 3.0
    max_tasks_per_worker: int | None = None
    start_method: str | None = None

    def create(self, name: str) -> WorkerPool:
        """A new pool named ``name`` with these options."""
        return WorkerPool(name, **{f.name: getattr(self, f.name) for f in dataclasses.fields(self)})


@dataclass(frozen=True, slots=True)
class Job:
    """One unit of work for a pool: an importable top-level function and its arguments.

    ``retries`` should stay 0 unless running the job twice is harmless; ``timeout`` counts from dispatch.
    """

    fn: Callable[..., Any]
    args: tuple[Any, ...] = ()
    kwargs: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))
    timeout: float | None = None
    retries: int = 0

    @property
    def name(self) -> str:
        return f"{self.fn.__module__}.{self.fn.__qualname__}"


class WorkerManager:
    """Owns the sync and export pools (or one shared pool) and runs jobs on them."""

    _instance: ClassVar[WorkerManager | None] = None
    _instance_lock: ClassVar[threading.Lock] = threading.Lock()

    def __init__(
        self,
        sync: PoolConfig | None = None,
        export: PoolConfig | None = None,
        *,
        shared: bool = False,
    ) -> None:
        self.shared = shared
        if shared:
            pool = (sync or PoolConfig()).create("shared")
            self._pools = {SYNC: pool, EXPORT: pool}
        else:
            self._pools = {
                SYNC: (sync or PoolConfig()).create(SYNC),
                EXPORT: (export or PoolConfig()).create(EXPORT),
            }

    @classmethod
    def instance(cls) -> WorkerManager:
        """The process's manager, created with the default options on first use.

        Creating it registers :meth:`shutdown_now` to run at interpreter exit and on SIGTERM (when called on
        the main thread; a previous SIGTERM handler is called after the workers are gone).
        """
        with cls._instance_lock:
            if cls._instance is None:
                manager = cls()
                atexit.register(manager.shutdown_now)
                manager.install_sigterm_handler()
                cls._instance = manager
            return cls._instance

    @property
    def sync_pool(self) -> WorkerPool:
        return self._pools[SYNC]

    @property
    def export_pool(self) -> WorkerPool:
        return self._pools[EXPORT]

    async def execute_sync(
        self,
        job: Job,
        on_progress: ProgressCallback | None = None,
        *,
        cancel_token: CancelToken | None = None,
    ) -> Any:
        """Run ``job`` on the sync pool; progress arrives as ``Progress(operation="sync", ...)``."""
        return await self._execute(SYNC, job, on_progress, cancel_token)

    async def execute_export(
        self,
        job: Job,
        on_progress: ProgressCallback | None = None,
        *,
        cancel_token: CancelToken | None = None,
    ) -> Any:
        """Run ``job`` on the export pool; progress arrives as ``Progress(operation="export", ...)``."""
        return await self._execute(EXPORT, job, on_progress, cancel_token)

    def stats(self) -> dict[str, PoolStats]:
        """``{"sync": PoolStats, "export": PoolStats}`` (the same snapshot twice when the pool is shared)."""
        if self.shared:
            snapshot = self._pools[SYNC].stats()
            return {SYNC: snapshot, EXPORT: snapshot}
        return {name: pool.stats() for name, pool in self._pools.items()}

    async def shutdown(self, timeout: float | None = 10.0) -> None:
        """Close the pools: finish queued and running work for up to ``timeout`` seconds.

        Whatever is still unfinished then is destroyed (its calls fail with ``PoolClosedError``).
        """
        pools = list(dict.fromkeys(self._pools.values()))
        closing = asyncio.gather(*(pool.close() for pool in pools))
        try:
            await asyncio.wait_for(asyncio.shield(closing), timeout)
        except TimeoutError:
            log.warning("worker pools did not finish within %s s; stopping them", timeout)
            await asyncio.gather(*(pool.destroy() for pool in pools))
            await closing

    def shutdown_now(self) -> None:
        """Kill every worker at once, without awaiting (interpreter exit, SIGTERM). Unfinished tasks fail."""
        for pool in dict.fromkeys(self._pools.values()):
            try:
                pool.kill_now()
            except Exception:
                log.exception("could not stop the %s pool", pool.name)

    def install_sigterm_handler(self) -> bool:
        """On SIGTERM, kill the workers, then do what was done before (by default: terminate).

        Only possible on the main thread; returns False elsewhere.
        """
        if threading.current_thread() is not threading.main_thread():
            return False
        previous = signal.getsignal(signal.SIGTERM)

        def on_sigterm(signum: int, frame: FrameType | None) -> None:
            # The handler may interrupt the pools mid-update: kill the processes now, and let each pool fail
            # its tasks on its own loop.
            for pool in dict.fromkeys(self._pools.values()):
                pool.kill_processes()
                pool.request_kill_now()
            if callable(previous):
                previous(signum, frame)
            elif previous == signal.SIG_DFL:
                signal.signal(signal.SIGTERM, signal.SIG_DFL)
                signal.raise_signal(signal.SIGTERM)

        signal.signal(signal.SIGTERM, on_sigterm)
        return True

    async def _execute(
        self, operation: str, job: Job, on_progress: ProgressCallback | None, cancel_token: CancelToken | None
    ) -> Any:
        forward: ProgressCallback | None = None
        if on_progress is not None:
            callback = on_progress

            def forward(report: Progress) -> object:
                # With a shared pool every report says "shared"; the caller wants the operation it asked for.
                return callback(dataclasses.replace(report, operation=operation))

        return await self._pools[operation].run(
            job.fn,
            *job.args,
            on_progress=forward,
            timeout=job.timeout,
            retries=job.retries,
            cancel_token=cancel_token,
            **dict(job.kwargs),
        )
