"""Plain values of a track and of a cue point, as they cross process boundaries.

These frozen, slotted dataclasses are what the sync engine (pure code, in a worker) reads and builds, and what
the store writes. They carry no database identity; :mod:`harmony.library.reader` pairs them with row ids.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, fields
from datetime import date
from operator import attrgetter
from typing import Any, TypeVar

from harmony.library.fields import CUE_FIELDS, TRACK_FIELDS, FieldSpec, FieldValue, check_values

_T = TypeVar("_T")


def pickled_by_fields(cls: type[_T]) -> type[_T]:
    """Make a frozen dataclass pickle as its class and its field values, in order.

    The default pickling of a frozen, slotted dataclass goes through generated ``__getstate__`` and
    ``__setstate__`` functions that look its fields up again for every object. A first import sends 100,000
    tracks (with 300,000 cues) from the worker to the app this way, twice over (written, then read back):
    rebuilding each object through its constructor is about twice as fast, and the app's event loop waits on
    it (the unpickling of a plan part holds the GIL)."""
    names = [spec.name for spec in fields(cls)]  # type: ignore[arg-type]
    getter = attrgetter(*names)
    single = len(names) == 1  # attrgetter of one name gives the value, not a tuple

    def __reduce__(self: _T) -> tuple[type[_T], tuple[Any, ...]]:
        return cls, (getter(self),) if single else getter(self)

    cls.__reduce__ = __reduce__  # type: ignore[assignment,method-assign]
    return cls


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class TrackValues:
    """Every field of a track. Only ``path`` is required; ``path_key`` is derived from it when left empty."""

    path: str
    path_key: str | None = None
    title: str | None = None
    artist: str | None = None
    album: str | None = None
    track_number: int | None = None
    of_tracks: int | None = None
    genre: str | None = None
    label: str | None = None
    comment: str | None = None
    comment2: str | None = None
    remixer: str | None = None
    producer: str | None = None
    mix: str | None = None
    catalog_number: str | None = None
    key_lyrics: str | None = None
    year: int | None = None
    release_date: date | None = None
    duration: float | None = None
    bitrate: int | None = None
    file_size: int | None = None
    bpm: float | None = None
    bpm_text: str | None = None
    bpm_quality: float | None = None
    musical_key: int | None = None
    key_text: str | None = None
    rating: int | None = None
    ranking: int | None = None
    color: int | None = None
    play_count: int | None = None
    last_played: date | None = None
    import_date: date | None = None
    date_added: date | None = None
    date_modified: date | None = None
    lock: bool | None = None

    def as_dict(self) -> dict[str, FieldValue]:
        """The fields as a plain dict, in declaration order."""
        return dict(zip(TRACK_FIELD_NAMES, track_getter(self), strict=True))

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any]) -> TrackValues:
        """Build from a mapping of field names (unknown names are refused, missing ones are empty)."""
        return cls(**check_values(TRACK_FIELDS, values))  # type: ignore[arg-type]

    def checked(self) -> TrackValues:
        """Return self after checking every value against :data:`TRACK_FIELDS` (raises InvalidFieldError)."""
        check_values(TRACK_FIELDS, self.as_dict())
        return self


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class CueValues:
    """A cue point, loop or grid marker. ``start`` and ``length`` are milliseconds, as in the NML."""

    type: int
    start: float
    length: float = 0.0
    hotcue: int = -1
    name: str | None = None
    display_order: int | None = None
    repeats: int | None = None
    color: str | None = None
    grid_bpm: float | None = None

    def as_dict(self) -> dict[str, FieldValue]:
        """The fields as a plain dict, in declaration order."""
        return dict(zip(CUE_FIELD_NAMES, cue_getter(self), strict=True))

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any]) -> CueValues:
        """Build from a mapping of field names (unknown names are refused)."""
        return cls(**check_values(CUE_FIELDS, values))  # type: ignore[arg-type]

    def checked(self) -> CueValues:
        """Return self after checking every value against :data:`CUE_FIELDS` (raises InvalidFieldError)."""
        check_values(CUE_FIELDS, self.as_dict())
        return self


TRACK_FIELD_NAMES: tuple[str, ...] = tuple(f.name for f in fields(TrackValues))
CUE_FIELD_NAMES: tuple[str, ...] = tuple(f.name for f in fields(CueValues))
# One C-level call reads every field (imports turn 100,000 tracks into rows, so this is a hot path).
track_getter = attrgetter(*TRACK_FIELD_NAMES)
cue_getter = attrgetter(*CUE_FIELD_NAMES)

# The dataclasses and the field table must name the same fields; a mismatch is a programming error.
assert set(TRACK_FIELD_NAMES) == set(TRACK_FIELDS), "TrackValues and TRACK_FIELDS disagree"
assert set(CUE_FIELD_NAMES) == set(CUE_FIELDS), "CueValues and CUE_FIELDS disagree"


def _encode(values: Mapping[str, FieldValue]) -> dict[str, Any]:
    """To JSON-ready values: empty fields left out (they decode to the same None default), which keeps a
    100,000-track library's bases small. Dates become ISO text in :data:`_BASE_ENCODER`."""
    return {k: v for k, v in values.items() if v is not None}


def _iso_date(value: object) -> str:
    """Dates as ISO text; anything else JSON cannot hold is a programming error."""
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


# One encoder for every base: ``json.dumps`` with options builds a new encoder per call, and an import encodes
# 200,000 of these. Floats keep their shortest repr, so they come back exactly.
_BASE_ENCODER = json.JSONEncoder(ensure_ascii=False, allow_nan=False, default=_iso_date)


def _decode(specs: Mapping[str, FieldSpec], values: Mapping[str, Any]) -> dict[str, Any]:
    """Back from JSON: dates from ISO text; a field a newer Harmony wrote is dropped (a base is advisory)."""
    dates = _DATE_FIELDS[id(specs)]
    return {
        name: (date.fromisoformat(value) if value is not None and name in dates else value)
        for name, value in values.items()
        if name in specs
    }


_DATE_FIELDS = {
    id(specs): frozenset(name for name, spec in specs.items() if spec.kind == "date")
    for specs in (TRACK_FIELDS, CUE_FIELDS)
}


def track_values_to_json(values: TrackValues | Mapping[str, FieldValue]) -> str:
    """Serialise for a sync base: JSON keeps floats exactly (shortest repr) and dates as ISO text."""
    mapping = values.as_dict() if isinstance(values, TrackValues) else values
    return _BASE_ENCODER.encode(_encode(mapping))


def track_list_to_json(values: Sequence[FieldValue]) -> str:
    """:func:`track_values_to_json` of the field values in :data:`TRACK_FIELD_NAMES` order (a bulk path)."""
    return _BASE_ENCODER.encode({k: v for k, v in zip(TRACK_FIELD_NAMES, values, strict=True) if v is not None})


def track_values_from_json(text: str) -> TrackValues:
    """Inverse of :func:`track_values_to_json`."""
    return TrackValues(**_decode(TRACK_FIELDS, json.loads(text)))


def cues_to_json(cues: Sequence[CueValues | Mapping[str, FieldValue]]) -> str:
    """Serialise a list of cues for a sync base."""
    return _BASE_ENCODER.encode([_encode(cue.as_dict() if isinstance(cue, CueValues) else cue) for cue in cues])


def cue_lists_to_json(cues: Iterable[Sequence[FieldValue]]) -> str:
    """:func:`cues_to_json` of cues given as field values in :data:`CUE_FIELD_NAMES` order (a bulk path;
    values past the cue's fields, such as a track id, are ignored)."""
    return _BASE_ENCODER.encode(
        [{k: v for k, v in zip(CUE_FIELD_NAMES, cue, strict=False) if v is not None} for cue in cues]
    )


def cues_from_json(text: str) -> tuple[CueValues, ...]:
    """Inverse of :func:`cues_to_json`."""
    return tuple(CueValues(**_decode(CUE_FIELDS, item)) for item in json.loads(text))
