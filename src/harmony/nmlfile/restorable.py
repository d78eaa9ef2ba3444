"""Every copy of a collection that can be put back: Harmony's backups and the ones Traktor keeps.

Harmony's are in ``Backup/Harmony/`` (:mod:`harmony.nmlfile.backups`); Traktor keeps its own copies elsewhere
under the same ``Backup/`` folder beside the collection (``Backup/Collection/…`` and older layouts): any
``.nml`` file there counts. Each copy is listed with its time, size, track and playlist counts (read by the
same streamed check as the safe write's, so a damaged copy shows as such) and how it differs from the current
file, newest first.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

from harmony.errors import NMLError
from harmony.nmlfile.backups import _harmony_backups, backup_folder
from harmony.nmlfile.readback import read_back

__all__ = ["RestorableCopy", "difference", "list_restorable", "traktor_copies"]

log = logging.getLogger(__name__)

Source = Literal["harmony", "traktor"]


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


def _counts(path: Path) -> tuple[tuple[int, int] | None, str | None]:
    try:
        return read_back(path).counts, None
    except (NMLError, OSError) as error:
        log.warning("the copy %s cannot be read: %s", path, error)
        return None, str(error)


def list_restorable(nml_path: str | os.PathLike[str]) -> list[RestorableCopy]:
    """Every restorable copy of the collection at ``nml_path``, newest first (reads each once: heavy for big
    collections, run it in a worker)."""
    path = Path(nml_path)
    current = _counts(path)[0] if path.is_file() else None
    candidates: list[tuple[Path, datetime, Source]] = [
        (backup, created, "harmony") for backup, created in _harmony_backups(path)
    ]
    candidates += [(copy, created, "traktor") for copy, created in traktor_copies(path)]
    listed: list[RestorableCopy] = []
    for copy, created, source in candidates:
        try:
            size = copy.stat().st_size
        except OSError:
            continue  # pruned while we looked
        counts, error = _counts(copy)
        tracks, playlists = counts if counts is not None else (None, None)
        listed.append(
            RestorableCopy(copy, source, created, size, tracks, playlists, difference(counts, current), error)
        )
    listed.sort(key=lambda item: item.created_at, reverse=True)
    return listed
