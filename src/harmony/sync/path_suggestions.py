"""Path-mapping suggestions: where on this machine do the missing tracks' files live now?

Pure: given the NML keys of missing tracks and, for their file names, the files found on this machine, it
votes for ``NML prefix → local folder`` pairs. Each found file that bears a missing track's name says: the
folder names the two paths share at their ends are the track's "tail"; what comes before is the prefix to
map, on both sides. The pairs most files agree on are the suggestions; the service checks each one against
every missing track before showing it."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from harmony.errors import NMLError
from harmony.nml import Location, decode_name, dir_to_parts, split_playlist_key
from harmony.sync.paths import fold_name

__all__ = ["MappingSuggestion", "fold_name", "key_names", "location_of_key", "readable_key", "vote_mappings"]

#: Candidate files looked at per track: a name found in many places (``01 Intro.mp3``) says little.
_CANDIDATES_PER_TRACK = 8


@dataclass(frozen=True, slots=True)
class MappingSuggestion:
    """``nml_prefix`` (Traktor's volume and folders, ``/``-joined) maps to ``local_prefix`` (a folder here);
    applied, it finds ``finds`` of the ``missing`` tracks whose files are missing."""

    nml_prefix: str
    local_prefix: str
    finds: int = 0
    missing: int = 0

    def to_json(self) -> dict[str, object]:
        return {
            "nml_prefix": self.nml_prefix,
            "local_prefix": self.local_prefix,
            "finds": self.finds,
            "missing": self.missing,
            "text": f"{self.nml_prefix} → {self.local_prefix} finds {self.finds:,} of {self.missing:,}",
        }


def location_of_key(nml_key: str) -> Location | None:
    """The location an NML track key names, or None for a key that names no file (a stream)."""
    try:
        volume, folder, file = split_playlist_key(nml_key)
    except NMLError:
        return None
    return Location(volume, folder, file)


def key_names(nml_key: str) -> tuple[str, ...] | None:
    """The volume, folder names and file name of an NML key, decoded; None for a key that names no file."""
    location = location_of_key(nml_key)
    if location is None or not location.volume:
        return None
    try:
        folders = dir_to_parts(location.dir)
    except NMLError:
        return None
    return (location.volume, *folders, decode_name(location.file))


def readable_key(nml_key: str) -> str:
    """An NML key as a DJ reads a path: ``C:/Users/me/Music/track.mp3`` for ``C:/:Users/:me/:Music/:track.mp3``
    (its :func:`key_names` joined). Anything else (a streaming key, a local path, garbage) comes back as it is:
    a volume never starts with ``/``, where a Linux or macOS path does."""
    names = None if nml_key.startswith("/") else key_names(nml_key)
    return nml_key if names is None else "/".join(names)


def vote_mappings(
    tracks: Iterable[tuple[str, ...]], found: Mapping[str, Sequence[str]], separator: str = "/"
) -> Counter[tuple[str, str]]:
    """Votes for ``(NML prefix, local prefix)`` pairs. ``tracks``: the names of missing tracks (see
    :func:`key_names`); ``found``: local files by folded file name. A file agrees with a track when they
    share at least the file name; the deepest shared tail decides where each prefix ends."""
    votes: Counter[tuple[str, str]] = Counter()
    for names in tracks:
        candidates = found.get(fold_name(names[-1]), ())
        if not candidates or len(candidates) > _CANDIDATES_PER_TRACK:
            continue
        for path in candidates:
            local = path.split(separator)
            shared = 0
            # Walk back over the folders both paths end with (the volume itself never counts as shared).
            while (
                shared < len(names) - 2
                and shared < len(local) - 2
                and fold_name(names[-2 - shared]) == fold_name(local[-2 - shared])
            ):
                shared += 1
            nml_prefix = "/".join(names[: len(names) - 1 - shared])
            local_prefix = separator.join(local[: len(local) - 1 - shared]) or separator
            votes[(nml_prefix, local_prefix)] += 1
    return votes
