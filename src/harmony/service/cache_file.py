"""One JSON file in the cache folder: a value per collection, kept from one run of Harmony to the next.

What goes in such a file can always be read again from the collections themselves (their counts, their copies'
counts); keeping it spares a DJ with 100,000 tracks seconds of reading at each start. So the file is never
needed: a missing, damaged or older one reads as empty, and a write that fails is only logged. Two processes
saving at once may lose one's value (each writes what it read over the other): it is read again next time.
"""

from __future__ import annotations

import json
import logging
import time
from pathlib import Path
from typing import Any

from harmony.errors import HarmonyError
from harmony.nml import write_atomically

__all__ = ["CacheFile"]

log = logging.getLogger(__name__)

# The files a warning was given for, in this process: a cache folder that cannot be used is said once, not at each
# read and write of every listing.
_warned: set[Path] = set()


def _warn_once(path: Path, message: str, error: Exception) -> None:
    if path not in _warned:
        _warned.add(path)
        log.warning(message, path, error)


class CacheFile:
    """``path``, holding one value per key (a collection's path) for the ``kept`` keys saved most recently. A
    file of another ``layout`` than this one's is not read (it was written by another version of Harmony)."""

    def __init__(self, path: Path, layout: int, kept: int) -> None:
        self.path = path
        self._layout = layout
        self._kept = kept

    def _entries(self) -> dict[str, Any]:
        try:
            stored = json.loads(self.path.read_bytes())
        except (FileNotFoundError, NotADirectoryError):
            return {}  # nothing kept yet (or no folder for it: the write says so)
        except (OSError, ValueError) as error:
            _warn_once(self.path, "%s is not used: %s", error)
            return {}
        if not isinstance(stored, dict) or stored.get("format") != self._layout:
            return {}
        entries = stored.get("collections")
        return entries if isinstance(entries, dict) else {}

    def get(self, key: str) -> Any:
        """The value saved for ``key``, or None (check its shape: the file may have been edited by hand)."""
        entry = self._entries().get(key)
        return entry.get("value") if isinstance(entry, dict) else None

    def put(self, key: str, value: Any) -> None:
        """Save ``value`` for ``key`` (a JSON value), in place of the one before, and keep the values of the
        ``kept`` - 1 other keys saved most recently."""
        others = {name: entry for name, entry in self._entries().items() if name != key}
        newest = sorted(others.items(), key=lambda item: _saved_at(item[1]), reverse=True)[: self._kept - 1]
        entries = {key: {"saved": time.time(), "value": value}, **dict(newest)}
        text = json.dumps({"format": self._layout, "collections": entries}, separators=(",", ":"))
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            write_atomically(self.path, [text.encode()])
        except (OSError, HarmonyError) as error:
            _warn_once(self.path, "%s could not be saved: %s", error)


def _saved_at(entry: Any) -> float:
    saved = entry.get("saved") if isinstance(entry, dict) else None
    return float(saved) if isinstance(saved, int | float) else 0.0
