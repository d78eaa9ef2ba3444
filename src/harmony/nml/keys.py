"""Musical keys: Traktor's ``MUSICAL_KEY VALUE`` ↔ Open Key ↔ Camelot ↔ musical notation.

Traktor stores the analysed key as ``<MUSICAL_KEY VALUE="n">`` with ``n`` in 0–23: 0–11 are the major keys on
C, C♯/D♭, D, E♭, E, F, F♯, G, A♭, A, B♭, B; 12–23 the minor keys on the same roots (12 = Cm, 21 = Am). That
number is the truth. ``INFO KEY`` is free text: Traktor's analysis writes Open Key (``10m``), but tags bring
anything (``Am``, ``8A``, ``e♭``, ``Dbmaj``, ``off``); :func:`parse_key_text` reads it as well as it can.

The wheels, for reference (both go round the circle of fifths):

* Open Key: ``1d`` = C major, ``2d`` = G, … ; ``Nm`` is the relative minor of ``Nd`` (``1m`` = Am).
* Camelot: ``8B`` = C major, ``9B`` = G, … ; ``NA`` is the relative minor of ``NB`` (``8A`` = Am).
  Camelot number = (Open Key number + 6) mod 12 + 1.

Parsing conventions (decided here, used by :func:`from_musical` and :func:`parse_key_text`):

* A root letter followed by ``m``, ``min`` or ``minor`` is minor; by nothing, ``maj`` or ``major`` is major.
  Words are case-insensitive (``A MIN``, ``Eb Minor``, ``EB MINOR``); ``♯``/``♭`` equal ``#``/``b``; the words
  ``sharp`` and ``flat`` are understood; several accidentals stack (``Cb`` = B, ``E#`` = F, ``Bbb`` = A).
* A bare **lower-case** root means minor, upper-case major (``e`` = Em, ``E`` = E major). This is the
  classical convention of the tools that write ``e♭``, ``f♯`` or ``G/g``; in a real collection the lower-case
  letters outnumber the upper-case ones four to one, as minor keys do in electronic music.
* A lone upper-case ``M`` suffix (``AM``) is refused: chord symbols read it as major, all-caps tags as minor.
* Text offering alternatives (``d/a``, ``F♯m/Gb``, ``3A/6B``) is read as its first alternative, the primary
  key.
"""

from __future__ import annotations

import re
from typing import Final

__all__ = [
    "KEY_COUNT",
    "from_camelot",
    "from_musical",
    "from_open_key",
    "parse_key_text",
    "to_camelot",
    "to_musical",
    "to_open_key",
]

#: The number of ``MUSICAL_KEY`` values (0–23).
KEY_COUNT: Final = 24

# Pitch-class spellings of the twelve roots, C = 0.
_SHARP_ROOTS: Final = ("C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B")
_FLAT_ROOTS: Final = ("C", "Db", "D", "Eb", "E", "F", "Gb", "G", "Ab", "A", "Bb", "B")
# The usual spelling: the one whose key signature has fewer accidentals (Db major, not C# major; C#m, not
# Dbm). At the six-accidental ties the common choice wins: F# major and Eb minor.
_USUAL_MAJOR_ROOTS: Final = ("C", "Db", "D", "Eb", "E", "F", "F#", "G", "Ab", "A", "Bb", "B")
_USUAL_MINOR_ROOTS: Final = ("C", "C#", "D", "Eb", "E", "F", "F#", "G", "G#", "A", "Bb", "B")

_NATURALS: Final = {"C": 0, "D": 2, "E": 4, "F": 5, "G": 7, "A": 9, "B": 11}

_OPEN_KEY = re.compile(r"0*(\d{1,2})\s*([dm])", re.IGNORECASE | re.ASCII)
_CAMELOT = re.compile(r"0*(\d{1,2})\s*([ab])", re.IGNORECASE | re.ASCII)
# Root, accidentals, quality. The quality group is matched case-sensitively below so that 'm' ≠ 'M'.
_MUSICAL = re.compile(
    r"(?P<root>[A-Ga-g])[\s_-]*(?P<accidentals>(?:[#♯bB♭]|(?i:sharp|flat))*)[\s_-]*(?P<quality>[A-Za-z]*)\.?",
    re.ASCII,
)
_MINOR_WORDS: Final = frozenset({"m", "min", "minor", "moll"})
_MAJOR_WORDS: Final = frozenset({"", "maj", "major", "dur"})


def _check_value(value: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < KEY_COUNT:
        raise ValueError(f"musical key value must be an integer from 0 to 23, not {value!r}")
    return value


def _wheel_number(value: int) -> int:
    """The Open Key number (1–12) of a key value: C major and A minor are 1, each fifth up adds one."""
    root, minor = value % 12, value >= 12
    major_root = (root + 3) % 12 if minor else root  # a minor key sits with its relative major
    return (7 * major_root) % 12 + 1


def _value_from_wheel(number: int, minor: bool) -> int:
    """The key value of Open Key ``number`` (1–12), major or minor."""
    major_root = (7 * (number - 1)) % 12  # 7 is its own inverse modulo 12
    if minor:
        return 12 + (major_root + 9) % 12  # the relative minor's root is a minor third below
    return major_root


# --- value → text ---------------------------------------------------------------------------------


def to_open_key(value: int) -> str:
    """Open Key notation of a key value: 0 → ``1d``, 21 → ``1m``."""
    _check_value(value)
    return f"{_wheel_number(value)}{'m' if value >= 12 else 'd'}"


def to_camelot(value: int) -> str:
    """Camelot notation of a key value: 0 → ``8B``, 21 → ``8A``."""
    _check_value(value)
    return f"{(_wheel_number(value) + 6) % 12 + 1}{'A' if value >= 12 else 'B'}"


def to_musical(value: int, *, flats: bool | None = None) -> str:
    """Musical notation of a key value in ASCII: 0 → ``C``, 18 → ``F#m``.

    ``flats=None`` spells each key the usual way (Db, Eb, F#, Ab, Bb major; C#m, Ebm, F#m, G#m, Bbm); ``True``
    spells every black key with a flat (``Gbm``), ``False`` with a sharp (``D#m``).
    """
    _check_value(value)
    root, minor = value % 12, value >= 12
    if flats is None:
        roots = _USUAL_MINOR_ROOTS if minor else _USUAL_MAJOR_ROOTS
    else:
        roots = _FLAT_ROOTS if flats else _SHARP_ROOTS
    return roots[root] + ("m" if minor else "")


# --- text → value ---------------------------------------------------------------------------------


def _wheel_text(text: str, pattern: re.Pattern[str], notation: str) -> tuple[int, str]:
    match = pattern.fullmatch(text.strip())
    if match is None:
        raise ValueError(f"{text!r} is not a {notation} key")
    number = int(match.group(1))
    if not 1 <= number <= 12:
        raise ValueError(f"{text!r} is not a {notation} key: the number must be 1 to 12")
    return number, match.group(2).lower()


def from_open_key(text: str) -> int:
    """The key value of Open Key text (``1d`` … ``12m``; case, spaces and a leading zero tolerated)."""
    number, mode = _wheel_text(text, _OPEN_KEY, "Open Key")
    return _value_from_wheel(number, minor=mode == "m")


def from_camelot(text: str) -> int:
    """The key value of Camelot text (``1A`` … ``12B``; case, spaces, a leading zero as in ``08A``)."""
    number, mode = _wheel_text(text, _CAMELOT, "Camelot")
    camelot_to_open = (number + 4) % 12 + 1  # the inverse of (n + 6) mod 12 + 1
    return _value_from_wheel(camelot_to_open, minor=mode == "a")


def from_musical(text: str) -> int:
    """The key value of musical notation: ``C``, ``F#m`` = ``Gbm``, ``E♭ minor``, ``Dbmaj``, ``e`` (Em).

    See the module docstring for the conventions. Raises ``ValueError`` for anything else.
    """
    match = _MUSICAL.fullmatch(text.strip())
    if match is None:
        raise ValueError(f"{text!r} is not a musical key such as 'Am', 'F#m' or 'Eb major'")
    root_letter, accidentals, quality = match.group("root", "accidentals", "quality")
    if quality == "M":
        raise ValueError(f"{text!r} is ambiguous: write 'maj' or 'min' rather than 'M'")
    if quality.lower() in _MINOR_WORDS:
        minor = True
    elif quality.lower() in _MAJOR_WORDS:
        # A bare lower-case root is the classical spelling of a minor key.
        minor = quality == "" and root_letter.islower()
    else:
        raise ValueError(f"{text!r} is not a musical key: unknown quality {quality!r}")
    shift = 0
    for accidental in re.findall(r"[#♯bB♭]|(?i:sharp|flat)", accidentals):
        shift += 1 if accidental.lower() in ("#", "♯", "sharp") else -1
    root = (_NATURALS[root_letter.upper()] + shift) % 12
    return root + 12 if minor else root


_PARSERS: Final = (from_open_key, from_camelot, from_musical)


def parse_key_text(text: str) -> int | None:
    """Read the free text of ``INFO KEY`` into a key value, or ``None`` when it names no key.

    Understands Open Key (``1m``, ``10d``), Camelot (``8A``, ``08A``) and musical notation (``Am``, ``A min``,
    ``Eb Minor``, ``Gmin``, ``A# Major``, ``Dbmaj``, ``e♭``); of alternatives such as ``d/a`` the first is
    taken. ``off``, empty text and anything unrecognised give ``None``.
    """
    first = text.split("/", 1)[0].strip()
    if not first:
        return None
    for parse in _PARSERS:
        try:
            return parse(first)
        except ValueError:
            continue
    return None
