"""What the listings of a collection's backup copies read, kept in the cache folder from one run to the next.

A listing counts the tracks and playlists of every copy it shows (:mod:`harmony.nmlfile.restorable`): about a
second per copy at 100,000 tracks, and a DJ's ``Backup/`` folder holds ten or more. A copy never changes once
written, so its counts are kept by its :data:`~harmony.nmlfile.Stamp` (path, size, modification time, inode):
without this, every start of ``harmony serve`` and every ``harmony traktor backups`` read them all again. Why a
damaged copy cannot be read is kept too, for the run: every listing read it again.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Final

from harmony.nmlfile import Reading, Stamp
from harmony.service.cache_file import CacheFile

__all__ = ["FILE_NAME", "KEPT_COLLECTIONS", "CopyReadings"]

FILE_NAME: Final = "copy-counts.json"
#: The file's layout: ``[path, size, modification time (ns), inode, tracks, playlists]`` per sound copy (a damaged
#: copy's verdict is kept for the run only: another version of Harmony may read what this one could not).
LAYOUT: Final = 1
#: Collections whose readings are kept, those saved last (a listing saves when what it read changed): a DJ
#: switches between a few at most.
KEPT_COLLECTIONS: Final = 8


def _row(stamp: Stamp, reading: Reading) -> list[Any] | None:
    counts = reading[0]
    return None if counts is None else [*stamp, *counts]


def _reading(row: Any) -> tuple[Stamp, Reading] | None:
    """A stored row back as ``(stamp, reading)``, or None when it is not one (a hand-edited file)."""
    if not (isinstance(row, list) and len(row) == 6 and isinstance(row[0], str)):
        return None
    numbers = row[1:]
    if not all(type(number) is int and number >= 0 for number in numbers):
        return None
    size, modified, inode, tracks, playlists = numbers
    return (row[0], size, modified, inode), ((tracks, playlists), None)


class CopyReadings:
    """The readings of the copies of the collection listed last, kept here and in ``folder``/:data:`FILE_NAME`
    (a cache: see :mod:`harmony.service.cache_file`) for the collections listed before. Safe to use from any
    thread: the command line lists on its own, the web app on threads beside its event loop."""

    def __init__(self, folder: Path) -> None:
        self._file = CacheFile(folder / FILE_NAME, LAYOUT, KEPT_COLLECTIONS)
        self._lock = threading.Lock()
        self._of: Path | None = None  # the collection the readings here are of
        self._readings: dict[Stamp, Reading] = {}

    def known(self, nml_path: Path) -> dict[Stamp, Reading]:
        """What the listings of the copies of the collection at ``nml_path`` read (empty when none did)."""
        with self._lock:
            if self._of != nml_path:
                self._of, self._readings = nml_path, self._load(nml_path)
            return dict(self._readings)

    def keep(self, nml_path: Path, readings: Mapping[Stamp, Reading]) -> None:
        """Keep what a listing read as the collection's, in place of what was kept (a pruned copy's reading goes
        with it); the file is written only when that changed."""
        with self._lock:
            if self._of == nml_path and self._readings == readings:
                return
            self._of, self._readings = nml_path, dict(readings)
            self._file.put(str(nml_path), [row for stamp, reading in readings.items() if (row := _row(stamp, reading))])

    def _load(self, nml_path: Path) -> dict[Stamp, Reading]:
        rows = self._file.get(str(nml_path))
        found: dict[Stamp, Reading] = {}
        for row in rows if isinstance(rows, list) else ():
            read = _reading(row)
            if read is not None:
                found[read[0]] = read[1]
        return found
