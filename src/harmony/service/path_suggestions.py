"""Path-mapping suggestions for missing tracks: look for their files under chosen roots (the home folder and
mounted volumes by default), propose ``NML prefix → local folder`` pairs with what each would find, and save
one as a path mapping (the next import then moves the tracks to their files and clears their marks)."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from harmony.jobs import walk_files
from harmony.library import Library, NotFoundError
from harmony.nml import NMLError, Platform, current_platform
from harmony.service.imports import stored_mappings
from harmony.sync import (
    MappingSuggestion,
    PathMapping,
    PathResolver,
    fold_name,
    key_names,
    location_of_key,
    merged_mappings,
    vote_mappings,
)

log = logging.getLogger(__name__)

__all__ = ["SuggestionResult", "apply_mapping", "default_roots", "find_files_named", "suggest_mappings"]

#: Missing tracks whose names are looked for (enough to find the common prefixes, cheap to look for).
SAMPLE = 500
#: Suggestions shown at most.
TOP = 5
#: Files looked at per root walk at most: a whole disk is not walked for a suggestion.
MAX_FILES = 400_000


@dataclass(frozen=True, slots=True)
class SuggestionResult:
    """How many tracks are missing, the roots looked under and the suggestions, best first."""

    missing: int
    roots: tuple[str, ...]
    suggestions: tuple[MappingSuggestion, ...]
    scanned_files: int = 0

    def to_json(self) -> dict[str, object]:
        return {
            "missing": self.missing,
            "roots": list(self.roots),
            "scanned_files": self.scanned_files,
            "suggestions": [s.to_json() for s in self.suggestions],
        }


def default_roots() -> list[Path]:
    """The home folder and the usual mount points of other drives, those that exist."""
    candidates = [Path.home(), Path("/media"), Path("/mnt"), Path("/Volumes"), Path("/run/media")]
    return [root for root in candidates if root.is_dir()]


def find_files_named(
    roots: Iterable[Path], names: set[str], max_files: int = MAX_FILES
) -> tuple[dict[str, list[str]], int]:
    """The files under ``roots`` whose folded name is in ``names`` (folded name → paths), and how many files
    were looked at. Hidden folders are skipped and symbolic links to folders not followed."""
    found: dict[str, list[str]] = {}
    scanned = 0
    for entry in walk_files(str(root) for root in roots):
        scanned += 1
        folded = fold_name(entry.name)
        if folded in names:
            found.setdefault(folded, []).append(entry.path)
        if scanned >= max_files:
            break
    return found, scanned


def suggest_mappings(
    library: Library, roots: Sequence[Path] | None = None, platform: Platform | None = None
) -> SuggestionResult:
    """Suggest path mappings that find the missing tracks' files under ``roots`` (default: :func:`default_roots`)."""
    platform = platform or current_platform()
    chosen = list(roots) if roots is not None else default_roots()
    for root in chosen:
        if not root.is_dir():
            raise NotFoundError(f"Cannot look for files under {str(root)!r}: it is not a folder.")
    keyed = [(track_id, key) for track_id, _, key in library.missing_keys() if key is not None]
    missing_total = library.missing_count()
    tracks = [names for _, key in keyed if (names := key_names(key)) is not None]
    if not tracks:
        return SuggestionResult(missing_total, tuple(map(str, chosen)), ())
    step = max(1, len(tracks) // SAMPLE)
    sample = tracks[::step][:SAMPLE]
    found, scanned = find_files_named(chosen, {fold_name(names[-1]) for names in sample})
    votes = vote_mappings(sample, found)
    suggestions = [
        _evaluate(nml_prefix, local_prefix, [key for _, key in keyed], missing_total, platform)
        for (nml_prefix, local_prefix), _ in votes.most_common(TOP * 2)
    ]
    best = sorted((s for s in suggestions if s.finds), key=lambda s: (-s.finds, s.nml_prefix))[:TOP]
    return SuggestionResult(missing_total, tuple(map(str, chosen)), tuple(best), scanned)


def _evaluate(
    nml_prefix: str, local_prefix: str, keys: list[str], missing: int, platform: Platform
) -> MappingSuggestion:
    """The suggestion with the number of missing tracks whose file it finds (one ``stat`` per track under the
    prefix)."""
    mapping = PathMapping.of(nml_prefix, local_prefix)
    resolver = PathResolver(platform, (mapping,))
    prefix = mapping.prefix_key
    finds = 0
    for key in keys:
        names = key_names(key)
        location = location_of_key(key)
        if names is None or location is None or tuple(fold_name(n) for n in names[: len(prefix)]) != prefix:
            continue
        try:
            if os.path.isfile(resolver.to_path(location)):
                finds += 1
        except NMLError:
            continue
    return MappingSuggestion(nml_prefix, local_prefix, finds, missing)


def apply_mapping(library: Library, nml_prefix: str, local_prefix: str) -> PathMapping:
    """Save ``nml_prefix → local_prefix`` as a path mapping (replacing one for the same prefix); the next import
    moves the tracks under it to their files. Refuses a local folder that does not exist."""
    mapping = PathMapping.of(nml_prefix, local_prefix)
    if not Path(mapping.local_prefix).is_absolute() or not Path(mapping.local_prefix).is_dir():
        raise NotFoundError(f"Cannot map to {mapping.local_prefix!r}: there is no such folder on this machine.")
    settings = library.settings()
    merged = merged_mappings(stored_mappings(settings), [mapping])
    library.save_settings(settings.updated(path_mappings=[(m.nml_prefix, m.local_prefix) for m in merged]))
    log.info("path mapping saved: %s", mapping)
    return mapping
