"""Values Traktor stores twice, kept as one value on Harmony's side.

Traktor writes a rating both as stars and as the raw ``RANKING`` (0–255), a tempo as a number and as the exact
text of ``BPM``, and a key as ``MUSICAL_KEY`` (0–23) and as the free text of ``INFO KEY``. The library keeps
both halves, so that an import and an export carry Traktor's exact text. An edit in Harmony changes one half;
the other must follow, or the two halves disagree: the export would write one, the next import would read the
other back, and the sync would see a change nobody made (a rating edited in Harmony, exported, then changed in
Traktor would come back as a conflict for good).

:func:`with_twins` completes an edit: the half not given is derived from the half given.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from harmony.library.errors import InvalidFieldError
from harmony.library.fields import FieldValue
from harmony.nml import parse_float, parse_key_text, ranking_to_stars, stars_to_ranking, to_open_key

__all__ = ["TWINS", "with_twins"]

#: Each value Traktor stores twice: the value the DJ edits, and its exact form in the NML.
TWINS: Final = (("rating", "ranking"), ("bpm", "bpm_text"), ("musical_key", "key_text"))


def _ranking(rating: FieldValue) -> FieldValue:
    return None if rating is None else stars_to_ranking(int(rating))  # type: ignore[arg-type]


def _rating(ranking: FieldValue) -> FieldValue:
    return None if ranking is None else ranking_to_stars(int(ranking))  # type: ignore[arg-type]


def _bpm(text: FieldValue) -> FieldValue:
    if text is None or not str(text).strip():
        return None
    value = parse_float(str(text))
    if value is None or value < 0:
        raise InvalidFieldError(f"Field 'bpm_text' must read as a tempo, not {text!r}.")
    return value


def _key_text(key: FieldValue) -> FieldValue:
    # Open Key, the notation Traktor's own key analysis writes.
    return None if key is None else to_open_key(int(key))  # type: ignore[arg-type]


def _musical_key(text: FieldValue) -> FieldValue:
    if text is None or not str(text).strip():
        return None
    key = parse_key_text(str(text))
    if key is None:  # an edit must name one of the 24 keys, in any notation Harmony reads
        raise InvalidFieldError(f"Field 'key_text' must name one of the 24 keys (e.g. 8A, Am, 1m), not {text!r}.")
    return key


#: For each half, how to derive the other one from it. The exact text of a BPM is forgotten when the number
#: is edited: the export writes the number in Traktor's format.
_DERIVE: Final = {
    "rating": ("ranking", _ranking),
    "ranking": ("rating", _rating),
    "bpm": ("bpm_text", lambda value: None),
    "bpm_text": ("bpm", _bpm),
    "musical_key": ("key_text", _key_text),
    "key_text": ("musical_key", _musical_key),
}


def with_twins(changes: Mapping[str, FieldValue]) -> dict[str, FieldValue]:
    """``changes`` (checked field values of a track edit) with the other half of every twin that was given
    alone, so the library never holds two halves that disagree. Both halves given are kept as given."""
    out = dict(changes)
    for name, value in changes.items():
        derived = _DERIVE.get(name)
        if derived is not None and derived[0] not in changes:
            other, derive = derived
            out[other] = derive(value)
    return out
