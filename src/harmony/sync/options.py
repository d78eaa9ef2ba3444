"""The choices an import is planned with: strategies, platform, path mappings, and how to check a file exists."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Final, get_args

from harmony.errors import SyncError
from harmony.nml import DEFAULT_STARTUP_VOLUME, Platform, current_platform
from harmony.strategies import CUE_STRATEGIES, STRATEGIES, CueStrategy, Strategy
from harmony.sync.file_rounds import EVERY_FILE, FileCheckRound
from harmony.sync.paths import PathMapping

__all__ = ["CUE_STRATEGIES", "STRATEGIES", "CueStrategy", "Strategy", "SyncOptions", "file_on_disk"]


#: Two cues of one type and pad whose positions differ by at most this many milliseconds are the same cue.
CUE_TOLERANCE_MS: Final = 1.0


def file_on_disk(path: str) -> bool:
    """The check an import asks of the disk unless told otherwise (the import job answers it more cheaply,
    a folder at a time: :mod:`harmony.jobs.file_check`)."""
    return os.path.isfile(path)


@dataclass(frozen=True, slots=True)
class SyncOptions:
    """Everything an import plan depends on besides the two collections.

    ``file_exists`` is how the planner checks that a new track's file is on disk (tests pass a set's
    ``__contains__``); ``file_check_round`` which present library tracks it looks for (every one unless the
    import job says otherwise: :mod:`harmony.sync.file_rounds`); ``platform`` decides how locations become
    paths and how paths compare.
    """

    strategy: Strategy = "smart_merge"
    cue_strategy: CueStrategy = "smart_merge"
    platform: Platform = field(default_factory=current_platform)
    path_mappings: tuple[PathMapping, ...] = ()
    file_exists: Callable[[str], bool] = file_on_disk
    file_check_round: FileCheckRound = EVERY_FILE
    startup_volume: str = DEFAULT_STARTUP_VOLUME
    cue_tolerance_ms: float = CUE_TOLERANCE_MS

    def __post_init__(self) -> None:
        if self.strategy not in STRATEGIES:
            raise SyncError(f"Unknown strategy {self.strategy!r}; choose one of {', '.join(STRATEGIES)}.")
        if self.cue_strategy not in CUE_STRATEGIES:
            raise SyncError(f"Unknown cue strategy {self.cue_strategy!r}; choose one of {', '.join(CUE_STRATEGIES)}.")
        if self.platform not in get_args(Platform):
            raise SyncError(f"Unknown platform {self.platform!r}; choose one of windows, macos, linux.")
        if not self.cue_tolerance_ms >= 0:
            raise SyncError("The cue position tolerance cannot be negative.")

    @property
    def cue_conflict_strategy(self) -> Strategy:
        """The strategy that settles a cue changed on both sides."""
        if self.cue_strategy == "traktor_wins" or self.cue_strategy == "harmony_wins":
            return self.cue_strategy
        return self.strategy
