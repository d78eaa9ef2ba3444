"""The ``INFO KEY`` text a real collection holds for a given ``MUSICAL_KEY`` value, in several notations.

Traktor's analysis writes Open Key (``8m``); tags from shops and other apps bring Camelot (``8A``) and
musical names (``Am``, ``F#``). The generator writes mostly Open Key and some of the others, always
consistent with the entry's ``MUSICAL_KEY`` (0–11 major roots C…B, 12–23 the same roots minor; reference
B.8).
"""

from __future__ import annotations

_ROOT_NAMES: tuple[str, ...] = ("C", "C#", "D", "Eb", "E", "F", "F#", "G", "Ab", "A", "Bb", "B")


def open_key(value: int) -> str:
    """Open Key notation of a MUSICAL_KEY value: 0 (C) → ``1d``, 21 (Am) → ``1m``."""
    root = value % 12
    if value < 12:
        return f"{(root * 7) % 12 + 1}d"
    return f"{(root * 7 + 9) % 12 + 1}m"


def camelot(value: int) -> str:
    """Camelot notation: C major → ``8B``, A minor → ``8A``."""
    number = int(open_key(value)[:-1])
    return f"{(number + 6) % 12 + 1}{'B' if value < 12 else 'A'}"


def musical(value: int) -> str:
    """Musical notation as taggers write it: ``C``, ``F#m``, ``Ebm``."""
    return _ROOT_NAMES[value % 12] + ("m" if value >= 12 else "")
