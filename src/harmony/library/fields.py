"""The fields of a track and of a cue point: their kinds, their ranges, and how to read them from text.

One table describes every field, so the database writes, the import plan, the CLI's ``set ID FIELD=VALUE`` and
the tests all agree on names and limits. The names are the ones the NML layer and the sync engine use.
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Final, Literal

from harmony.library.errors import InvalidFieldError
from harmony.xml_text import xml_can_hold

#: A value a track or cue field can hold.
FieldValue = str | int | float | bool | date | None

#: Sort keys a track list of the whole library accepts (see :mod:`harmony.library.track_list`).
SORT_KEYS: tuple[str, ...] = (
    "id", "title", "artist", "album", "genre", "label", "comment", "remixer", "bpm", "key", "musical_key", "rating",
    "color", "year", "duration", "bitrate", "added", "date_added", "import_date", "play_count", "last_played",
    "pending", "path", "track_number", "of_tracks", "comment2", "producer", "mix", "catalog_number", "key_lyrics",
    "release_date", "file_size", "bpm_text", "bpm_quality", "key_text", "ranking", "date_modified", "lock",
)  # fmt: skip

Kind = Literal["text", "int", "float", "date", "bool"]


@dataclass(frozen=True, slots=True)
class FieldSpec:
    """What one field holds: its kind, an inclusive range for numbers, and whether it may be empty."""

    name: str
    kind: Kind
    minimum: float | None = None
    maximum: float | None = None
    nullable: bool = True
    help: str = ""


def _spec(name: str, kind: Kind, lo: float | None = None, hi: float | None = None, **kw: object) -> FieldSpec:
    return FieldSpec(name, kind, lo, hi, **kw)  # type: ignore[arg-type]


_INT64 = 2**63 - 1

#: Every track field except the row id, in the order of the NML entry where there is one.
TRACK_FIELDS: dict[str, FieldSpec] = {
    spec.name: spec
    for spec in (
        _spec("path", "text", nullable=False, help="absolute path of the audio file"),
        _spec("path_key", "text", help="normalised path used to match files (derived from path when empty)"),
        _spec("title", "text"),
        _spec("artist", "text"),
        _spec("album", "text"),
        _spec("track_number", "int", 0, _INT64),
        _spec("of_tracks", "int", 0, _INT64),
        _spec("genre", "text"),
        _spec("label", "text"),
        _spec("comment", "text"),
        _spec("comment2", "text", help="Traktor's 'Comment 2' (INFO RATING text)"),
        _spec("remixer", "text"),
        _spec("producer", "text"),
        _spec("mix", "text"),
        _spec("catalog_number", "text"),
        _spec("key_lyrics", "text"),
        _spec("year", "int", 0, 9999),
        _spec("release_date", "date"),
        _spec("duration", "float", 0, None, help="seconds"),
        _spec("bitrate", "int", 0, _INT64, help="bits per second, as Traktor stores it"),
        _spec("file_size", "int", 0, _INT64, help="bytes"),
        _spec("bpm", "float", 0, None),
        _spec("bpm_text", "text", help="the BPM exactly as Traktor wrote it"),
        _spec("bpm_quality", "float", 0, None),
        _spec("musical_key", "int", 0, 23, help="Traktor key 0-23 (0-11 major C..B, 12-23 minor Cm..Bm)"),
        _spec("key_text", "text"),
        _spec("rating", "int", 0, 5, help="stars"),
        _spec("ranking", "int", 0, 255, help="Traktor's raw RANKING"),
        _spec("color", "int", 1, 7),
        _spec("play_count", "int", 0, _INT64),
        _spec("last_played", "date"),
        _spec("import_date", "date"),
        _spec("date_added", "date"),
        _spec("date_modified", "date"),
        _spec("lock", "bool"),
    )
}

#: Every cue point field except the row id and the owning track.
CUE_FIELDS: dict[str, FieldSpec] = {
    spec.name: spec
    for spec in (
        _spec("type", "int", 0, 5, nullable=False, help="0 cue, 1 fade-in, 2 fade-out, 3 load, 4 grid, 5 loop"),
        _spec("start", "float", None, None, nullable=False, help="milliseconds"),
        _spec("length", "float", 0, None, nullable=False, help="milliseconds"),
        _spec("hotcue", "int", -1, 7, nullable=False, help="-1 for none, else slot 0-7"),
        _spec("name", "text"),
        _spec("display_order", "int", -_INT64, _INT64),
        _spec("repeats", "int", -_INT64, _INT64),
        _spec("color", "text", help="#RRGGBB"),
        _spec("grid_bpm", "float", 0, None),
    )
}


#: What the DJ may edit on a track, with the ranges an edit must keep (tighter than what an import stores:
#: Traktor may have written anything, a DJ typing a value gets told). Everything else (the file, its length,
#: bitrate and size, dates Traktor keeps, play counts) is read-only in the editors.
EDITABLE_TRACK_FIELDS: dict[str, FieldSpec] = {
    spec.name: spec
    for spec in (
        _spec("title", "text"),
        _spec("artist", "text"),
        _spec("album", "text"),
        _spec("remixer", "text"),
        _spec("producer", "text"),
        _spec("mix", "text"),
        _spec("label", "text"),
        _spec("catalog_number", "text"),
        _spec("genre", "text"),
        _spec("comment", "text"),
        _spec("comment2", "text"),
        _spec("key_lyrics", "text"),
        _spec("year", "int", 0, 9999),
        _spec("release_date", "date"),
        _spec("track_number", "int", 0, 9999),
        _spec("of_tracks", "int", 0, 9999),
        _spec("bpm", "float", 0, 999),
        _spec("bpm_text", "text"),
        _spec("musical_key", "int", 0, 23, help="one of the 24 keys: 0-11 major C..B, 12-23 minor Cm..Bm"),
        _spec("key_text", "text"),
        _spec("rating", "int", 0, 5, help="stars"),
        _spec("ranking", "int", 0, 255),
        _spec("color", "int", 0, 7, help="Traktor's colours 1-7; 0 or null for none"),
        _spec("lock", "bool"),
    )
}


def check_track_edit(changes: Mapping[str, object]) -> dict[str, FieldValue]:
    """Check a DJ's edit of track fields: known, editable, in the edit range. Dates may come as ISO text.
    Colour 0 means none (stored empty, as Traktor writes no colour)."""
    out: dict[str, FieldValue] = {}
    for name, value in changes.items():
        if name not in EDITABLE_TRACK_FIELDS:
            if name in TRACK_FIELDS:
                raise InvalidFieldError(f"Field '{name}' is read-only: Harmony takes it from the file or Traktor.")
            raise unknown_field(EDITABLE_TRACK_FIELDS, name)
        spec = EDITABLE_TRACK_FIELDS[name]
        if spec.kind == "date" and isinstance(value, str):
            value = parse_field_text(EDITABLE_TRACK_FIELDS, name, value)
        checked = check_value(EDITABLE_TRACK_FIELDS, name, value)
        out[name] = None if name == "color" and checked == 0 else checked
    check_typed(out)
    return out


def check_holdable(values: Mapping[str, object]) -> None:
    """Refuse text that Traktor's collection cannot hold (a control character, see harmony.xml_text): no export
    could write it. Only new text is asked: an undo, a redo or a merge puts back or moves what the library
    already holds, which a library from before this check may hold."""
    for name, value in values.items():
        if isinstance(value, str) and name not in _FILE_FIELDS and not xml_can_hold(value):
            raise InvalidFieldError(f"Field '{name}' holds a control character Traktor's collection cannot: {value!r}.")


def check_typed(values: Mapping[str, object]) -> None:
    """Refuse a DJ's new text (an edit, a cue's name) that the collection cannot hold (:func:`check_holdable`)
    or that is too long (:func:`check_length`)."""
    check_holdable(values)
    check_length(values)


def check_length(values: Mapping[str, object]) -> None:
    """Refuse a DJ's new text longer than :data:`MAX_TEXT_CHARS`. An import does not ask: Traktor's own text is
    kept as it is (the reader refuses a track over 1 MB as a whole). A playlist's or folder's name asks this
    alone: the library's writes already ask :func:`check_holdable` of every name, an import's too."""
    for name, value in values.items():
        if isinstance(value, str) and name not in _FILE_FIELDS and len(value) > MAX_TEXT_CHARS:
            raise InvalidFieldError(
                f"Field '{name}' holds {len(value):,} characters, more than the {MAX_TEXT_CHARS:,} one text may: "
                "a paste gone wrong? Nothing was changed."
            )


def unknown_field(specs: Mapping[str, FieldSpec], name: str) -> InvalidFieldError:
    """The error for a field name that does not exist, suggesting the closest real one."""
    close = difflib.get_close_matches(name, list(specs), n=1)
    hint = f" (did you mean '{close[0]}'?)" if close else ""
    return InvalidFieldError(f"Unknown field '{name}'{hint}.")


#: The longest text a DJ may give one field (a comment, a title, lyrics, a cue's name): far beyond any tag, and
#: short enough that one pasted by mistake cannot make a track the collection file cannot hold (each track must
#: stay under 1 MB there, see harmony.nml.limits; the export refuses one that would not).
MAX_TEXT_CHARS: Final = 10_000

#: What a cue colour looks like (``#RRGGBB``).
COLOR_RE = re.compile(r"^#[0-9A-Fa-f]{6}$")
#: A file's path is what the file system allows; it reaches the collection as a location, which says itself what
#: it cannot hold (the export reports that track left out). Every other text goes into the collection as it is.
_FILE_FIELDS = frozenset({"path", "path_key"})


def check_value(specs: Mapping[str, FieldSpec], name: str, value: object) -> FieldValue:
    """Return ``value`` if it fits field ``name``, else raise :class:`InvalidFieldError` saying why.

    Integers are accepted for float fields (and widened); bools are never taken for numbers, because a stray
    ``True`` stored as a rating of 1 is exactly the kind of silent corruption this check exists to stop.
    """
    spec = specs.get(name)
    if spec is None:
        raise unknown_field(specs, name)
    if value is None:
        if not spec.nullable:
            raise InvalidFieldError(f"Field '{name}' cannot be empty.")
        return None
    if spec.kind == "text":
        if not isinstance(value, str):
            raise InvalidFieldError(f"Field '{name}' needs text, not {value!r}.")
        if not spec.nullable and not value.strip():
            raise InvalidFieldError(f"Field '{name}' cannot be empty.")
        if specs is CUE_FIELDS and name == "color" and not COLOR_RE.match(value):
            raise InvalidFieldError(f"Cue colour must look like #RRGGBB, not {value!r}.")
        return value
    if spec.kind == "bool":
        if not isinstance(value, bool):
            raise InvalidFieldError(f"Field '{name}' needs true or false, not {value!r}.")
        return value
    if spec.kind == "date":
        if not isinstance(value, date):
            raise InvalidFieldError(f"Field '{name}' needs a date (YYYY-MM-DD), not {value!r}.")
        return value
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InvalidFieldError(f"Field '{name}' needs a number, not {value!r}.")
    number: int | float
    if spec.kind == "int":
        if isinstance(value, float):
            if not value.is_integer():
                raise InvalidFieldError(f"Field '{name}' needs a whole number, not {value!r}.")
            value = int(value)
        number = value
    else:
        number = float(value)
        if not math.isfinite(number):
            raise InvalidFieldError(f"Field '{name}' needs a finite number, not {value!r}.")
    if spec.minimum is not None and number < spec.minimum:
        raise InvalidFieldError(f"Field '{name}' must be at least {_fmt(spec.minimum)}, not {value!r}.")
    if spec.maximum is not None and number > spec.maximum:
        raise InvalidFieldError(f"Field '{name}' must be at most {_fmt(spec.maximum)}, not {value!r}.")
    return number


def check_values(specs: Mapping[str, FieldSpec], values: Mapping[str, object]) -> dict[str, FieldValue]:
    """Check every ``name: value`` pair (see :func:`check_value`) and return them as a new dict."""
    return {name: check_value(specs, name, value) for name, value in values.items()}


_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}
_EMPTY = {"", "none", "null"}


def parse_field_text(specs: Mapping[str, FieldSpec], name: str, text: str) -> FieldValue:
    """Read ``text`` typed by a DJ (``rating=4``, ``release_date=2024-05-01``) as the value of field ``name``.

    ``none``/``null``/an empty value clears a field that may be empty. The result is checked like any write.
    """
    spec = specs.get(name)
    if spec is None:
        raise unknown_field(specs, name)
    stripped = text.strip()
    value: FieldValue
    if spec.kind != "text" and stripped.lower() in _EMPTY:
        value = None
    elif spec.kind == "text":
        value = None if text == "" and spec.nullable else text
    elif spec.kind == "bool":
        if stripped.lower() in _TRUE:
            value = True
        elif stripped.lower() in _FALSE:
            value = False
        else:
            raise InvalidFieldError(f"Field '{name}' needs true or false, not {text!r}.")
    elif spec.kind == "date":
        try:
            value = date.fromisoformat(stripped)
        except ValueError:
            raise InvalidFieldError(f"Field '{name}' needs a date as YYYY-MM-DD, not {text!r}.") from None
    elif spec.kind == "int":
        try:
            value = int(stripped)
        except ValueError:
            raise InvalidFieldError(f"Field '{name}' needs a whole number, not {text!r}.") from None
    else:
        try:
            value = float(stripped)
        except ValueError:
            raise InvalidFieldError(f"Field '{name}' needs a number, not {text!r}.") from None
    return check_value(specs, name, value)


def _fmt(number: float) -> str:
    return str(int(number)) if float(number).is_integer() else str(number)
