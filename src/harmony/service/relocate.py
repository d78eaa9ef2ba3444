"""Relocate: find the files of missing tracks under the DJ's search roots, then apply what the DJ accepts.

The scan and the matching run on the sync pool as an operation (``relocate``) with progress and Cancel; the
outcome lists a :class:`~harmony.sync.relocate.Relocation` per missing track. Nothing changes until
:func:`apply_relocations` points the accepted tracks at their new files, in one edit the DJ can undo."""

from __future__ import annotations

import asyncio
import os
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from harmony.errors import SyncError
from harmony.jobs import FolderListings, RelocateJobResult, run_relocate_job
from harmony.library import EditConflictError, EditOutcome, InvalidFieldError, Library, NotFoundError, path_key
from harmony.sync import Relocation
from harmony.words import plural
from harmony.workers import Job, Progress

if TYPE_CHECKING:
    from harmony.service.operations import Operation
    from harmony.service.traktor import TraktorService

__all__ = [
    "RELOCATE",
    "RelocateOutcome",
    "accepted_moves",
    "apply_relocations",
    "check_every_file",
    "check_roots",
    "start_relocate",
]

RELOCATE = "relocate"
#: The confidences a plain "apply" relocates (ambiguous ones need the DJ's choice).
ACCEPTED = ("exact", "likely")


@dataclass(frozen=True, slots=True)
class RelocateOutcome:
    """The matches found for the missing tracks, the audio files scanned, the seconds taken; ``relocated``:
    how many tracks were pointed at their new files (0 until applied)."""

    relocations: tuple[Relocation, ...]
    scanned_files: int
    seconds: float
    relocated: int = 0

    def counts(self) -> Counter[str]:
        return Counter(r.confidence for r in self.relocations)

    def summary(self) -> str:
        c = self.counts()
        found = c["exact"] + c["likely"]
        missing = len(self.relocations)
        if self.scanned_files == 0:  # say so plainly rather than "found 0 of 2,615…; 0 files scanned"
            still = plural(missing, "track is", "tracks are")
            return f"The folders searched hold no audio files: {still} still missing."
        files = plural(self.scanned_files, "audio file")
        return (
            f"Found {found:,} of {missing:,} missing files ({c['likely']:,} likely), "
            f"{c['ambiguous']:,} ambiguous, {c['not_found']:,} not found; {files} looked at."
        )

    def to_json(self, *, listed: int | None = None) -> dict[str, Any]:
        """``relocated`` (tracks pointed at their new files), ``found`` (exact and likely matches), ``likely``,
        ``ambiguous``, ``not_found`` (counts), ``scanned_files``, ``seconds`` and ``summary``: small enough
        for every progress event (``listed`` cuts nothing); the matches themselves are :meth:`matches_json`."""
        c = self.counts()
        return {
            "relocated": self.relocated,
            "found": c["exact"] + c["likely"],
            "likely": c["likely"],
            "ambiguous": c["ambiguous"],
            "not_found": c["not_found"],
            "scanned_files": self.scanned_files,
            "seconds": self.seconds,
            "summary": self.summary(),
        }

    def matches_json(self) -> list[dict[str, object]]:
        """One match per missing track: ``track_id``, ``old_path``, ``new_path``, ``confidence``,
        ``candidates``."""
        return [r.to_json() for r in self.relocations]


def check_roots(roots: Iterable[str | Path]) -> list[str]:
    """The search roots as absolute paths; a root that is not a folder is refused (one line, nothing runs)."""
    checked: list[str] = []
    for root in roots:
        path = Path(root).expanduser()
        if not path.is_dir():
            raise NotFoundError(f"Cannot search {str(root)!r}: it is not a folder.")
        checked.append(str(path.absolute()))
    if not checked:
        raise SyncError("Name at least one folder to search (--search-root DIR).")
    return checked


def start_relocate(service: TraktorService, roots: Sequence[str | Path]) -> Operation:
    """Start scanning ``roots`` for the missing tracks' files (first looking for every track's file where the
    library says it is, so the missing marks are current) and return the operation at once."""
    checked = check_roots(roots)
    op = service.log.new(RELOCATE, ", ".join(checked))
    job = Job(run_relocate_job, (str(service.library_path), checked), timeout=service.job_budget)

    def forward(report: Progress) -> None:
        service.log.progress(op, report.phase, report.percent, report.message, report.current_item)

    async def run() -> RelocateOutcome:
        await asyncio.to_thread(_check_files, service.library_path)
        result = await service.manager.execute_sync(job, forward, cancel_token=op.cancel_token)
        assert isinstance(result, RelocateJobResult)
        return RelocateOutcome(result.relocations, result.scanned_files, result.seconds)

    service.launch(op, run, "Looking for missing files...", "Search complete", "sync")
    return op


def _check_files(library_path: Path) -> None:
    with Library.open(library_path) as library:
        check_every_file(library)


def check_every_file(library: Library) -> tuple[int, int]:
    """Look for every track's file where the library says it is, now: (tracks newly marked missing, tracks
    whose file is back). An import looks for a share of a big library's files only (harmony.sync.file_rounds),
    so a folder moved away shows in full here, or after that many imports. One listing per folder, not a
    question per file: seconds for 100,000 tracks."""
    return library.check_files(FolderListings())


def apply_relocations(library: Library, moves: Sequence[tuple[int, str]]) -> EditOutcome[int]:
    """Point each track at its new file (the file must exist now), as one edit and one undo step; its value
    is how many tracks were relocated. Two tracks sent to one file, or a file another track already points
    at, are refused by name and nothing moves."""
    for track_id, path in moves:
        if not os.path.isabs(path) or not os.path.isfile(path):
            raise NotFoundError(f"Cannot relocate track {track_id} to {path!r}: there is no such file.")
    _check_one_track_per_file(library, moves)
    return library.relocate_tracks(moves)


def _check_one_track_per_file(library: Library, moves: Sequence[tuple[int, str]]) -> None:
    """Two tracks cannot point at one file: the library would refuse the whole relocation with no word of
    which. (A track the same relocation moves away from its file may hand it over.)"""
    moving = dict(moves)
    wanted: dict[str, tuple[int, str]] = {}
    for track_id, path in moving.items():
        key = path_key(path)
        other = wanted.setdefault(key, (track_id, path))[0]
        if other != track_id:
            raise InvalidFieldError(
                f"{_named(library, other)} and {_named(library, track_id)} cannot both be relocated to {path!r}: "
                "choose which of them that file is, and untick the other."
            )
    for key, holder in library.find_tracks_by_path_key(list(wanted)).items():
        track_id, path = wanted[key]
        if holder != track_id and holder not in moving:
            raise EditConflictError(
                f"Cannot relocate {_named(library, track_id)} to {path!r}: {_named(library, holder)} already "
                "points at that file."
            )


def _named(library: Library, track_id: int) -> str:
    """A track as a refusal names it: by its title and the file it points at now, as the page lists it (tracks
    of one title are common: "Intro", or three copies of one song)."""
    values = library.get_track(track_id).track.values
    return f"“{values.title}” ({values.path})" if values.title else repr(values.path)


def accepted_moves(outcome: RelocateOutcome) -> list[tuple[int, str]]:
    """The exact and likely matches, as (track id, new path)."""
    return [
        (r.track_id, r.new_path) for r in outcome.relocations if r.confidence in ACCEPTED and r.new_path is not None
    ]
