"""Small value codecs of the NML: ratings, dates, colours and numbers.

Each pair of functions converts between the text Traktor stores and the value Harmony works with. Readers are
tolerant (real files hold padding, stray spaces and impossible dates; those read as ``None``), writers produce
exactly Traktor's form and validate their input, since what they write goes into the DJ's collection.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Mapping
from types import MappingProxyType
from typing import Final

__all__ = [
    "MAX_RANKING",
    "MAX_STARS",
    "RANKING_PER_STAR",
    "TRACK_COLORS",
    "format_cue_color",
    "format_date",
    "format_float",
    "modified_stamp",
    "parse_cue_color",
    "parse_date",
    "parse_float",
    "parse_int",
    "parse_modified_stamp",
    "ranking_to_stars",
    "stars_to_ranking",
    "track_color_index",
    "track_color_name",
]

# --- rating ---------------------------------------------------------------------------------------

#: Traktor's UI writes ``RANKING`` as 51 per star: 0, 51, 102, 153, 204, 255.
RANKING_PER_STAR: Final = 51
MAX_STARS: Final = 5
MAX_RANKING: Final = 255


def ranking_to_stars(ranking: int) -> int:
    """Stars (0–5) of an ``INFO RANKING`` (0–255).

    Real files also hold rankings between the star steps (196, 128, 64, 1, 230, from ID3 ``POPM`` tags), so a
    ranking maps to the nearest star, halves rounded up: stars = floor(ranking / 51 + 0.5), clamped to 0–5.
    Integer arithmetic keeps it exact (no float, no banker's rounding).
    """
    stars = (2 * ranking + RANKING_PER_STAR) // (2 * RANKING_PER_STAR)
    return max(0, min(MAX_STARS, stars))


def stars_to_ranking(stars: int) -> int:
    """The ``RANKING`` Traktor writes for a star rating (0–5): stars × 51; others raise ``ValueError``."""
    if isinstance(stars, bool) or not isinstance(stars, int) or not 0 <= stars <= MAX_STARS:
        raise ValueError(f"a star rating must be a whole number from 0 to 5, not {stars!r}")
    return stars * RANKING_PER_STAR


# --- dates ----------------------------------------------------------------------------------------

_DATE = re.compile(r"\s*(\d{1,4})/(\d{1,2})/(\d{1,2})\s*", re.ASCII)
_SECONDS_PER_DAY: Final = 86_400


def parse_date(text: str) -> dt.date | None:
    """A Traktor date (``2019/8/29``, zero padding tolerated), or ``None`` if empty or impossible."""
    match = _DATE.fullmatch(text)
    if match is None:
        return None
    year, month, day = (int(group) for group in match.groups())
    try:
        return dt.date(year, month, day)
    except ValueError:  # 2019/2/30, month 0, year 0…
        return None


def format_date(date: dt.date) -> str:
    """A date as Traktor writes it: ``Y/M/D`` without zero padding (``2019/8/29``)."""
    return f"{date.year}/{date.month}/{date.day}"


def modified_stamp(now: dt.datetime) -> tuple[str, str]:
    """``(MODIFIED_DATE, MODIFIED_TIME)`` of an edit made at ``now``: UTC date and seconds after midnight.

    ``now`` must carry a time zone: a naive datetime is ambiguous (``datetime.now()`` is local time) and
    raises ``ValueError``. Use ``datetime.now(timezone.utc)``.
    """
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("modified_stamp needs a time-zone-aware datetime, e.g. datetime.now(timezone.utc)")
    utc = now.astimezone(dt.UTC)
    seconds = utc.hour * 3600 + utc.minute * 60 + utc.second
    return format_date(utc.date()), str(seconds)


def parse_modified_stamp(date_text: str, time_text: str) -> dt.datetime | None:
    """The UTC moment of ``MODIFIED_DATE`` + ``MODIFIED_TIME``; ``None`` if the date is missing or impossible.

    An empty or unreadable time with a good date reads as midnight: the date alone still orders edits by day.
    """
    date = parse_date(date_text)
    if date is None:
        return None
    seconds = parse_int(time_text)
    if seconds is None:
        seconds = 0
    if not 0 <= seconds < _SECONDS_PER_DAY:
        return None
    midnight = dt.datetime(date.year, date.month, date.day, tzinfo=dt.UTC)
    return midnight + dt.timedelta(seconds=seconds)


# --- colours --------------------------------------------------------------------------------------

#: Traktor's track colours: ``INFO COLOR`` index → name.
TRACK_COLORS: Final[Mapping[int, str]] = MappingProxyType(
    {1: "red", 2: "orange", 3: "yellow", 4: "green", 5: "blue", 6: "violet", 7: "magenta"}
)
_TRACK_COLOR_INDEX: Final[Mapping[str, int]] = MappingProxyType({name: i for i, name in TRACK_COLORS.items()})
_CUE_COLOR = re.compile(r"#([0-9A-Fa-f]{2})([0-9A-Fa-f]{2})([0-9A-Fa-f]{2})", re.ASCII)


def track_color_name(index: int) -> str:
    """The name of a track colour index (1 → ``red`` … 7 → ``magenta``); others raise ``ValueError``."""
    if isinstance(index, bool) or index not in TRACK_COLORS:
        raise ValueError(f"a track colour index must be 1 to 7, not {index!r}")
    return TRACK_COLORS[index]


def track_color_index(name: str) -> int:
    """The index (1–7) of a track colour name, case-insensitive; unknown names raise ``ValueError``."""
    index = _TRACK_COLOR_INDEX.get(name.strip().lower())
    if index is None:
        choices = ", ".join(TRACK_COLORS.values())
        raise ValueError(f"unknown track colour {name!r}; choose one of {choices}")
    return index


def parse_cue_color(text: str) -> tuple[int, int, int]:
    """The (red, green, blue) of a cue ``COLOR`` (``#RRGGBB``, hex digits in either case)."""
    match = _CUE_COLOR.fullmatch(text)
    if match is None:
        raise ValueError(f"a cue colour must look like '#RRGGBB', not {text!r}")
    red, green, blue = (int(group, 16) for group in match.groups())
    return red, green, blue


def format_cue_color(rgb: tuple[int, int, int]) -> str:
    """A cue ``COLOR`` as Traktor 4 writes it: ``#RRGGBB`` in upper case. Channels must be integers 0–255."""
    if len(rgb) != 3 or not all(isinstance(c, int) and not isinstance(c, bool) and 0 <= c <= 255 for c in rgb):
        raise ValueError(f"a cue colour needs three whole numbers from 0 to 255, not {rgb!r}")
    return "#{:02X}{:02X}{:02X}".format(*rgb)


# --- numbers --------------------------------------------------------------------------------------

_INT = re.compile(r"[+-]?\d+", re.ASCII)
_INTEGRAL_FLOAT = re.compile(r"[+-]?\d+\.0*", re.ASCII)


# The whole numbers NML repeats most (cue types, hotcue slots, flags, rankings, play counts): read from a
# table instead of parsed, which matters when a big collection holds millions of them.
SMALL_INTS: dict[str, int] = {str(number): number for number in range(-1, 1000)}
# Likewise the decimal texts most cues and tracks carry (a cue's LEN, a track's BPM_QUALITY), in both styles.
COMMON_FLOATS: dict[str, float] = {
    text: float(number) for number in (0, 100) for text in (str(number), f"{number:.6f}")
}


def format_float(value: float, *, six_decimals: bool) -> str:
    """A float attribute (BPM, cue START/LEN, PLAYTIME_FLOAT…) as Traktor writes it.

    ``six_decimals=True``: Traktor 3/4 style, ``%.6f`` (``130.000000``). ``False``: the short style of Traktor
    2 files, ``%.6f`` with trailing zeros and a trailing dot removed (``130``, ``139.653``). Both read back as
    the same number, so the choice of style never changes data. Negative zero is written as zero; NaN and
    infinities, which Traktor cannot read, raise ``ValueError``.
    """
    if not math.isfinite(value):
        raise ValueError(f"cannot write {value!r} into a collection; Traktor only reads finite numbers")
    text = f"{value:.6f}"
    if text.startswith("-") and not text.strip("-0."):
        text = text[1:]  # -0.000000 (also a tiny negative rounded to zero) → 0.000000
    if not six_decimals:
        text = text.rstrip("0").rstrip(".")
    return text


def parse_float(text: str) -> float | None:
    """A decimal number from NML text (``130``, ``139.653``, ``1.03544e-06``, surrounding spaces tolerated).

    Empty, unreadable or non-finite text gives ``None``. ``float()`` itself does the reading (a big collection
    holds millions of numbers): for ASCII text without underscores it accepts exactly the decimal forms above,
    and the only extra words it knows, ``nan`` and ``inf``, are refused as non-finite.
    """
    common = COMMON_FLOATS.get(text)
    if common is not None:
        return common
    if not text.isascii() or "_" in text:
        return None
    try:
        value = float(text)
    except ValueError:
        return None
    return value if value - value == 0.0 else None  # NaN and infinities give NaN here


def parse_int(text: str) -> int | None:
    """A whole number from NML text (``12``, ``-1``, ``12.0``, surrounding spaces tolerated).

    Empty or unreadable text, and fractions (``12.5``), give ``None``.
    """
    cached = SMALL_INTS.get(text)
    if cached is not None:
        return cached
    if text.isascii() and (text.isdigit() or (text[:1] == "-" and text[1:].isdigit())):
        return int(text)  # the common case, without the pattern
    stripped = text.strip()
    if _INT.fullmatch(stripped):
        return int(stripped)
    if _INTEGRAL_FLOAT.fullmatch(stripped):
        return int(stripped.split(".", 1)[0])
    return None
