"""Three-way merge of a track's fields: Harmony's values, Traktor's values, and the base (the values last
exchanged with Traktor).

- A field changed only in Traktor takes Traktor's value (a value cleared in Traktor is cleared in Harmony).
- A field changed only in Harmony keeps Harmony's value (it is waiting to be exported).
- A field changed on both sides to different values is a conflict, settled by the strategy and reported.
- With no base (a first sync of a track Harmony already had) every field whose values differ is settled by
  :data:`~harmony.sync.three_way.FIRST_SYNC`, as the export settles it: an empty value is filled from the other
  side; two different filled values are a reported conflict that ``traktor_wins`` settles Traktor's way and
  the other strategies Harmony's way.

A field is "changed" only when its *value* differs: the same rating read twice is not a change, so a second
import of an unchanged collection changes nothing. Some fields travel in pairs because one is the exact text
or raw form of the other (:mod:`harmony.library.twins` keeps them one value on Harmony's side): ``bpm`` with
``bpm_text`` (compared by the number), ``musical_key`` with ``key_text`` and ``rating`` with ``ranking``
(compared together, so a raw ranking of 204 replacing 196 is seen though both are four stars).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from operator import attrgetter
from typing import Final

from harmony.library import FieldValue, TrackValues
from harmony.sync.mapping import FILE_SIZE_UNIT, MERGED_FIELDS
from harmony.sync.options import Strategy
from harmony.sync.three_way import Decision, Side, decide

__all__ = [
    "UNITS",
    "FieldConflict",
    "FieldMerge",
    "agrees",
    "decide_unit",
    "is_empty",
    "merge_fields",
    "unit_decisions",
    "unit_key",
]

#: Merge units: a name, the fields it sets, and how many of those (from the start) its value is compared by.
_PAIRS: Final = {
    "bpm": (("bpm", "bpm_text"), 1),
    "musical_key": (("musical_key", "key_text"), 2),
    "rating": (("rating", "ranking"), 2),
}
_PAIRED: Final = frozenset(("bpm_text", "key_text", "ranking"))
UNITS: Final[tuple[tuple[str, tuple[str, ...], int], ...]] = tuple(
    (name, *_PAIRS.get(name, ((name,), 1))) for name in MERGED_FIELDS if name not in _PAIRED
)
# Zero means "none" for these: Traktor writes RANKING="0" for an unrated track and BPM 0 before analysis.
_ZERO_IS_EMPTY: Final = frozenset(("rating", "ranking", "bpm"))


@dataclass(frozen=True, slots=True)
class FieldConflict:
    """One field with different values on both sides, and which side the strategy chose."""

    field: str
    harmony: FieldValue
    traktor: FieldValue
    base: FieldValue
    has_base: bool
    winner: Side


@dataclass(frozen=True, slots=True)
class FieldMerge:
    """What the merge of one track decided: the fields to set in Harmony and the conflicts it settled."""

    changes: Mapping[str, FieldValue]
    conflicts: tuple[FieldConflict, ...] = ()


def is_empty(field: str, value: FieldValue) -> bool:
    """Whether ``value`` means "nothing" for ``field``: None, blank text, an unrated 0, an unlocked track."""
    if value is None or value is False:
        return True
    if isinstance(value, str):
        # "n.n." is the name Traktor gives a cue nobody named.
        return not value.strip() or (field == "cue name" and value == "n.n.")
    return field in _ZERO_IS_EMPTY and value == 0


def _kibibytes(value: FieldValue) -> FieldValue:
    return None if not isinstance(value, int) else (value + FILE_SIZE_UNIT // 2) // FILE_SIZE_UNIT


def _six_decimals(value: FieldValue) -> FieldValue:
    return round(value, 6) if isinstance(value, float) else value


#: Values compared as precisely as the NML can hold them, so that a value read from a file's tags (exact bytes,
#: a longer duration) is not "changed" against the same value as Traktor stores it: otherwise it would stay a
#: difference after every export, and the library would never be in step with the collection.
_AS_STORED: Final[Mapping[str, Callable[[FieldValue], FieldValue]]] = {
    "file_size": _kibibytes,
    "duration": _six_decimals,
    "bpm": _six_decimals,
}


def _key(values: TrackValues, fields: tuple[str, ...], compared: int) -> tuple[FieldValue, ...]:
    name = fields[0]
    if name == "lock":
        return (bool(values.lock),)
    as_stored = _AS_STORED.get(name)
    if as_stored is not None:
        return (as_stored(getattr(values, name)),)
    return tuple(getattr(values, field) for field in fields[:compared])


def unit_key(values: TrackValues, fields: tuple[str, ...], compared: int) -> tuple[FieldValue, ...]:
    """The value of one merge unit of :data:`UNITS` as it is compared (the export compares the same way)."""
    return _key(values, fields, compared)


def _first(value: object) -> FieldValue:
    return value[0] if isinstance(value, tuple) else value  # type: ignore[return-value]


def decide_unit(
    name: str, harmony: object, traktor: object, base: object, has_base: bool, strategy: Strategy
) -> Decision:
    """The three-way decision of one merge unit's compared value (:func:`unit_key`), tuples judged empty by
    their first value (see :func:`is_empty`)."""
    return decide(
        harmony,
        traktor,
        base,
        has_base,
        strategy,
        harmony_empty=is_empty(name, _first(harmony)),
        traktor_empty=is_empty(name, _first(traktor)),
    )


def unit_decisions(
    harmony: TrackValues, traktor: TrackValues, base: TrackValues | None, strategy: Strategy
) -> Iterator[tuple[str, tuple[str, ...], Decision]]:
    """The decision of every merge unit whose two sides differ, as (unit, its fields, decision): what the
    import applies where Traktor wins and the export writes where Harmony wins."""
    for name, fields, compared in UNITS:
        ours = _key(harmony, fields, compared)
        theirs = _key(traktor, fields, compared)
        if ours == theirs:
            continue
        was = None if base is None else _key(base, fields, compared)
        yield name, fields, decide_unit(name, ours, theirs, was, base is not None, strategy)


def merge_fields(
    harmony: TrackValues, traktor: TrackValues, base: TrackValues | None, strategy: Strategy
) -> FieldMerge:
    """Merge Traktor's values of one track into Harmony's, against ``base`` (None on a first sync)."""
    changes: dict[str, FieldValue] = {}
    conflicts: list[FieldConflict] = []
    for name, fields, decision in unit_decisions(harmony, traktor, base, strategy):
        winner = decision.winner
        if decision.conflict:
            assert winner is not None
            old = None if base is None else getattr(base, name)
            conflicts.append(
                FieldConflict(name, getattr(harmony, name), getattr(traktor, name), old, base is not None, winner)
            )
        if decision.takes_traktor:
            for field in fields:
                value = getattr(traktor, field)
                if value != getattr(harmony, field):
                    changes[field] = value
    return FieldMerge(changes, tuple(conflicts))


_ALL_MERGED = attrgetter(*MERGED_FIELDS)


def agrees(harmony: TrackValues, traktor: TrackValues) -> bool:
    """Whether the two sides hold the same value in every merged field (so nothing waits to be exported)."""
    if _ALL_MERGED(harmony) == _ALL_MERGED(traktor):
        return True  # the common case, at C speed
    return all(_key(harmony, fields, compared) == _key(traktor, fields, compared) for _, fields, compared in UNITS)
