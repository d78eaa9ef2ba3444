"""The one three-way decision of the sync, for both directions.

Every value the sync exchanges (a track field, a cue field, a playlist's name, folder, query or entry list, a
node's place) and every thing that can be deleted (a track, a cue, a playlist) is decided here, from three
values: Harmony's, Traktor's, and the base (what both sides held after the last exchange).

- Both sides hold the same value: nothing to do.
- Changed only on one side since the base: that side wins, and it is no conflict.
- Changed on both sides: a conflict, settled by the strategy (:func:`settle`) the same way whichever direction
  runs, so that an import and an export never undo each other.
- No base (a first sync of that value): a filled value wins over an empty one, and two different filled values
  are a conflict the strategy settles (:data:`FIRST_SYNC`), the same whichever direction runs first.
- One side deleted a thing the other did not touch: the deletion goes through. If the other side changed it
  since, that is a conflict, which ``traktor_wins`` settles Traktor's way and the other strategies Harmony's way.

The import (:mod:`harmony.sync.import_tracks` and its siblings) applies a decision whose winner is Traktor; the
export (:mod:`harmony.sync.export_tracks` and its siblings) writes a decision whose winner is Harmony. Nothing
else in the sync decides who wins.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final, Literal

from harmony.strategies import Strategy

__all__ = [
    "FIRST_SYNC",
    "SAME",
    "Decision",
    "Side",
    "decide",
    "decide_changes",
    "decide_deletion",
    "first_sync",
    "settle",
]

#: One side of the sync.
Side = Literal["harmony", "traktor"]


@dataclass(frozen=True, slots=True)
class Decision:
    """Who wins one value (None: both sides already hold it), whether that settled a conflict, and, for lists
    of entries, whether both sides' changes are merged (``smart_merge`` of a list changed on both sides)."""

    winner: Side | None
    conflict: bool = False
    both: bool = False

    @property
    def takes_traktor(self) -> bool:
        """Whether an import changes Harmony's value to Traktor's."""
        return self.winner == "traktor"

    @property
    def writes_harmony(self) -> bool:
        """Whether an export writes Harmony's value over Traktor's."""
        return self.winner == "harmony"


#: Nothing to decide: both sides hold the same value.
SAME: Final = Decision(None)
_HARMONY: Final = Decision("harmony")
_TRAKTOR: Final = Decision("traktor")


def settle(strategy: Strategy, harmony_empty: bool, traktor_empty: bool) -> Side:
    """The side a value changed on both sides since the base keeps, in either direction: ``harmony_wins``
    Harmony's; ``traktor_wins`` Traktor's unless it is empty; ``smart_merge`` Harmony's unless it is empty."""
    if strategy == "harmony_wins":
        return "harmony"
    if strategy == "traktor_wins":
        return "harmony" if traktor_empty else "traktor"
    return "traktor" if harmony_empty and not traktor_empty else "harmony"


#: The first sync of a value (no base): for each strategy, the winner when neither side is empty, when only
#: Harmony's is, and when only Traktor's is. One row per strategy, whichever direction runs, so that a first
#: sync ends the same whether the import or the export comes first. With no base nobody can have emptied a
#: value on purpose, so an empty value never wins over a filled one; two filled ones are a conflict the
#: strategy settles as it settles any conflict (:func:`settle`).
FIRST_SYNC: Final[Mapping[Strategy, tuple[Side, Side, Side]]] = {
    #                neither empty  Harmony empty  Traktor empty
    "smart_merge": ("harmony", "traktor", "harmony"),
    "traktor_wins": ("traktor", "traktor", "harmony"),
    "harmony_wins": ("harmony", "traktor", "harmony"),
}


def first_sync(strategy: Strategy, harmony_empty: bool, traktor_empty: bool) -> Decision:
    """The decision for two different values with no base (see :data:`FIRST_SYNC`); two empty values (an
    empty text and none) are nothing to exchange."""
    if harmony_empty and traktor_empty:
        return SAME
    row = FIRST_SYNC[strategy]
    winner = row[1] if harmony_empty else row[2] if traktor_empty else row[0]
    return Decision(winner, conflict=not harmony_empty and not traktor_empty)


def decide(
    harmony: object,
    traktor: object,
    base: object,
    has_base: bool,
    strategy: Strategy,
    *,
    harmony_empty: bool = False,
    traktor_empty: bool = False,
    lists: bool = False,
) -> Decision:
    """Who wins one value (see the module doc); values are compared with ``==``. The emptiness of each side is
    given by the caller (what "empty" means depends on the value). With ``lists`` the values are entry lists:
    changed on both sides and neither empty, ``smart_merge`` merges both sides' changes (``both``)."""
    if harmony == traktor:
        return SAME
    if not has_base:
        return first_sync(strategy, harmony_empty, traktor_empty)
    return decide_changes(
        harmony != base,
        traktor != base,
        strategy,
        harmony_empty=harmony_empty,
        traktor_empty=traktor_empty,
        lists=lists,
    )


def decide_changes(
    harmony_changed: bool,
    traktor_changed: bool,
    strategy: Strategy,
    *,
    harmony_empty: bool = False,
    traktor_empty: bool = False,
    lists: bool = False,
) -> Decision:
    """Who wins a value that has a base, from which sides changed it since (see :func:`decide`, which asks
    this with ``==``). A caller passes the changes itself where ``==`` is not the question: a node's folder (a
    folder renamed in Traktor moves nothing), or the order of the nodes both sides hold."""
    if not traktor_changed:
        return _HARMONY if harmony_changed else SAME
    if not harmony_changed:
        return _TRAKTOR
    both = lists and strategy == "smart_merge" and not harmony_empty and not traktor_empty
    return Decision(settle(strategy, harmony_empty, traktor_empty), conflict=True, both=both)


def decide_deletion(deleted_by: Side, changed_by_other: bool, strategy: Strategy) -> Decision:
    """A thing ``deleted_by`` deleted since the last exchange: the deletion wins (``winner`` is the deleting
    side) unless the other side changed the thing since, a conflict that ``traktor_wins`` settles Traktor's
    way and every other strategy Harmony's way."""
    if not changed_by_other:
        return Decision(deleted_by)
    return Decision("traktor" if strategy == "traktor_wins" else "harmony", conflict=True)
