"""How worker processes are started: forkserver on Linux, spawn elsewhere, never fork.

``fork`` copies a parent that has threads (the pool's reader threads, a web server) and open database handles,
which can deadlock the child; its children also inherit each other's pipe ends, which breaks crash and
parent-death detection. The forkserver is a small clean process that imports ``lxml.etree`` once, so a new
worker is a cheap fork of it (about 12 ms here instead of 70 ms for spawn).
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import queue
import sys
import threading
from collections.abc import Callable, Iterator
from multiprocessing import spawn
from multiprocessing.context import BaseContext
from typing import Any

__all__ = [
    "DEFAULT_PRELOAD",
    "default_start_method",
    "get_context",
    "launching_worker",
    "preload_modules",
    "warm_up",
]

log = logging.getLogger(__name__)

DEFAULT_PRELOAD: tuple[str, ...] = ("harmony.workers._forkserver_init", "lxml.etree", "harmony.workers.child")
"""Modules the forkserver imports once, so every worker starts with them loaded; the first one makes the
forkserver die with the app (:mod:`harmony.workers.lifeline`)."""

_preload: list[str] = list(DEFAULT_PRELOAD)


def preload_modules(*modules: str) -> None:
    """Have the forkserver import ``modules`` too (e.g. the job modules), so workers start warm.

    Takes effect only if called before the first worker of the process starts the forkserver.
    """
    for module in modules:
        if module not in _preload:
            _preload.append(module)


def default_start_method() -> str:
    """``forkserver`` on Linux (where it exists), ``spawn`` everywhere else."""
    if sys.platform.startswith("linux") and "forkserver" in multiprocessing.get_all_start_methods():
        return "forkserver"
    return "spawn"


def get_context(start_method: str | None = None) -> BaseContext:
    """The multiprocessing context for ``start_method`` (None: the default); refuses ``fork``."""
    method = start_method or default_start_method()
    if method == "fork":
        raise ValueError("Harmony never starts workers with 'fork'; use 'forkserver' or 'spawn'")
    if method not in multiprocessing.get_all_start_methods():
        raise ValueError(f"start method {method!r} is not available on this platform")
    context = multiprocessing.get_context(method)
    if method == "forkserver":
        # The preload list is global to the process's one forkserver; it only matters before that server
        # starts.
        context.set_forkserver_preload(list(_preload))
    return context


_launch_state = threading.local()
_patch_lock = threading.Lock()
_original_preparation_data: Callable[[str], dict[str, Any]] | None = None


def _preparation_data_without_main(name: str) -> dict[str, Any]:
    """``multiprocessing.spawn.get_preparation_data``, minus the app's main module for Harmony's workers."""
    assert _original_preparation_data is not None
    data = _original_preparation_data(name)
    if getattr(_launch_state, "active", False):
        data.pop("init_main_from_name", None)
        data.pop("init_main_from_path", None)
    return data


@contextlib.contextmanager
def launching_worker() -> Iterator[None]:
    """Start processes in this block without re-running the app's ``__main__`` module in them.

    By default a spawn or forkserver child first re-runs the parent's main script (as ``__mp_main__``) so that
    functions defined there can be unpickled. Task functions must live in importable modules anyway, and
    re-running the app's entry point in every worker costs start-up time (importing the CLI or the web stack)
    and risks side effects. Only the current thread is affected: other code starting processes at the same
    time keeps the standard behaviour.
    """
    global _original_preparation_data
    with _patch_lock:
        if _original_preparation_data is None:
            _original_preparation_data = spawn.get_preparation_data
            spawn.get_preparation_data = _preparation_data_without_main
    _launch_state.active = True
    try:
        yield
    finally:
        _launch_state.active = False


def warm_up(context: BaseContext) -> None:
    """Start the forkserver now if ``context`` uses one (blocking: call it off the event loop).

    The forkserver is started from a thread kept for the life of the app: it is killed when the thread that
    started it ends (its parent-death signal, :mod:`harmony.workers.lifeline`), and a pool's executor thread
    may end long before the app does."""
    if context.get_start_method() == "forkserver":
        error = _keeper.run(_ensure_forkserver)
        if error is not None:
            raise error
        log.debug("forkserver running with preload %s", _preload)


def _ensure_forkserver() -> None:
    from multiprocessing import forkserver

    forkserver.ensure_running()


class _Keeper:
    """One daemon thread that runs the calls it is given, one at a time, and stays alive until the app ends."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._calls: queue.SimpleQueue[tuple[Callable[[], None], threading.Event, list[BaseException]]] = (
            queue.SimpleQueue()
        )
        self._thread: threading.Thread | None = None

    def run(self, call: Callable[[], None]) -> BaseException | None:
        """Run ``call`` on the keeper thread and wait for it; return what it raised (None if nothing)."""
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._serve, name="harmony-forkserver-keeper", daemon=True)
                self._thread.start()
        done, raised = threading.Event(), list[BaseException]()
        self._calls.put((call, done, raised))
        done.wait()
        return raised[0] if raised else None

    def _serve(self) -> None:
        while True:
            call, done, raised = self._calls.get()
            try:
                call()
            except BaseException as error:  # handed back to the caller
                raised.append(error)
            finally:
                done.set()


_keeper = _Keeper()
