"""One writer per collection.nml at a time: a lock per file, held in this process and across processes.

Two exports of the same collection must run one after the other, never interleaved: the second must see the
file the first wrote (its fingerprint check then tells it to import first). Two layers make that so:

- a :class:`threading.Lock` per file path in this process, so two threads (two web requests, the auto-sync
  and a CLI command in one process) queue without touching the disk;
- a :mod:`filelock` lock (``flock`` on POSIX, ``LockFileEx`` on Windows) on a hidden file beside the NML,
  ``.collection.nml.harmony-lock``, so a second process (a CLI command while the web app exports) queues too.
  The operating system drops the lock when its holder dies, even by SIGKILL, so a crash never leaves it held.

The lock file stays on disk after release on POSIX (an empty, hidden file). That is on purpose: deleting it
while another process waits on it would let a third process lock a new file of the same name and both would
believe they hold the lock. Traktor ignores it.

Paths are compared after :meth:`Path.resolve`, so ``./collection.nml`` and its absolute path are one lock.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import filelock

from harmony.nmlfile.errors import NmlBusyError, SafeWriteError

logger = logging.getLogger(__name__)

__all__ = ["DEFAULT_LOCK_TIMEOUT", "lock_file_path", "nml_lock"]

DEFAULT_LOCK_TIMEOUT = 10.0
"""Seconds to wait for another export of the same file; a write takes about a second per 100 MB."""

_registry_guard = threading.Lock()
_thread_locks: dict[str, threading.Lock] = {}


def lock_file_path(nml_path: str | os.PathLike[str]) -> Path:
    """The hidden lock file beside ``nml_path``: ``<folder>/.<name>.harmony-lock``."""
    path = Path(nml_path)
    return path.with_name(f".{path.name}.harmony-lock")


@contextmanager
def nml_lock(nml_path: str | os.PathLike[str], timeout: float = DEFAULT_LOCK_TIMEOUT) -> Iterator[Path]:
    """Hold the lock of ``nml_path`` for the ``with`` block; yields the resolved path of the NML.

    Waits at most ``timeout`` seconds in all (0: do not wait), then raises :class:`NmlBusyError`. The lock is
    not re-entrant: taking it again in the same thread waits for the timeout and fails, which is the bug it
    would be. A missing folder, or a lock file that cannot be created (a read-only folder), raises
    :class:`SafeWriteError` for the step ``lock``."""
    path = Path(nml_path).resolve()
    if not path.parent.is_dir():
        # filelock would create the missing folders: on an unmounted drive that is a folder on the system disk.
        raise SafeWriteError("lock", f"the folder {path.parent} does not exist (is its drive connected?)")
    timeout = max(0.0, timeout)
    deadline = time.monotonic() + timeout
    in_process = _thread_lock(path)
    if not in_process.acquire(timeout=timeout):
        raise NmlBusyError(path, timeout)
    try:
        across_processes = filelock.FileLock(lock_file_path(path), timeout=max(0.0, deadline - time.monotonic()))
        try:
            across_processes.acquire()
        except filelock.Timeout:
            raise NmlBusyError(path, timeout) from None
        except OSError as error:
            raise SafeWriteError(
                "lock", f"cannot create the lock file {lock_file_path(path)}: {error.strerror or error}"
            ) from error
        # Logged inside the held region on both ends, so the log shows intervals that never overlap.
        logger.debug("locked %s", path)
        try:
            yield path
        finally:
            logger.debug("unlocking %s", path)
            across_processes.release()
    finally:
        in_process.release()


def _thread_lock(path: Path) -> threading.Lock:
    # normcase: one lock for C:\Music\collection.nml and c:\music\COLLECTION.NML on Windows.
    key = os.path.normcase(str(path))
    with _registry_guard:
        lock = _thread_locks.get(key)
        if lock is None:
            lock = _thread_locks[key] = threading.Lock()
        return lock
