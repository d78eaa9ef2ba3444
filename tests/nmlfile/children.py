"""What the child processes of the crash and concurrency tests run (top-level functions, for multiprocessing).

They run in a ``forkserver`` child that has already imported Harmony, so each starts in milliseconds."""

from __future__ import annotations

import logging
import os
import time
from multiprocessing.synchronize import Barrier, Event
from pathlib import Path

from harmony.nmlfile import read_with_fingerprint, safe_write, write_collection


def _ignore_other_traktors() -> None:
    # The machine is shared: a process called Traktor started by someone else's test must not stop these.
    safe_write.running_traktor = list  # type: ignore[assignment]


def write_forever(nml: str, old_file: str, new_file: str, ready: Event) -> None:
    """Swap the collection between two contents, as fast as it can, until killed."""
    _ignore_other_traktors()
    path = Path(nml)
    contents = {name: Path(name).read_bytes() for name in (old_file, new_file)}
    old, new = contents[old_file], contents[new_file]
    ready.set()
    while True:
        current, fingerprint = read_with_fingerprint(path)
        write_collection(path, new if current == old else old, expected=fingerprint, keep=3)


class _TimestampLog(logging.Handler):
    """Appends ``<time_ns> <pid> <message>`` for each lock record: one short line per O_APPEND write, so the
    lines of two processes never mix."""

    def __init__(self, log: Path) -> None:
        super().__init__(logging.DEBUG)
        self.log = log

    def emit(self, record: logging.LogRecord) -> None:
        line = f"{time.time_ns()} {os.getpid()} {record.getMessage().split()[0]}\n"
        with self.log.open("a") as handle:
            handle.write(line)


def write_logged(nml: str, data_file: str, times: int, log: str, start: Barrier) -> None:
    """Write ``data_file``'s content ``times`` times, logging when the lock is taken and given back."""
    _ignore_other_traktors()
    lock_logger = logging.getLogger("harmony.nmlfile.lock")
    lock_logger.setLevel(logging.DEBUG)
    lock_logger.addHandler(_TimestampLog(Path(log)))
    data = Path(data_file).read_bytes()
    start.wait()
    for _ in range(times):
        write_collection(Path(nml), data, expected=None, backup=False)


def write_from_plan(
    nml: str, data_file: str, plan_sha256: str, plan_size: int, plan_mtime: int, start: Barrier, out: str
) -> None:
    """Write as an export planned from the file with that fingerprint; record ``ok`` or the error's step."""
    from harmony.nmlfile import NmlFingerprint, SafeWriteError

    _ignore_other_traktors()
    expected = NmlFingerprint(nml, plan_size, plan_mtime, plan_sha256)
    data = Path(data_file).read_bytes()
    start.wait()
    try:
        write_collection(Path(nml), data, expected=expected, backup=False)
        outcome = "ok"
    except SafeWriteError as error:
        outcome = error.step
    Path(out).write_text(outcome)


def hold_lock(nml: str, ready: Event) -> None:
    """Take the lock of ``nml`` and keep it until killed."""
    from harmony.nmlfile import nml_lock

    with nml_lock(Path(nml)):
        ready.set()
        while True:
            time.sleep(1)
