"""A cancel token: a way to cancel a pool task from code that does not hold its asyncio task.

``asyncio`` cancellation of ``pool.run(...)`` is the usual way to cancel. A :class:`CancelToken` serves the
other cases: a web request that cancels an operation started by another request, or a CLI's Ctrl+C handler.
One token may be passed to several calls; cancelling it cancels them all, and calls made with an already
cancelled token fail at once with :class:`~harmony.workers.errors.TaskCancelled`.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable

__all__ = ["CancelToken"]


class CancelToken:
    """A one-shot cancellation flag with callbacks. Safe to cancel from any thread."""

    __slots__ = ("_callbacks", "_cancelled", "_lock", "reason")

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._cancelled = False
        self._callbacks: list[Callable[[], None]] = []
        self.reason = ""

    @property
    def cancelled(self) -> bool:
        """True once :meth:`cancel` has been called."""
        return self._cancelled

    def cancel(self, reason: str = "") -> None:
        """Cancel every task run with this token. Calling it again does nothing."""
        with self._lock:
            if self._cancelled:
                return
            self._cancelled = True
            self.reason = reason
            callbacks, self._callbacks = self._callbacks, []
        for callback in callbacks:
            callback()

    def add_callback(self, callback: Callable[[], None]) -> Callable[[], None]:
        """Call ``callback`` on cancel (at once if already cancelled); returns a function that unregisters it.

        The callback runs on the thread that calls :meth:`cancel`; the pool's callback hops to its loop
        itself.
        """
        with self._lock:
            if not self._cancelled:
                self._callbacks.append(callback)
                return lambda: self._remove(callback)
        callback()
        return lambda: None

    def _remove(self, callback: Callable[[], None]) -> None:
        with self._lock, contextlib.suppress(ValueError):
            self._callbacks.remove(callback)
