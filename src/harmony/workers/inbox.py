"""The one inbox per event loop through which every worker's reader thread hands events to the loop.

All workers of all pools on a loop share it, so the loop spends at most about :data:`DRAIN_BUDGET` seconds per
iteration on worker messages, however many workers are talking at once (with one callback per worker, four
busy workers could each take the budget in the same iteration). Between two slices the loop runs its other
callbacks and timers: a web request, a progress bar, a ticker.

Each worker may have at most :data:`PENDING_LIMIT` events waiting; its reader thread then stops reading the
pipe until the loop catches up, which pushes back on a worker that produces faster than the loop consumes.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
import weakref
from collections import deque
from collections.abc import Callable
from typing import Any, Final

__all__ = ["DRAIN_BUDGET", "PENDING_LIMIT", "LoopInbox", "inbox_for"]

log = logging.getLogger(__name__)

DRAIN_BUDGET: Final = 0.003
"""Seconds of worker-message handling per loop iteration (plus the one message that crosses the line)."""

PENDING_LIMIT: Final = 64
"""Events one worker may have waiting before its reader thread pauses."""

Handler = Callable[[Any], None]


class _Sender:
    """Per-worker bookkeeping: how many of its events are waiting."""

    __slots__ = ("pending",)

    def __init__(self) -> None:
        self.pending = 0


class LoopInbox:
    """A thread-safe FIFO of ``(handler, data)`` drained on one event loop in time-boxed slices."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop
        self._cond = threading.Condition()
        self._items: deque[tuple[_Sender, Handler, Any]] = deque()
        self._scheduled = False
        self._closed = False

    def sender(self) -> _Sender:
        """A handle for one producer (worker), used to bound its pending events."""
        return _Sender()

    def post(self, sender: _Sender, handler: Handler, data: Any) -> bool:
        """From any thread: have ``handler(data)`` called on the loop. False once the loop is closed."""
        with self._cond:
            while sender.pending >= PENDING_LIMIT and not self._closed:
                self._cond.wait(0.5)
                if self._loop.is_closed():
                    self._closed = True
            if self._closed:
                return False
            self._items.append((sender, handler, data))
            sender.pending += 1
            schedule = not self._scheduled
            self._scheduled = True
        if schedule:
            try:
                self._loop.call_soon_threadsafe(self._drain)
            except RuntimeError:  # the loop was closed without closing its pools
                with self._cond:
                    self._closed = True
                    self._cond.notify_all()
                return False
        return True

    def _drain(self) -> None:
        deadline = time.perf_counter() + DRAIN_BUDGET
        while True:
            with self._cond:
                if not self._items:
                    self._scheduled = False
                    return
                sender, handler, data = self._items.popleft()
                sender.pending -= 1
                if sender.pending == PENDING_LIMIT - 1:
                    self._cond.notify_all()
            try:
                handler(data)
            except Exception:
                log.exception("failed to handle a worker event")
            except BaseException:
                # It goes on up (Ctrl+C, a test's timeout), but the events behind it are still handed over:
                # with none left to come, a worker waiting for an answer (its last look) would wait forever.
                self._loop.call_soon(self._drain)
                raise
            if time.perf_counter() >= deadline:
                self._loop.call_soon(self._drain)  # let timers and other callbacks run first
                return


_inboxes: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, LoopInbox] = weakref.WeakKeyDictionary()
_inboxes_lock = threading.Lock()


def inbox_for(loop: asyncio.AbstractEventLoop) -> LoopInbox:
    """The inbox of ``loop`` (created on first use)."""
    with _inboxes_lock:
        inbox = _inboxes.get(loop)
        if inbox is None:
            inbox = _inboxes[loop] = LoopInbox(loop)
        return inbox
