"""Duplicates: groups of library tracks that are the same recording, and which one a merge keeps.

Pure: tracks come in as :class:`DuplicateCandidate` values; looking inside a file (a hash of its content) is
asked of ``content_hash`` only for tracks whose file sizes are equal, the only ones whose content can be.

- ``exact``: the same audio content (equal hashes of files of equal size) and durations within 1 s of each
  other: the same bytes play for the same time, so copies the library says last minutes apart are not one
  recording whatever their bytes (files overwritten since Traktor analysed them, stand-ins). A file under
  1 KiB holds no song (an empty file, a placeholder) and is never "the same audio" as another.
- ``likely``: the same artist and title (Unicode-normalised, case-folded) and durations within 1 s.

The track a merge keeps, unless the DJ chooses: the most cue points, then a lossless format, then the higher
bitrate, then the newest (date added, then id)."""

from __future__ import annotations

import posixpath
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Literal

from harmony.sync.path_suggestions import fold_name

__all__ = ["DuplicateCandidate", "DuplicateGroup", "choose_keeper", "find_duplicates", "is_lossless"]

DURATION_TOLERANCE = 1.0
#: Below this size a file holds no song (an MP3 frame alone is about 400 bytes): equal bytes say nothing.
MIN_AUDIO_BYTES = 1024
LOSSLESS = frozenset({".flac", ".wav", ".aif", ".aiff", ".alac"})


@dataclass(frozen=True, slots=True)
class DuplicateCandidate:
    """What deciding about duplicates needs of a track."""

    id: int
    path: str
    artist: str | None
    title: str | None
    duration: float | None
    file_size: int | None
    bitrate: int | None
    cues: int
    date_added: date | None
    missing: bool = False


@dataclass(frozen=True, slots=True)
class DuplicateGroup:
    """Tracks that are one recording: ``exact`` (same content) or ``likely`` (same artist, title, duration);
    ``keep`` is the id the stated rule keeps."""

    kind: Literal["exact", "likely"]
    track_ids: tuple[int, ...]
    keep: int


def is_lossless(path: str) -> bool:
    return posixpath.splitext(path)[1].lower() in LOSSLESS


def choose_keeper(tracks: Sequence[DuplicateCandidate]) -> DuplicateCandidate:
    """The track a merge keeps: most cue points, then lossless, then higher bitrate, then newest."""
    return max(
        tracks,
        key=lambda t: (t.cues, is_lossless(t.path), t.bitrate or 0, t.date_added or date.min, t.id),
    )


def _runs(tracks: list[DuplicateCandidate], *, span: bool) -> list[list[DuplicateCandidate]]:
    """``tracks`` (each with a duration) in duration order, cut where a duration is more than
    :data:`DURATION_TOLERANCE` from the previous track's (``span``: from the run's first track's, so that no two
    tracks of a run are further apart than that); only the runs of two or more."""
    tracks = sorted(tracks, key=lambda t: (t.duration or 0.0, t.id))
    runs: list[list[DuplicateCandidate]] = []
    run = tracks[:1]
    for track in tracks[1:]:
        since = run[0] if span else run[-1]
        if (track.duration or 0.0) - (since.duration or 0.0) <= DURATION_TOLERANCE:
            run.append(track)
            continue
        if len(run) > 1:
            runs.append(run)
        run = [track]
    if len(run) > 1:
        runs.append(run)
    return runs


def _likely_groups(tracks: Iterable[DuplicateCandidate]) -> list[list[DuplicateCandidate]]:
    by_name: dict[tuple[str, str], list[DuplicateCandidate]] = defaultdict(list)
    for track in tracks:
        if track.artist and track.title and track.duration is not None:
            by_name[(fold_name(track.artist.strip()), fold_name(track.title.strip()))].append(track)
    return [run for same in by_name.values() if len(same) > 1 for run in _runs(same, span=False)]


def _exact_groups(
    tracks: Iterable[DuplicateCandidate], content_hash: Callable[[str], str | None]
) -> list[list[DuplicateCandidate]]:
    by_size: dict[int, list[DuplicateCandidate]] = defaultdict(list)
    for track in tracks:
        if track.file_size and track.file_size >= MIN_AUDIO_BYTES and not track.missing:
            by_size[track.file_size].append(track)
    groups: list[list[DuplicateCandidate]] = []
    for same_size in by_size.values():
        if len(same_size) < 2:
            continue
        by_hash: dict[str, list[DuplicateCandidate]] = defaultdict(list)
        for track in same_size:
            digest = content_hash(track.path)
            if digest is not None:
                by_hash[digest].append(track)
        for same in by_hash.values():
            if len(same) > 1:
                groups.extend(_same_length(same))
    return groups


def _same_length(copies: list[DuplicateCandidate]) -> list[list[DuplicateCandidate]]:
    """Copies of one content, in groups whose durations agree. A copy with no duration says nothing against
    the others: it joins them when they agree among themselves, and is left out when they do not (it cannot be
    told which it belongs with)."""
    timed = [t for t in copies if t.duration is not None]
    untimed = [t for t in copies if t.duration is None]
    runs = _runs(timed, span=True)
    if len(timed) <= 1 or (len(runs) == 1 and len(runs[0]) == len(timed)):
        return [timed + untimed]  # nothing disagrees
    return runs


def find_duplicates(
    tracks: Sequence[DuplicateCandidate], content_hash: Callable[[str], str | None]
) -> list[DuplicateGroup]:
    """The duplicate groups among ``tracks``: exact ones first, then likely ones made of tracks no exact group
    holds (a track is in one group at most)."""
    out: list[DuplicateGroup] = []
    grouped: set[int] = set()
    for group in _exact_groups(tracks, content_hash):
        out.append(DuplicateGroup("exact", tuple(sorted(t.id for t in group)), choose_keeper(group).id))
        grouped.update(t.id for t in group)
    for group in _likely_groups(t for t in tracks if t.id not in grouped):
        out.append(DuplicateGroup("likely", tuple(sorted(t.id for t in group)), choose_keeper(group).id))
    return out
