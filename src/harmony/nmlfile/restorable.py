"""Every copy of a collection that can be put back: Harmony's backups and the ones Traktor keeps.

Harmony's are in ``Backup/Harmony/`` (:mod:`harmony.nmlfile.backups`); Traktor keeps its own copies elsewhere
under the same ``Backup/`` folder beside the collection (``Backup/Collection/…`` and older layouts): any
``.nml`` file there counts. Each copy is listed with its time, size, track and playlist counts (read by the
same streamed check as the safe write's, so a damaged copy shows as such) and how it differs from the current
file, newest first.

Reading every copy costs about a second per 100,000 tracks, and a DJ's backup folder holds ten or more copies
of that size; a copy never changes once written. So a listing can be given what an earlier one read
(:func:`read_restorable`'s ``known``, by each file's :data:`Stamp`) and reads only the copies it has not seen.
A damaged copy is kept so too, with why it cannot be read: its bytes do not change either.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

from harmony.errors import NMLError
from harmony.nmlfile.backups import _harmony_backups, backup_folder
from harmony.nmlfile.readback import UnreadableFileError, read_back

__all__ = [
    "Listing",
    "Reading",
    "RestorableCopy",
    "Stamp",
    "difference",
    "list_restorable",
    "read_restorable",
    "stamp_of",
    "traktor_copies",
]

log = logging.getLogger(__name__)

Source = Literal["harmony", "traktor"]

#: One version of a file: its path, size, modification time (ns) and inode. A copy written again, or another
#: file renamed over it (as every safe write does), has another stamp.
Stamp = tuple[str, int, int, int]
#: What reading one file found: its ``(tracks, playlists)``, or None and why it cannot be read.
Reading = tuple[tuple[int, int] | None, str | None]


@dataclass(frozen=True, slots=True)
class RestorableCopy:
    """One copy of the collection. ``tracks``/``playlists`` are None when it cannot be read (``error`` says
    why); ``differs`` says how it differs from the current file."""

    path: Path
    source: Source
    created_at: datetime
    size: int
    tracks: int | None
    playlists: int | None
    differs: str
    error: str | None = None

    @property
    def readable(self) -> bool:
        return self.tracks is not None

    def to_json(self) -> dict[str, object]:
        return {
            "path": str(self.path),
            "source": self.source,
            "created_at": self.created_at.isoformat(),
            "size": self.size,
            "tracks": self.tracks,
            "playlists": self.playlists,
            "differs": self.differs,
            "error": self.error,
        }


def traktor_copies(nml_path: str | os.PathLike[str]) -> list[tuple[Path, datetime]]:
    """The ``.nml`` files Traktor keeps under ``Backup/`` beside the collection (not Harmony's), with their
    modification time."""
    root = Path(nml_path).parent / "Backup"
    ours = backup_folder(nml_path)
    found: list[tuple[Path, datetime]] = []
    for folder, folders, files in os.walk(root):
        here = Path(folder)
        if here == ours:
            folders.clear()
            continue
        folders[:] = [name for name in folders if here / name != ours]
        for name in files:
            if not name.lower().endswith(".nml") or name.startswith("."):
                continue
            path = here / name
            try:
                stat = path.stat()
            except OSError:
                continue
            found.append((path, datetime.fromtimestamp(stat.st_mtime, UTC)))
    return found


def _plural(count: int, word: str) -> str:
    return f"{count:,} {word}{'' if count in (1, -1) else 's'}"


def difference(copy: tuple[int, int] | None, current: tuple[int, int] | None) -> str:
    """How a copy's ``(tracks, playlists)`` compare with the current file's, in words."""
    if copy is None:
        return "cannot be read"
    if current is None:
        return "the current file cannot be read"
    parts = []
    for index, word in ((0, "track"), (1, "playlist")):
        delta = copy[index] - current[index]
        if delta:
            # "200 fewer tracks" reads at a glance; "−200 tracks" looked like a typo next to the counts.
            parts.append(_plural(abs(delta), f"{'more' if delta > 0 else 'fewer'} {word}"))
    return ", ".join(parts) + " than now" if parts else "same counts as now"


def stamp_of(path: Path) -> Stamp | None:
    """The file's :data:`Stamp` now, or None when it cannot be looked at."""
    try:
        stat = path.stat()
    except OSError:
        return None
    return str(path), stat.st_size, stat.st_mtime_ns, stat.st_ino


def _read(path: Path) -> tuple[Reading, bool]:
    """What reading ``path`` finds, and whether the same version of the file would always read so: its counts,
    or a fault in its bytes, do not change while its stamp does not; a read the system refused (a drive busy, a
    lock) may succeed next time."""
    try:
        return (read_back(path).counts, None), True
    except (UnreadableFileError, OSError) as error:
        log.warning("the copy %s cannot be read: %s", path, error)
        return (None, str(error)), False
    except NMLError as error:
        log.warning("the copy %s is damaged: %s", path, error)
        return (None, str(error)), True


@dataclass(frozen=True, slots=True)
class Listing:
    """The copies, newest first, and what was read of every file (the current file's included), by stamp: its
    counts, or why its bytes cannot be read; what the next listing may be given as ``known``. A file the system
    would not let be read is left out: the next listing tries it again."""

    copies: list[RestorableCopy]
    readings: dict[Stamp, Reading]


def list_restorable(nml_path: str | os.PathLike[str]) -> list[RestorableCopy]:
    """Every restorable copy of the collection at ``nml_path``, newest first (reads each once: heavy for big
    collections, run it in a worker)."""
    return read_restorable(nml_path).copies


def read_restorable(nml_path: str | os.PathLike[str], known: Mapping[Stamp, Reading] | None = None) -> Listing:
    """:func:`list_restorable`, reading only the files whose stamp ``known`` does not hold."""
    known = known or {}
    readings: dict[Stamp, Reading] = {}

    def counts(path: Path, stamp: Stamp) -> Reading:
        # The stamp is taken before the read: a file changed meanwhile has another by the next listing.
        reading, lasting = (known[stamp], True) if stamp in known else _read(path)
        if lasting:
            readings[stamp] = reading
        return reading

    path = Path(nml_path)
    here = stamp_of(path) if path.is_file() else None
    current = counts(path, here)[0] if here is not None else None
    candidates: list[tuple[Path, datetime, Source]] = [
        (backup, created, "harmony") for backup, created in _harmony_backups(path)
    ]
    candidates += [(copy, created, "traktor") for copy, created in traktor_copies(path)]
    listed: list[RestorableCopy] = []
    for copy, created, source in candidates:
        stamp = stamp_of(copy)
        if stamp is None:
            continue  # pruned while we looked
        found, error = counts(copy, stamp)
        tracks, playlists = found if found is not None else (None, None)
        listed.append(
            RestorableCopy(copy, source, created, stamp[1], tracks, playlists, difference(found, current), error)
        )
    listed.sort(key=lambda item: item.created_at, reverse=True)
    return Listing(listed, readings)
