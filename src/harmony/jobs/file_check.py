"""Is a track's file on this machine? Asked for every library track on every import, so it must be cheap.

One ``stat`` per track is what a first look costs; but a DJ's files sit many to a folder (an album, a
Downloads folder of thousands), and one listing of a folder answers for all of them at once: the third time a
folder is asked about, it is listed (``os.scandir``: the names and their kinds come with the listing, no
``stat`` per file) and every later question about it is a set look-up. A name the listing does not hold is
asked of the disk after all, so a file system that compares names its own way (case-insensitive, or
decomposed Unicode on macOS) answers as ``os.path.isfile`` would. A folder that is not there answers "no" for
every file in it without another look.

One :class:`FolderListings` serves one import (a listing is as fresh as that import).
"""

from __future__ import annotations

import os
from typing import Final

__all__ = ["LOOKS_BEFORE_LISTING", "FolderListings"]

#: A folder is listed the time it is asked about after this many single looks (a folder of one or two
#: tracks costs a ``stat`` each, as cheap as a listing of it). A listing costs about what a ``stat`` per
#: three or four of the folder's files does: when only a share of the tracks is asked about, the caller
#: raises the bar by as much.
LOOKS_BEFORE_LISTING: Final = 2


class FolderListings:
    """``file_exists`` for one import: ``listings(path)`` says whether ``path`` is a file (see the module doc)."""

    __slots__ = ("_listed", "_looks", "_looks_before_listing")

    def __init__(self, looks_before_listing: int = LOOKS_BEFORE_LISTING) -> None:
        self._looks_before_listing = looks_before_listing
        self._looks: dict[str, int] = {}
        #: folder -> the names of the files in it (None: the folder is not there).
        self._listed: dict[str, frozenset[str] | None] = {}

    def __call__(self, path: str) -> bool:
        folder, name = os.path.split(path)
        if folder in self._listed:
            names = self._listed[folder]
            if names is None:
                return False
            return name in names or os.path.isfile(path)
        looks = self._looks.get(folder, 0)
        if looks < self._looks_before_listing:
            self._looks[folder] = looks + 1
            return os.path.isfile(path)
        names = self._listed[folder] = _list(folder)
        del self._looks[folder]
        return names is not None and (name in names or os.path.isfile(path))


def _list(folder: str) -> frozenset[str] | None:
    """The names of the files in ``folder``; None when it is not there; no names when it cannot be listed
    (then each file is asked of the disk: a folder may be searchable but not readable)."""
    try:
        with os.scandir(folder or ".") as entries:
            return frozenset(entry.name for entry in entries if entry.is_file())
    except (FileNotFoundError, NotADirectoryError):
        return None
    except OSError:
        return frozenset()
