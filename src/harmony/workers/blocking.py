"""A blocking facade over :class:`WorkerPool`, for the CLI and scripts that have no event loop.

The facade runs a private event loop on a background thread and forwards each call to the pool there, so every
behaviour (progress, cancellation, crash isolation, timeouts) is the asyncio pool's own. ``on_progress``
callbacks run on that background thread. Ctrl+C during :meth:`BlockingWorkerPool.run` cancels the task
(cooperatively, then by killing its worker after ``cancel_grace``) and re-raises ``KeyboardInterrupt``.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import threading
from collections.abc import Callable, Coroutine
from types import TracebackType
from typing import Any, TypeVar

from harmony.workers.cancel import CancelToken
from harmony.workers.pool import WorkerPool
from harmony.workers.progress import ProgressCallback
from harmony.workers.stats import PoolStats

__all__ = ["BlockingWorkerPool"]

T = TypeVar("T")


class BlockingWorkerPool:
    """The same pool, used without ``await``. Takes exactly :class:`WorkerPool`'s arguments."""

    def __init__(self, name: str = "sync", **options: Any) -> None:
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name=f"harmony-{name}-pool-loop", daemon=True)
        self._thread.start()
        self._finished = False

        async def create() -> WorkerPool:
            return WorkerPool(name, **options)

        try:
            self._pool = self._call(create())
        except BaseException:
            self._stop_loop()
            raise

    @property
    def pool(self) -> WorkerPool:
        """The underlying asyncio pool (only touch it from its loop's thread)."""
        return self._pool

    def run(
        self,
        fn: Callable[..., Any],
        /,
        *args: Any,
        on_progress: ProgressCallback | None = None,
        timeout: float | None = None,
        retries: int = 0,
        cancel_token: CancelToken | None = None,
        **kwargs: Any,
    ) -> Any:
        """Run ``fn`` in a worker and wait for its result; see :meth:`WorkerPool.run`."""
        future = asyncio.run_coroutine_threadsafe(
            self._pool.run(
                fn,
                *args,
                on_progress=on_progress,
                timeout=timeout,
                retries=retries,
                cancel_token=cancel_token,
                **kwargs,
            ),
            self._loop,
        )
        try:
            return future.result()
        except KeyboardInterrupt:
            future.cancel()
            with contextlib.suppress(concurrent.futures.CancelledError, concurrent.futures.TimeoutError, Exception):
                future.result(timeout=5.0)
            raise

    def stats(self) -> PoolStats:
        """See :meth:`WorkerPool.stats`."""

        async def snapshot() -> PoolStats:
            return self._pool.stats()

        return self._call(snapshot())

    def close(self) -> None:
        """Finish queued and running work, stop the workers and the private loop."""
        if self._finished:
            return
        try:
            self._call(self._pool.close())
        finally:
            self._stop_loop()

    def destroy(self) -> None:
        """Fail all work, kill the workers, stop the private loop."""
        if self._finished:
            return
        try:
            self._call(self._pool.destroy())
        finally:
            self._stop_loop()

    def __enter__(self) -> BlockingWorkerPool:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if exc_type is None:
            self.close()
        else:
            self.destroy()

    def _call(self, coroutine: Coroutine[Any, Any, T]) -> T:
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result()

    def _stop_loop(self) -> None:
        self._finished = True
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join()
        self._loop.close()
