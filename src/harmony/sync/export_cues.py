"""Cue-by-cue export of one track's cue points, loops and grid markers into its NML entry, against the base.

The mirror of :mod:`harmony.sync.import_cues`, with the same identity (type, pad, position within a tolerance) and the
same pairing passes. Harmony's cues are first put in the form the NML stores them (``n.n.`` for no name, floats
at the file's precision) and deduplicated: two cues of one type on one pad within the tolerance are one cue (the
original app exported duplicates). Then, against the base:

- a cue added in Harmony is added to the entry; one added in Traktor stays;
- a cue deleted in Harmony is removed from the entry, unless Traktor edited it since (a conflict, settled the
  way the import settles it); one deleted in Traktor stays deleted, unless Harmony edited it since;
- a cue on both sides is merged field by field (:func:`harmony.sync.three_way.decide`).

With no base (a first sync) Harmony's cues that Traktor lacks are added, and paired cues whose values differ
are settled field by field by the first-sync table, as the import settles them. Cues the library cannot hold
(an unknown type) are never touched. Edits are given by the position of the cue among the entry's ``CUE_V2`` elements.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from harmony.library import CUE_FIELD_NAMES, CueValues, describe_cue
from harmony.nml import CueData
from harmony.sync.import_cues import against_base, pair_cues
from harmony.sync.import_fields import decide_unit, is_empty
from harmony.sync.mapping import cue_as_stored, cue_data_from_values, cue_unchanged, cue_values_from_nml
from harmony.sync.options import Strategy
from harmony.sync.report import Conflict, CueChange, FieldChange, show
from harmony.sync.three_way import decide_deletion, first_sync, settle

log = logging.getLogger(__name__)

__all__ = ["CueExport", "cues_for_base", "dedupe", "export_cues", "same_cues", "stored_cues"]


def dedupe(cues: Sequence[CueValues], tolerance: float) -> list[CueValues]:
    """The cues without duplicates, in their order: of cues of one type on one pad within ``tolerance``, the
    one with the lowest values is kept, whatever the order they come in (the library lists cues by position,
    the NML by document order, and both must keep the same one)."""
    kept: list[int] = []
    for index in sorted(range(len(cues)), key=lambda i: _sort_key(cues[i])):
        cue = cues[index]
        if not any(
            cues[k].type == cue.type and cues[k].hotcue == cue.hotcue and abs(cues[k].start - cue.start) <= tolerance
            for k in kept
        ):
            kept.append(index)
    return [cues[index] for index in sorted(kept)]


def stored_cues(cues: Sequence[CueValues], tolerance: float) -> list[CueValues]:
    """Harmony's cues as the NML would hold them (:func:`~harmony.sync.mapping.cue_as_stored`), without
    duplicates."""
    return dedupe([stored for stored in map(cue_as_stored, cues) if stored is not None], tolerance)


def _sort_key(cue: CueValues) -> tuple[tuple[bool, object], ...]:
    # Floats at the NML's precision (six decimals); None sorts before any value of its field.
    return tuple(
        (value is not None, "" if value is None else round(value, 6) if isinstance(value, float) else value)
        for value in cue.as_dict().values()
    )


def same_cues(left: Sequence[CueValues], right: Sequence[CueValues]) -> bool:
    """Whether two lists hold the same cues, order aside, positions compared at the NML's precision."""
    return list(left) == list(right) or sorted(map(_sort_key, left)) == sorted(map(_sort_key, right))


def cues_for_base(
    harmony: Sequence[CueValues], traktor: Sequence[CueValues], tolerance: float
) -> tuple[CueValues, ...]:
    """The cues of the new base: the entry's (in its order, Traktor's own duplicates included) when both sides
    hold the same cues, else Harmony's, so that what only Traktor has or changed is what the next import
    brings in."""
    return tuple(traktor) if same_cues(harmony, dedupe(traktor, tolerance)) else tuple(harmony)


@dataclass(slots=True)
class CueExport:
    """What the export does to one entry's cues: updates and removals by ``CUE_V2`` position, and additions."""

    updates: list[tuple[int, CueData]] = field(default_factory=list)
    removals: list[int] = field(default_factory=list)
    adds: list[CueData] = field(default_factory=list)
    changes: list[CueChange] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.updates or self.removals or self.adds)


class _Exporter:
    def __init__(
        self, subject: str, entry: Sequence[CueData], mapped: list[tuple[int, CueValues]], strategy: Strategy
    ) -> None:
        self.subject = subject
        self.entry = entry
        self.mapped = mapped
        self.strategy = strategy
        self.result = CueExport()

    def add(self, cue: CueValues) -> None:
        self.result.adds.append(cue_data_from_values(cue))
        self.result.changes.append(CueChange("added", describe_cue(cue)))

    def remove(self, j: int) -> None:
        index, values = self.mapped[j]
        self.result.removals.append(index)
        self.result.changes.append(CueChange("removed", describe_cue(values)))

    def merge(self, ours: CueValues, j: int, was: CueValues | None, has_base: bool) -> None:
        """Merge Harmony's cue into Traktor's paired cue ``j`` field by field (``was`` None with ``has_base``:
        added on both sides since the base, settled as a conflict)."""
        index, theirs = self.mapped[j]
        changes: dict[str, Any] = {}
        for name in CUE_FIELD_NAMES:
            mine, their_value = getattr(ours, name), getattr(theirs, name)
            if mine == their_value:
                continue
            if was is None and has_base:
                # Added on both sides since the base: both changed it, so the conflict rule settles it.
                empty_h, empty_t = _empty(name, mine), _empty(name, their_value)
                write = settle(self.strategy, empty_h, empty_t) == "harmony"
                conflict = not empty_h and not empty_t
            else:
                old = None if was is None else getattr(was, name)
                decision = decide_unit(f"cue {name}", mine, their_value, old, was is not None, self.strategy)
                write, conflict = decision.writes_harmony, decision.conflict
            if conflict:
                self.conflict(
                    f"{describe_cue(theirs, named=False)} {name}",
                    show(mine),
                    show(their_value),
                    None if was is None else show(getattr(was, name)),
                    write,
                )
            if write:
                changes[name] = mine
        if not changes:
            return
        self.result.updates.append((index, self.entry[index]._replace(**_as_data(changes))))
        fields = tuple(FieldChange(name, getattr(theirs, name), value) for name, value in changes.items())
        self.result.changes.append(CueChange("changed", describe_cue(theirs), fields))

    def conflict(self, item: str, harmony: str, traktor: str, base: str | None, harmony_won: bool) -> None:
        winner: Literal["harmony", "traktor"] = "harmony" if harmony_won else "traktor"
        self.result.conflicts.append(Conflict(self.subject, item, harmony, traktor, base, winner, self.strategy))


def _empty(name: str, value: Any) -> bool:
    return is_empty(f"cue {name}", value)


def _as_data(changes: dict[str, Any]) -> dict[str, Any]:
    """Library cue values as CueData fields (empty optional values take Traktor's defaults)."""
    out = dict(changes)
    if "name" in out and out["name"] is None:
        out["name"] = "n.n."
    if "display_order" in out and out["display_order"] is None:
        out["display_order"] = 0
    if "repeats" in out and out["repeats"] is None:
        out["repeats"] = -1
    return out


def export_cues(
    subject: str,
    harmony: Sequence[CueValues],
    entry: Sequence[CueData],
    base: Sequence[CueValues] | None,
    strategy: Strategy,
    tolerance: float,
) -> CueExport:
    """Export one track's cues (``harmony``: from :func:`stored_cues`) into its entry's cues ``entry``."""
    mapped: list[tuple[int, CueValues]] = []
    for index, data in enumerate(entry):
        values = cue_values_from_nml(data).values
        if values is not None:
            mapped.append((index, values))
    theirs = [values for _, values in mapped]
    out = _Exporter(subject, entry, mapped, strategy)
    if base is None:
        # A cue Traktor lacks is an empty value on Traktor's side: the first-sync table says whether it goes in.
        if not first_sync(strategy, harmony_empty=False, traktor_empty=True).writes_harmony:
            return out.result
        pairs, only_ours, _ = pair_cues(harmony, theirs, tolerance)
        for i, j in pairs:
            out.merge(harmony[i], j, None, has_base=False)
        for i in only_ours:
            out.add(harmony[i])
        return out.result

    base = dedupe(base, tolerance)  # Traktor's own duplicates stay in the entry: they are not Harmony's deletions
    base_to_ours, added_ours = against_base(harmony, base, tolerance)
    base_to_theirs, added_theirs = against_base(theirs, base, tolerance)
    for b, was in enumerate(base):
        mine, their = base_to_ours.get(b), base_to_theirs.get(b)
        if mine is not None and their is not None:
            out.merge(harmony[mine], their, was, has_base=True)
        elif their is not None:  # deleted in Harmony
            decision = decide_deletion("harmony", theirs[their] != was, strategy)
            if decision.conflict:
                out.conflict(
                    describe_cue(theirs[their]), "deleted", "edited", describe_cue(was), decision.writes_harmony
                )
            if decision.writes_harmony:
                out.remove(their)
        elif mine is not None:  # deleted in Traktor
            decision = decide_deletion("traktor", not cue_unchanged(harmony[mine], was), strategy)
            if decision.conflict:
                out.conflict(
                    describe_cue(harmony[mine]), "edited", "deleted", describe_cue(was), decision.writes_harmony
                )
            if decision.writes_harmony:
                out.add(harmony[mine])
    pairs, only_ours, _ = pair_cues([harmony[i] for i in added_ours], [theirs[j] for j in added_theirs], tolerance)
    for a, c in pairs:
        out.merge(harmony[added_ours[a]], added_theirs[c], None, has_base=True)
    for a in only_ours:
        out.add(harmony[added_ours[a]])
    return out.result
