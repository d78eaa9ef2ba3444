"""Field-by-field translation between Traktor's track and cue values and Harmony's.

Import: :func:`track_values_from_nml` turns an NML :class:`~harmony.nml.TrackData` into library
:class:`~harmony.library.TrackValues`; :func:`cue_values_from_nml` does the same for cues. Export:
:func:`nml_fields_from_track_values` and :func:`cue_data_from_values` go back. Nothing is rounded on the way:
the BPM keeps its exact text beside the float, the raw ``RANKING`` beside the stars, the full release date
beside the year, ``PLAYTIME_FLOAT`` over the whole seconds of ``PLAYTIME``.

Real collections hold values the library refuses (a negative play count, a cue of an unknown type); such a value
is left out of the import and named in :attr:`MappedTrack.dropped`, so the report can say so, instead of failing
the whole import when the library checks it. ``BITRATE="-1"`` is not one of them: it is how Traktor writes a
bitrate it could not read (hundreds of tracks in a real collection), so it is imported as "no bitrate", as an
absent one is, and said nowhere. An export leaves the entry's ``-1`` as it is, as for any field unchanged.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, fields
from datetime import date
from operator import attrgetter
from typing import Any, Final

from harmony.library import CUE_FIELDS, TRACK_FIELDS, CueValues, TrackValues
from harmony.nml import CueData, TrackData, parse_float, ranking_to_stars

log = logging.getLogger(__name__)

__all__ = [
    "FILE_SIZE_UNIT",
    "MERGED_FIELDS",
    "NML_TRACK_FIELDS",
    "MappedCue",
    "MappedTrack",
    "cue_as_stored",
    "cue_data_from_values",
    "cue_unchanged",
    "cue_values_from_nml",
    "cue_values_or_problem",
    "nml_fields_from_track_values",
    "track_values_from_nml",
]

#: Traktor's ``INFO FILESIZE`` counts kibibytes; Harmony's ``file_size`` counts bytes.
FILE_SIZE_UNIT: Final = 1024

#: Library fields copied from the NML field of the same name.
_SAME_NAME: Final = (
    "title",
    "artist",
    "album",
    "track_number",
    "of_tracks",
    "genre",
    "label",
    "comment",
    "comment2",
    "remixer",
    "producer",
    "mix",
    "catalog_number",
    "key_lyrics",
    "release_date",
    "bitrate",
    "bpm",
    "bpm_text",
    "bpm_quality",
    "musical_key",
    "key_text",
    "rating",
    "ranking",
    "color",
    "play_count",
    "last_played",
    "import_date",
)

#: Every library field an import takes from Traktor (and an export gives back). ``path`` is the identity, not
#: a value to merge; ``path_key``, ``date_added`` and ``date_modified`` are Harmony's own.
MERGED_FIELDS: Final = (
    *_SAME_NAME[:14],  # title … key_lyrics
    "year",
    "release_date",
    "duration",
    *_SAME_NAME[15:],  # bitrate … import_date
    "file_size",
    "lock",
)

#: The NML track fields :func:`nml_fields_from_track_values` may return.
NML_TRACK_FIELDS: Final = (*_SAME_NAME, "playtime", "playtime_float", "file_size", "lock")

_SAME_VALUES: Final = attrgetter(*_SAME_NAME)

# (name, lowest, highest) of every numeric library field, to check values before the library does.
_RANGES: Final = tuple(
    (name, spec.minimum, spec.maximum)
    for name, spec in TRACK_FIELDS.items()
    if spec.kind in ("int", "float") and (spec.minimum is not None or spec.maximum is not None)
)


@dataclass(frozen=True, slots=True)
class MappedTrack:
    """A track's library values from the NML, with the names of values left out because the library would
    refuse them (e.g. ``play_count=-3``)."""

    values: TrackValues
    dropped: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class MappedCue:
    """A cue's library values, or None with the reason it cannot be imported."""

    values: CueValues | None
    problem: str | None = None


# Library field positions, to build TrackValues positionally: this runs for every track of a collection.
_POSITION: Final = {spec.name: index for index, spec in enumerate(fields(TrackValues))}
_RANGES_AT: Final = tuple((_POSITION[name], name, low, high) for name, low, high in _RANGES)
_RATING_AT, _BPM_TEXT_AT, _BITRATE_AT = _POSITION["rating"], _POSITION["bpm_text"], _POSITION["bitrate"]
#: The bitrate Traktor writes when it could not read the file's (see the module doc).
UNKNOWN_BITRATE: Final = -1
# The row below lists the library fields in TrackValues order; check that order once, here.
_ROW_ORDER: Final = (
    "path",
    "path_key",
    *_SAME_NAME[:14],
    "year",
    "release_date",
    "duration",
    "bitrate",
    "file_size",
    *_SAME_NAME[16:],
    "date_added",
    "date_modified",
    "lock",
)
assert tuple(_POSITION) == _ROW_ORDER, "TrackValues changed its field order: update track_values_from_nml"
assert _SAME_NAME[14:16] == ("release_date", "bitrate")


def track_values_from_nml(data: TrackData, path: str) -> MappedTrack:
    """The library values of an NML track whose file is at ``path`` (see the module doc for the rules)."""
    same = _SAME_VALUES(data)
    release = data.release_date
    playtime = data.playtime_float if data.playtime_float is not None else _float(data.playtime)
    file_size = None if data.file_size is None else data.file_size * FILE_SIZE_UNIT
    row: list[Any] = [
        path,
        None,  # path_key: derived by the library
        *same[:14],
        None if release is None else release.year,
        release,
        playtime,
        same[15],  # bitrate
        file_size,
        *same[16:],
        None,  # date_added: Harmony's own
        None,  # date_modified: Harmony's own
        True if data.lock else None,
    ]
    if row[_BITRATE_AT] == UNKNOWN_BITRATE:
        row[_BITRATE_AT] = None
    dropped: list[str] = []
    for index, name, low, high in _RANGES_AT:
        value = row[index]
        if value is not None and ((low is not None and value < low) or (high is not None and value > high)):
            dropped.append(f"{name}={value!r}")
            row[index] = None
            if name == "ranking":
                row[_RATING_AT] = None
            elif name == "bpm":
                row[_BPM_TEXT_AT] = None
    return MappedTrack(TrackValues(*row), tuple(dropped))


def _float(value: int | None) -> float | None:
    return None if value is None else float(value)


_TYPE_LOW, _TYPE_HIGH = int(CUE_FIELDS["type"].minimum or 0), int(CUE_FIELDS["type"].maximum or 0)
_PAD_LOW, _PAD_HIGH = int(CUE_FIELDS["hotcue"].minimum or 0), int(CUE_FIELDS["hotcue"].maximum or 0)


def cue_values_from_nml(cue: CueData) -> MappedCue:
    """The library values of an NML cue, kept exactly (the name ``n.n.`` included); a cue the library cannot
    hold (unknown type, pad out of range, negative length) comes back with its problem instead."""
    mapped = cue_values_or_problem(cue)
    return MappedCue(None, mapped) if isinstance(mapped, str) else MappedCue(mapped)


def cue_values_or_problem(cue: CueData) -> CueValues | str:
    """:func:`cue_values_from_nml` without the wrapper: the values, or the problem as text. It runs for every
    cue of a collection (300,000 in a big one)."""
    if not _TYPE_LOW <= cue.type <= _TYPE_HIGH:
        return f"cue of unknown type {cue.type} at {cue.start:.3f} ms"
    if not _PAD_LOW <= cue.hotcue <= _PAD_HIGH:
        return f"cue on hotcue pad {cue.hotcue} at {cue.start:.3f} ms"
    if cue.length < 0:
        return f"cue with negative length {cue.length} at {cue.start:.3f} ms"
    color = cue.color
    if color is not None and _COLOR.fullmatch(color) is None:
        color = None
    grid_bpm = cue.grid_bpm if cue.grid_bpm is None or cue.grid_bpm >= 0 else None
    return CueValues(
        cue.type, cue.start, cue.length, cue.hotcue, cue.name, cue.display_order, cue.repeats, color, grid_bpm
    )


# A colour the library holds: "#" and six hexadecimal digits (ASCII only: \d would take other digits).
_COLOR: Final = re.compile(r"#[0-9a-fA-F]{6}")


def cue_data_from_values(cue: CueValues) -> CueData:
    """The NML cue of library cue values (for an export); empty optional values take Traktor's defaults."""
    return CueData(
        type=cue.type,
        start=cue.start,
        length=cue.length,
        hotcue=cue.hotcue,
        name="n.n." if cue.name is None else cue.name,
        display_order=0 if cue.display_order is None else cue.display_order,
        repeats=-1 if cue.repeats is None else cue.repeats,
        color=cue.color,
        grid_bpm=cue.grid_bpm,
    )


def cue_as_stored(cue: CueValues) -> CueValues | None:
    """A Harmony cue as the import would read it back from the NML: a name, display order and repeat count
    always (Traktor's defaults when empty); None when the NML cannot hold it. Positions keep their precision:
    cues compare at the NML's six decimals (``harmony.sync.export_cues.same_cues``) rather than being rounded
    here, so the exact values a file holds (``0.0261203``) are never changed by an export. A base holds cues in
    this form, so both directions compare Harmony's cues with it in this form."""
    return cue_values_from_nml(cue_data_from_values(cue)).values


def cue_unchanged(harmony: CueValues, base: CueValues) -> bool:
    """Whether a Harmony cue is still the base's, both as the NML holds them: a cue left without a name is
    "n.n." there (and has Traktor's display order and repeat count), whichever side left it empty. The import
    and the export decide a deletion on the other side by it."""
    stored = cue_as_stored(harmony)
    return stored is not None and stored == cue_as_stored(base)


def nml_fields_from_track_values(values: TrackValues) -> dict[str, Any]:
    """The NML track fields (names of :class:`harmony.nml.Track`) that hold ``values``, for an export.

    Exact texts win where they still say the same thing as the value: ``bpm_text`` is written verbatim when it
    reads as ``bpm`` (so ``130`` from a Traktor 2 file stays ``130``), the raw ``ranking`` when it gives the
    same stars as ``rating``. A year without a release date becomes January 1st of that year, as Traktor does.
    """
    out: dict[str, Any] = {name: getattr(values, name) for name in _SAME_NAME[:14]}
    release = values.release_date
    if release is None and values.year is not None and values.year >= 1:
        release = date(values.year, 1, 1)
    out["release_date"] = release
    for name in ("bitrate", "bpm_quality", "musical_key", "key_text", "color", "play_count"):
        out[name] = getattr(values, name)
    out["last_played"] = values.last_played
    out["import_date"] = values.import_date
    if values.bpm is not None and values.bpm_text is not None and parse_float(values.bpm_text) == values.bpm:
        out["bpm_text"] = values.bpm_text
    else:
        out["bpm"] = values.bpm
    if values.ranking is not None and (values.rating is None or ranking_to_stars(values.ranking) == values.rating):
        out["ranking"] = values.ranking
    else:
        out["rating"] = values.rating
    duration = values.duration
    out["playtime_float"] = duration
    out["playtime"] = None if duration is None else int(duration + 0.5)
    out["file_size"] = None if values.file_size is None else (values.file_size + FILE_SIZE_UNIT // 2) // FILE_SIZE_UNIT
    out["lock"] = bool(values.lock)
    return out
