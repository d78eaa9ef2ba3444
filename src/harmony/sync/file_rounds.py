"""Which library tracks an import looks for on disk.

Asking the disk about a file costs 10-30 microseconds here; for a 100,000-track library that is more than the
rest of an unchanged re-import. So a big library is checked in rounds: every import looks for every track
marked missing (its file may be back: the mark clears at once), every new or moved track, and one share of the
present tracks, by track id; the library counts its applied imports, and the count says which share is next.
A file lost from a present track is therefore noticed within :data:`ROUNDS` imports. A small library, where
the whole check costs little, is checked in full on every import.

Pure: the import job reads the counter and the track count from the library and puts the round in the
:class:`~harmony.sync.SyncOptions`; the planner asks :meth:`FileCheckRound.covers` per present track.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

__all__ = ["EVERY_FILE", "ROUNDS", "WHOLE_CHECK_UP_TO", "FileCheckRound", "file_check_round"]

#: Shares a big library's present tracks are checked in: each import one share (1/16 of 100,000: 6,250 files).
ROUNDS: Final = 16
#: Libraries up to this many tracks have every file checked on every import (a few tens of milliseconds).
WHOLE_CHECK_UP_TO: Final = 5_000


@dataclass(frozen=True, slots=True)
class FileCheckRound:
    """The share of the present tracks one import checks: those whose id is ``share`` modulo ``rounds``."""

    share: int = 0
    rounds: int = 1

    def __post_init__(self) -> None:
        if self.rounds < 1 or not 0 <= self.share < self.rounds:
            raise ValueError(f"a file check round needs 0 <= share < rounds, not {self.share} of {self.rounds}")

    def covers(self, track_id: int) -> bool:
        """Whether this import looks for the file of the present track ``track_id``."""
        return track_id % self.rounds == self.share


#: Every file on every import: what a plan made without a library counter (tests, previews of small libraries).
EVERY_FILE: Final = FileCheckRound()


def file_check_round(imports_so_far: int, library_tracks: int) -> FileCheckRound:
    """The round of the next import of a library with ``library_tracks`` tracks that has applied
    ``imports_so_far`` imports."""
    if library_tracks <= WHOLE_CHECK_UP_TO:
        return EVERY_FILE
    return FileCheckRound(imports_so_far % ROUNDS, ROUNDS)
