"""What the track list sorts by where a stored value alone would sort wrong: forms stored beside the values.

**Text, by its letters.** SQLite's ``NOCASE`` folds only the ASCII letters, so on its own it put "Âme", "Édith
Piaf" and "Ólafur Arnalds" after every artist from A to Z. SQLite has no collation that does better, and one
written in Python would be called for every comparison while an index is built (millions at a first import). So
the text columns the list sorts by an index keep a second, stored column, ``<field>_sort``: the text without its
accents and case, where ``NOCASE`` would order the text itself differently, and without the spaces before it
(invisible in the list, they put " - Track01" before every title; spaces alone are '', no text); NULL elsewhere
(ASCII text starting with no space, most of a real collection), which costs nothing to store. The list, and
the sort indexes of migration 0010, order by ``coalesce(<field>_sort, <field>) COLLATE NOCASE``, so every row
compares in the same folded form.

**Keys known only as text.** A collection from Traktor 2's days often has a key text (``INFO KEY="e♭"``, typed
or written by another tool) and no ``MUSICAL_KEY``: in a real one, 2,451 tracks of 2,557. ``key_text_sort`` is
the key such a text names (:func:`harmony.nml.parse_key_text`: ``e♭`` is E♭ minor, ``8A``, ``Am``), so the Key
column sorts those tracks in the notation's order among the others, by :data:`KEY_VALUE_SQL`; a text that
names no key (``off``) still sorts after them, alphabetically.

The sort forms are derived where a track's row is written (:mod:`harmony.library.writes`, undo's restore, the
migration that added them); nothing else writes them.
"""

from __future__ import annotations

import string
import unicodedata
from collections.abc import Mapping
from functools import lru_cache
from operator import itemgetter
from typing import Any, Final

from sqlalchemy import func
from sqlalchemy.sql.elements import ColumnElement

from harmony.library.models import TRACKS
from harmony.nml import parse_key_text

__all__ = [
    "KEY_VALUE_SQL",
    "SORTED_TEXT_FIELDS",
    "SORT_COLUMNS",
    "key_sort_form",
    "sort_columns",
    "sort_expression",
    "sort_form",
    "sort_forms",
]

#: The text fields the track list sorts by an index, each with a ``<field>_sort`` column.
SORTED_TEXT_FIELDS: Final = ("title", "artist", "album", "genre", "label", "comment", "remixer")
#: Every sort column of a track row, in the order :func:`sort_forms` gives them: the texts', then the key text's.
SORT_COLUMNS: Final = (*(f"{name}_sort" for name in SORTED_TEXT_FIELDS), "key_text_sort")
#: A track's key as the Key column sorts it (0–23, NULL for none): its musical key, else the key its text names.
KEY_VALUE_SQL: Final = "coalesce(musical_key, key_text_sort)"

# Letters that carry no separate accent mark, so that decomposing them leaves them as they are.
_PLAIN_LETTERS: Final = str.maketrans(
    {"ø": "o", "æ": "ae", "œ": "oe", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "ı": "i"}
)
# What NOCASE compares: the text with its ASCII letters, and only those, in lower case.
_ASCII_LOWER: Final = str.maketrans(string.ascii_uppercase, string.ascii_lowercase)


@lru_cache(maxsize=1 << 16)
def sort_form(text: str | None) -> str | None:
    """``text`` as the list compares it (casefolded, accents taken off: "Édith" → "edith", "Straße" →
    "strasse"; spaces before it taken off: " - Track01" → "- Track01"), or None where ``NOCASE`` alone orders
    the text the same way (ASCII text, or text with no accent nor case beyond ASCII's) or where nothing would
    be left of a text (a lone accent mark).

    Text of spaces alone has the form '', which the list takes for no text: it looks empty, and sorts with the
    empty values (a real collection has 799 comments of one space, which sorted before every comment).

    Remembered: artists, albums and labels repeat (a generated 100,000-track collection holds 145,769 texts
    that are not ASCII, 32,699 of them different), and an import asks for each."""
    if text is None:
        return None
    stripped = text.lstrip()
    if stripped.isascii():
        return None if len(stripped) == len(text) else stripped
    decomposed = unicodedata.normalize("NFKD", stripped.casefold())
    folded = "".join(char for char in decomposed if not unicodedata.combining(char)).translate(_PLAIN_LETTERS)
    if not folded or folded == text.translate(_ASCII_LOWER):
        return None  # NOCASE orders the text itself the same way; or a lone accent mark: the text, not no text
    return folded


_NO_FORMS: Final = (None,) * len(SORTED_TEXT_FIELDS)
_first: Final = itemgetter(0)


@lru_cache(maxsize=4096)
def key_sort_form(key_text: str | None) -> int | None:
    """The key ``key_text`` names (0–23), or None. A collection holds a few dozen distinct key texts, and an
    import asks for 100,000 tracks: each is parsed once."""
    return None if key_text is None else parse_key_text(key_text)


def sort_forms(texts: tuple[str | None, ...], key_text: str | None) -> tuple[str | int | None, ...]:
    """Every sort column of a row (:data:`SORT_COLUMNS`) from its sorted text fields' ``texts`` (in
    :data:`SORTED_TEXT_FIELDS` order) and its key text. An import writes 100,000 rows, nearly all of their texts
    ASCII and starting with no space: those are told apart with a few tests in C."""
    present = [*filter(None, texts)]
    plain = "".join(present).isascii() and not any(map(str.isspace, map(_first, present)))
    text_forms = _NO_FORMS if plain else tuple(map(sort_form, texts))
    return (*text_forms, key_sort_form(key_text))


def sort_columns(values: Mapping[str, Any]) -> dict[str, str | int | None]:
    """The sort columns that go with the fields among ``values`` (a row, or a change of one)."""
    columns: dict[str, str | int | None] = {
        f"{name}_sort": sort_form(values[name]) for name in SORTED_TEXT_FIELDS if name in values
    }
    if "key_text" in values:
        columns["key_text_sort"] = key_sort_form(values["key_text"])
    return columns


def sort_expression(name: str) -> ColumnElement[Any]:
    """What the track list orders field ``name`` by: its sort index's expression for a sorted text field."""
    column = TRACKS.c[name]
    if name in SORTED_TEXT_FIELDS:
        return func.coalesce(TRACKS.c[f"{name}_sort"], column).collate("NOCASE")
    return column.collate("NOCASE")
