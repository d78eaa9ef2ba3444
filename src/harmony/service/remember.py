"""After an import from the command line has applied: the settings that make the next sync read the collection
the same way.

``harmony traktor sync --nml … --map …`` used to hold its options for one run. The next sync without them (a
bare ``harmony traktor sync``, the web app's, auto-sync's) read every track's file at its Traktor path, and every
track of a collection made on another machine was marked missing. So a sync that applied leaves in the settings:

- the collection it was given with ``--nml`` (one found on its own, the newest Traktor's, is not written down:
  after a Traktor upgrade the next sync must find the new one);
- the mappings it used, each given one over the stored one for its prefix, except a mapping whose local folder
  is not here (a typo would otherwise replace a DJ's good mapping for every later sync).

Settings that name another collection are the DJ's choice and are left as they are: the sync was a one-off.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from pathlib import Path

from harmony.errors import HarmonyError
from harmony.library import Library, TraktorSettings, default_library_path
from harmony.service.imports import ImportOutcome, ImportRequest, stored_mappings
from harmony.sync import PathMapping, merged_mappings

__all__ = ["Remembered", "Remembering", "remember_collection", "remembered_settings"]


class Remembered(enum.Enum):
    """What a sync that applied did to the library's Traktor settings."""

    SAVED = "saved"  # they now name what this sync used
    UNCHANGED = "unchanged"  # they already did, or nothing was applied
    OTHER_COLLECTION = "other collection"  # they name another collection and were left as they are
    FAILED = "failed"  # they could not be saved (the sync itself was applied)


@dataclass(frozen=True, slots=True)
class Remembering:
    """:func:`remember_collection`'s answer: what it did, the given mappings it left out (their local folder is
    not here), and why saving failed."""

    status: Remembered
    left_out: tuple[PathMapping, ...] = ()
    error: str | None = None


def remembered_settings(
    request: ImportRequest, settings: TraktorSettings, nml_path: Path
) -> tuple[TraktorSettings, tuple[PathMapping, ...]] | None:
    """The settings after ``request`` applied an import of the collection at ``nml_path`` (see the module), and
    the given mappings left out of them; None when the settings name another collection (left as they are)."""
    configured = settings.nml_path
    if configured is not None and Path(configured).expanduser().absolute() != nml_path.absolute():
        return None
    left_out = request.mappings_to_missing_folders()
    kept = [mapping for mapping in request.given_mappings() if mapping not in left_out]
    merged = merged_mappings(stored_mappings(settings), kept)
    pairs = tuple((mapping.nml_prefix, mapping.local_prefix) for mapping in merged)
    collection = str(nml_path) if request.nml_path else configured
    if collection == configured and pairs == settings.path_mappings:
        return settings, tuple(left_out)
    return settings.updated(nml_path=collection, path_mappings=pairs), tuple(left_out)


def remember_collection(library_path: Path | None, request: ImportRequest, outcome: ImportOutcome) -> Remembering:
    """Save :func:`remembered_settings` in the library after ``outcome`` applied. A failure to save is
    answered, not raised: the sync itself has applied."""
    if not outcome.applied:
        return Remembering(Remembered.UNCHANGED)
    try:
        with Library.open(library_path or default_library_path()) as library:
            settings = library.settings()
            remembered = remembered_settings(request, settings, Path(outcome.nml_path))
            if remembered is None:
                return Remembering(Remembered.OTHER_COLLECTION)
            updated, left_out = remembered
            if updated == settings:
                return Remembering(Remembered.UNCHANGED, left_out)
            library.save_settings(updated)
            return Remembering(Remembered.SAVED, left_out)
    except HarmonyError as error:
        return Remembering(Remembered.FAILED, error=str(error))
