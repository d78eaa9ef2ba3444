"""The last line of defence against orphan workers: kill every live worker when the interpreter exits.

Pools close their workers themselves on ``close()``/``destroy()``, and workers exit by themselves when the
parent dies. This registry covers the remaining case: a program that ends (normally, or by an unhandled
exception) while a pool still has workers, without awaiting ``close()``.
"""

from __future__ import annotations

import atexit
import contextlib
import logging
import threading
from multiprocessing.process import BaseProcess

__all__ = ["kill_all", "register", "unregister"]

log = logging.getLogger(__name__)

_lock = threading.Lock()
_live: dict[int, BaseProcess] = {}
_registered = False


def register(process: BaseProcess) -> None:
    """Remember a started worker until it has exited."""
    global _registered
    with _lock:
        _live[id(process)] = process
        if not _registered:
            # Registered after multiprocessing's own exit hook, so it runs first (atexit is last-in,
            # first-out) and multiprocessing never waits on a busy worker.
            atexit.register(kill_all)
            _registered = True


def unregister(process: BaseProcess) -> None:
    """Forget a worker that has exited."""
    with _lock:
        _live.pop(id(process), None)


def kill_all(join_timeout: float = 2.0) -> int:
    """Kill every registered worker and wait briefly for each; returns how many were killed."""
    with _lock:
        processes = list(_live.values())
        _live.clear()
    for process in processes:
        with contextlib.suppress(OSError, ValueError, AttributeError):  # already gone, or never started
            process.kill()
    for process in processes:
        with contextlib.suppress(OSError, ValueError, AssertionError, AttributeError):
            process.join(join_timeout)
    if processes:
        log.debug("killed %d worker process(es) at exit", len(processes))
    return len(processes)
