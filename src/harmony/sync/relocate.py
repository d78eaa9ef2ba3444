"""Relocate: find where the files of missing tracks went, among the files found under the DJ's search roots.

Pure: the files found come in as (path, size) pairs, and what it takes to look inside a file (its duration
and tags, a hash of its content) is asked of ``probe`` and ``content_hash`` only where the name and size do
not settle it, so a moved folder of 50,000 files is matched without opening one of them.

Confidence, for each missing track:

- ``exact``: one file with the track's name (Unicode-normalised, case-folded) and its size; or several such
  files and only one whose duration and tags agree.
- ``likely``: one file with its name whose duration and tags agree though the size differs (retagged), or
  whose size is unknown, or whose tags cannot be read while the library knows no size to compare; a renamed
  file with its size, duration and tags; or copies of one content (same hash) of which the one whose folders
  look most like the old ones is taken.
- ``ambiguous``: several candidates that nothing tells apart (listed, for the DJ to choose), or the one file of
  the track's name whose size differs and whose duration or tags disagree or cannot be read (listed, for the
  DJ to confirm: a 5 KB file that cannot be read, beside a 132 MB recording, is no likely match).
- ``not_found``: no candidate.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal

from harmony.sync.path_suggestions import fold_name

__all__ = ["FileIndex", "FileProbe", "LostTrack", "Relocation", "match_lost_tracks"]

Confidence = Literal["exact", "likely", "ambiguous", "not_found"]
#: Durations closer than this are the same recording (seconds).
DURATION_TOLERANCE = 1.0
#: A renamed file is looked for among the files of its size only when they are this few (each is opened).
_MAX_SAME_SIZE = 20
_KIB = 1024


@dataclass(frozen=True, slots=True)
class LostTrack:
    """A missing track as the library knows it."""

    id: int
    path: str
    file_size: int | None = None
    duration: float | None = None
    artist: str | None = None
    title: str | None = None


@dataclass(frozen=True, slots=True)
class FileProbe:
    """What a look inside a file tells: its duration (seconds) and tags."""

    duration: float | None = None
    artist: str | None = None
    title: str | None = None


@dataclass(frozen=True, slots=True)
class Relocation:
    """Where a missing track's file is now (``new_path`` None unless exact or likely) and how sure that is;
    ``candidates`` lists the files an ambiguous match hesitates between."""

    track_id: int
    old_path: str
    new_path: str | None
    confidence: Confidence
    candidates: tuple[str, ...] = ()
    title: str | None = None  # the track's, as the library knows it: a DJ knows a track by these, not its path
    artist: str | None = None

    @property
    def name(self) -> str | None:
        """The track as a DJ names it, "Artist – Title" (the title alone without an artist), None without a title."""
        if not self.title:
            return None
        return f"{self.artist} – {self.title}" if self.artist else self.title

    def to_json(self) -> dict[str, object]:
        return {
            "track_id": self.track_id,
            "old_path": self.old_path,
            "new_path": self.new_path,
            "confidence": self.confidence,
            "candidates": list(self.candidates),
            "title": self.title,
            "artist": self.artist,
            "name": self.name,
        }


def _relocation(
    track: LostTrack, new_path: str | None, confidence: Confidence, candidates: tuple[str, ...] = ()
) -> Relocation:
    return Relocation(track.id, track.path, new_path, confidence, candidates, track.title, track.artist)


@dataclass(slots=True)
class FileIndex:
    """The files found, by folded name and by size."""

    by_name: dict[str, list[tuple[str, int]]] = field(default_factory=dict)
    by_kib: dict[int, list[tuple[str, int]]] = field(default_factory=dict)
    count: int = 0

    def add(self, path: str, size: int) -> None:
        self.by_name.setdefault(fold_name(posixpath.basename(path)), []).append((path, size))
        self.by_kib.setdefault(size // _KIB, []).append((path, size))
        self.count += 1

    def of_size(self, size: int) -> list[str]:
        """The files whose size is ``size`` as the library knows it (see :func:`same_size`)."""
        kib = size // _KIB
        return [
            path for k in (kib - 1, kib, kib + 1) for path, found in self.by_kib.get(k, ()) if same_size(size, found)
        ]

    @classmethod
    def of(cls, files: Iterable[tuple[str, int]]) -> FileIndex:
        index = cls()
        for path, size in files:
            index.add(path, size)
        return index


def same_size(known: int, found: int) -> bool:
    """Whether a file of ``found`` bytes has the size the library knows: Traktor stores sizes in whole
    kibibytes, so the two differ by less than one."""
    return abs(known - found) < _KIB


def _same_text(a: str | None, b: str | None) -> bool:
    return a is None or b is None or fold_name(a.strip()) == fold_name(b.strip())


def _agrees(track: LostTrack, probe: FileProbe | None, *, need_tags: bool = False) -> bool:
    """Whether the file's duration and tags agree with the track's (unknowns agree, unless ``need_tags``)."""
    if probe is None:
        return False
    if track.duration is not None and probe.duration is not None:
        if abs(track.duration - probe.duration) > DURATION_TOLERANCE:
            return False
    elif need_tags:
        return False
    if need_tags and (track.title is None or probe.title is None):
        return False
    return _same_text(track.artist, probe.artist) and _same_text(track.title, probe.title)


def _likeness(old: str, new: str) -> int:
    """How many folder names the two paths share at their ends (the file name aside)."""
    a, b = old.split("/")[:-1], new.split("/")[:-1]
    shared = 0
    while shared < min(len(a), len(b)) and fold_name(a[-1 - shared]) == fold_name(b[-1 - shared]):
        shared += 1
    return shared


def match_lost_tracks(
    tracks: Sequence[LostTrack],
    index: FileIndex,
    probe: Callable[[str], FileProbe | None],
    content_hash: Callable[[str], str | None],
    progress: Callable[[int], None] | None = None,
) -> list[Relocation]:
    """Each track's relocation (in the order given)."""
    probes: dict[str, FileProbe | None] = {}

    def look(path: str) -> FileProbe | None:
        if path not in probes:
            probes[path] = probe(path)
        return probes[path]

    def settle(
        track: LostTrack, paths: list[str], best: Confidence, *, need_tags: bool = False, other_size: bool = False
    ) -> Relocation:
        agreeing = [path for path in paths if _agrees(track, look(path), need_tags=need_tags)]
        if len(agreeing) == 1:
            return _relocation(track, agreeing[0], best)
        if not agreeing:
            if need_tags:
                return _relocation(track, None, "not_found")
            if len(paths) == 1 and look(paths[0]) is None and not other_size:
                # The only file of its name, and nothing to say otherwise: its tags cannot be read, and the
                # library knows no size to compare (``other_size``: the file's size is not the track's).
                return _relocation(track, paths[0], "likely")
            return _relocation(track, None, "ambiguous", tuple(paths))
        hashes = {content_hash(path) for path in agreeing}
        if len(hashes) == 1 and None not in hashes:
            # Copies of one file: the one whose folders look most like the old ones.
            chosen = max(agreeing, key=lambda path: (_likeness(track.path, path), -len(path)))
            return _relocation(track, chosen, "likely", tuple(agreeing))
        return _relocation(track, None, "ambiguous", tuple(agreeing))

    out: list[Relocation] = []
    for done, track in enumerate(tracks, 1):
        named = [(path, size) for path, size in index.by_name.get(fold_name(posixpath.basename(track.path)), ())]
        named = [(path, size) for path, size in named if path != track.path]
        if named:
            if track.file_size is not None:
                sized = [path for path, size in named if same_size(track.file_size, size)]
                if len(sized) == 1:
                    out.append(_relocation(track, sized[0], "exact"))
                elif sized:
                    out.append(settle(track, sized, "exact"))
                else:
                    out.append(settle(track, [path for path, _ in named], "likely", other_size=True))
            else:
                out.append(settle(track, [path for path, _ in named], "likely"))
        elif track.file_size is not None and 0 < len(sized := index.of_size(track.file_size)) <= _MAX_SAME_SIZE:
            # Renamed: a file of the same size whose duration, title and artist agree.
            out.append(settle(track, sized, "likely", need_tags=True))
        else:
            out.append(_relocation(track, None, "not_found"))
        if progress is not None and done % 500 == 0:
            progress(done)
    return out
