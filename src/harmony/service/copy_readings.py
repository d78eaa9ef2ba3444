"""What the listings of a collection's backup copies read, kept in the cache folder from one run to the next.

A listing counts the tracks and playlists of every copy it shows (:mod:`harmony.nmlfile.restorable`): about a
second per copy at 100,000 tracks, and a DJ's ``Backup/`` folder holds ten or more. A copy never changes once
written, so its counts are kept by its :data:`~harmony.nmlfile.Stamp` (path, size, modification time, inode):
without this, every start of ``harmony serve`` and every ``harmony traktor backups`` read them all again.

The file is a cache: it is never needed, a damaged or missing one reads as empty, and a write that fails is
only logged. Two processes saving at once may lose one's listing (each writes what it read over the other):
that copy is read again next time.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Final

from harmony.errors import HarmonyError
from harmony.nml import write_atomically
from harmony.nmlfile import Reading, Stamp

__all__ = ["FILE_NAME", "KEPT_COLLECTIONS", "CopyReadings"]

log = logging.getLogger(__name__)

FILE_NAME: Final = "copy-counts.json"
#: The file's layout; a file of another layout is not read.
FORMAT: Final = 1
#: Collections whose readings are kept, the most recently listed first: a DJ switches between a few at most.
KEPT_COLLECTIONS: Final = 8


def _row(stamp: Stamp, reading: Reading) -> list[Any] | None:
    counts = reading[0]
    return None if counts is None else [*stamp, *counts]


def _reading(row: Any) -> tuple[Stamp, Reading] | None:
    """A stored row back as ``(stamp, reading)``, or None when it is not one (a hand-edited or older file)."""
    if not (isinstance(row, list) and len(row) == 6 and isinstance(row[0], str)):
        return None
    numbers = row[1:]
    if not all(type(number) is int and number >= 0 for number in numbers):
        return None
    size, modified, inode, tracks, playlists = numbers
    return (row[0], size, modified, inode), ((tracks, playlists), None)


class CopyReadings:
    """The readings of each collection's copies, in ``folder``/:data:`FILE_NAME`."""

    def __init__(self, folder: Path) -> None:
        self.path = folder / FILE_NAME

    def _collections(self) -> dict[str, Any]:
        try:
            stored = json.loads(self.path.read_bytes())
        except FileNotFoundError:
            return {}
        except (OSError, ValueError) as error:
            log.warning("the saved counts of backup copies in %s are not used: %s", self.path, error)
            return {}
        if not isinstance(stored, dict) or stored.get("format") != FORMAT:
            return {}
        collections = stored.get("collections")
        return collections if isinstance(collections, dict) else {}

    def load(self, nml_path: Path) -> dict[Stamp, Reading]:
        """The readings saved for the copies of the collection at ``nml_path`` (empty when none are)."""
        entry = self._collections().get(str(nml_path))
        rows = entry.get("copies") if isinstance(entry, dict) else None
        found: dict[Stamp, Reading] = {}
        for row in rows if isinstance(rows, list) else ():
            read = _reading(row)
            if read is not None:
                found[read[0]] = read[1]
        return found

    def save(self, nml_path: Path, readings: Mapping[Stamp, Reading]) -> None:
        """Keep ``readings`` as the collection's (in place of what was saved for it), and the readings of the
        :data:`KEPT_COLLECTIONS` - 1 other collections listed most recently."""
        rows = [row for stamp, reading in readings.items() if (row := _row(stamp, reading)) is not None]
        others = {path: entry for path, entry in self._collections().items() if path != str(nml_path)}
        newest = sorted(others.items(), key=lambda item: _saved_at(item[1]), reverse=True)[: KEPT_COLLECTIONS - 1]
        collections = {str(nml_path): {"saved": time.time(), "copies": rows}, **dict(newest)}
        text = json.dumps({"format": FORMAT, "collections": collections}, separators=(",", ":"))
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            write_atomically(self.path, [text.encode()])
        except (OSError, HarmonyError) as error:
            log.warning("the counts of backup copies could not be saved in %s: %s", self.path, error)


def _saved_at(entry: Any) -> float:
    saved = entry.get("saved") if isinstance(entry, dict) else None
    return float(saved) if isinstance(saved, int | float) else 0.0
