"""How the track list orders text: by its letters, whatever their case or accents.

SQLite's ``NOCASE`` folds only the ASCII letters, so on its own it put "Âme", "Édith Piaf" and "Ólafur Arnalds"
after every artist from A to Z. SQLite has no collation that does better, and one written in Python would be
called for every comparison while an index is built (millions at a first import). So the text columns the list
sorts by an index keep a second, stored column, ``<field>_sort``: the text without its accents and case, where
``NOCASE`` would order the text itself differently; NULL elsewhere (any ASCII text, most of a real collection),
which costs nothing to store. The list, and the sort index of migration 0010, order by
``coalesce(<field>_sort, <field>) COLLATE NOCASE``, so every row compares in the same folded form.

The sort forms are derived where a track's row is written (:mod:`harmony.library.writes`, undo's restore, the
migration that added them); nothing else writes them.
"""

from __future__ import annotations

import string
import unicodedata
from collections.abc import Mapping
from typing import Any, Final

from sqlalchemy import func
from sqlalchemy.sql.elements import ColumnElement

from harmony.library.models import TRACKS

__all__ = ["SORTED_TEXT_FIELDS", "SORT_COLUMNS", "sort_columns", "sort_expression", "sort_form", "sort_forms"]

#: The text fields the track list sorts by an index, each with a ``<field>_sort`` column.
SORTED_TEXT_FIELDS: Final = ("title", "artist", "album", "genre", "label", "comment", "remixer")
#: Their sort columns, in the same order.
SORT_COLUMNS: Final = tuple(f"{name}_sort" for name in SORTED_TEXT_FIELDS)

# Letters that carry no separate accent mark, so that decomposing them leaves them as they are.
_PLAIN_LETTERS: Final = str.maketrans(
    {"ø": "o", "æ": "ae", "œ": "oe", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "ı": "i"}
)


def sort_form(text: str | None) -> str | None:
    """``text`` as the list compares it (casefolded, accents taken off: "Édith" → "edith", "Straße" →
    "strasse"), or None where ``NOCASE`` alone orders the text the same way (ASCII text, or text with no
    accent nor case beyond ASCII's) or where nothing would be left (a lone accent mark)."""
    if text is None or text.isascii():
        return None
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    folded = "".join(char for char in decomposed if not unicodedata.combining(char)).translate(_PLAIN_LETTERS)
    if not folded or folded == text.translate(_ASCII_LOWER):
        return None  # NOCASE orders the text itself the same way; and never '', which the list takes for no text
    return folded


# What NOCASE compares: the text with its ASCII letters, and only those, in lower case.
_ASCII_LOWER: Final = str.maketrans(string.ascii_uppercase, string.ascii_lowercase)
_NO_FORMS: Final = (None,) * len(SORTED_TEXT_FIELDS)


def sort_forms(texts: tuple[str | None, ...]) -> tuple[str | None, ...]:
    """The sort forms of the sorted text fields' ``texts`` (in :data:`SORTED_TEXT_FIELDS` order). An import
    writes 100,000 rows, nearly all of them ASCII: those are told apart with one test in C."""
    if "".join(filter(None, texts)).isascii():
        return _NO_FORMS
    return tuple(map(sort_form, texts))


def sort_columns(values: Mapping[str, Any]) -> dict[str, str | None]:
    """The sort columns that go with the sorted text fields among ``values`` (a row or a change of one)."""
    return {f"{name}_sort": sort_form(values[name]) for name in SORTED_TEXT_FIELDS if name in values}


def sort_expression(name: str) -> ColumnElement[Any]:
    """What the track list orders field ``name`` by: its sort index's expression for a sorted text field."""
    column = TRACKS.c[name]
    if name in SORTED_TEXT_FIELDS:
        return func.coalesce(TRACKS.c[f"{name}_sort"], column).collate("NOCASE")
    return column.collate("NOCASE")
