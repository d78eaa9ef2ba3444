"""Reading a musical key written as text (in a file's tags) into Traktor's key number 0–23.

Traktor numbers keys 0–11 for the major keys C, Db, D … B and 12–23 for the minor keys Cm, Dbm … Bm. Tags
carry keys in many spellings: standard (``Am``, ``F#``, ``Eb minor``, ``Gmin``), Camelot (``8A``) and Open Key
(``1m``, ``12d``). Anything else is left unparsed (the text is still kept in ``key_text``).
"""

from __future__ import annotations

import re

_PITCH = {"C": 0, "D": 2, "E": 4, "F": 5, "G": 7, "A": 9, "B": 11}
_STANDARD = re.compile(r"^([A-Ga-g])\s*([#♯b♭]?)\s*(m|min|minor|moll|maj|major|dur)?$", re.IGNORECASE)
_CAMELOT = re.compile(r"^(1[0-2]|0?[1-9])\s*([AaBb])$")
_OPEN_KEY = re.compile(r"^(1[0-2]|0?[1-9])\s*([dDmM])$")


def parse_key(text: str | None) -> int | None:
    """Traktor's key number for ``text``, or None when the text is not a key this module recognises."""
    if not text:
        return None
    value = text.strip()
    match = _CAMELOT.match(value)
    if match:
        number, letter = int(match.group(1)), match.group(2).upper()
        if letter == "B":
            return (7 * (number - 8)) % 12
        return 12 + (9 + 7 * (number - 8)) % 12
    match = _OPEN_KEY.match(value)
    if match:
        number, letter = int(match.group(1)), match.group(2).lower()
        if letter == "d":
            return (7 * (number - 1)) % 12
        return 12 + (9 + 7 * (number - 1)) % 12
    match = _STANDARD.match(value)
    if match:
        note, accidental, quality = match.groups()
        pitch = _PITCH[note.upper()]
        # "b" right after the note is a flat ("Bb", "Eb"), never the note B.
        if accidental in ("#", "♯"):
            pitch += 1
        elif accidental in ("b", "♭"):
            pitch -= 1
        minor = quality is not None and quality.lower() in ("m", "min", "minor", "moll")
        # A lone "m" is minor, but "M" alone in some tools means major.
        if quality == "M":
            minor = False
        return pitch % 12 + (12 if minor else 0)
    return None


_NAMES = ("C", "Db", "D", "Eb", "E", "F", "Gb", "G", "Ab", "A", "Bb", "B")


def key_name(musical_key: int | None) -> str | None:
    """The standard name of Traktor key number ``musical_key`` (``0`` -> ``C``, ``21`` -> ``Am``)."""
    if musical_key is None or not 0 <= musical_key <= 23:
        return None
    return _NAMES[musical_key % 12] + ("m" if musical_key >= 12 else "")
