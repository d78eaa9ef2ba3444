"""Is the collection.nml healthy? The check Harmony runs before touching the file and at start-up.

A collection is *damaged* when it cannot be read as a whole collection (empty, truncated, not XML, not an
NML, unreadable), or when its counts are implausible against the last ones Harmony saw: it lost most of its
tracks or most of its playlists since. Truncated files and collections emptied by a crash are what DJs fear
most; importing one would remove their tracks from the library, and exporting on top of one would make the
damage permanent. So a damaged file stops import, export and auto-sync until it is restored, rebuilt, or the
DJ accepts the new counts (``harmony traktor check --accept``).

:func:`judge_counts` is the one rule for "implausible"; the import and export jobs apply it to the counts of
the collection they loaded, and :func:`check_collection` to a file read here.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final, Literal

from harmony.errors import NMLError, SyncError
from harmony.nmlfile.readback import read_back

__all__ = [
    "CollectionHealth",
    "DamagedCollectionError",
    "check_collection",
    "judge_counts",
    "refuse_if_damaged",
]

log = logging.getLogger(__name__)

HealthStatus = Literal["ok", "damaged", "missing"]

#: A collection that kept less than this share of the tracks (or playlists) Harmony last saw lost "most" of
#: them. A DJ who really deleted that much in Traktor accepts the new counts once.
KEPT_SHARE: Final = 0.5
#: Below these many tracks (playlists) last seen, a big relative loss is a few items: not a sign of damage.
MIN_TRACKS: Final = 10
MIN_PLAYLISTS: Final = 4


class DamagedCollectionError(SyncError):
    """The collection looks damaged: Harmony will not import it nor write over it."""

    def __init__(self, nml_path: str, reason: str) -> None:
        self.nml_path = nml_path
        self.reason = reason
        super().__init__(
            f"{Path(nml_path).name} looks damaged ({reason}); nothing was changed. Restore a backup or rebuild it "
            "from the library (`harmony traktor backups`, `harmony traktor rebuild`), or, if this is what you "
            "meant, `harmony traktor check --accept`"
        )

    def __reduce__(self) -> tuple[Any, ...]:
        # Travels from the worker by pickle; the constructor takes other arguments than ``args`` holds.
        return (DamagedCollectionError, (self.nml_path, self.reason))


@dataclass(frozen=True, slots=True)
class CollectionHealth:
    """The verdict on one collection file (the JSON of ``harmony traktor check --json``)."""

    status: HealthStatus
    reason: str
    tracks: int | None = None
    playlists: int | None = None
    last_known_tracks: int | None = None
    last_known_playlists: int | None = None
    nml_path: str = ""

    @property
    def ok(self) -> bool:
        return self.status == "ok"

    def to_json(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "reason": self.reason,
            "tracks": self.tracks,
            "playlists": self.playlists,
            "last_known_tracks": self.last_known_tracks,
            "last_known_playlists": self.last_known_playlists,
        }


def _lost_most(now: int, before: int, minimum: int) -> bool:
    return before >= minimum and now < before * KEPT_SHARE


def judge_counts(tracks: int, playlists: int, known: tuple[int, int] | None) -> str | None:
    """Why ``(tracks, playlists)`` are implausible against the ``known`` counts, or None when they are fine."""
    if known is None:
        return None
    known_tracks, known_playlists = known
    if tracks == 0 and known_tracks > 0:
        return f"it holds no tracks; it held {known_tracks:,} when Harmony last saw it"
    if _lost_most(tracks, known_tracks, MIN_TRACKS):
        return f"it holds {tracks:,} tracks; it held {known_tracks:,} when Harmony last saw it"
    if _lost_most(playlists, known_playlists, MIN_PLAYLISTS):
        return f"it holds {playlists:,} playlists; it held {known_playlists:,} when Harmony last saw it"
    return None


def refuse_if_damaged(nml_path: str, counts: tuple[int, int], known: tuple[int, int] | None) -> None:
    """Raise :class:`DamagedCollectionError` when ``counts`` are implausible against ``known``."""
    reason = judge_counts(*counts, known)
    if reason is not None:
        log.warning("refusing %s: %s", nml_path, reason)
        raise DamagedCollectionError(nml_path, reason)


def check_collection(nml_path: str | os.PathLike[str], known: tuple[int, int] | None = None) -> CollectionHealth:
    """Read the whole file (streamed, no tree: :func:`~harmony.nmlfile.readback.read_back`) and judge it.

    Heavy at 100,000 tracks (the file is read and checked once): run it in a worker or on a thread."""
    path = Path(nml_path)
    known_tracks, known_playlists = known if known is not None else (None, None)

    def verdict(status: HealthStatus, reason: str, counts: tuple[int, int] | None = None) -> CollectionHealth:
        tracks, playlists = counts if counts is not None else (None, None)
        return CollectionHealth(status, reason, tracks, playlists, known_tracks, known_playlists, str(path))

    try:
        size = path.stat().st_size
    except FileNotFoundError:
        return verdict("missing", f"{path} does not exist")
    except OSError as error:
        return verdict("damaged", f"it cannot be read: {error.strerror or error}")
    if path.is_dir():
        return verdict("damaged", f"{path} is a folder, not a collection file")
    if size == 0:
        return verdict("damaged", "the file is empty (0 bytes)")
    try:
        counts = read_back(path).counts
    except NMLError as error:
        # The parser's words come last: a DJ reads first what it means (cut off, or overwritten with something else).
        return verdict("damaged", f"it cannot be read as a collection (cut off or overwritten?): {error}")
    except OSError as error:
        return verdict("damaged", f"it cannot be read: {error.strerror or error}")
    reason = judge_counts(*counts, known)
    if reason is not None:
        return verdict("damaged", reason, counts)
    return verdict("ok", "the collection loads and its counts are plausible", counts)
