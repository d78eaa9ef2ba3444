"""Smart lists evaluated over the library: a Traktor query (read by :mod:`harmony.library.smart_query`) becomes one
SQL condition on the tracks, or a :class:`SmartListError` naming, as written, the part Harmony cannot evaluate.

What Harmony evaluates, field by field (Traktor's names):

- text — ``$TITLE $ARTIST $ALBUM $GENRE $LABEL $COMMENT $COMMENT2 $REMIXER $PRODUCER $MIX`` and ``$FILENAME``
  (the file's name without its folder): ``%`` contains, ``!%`` does not contain, ``==`` ``!=`` (ignoring case);
- numbers — ``$BPM``, ``$RATING`` (stars, 0–5), ``$PLAYCOUNT``, ``$YEAR``: ``== != > >= < <=``;
- dates — ``$IMPORTDATE`` (the Added column), ``$LASTPLAYED``, ``$RELEASEDATE``: compared with ``DAYS_AGO(n)``,
  ``WEEKS_AGO(n)``, ``MONTHS_AGO(n)``, ``YEARS_AGO(n)`` or a date ``"2024-05-01"`` / ``"2024/5/1"``;
- ``$PLAYED`` — ``== TRUE`` / ``== FALSE`` (played at least once);
- ``$KEY`` — ``==`` / ``!=`` a key in any notation (``"8A"``, ``"1m"``, ``"Am"``).

A track without a value counts as empty text or 0, so ``!`` (not) and ``!%`` keep it, as a DJ expects. Anything
else (``$FILEPATH``, which is the path as Traktor sees it, another field or function) is not guessed: the list
says which part it cannot evaluate.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any, Final

from sqlalchemy import and_, func, literal, not_, or_
from sqlalchemy.sql.elements import ColumnElement

from harmony.library.errors import SmartListError
from harmony.library.models import TRACKS
from harmony.library.smart_query import Combined, Comparison, RelativeDate, SmartQuery, parse_smart_query
from harmony.nml import parse_key_text

__all__ = ["smart_condition"]

_EMPTY: Final = literal("")


def _text(column: ColumnElement[Any]) -> ColumnElement[Any]:
    return func.coalesce(column, _EMPTY)


#: The file's name: the path after its last "/". SQLite has no basename, so the folder part is the path with
#: its trailing run of characters other than "/" trimmed off, and the name is what follows it.
_FOLDER: Final = func.rtrim(TRACKS.c.path, func.replace(TRACKS.c.path, "/", ""))
_FILE_NAME: Final = func.substr(TRACKS.c.path, func.length(_FOLDER) + 1)

TEXT_FIELDS: Final[dict[str, ColumnElement[Any]]] = {
    **{
        name.upper(): _text(TRACKS.c[name])
        for name in ("title", "artist", "album", "genre", "label", "comment", "comment2", "remixer", "producer", "mix")
    },
    "FILENAME": _FILE_NAME,
}
NUMBER_FIELDS: Final[dict[str, ColumnElement[Any]]] = {
    "BPM": func.coalesce(TRACKS.c.bpm, 0),
    "RATING": func.coalesce(TRACKS.c.rating, 0),
    "PLAYCOUNT": func.coalesce(TRACKS.c.play_count, 0),
    "YEAR": func.coalesce(TRACKS.c.year, 0),
}
DATE_FIELDS: Final[dict[str, ColumnElement[Any]]] = {
    "IMPORTDATE": func.coalesce(TRACKS.c.import_date, TRACKS.c.date_added),
    "LASTPLAYED": TRACKS.c.last_played,
    "RELEASEDATE": TRACKS.c.release_date,
}
_PLAYED: Final = or_(func.coalesce(TRACKS.c.play_count, 0) > 0, TRACKS.c.last_played.is_not(None))
_NOT_FOUND_HELP: Final = {
    "FILEPATH": "$FILEPATH is the file's place as Traktor sees it, which Harmony does not keep",
}

_ORDER: Final[dict[str, Callable[[Any, Any], ColumnElement[bool]]]] = {
    "==": lambda a, b: a == b,
    "!=": lambda a, b: a != b,
    ">=": lambda a, b: a >= b,
    "<=": lambda a, b: a <= b,
    ">": lambda a, b: a > b,
    "<": lambda a, b: a < b,
}


def _months_back(today: date, months: int) -> date:
    total = today.year * 12 + today.month - 1 - months
    year, month = divmod(total, 12)
    day = min(today.day, calendar.monthrange(year, month + 1)[1])
    return date(year, month + 1, day)


_DAYS_PER: Final = {"DAYS_AGO": 1, "WEEKS_AGO": 7}


def _date_value(comparison: Comparison, today: date) -> date:
    value = comparison.value
    if isinstance(value, RelativeDate):
        if value.function in _DAYS_PER:
            return today - timedelta(days=_DAYS_PER[value.function] * value.amount)
        if value.function == "MONTHS_AGO":
            return _months_back(today, value.amount)
        if value.function == "YEARS_AGO":
            return _months_back(today, 12 * value.amount)
        raise _cannot(comparison, f"it does not know {value.function}(…)")
    if isinstance(value, str):
        match = re.fullmatch(r"\s*(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})\s*", value)
        if match:
            try:
                return date(*(int(part) for part in match.groups()))
            except ValueError:
                pass
    raise _cannot(comparison, f"${comparison.field} is a date: compare it with MONTHS_AGO(n) or a date")


def _cannot(comparison: Comparison, why: str) -> SmartListError:
    return SmartListError(f"Harmony cannot evaluate “{comparison.text}”: {why}.", comparison.text)


def _like_pattern(text: str) -> str:
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _comparison(comparison: Comparison, today: date) -> ColumnElement[bool]:
    name, op, value = comparison.field, comparison.op, comparison.value
    if name in TEXT_FIELDS:
        if not isinstance(value, str):
            raise _cannot(comparison, f"${name} is text: compare it with quoted text")
        column = TEXT_FIELDS[name]
        if op in ("%", "!%"):
            contains = column.like(_like_pattern(value), escape="\\")
            return contains if op == "%" else not_(contains)
        if op in ("==", "!="):
            same = column.collate("NOCASE") == value
            return same if op == "==" else not_(same)
        raise _cannot(comparison, f"${name} is text, compared with %, !%, == or !=")
    if name in NUMBER_FIELDS:
        if isinstance(value, bool) or not isinstance(value, float) or op not in _ORDER:
            raise _cannot(comparison, f"${name} is a number, compared with a number by == != > >= < <=")
        return _ORDER[op](NUMBER_FIELDS[name], value)
    if name in DATE_FIELDS:
        if op not in _ORDER:
            raise _cannot(comparison, f"${name} is a date, compared by == != > >= < <=")
        column = DATE_FIELDS[name]
        return and_(column.is_not(None), _ORDER[op](column, _date_value(comparison, today)))
    if name == "PLAYED":
        if not isinstance(value, bool) or op not in ("==", "!="):
            raise _cannot(comparison, "$PLAYED is compared with == TRUE or == FALSE")
        return _PLAYED if (op == "==") == value else not_(_PLAYED)
    if name == "KEY":
        key = parse_key_text(value) if isinstance(value, str) else None
        if key is None or op not in ("==", "!="):
            raise _cannot(comparison, '$KEY is compared with == or != and a key such as "8A", "1m" or "Am"')
        same = func.coalesce(TRACKS.c.musical_key, -1) == key
        return same if op == "==" else not_(same)
    raise _cannot(comparison, _NOT_FOUND_HELP.get(name, f"Harmony does not know the field ${name}"))


def _condition(tree: SmartQuery, today: date) -> ColumnElement[bool]:
    if isinstance(tree, Comparison):
        return _comparison(tree, today)
    if isinstance(tree, Combined):
        parts = [_condition(part, today) for part in tree.parts]
        return and_(*parts) if tree.op == "and" else or_(*parts)
    return not_(_condition(tree.part, today))


def smart_condition(query: str, today: date) -> ColumnElement[bool]:
    """The condition a track meets to be in the smart list ``query`` (dates counted back from ``today``), or
    :class:`SmartListError` naming the part Harmony cannot read or evaluate."""
    return _condition(parse_smart_query(query), today)
