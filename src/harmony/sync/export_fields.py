"""The export of a track's fields: which of Harmony's values go into the NML entry, and the sync base both
sides share afterwards.

The mirror of :mod:`harmony.sync.import_fields`: each merge unit is decided by :mod:`harmony.sync.three_way`, the same
decision the import makes (a value changed on both sides is settled with the *same* winner), and Harmony's
value is written where Harmony wins. The first sync of a value (no base) follows the same
:data:`~harmony.sync.three_way.FIRST_SYNC` as the import: Harmony's filled values fill Traktor's empty fields,
and two filled values are settled by the strategy.

The new base of a merge unit is what both sides now hold: the NML's value where Harmony's was written or the two
already agree; Harmony's value where Traktor keeps a different one (changed only in Traktor, or a conflict
Traktor won). The next import then sees exactly Traktor's side as changed and brings it in.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date
from typing import Any, Final

from harmony.library import TrackValues
from harmony.sync.import_fields import UNITS, unit_decisions, unit_key
from harmony.sync.mapping import nml_fields_from_track_values
from harmony.sync.options import Strategy
from harmony.sync.report import Conflict, show

log = logging.getLogger(__name__)

__all__ = ["FieldDecision", "base_values_after", "decide_fields"]

#: The NML track fields (names of :class:`harmony.nml.Track`) that hold each merge unit; a unit not listed is held
#: by the NML field of its own name. ``nml_fields_from_track_values`` gives one of ``bpm``/``bpm_text`` and one
#: of ``rating``/``ranking``: whichever keeps Traktor's exact text.
UNIT_NML_FIELDS: Final[Mapping[str, tuple[str, ...]]] = {
    "year": ("release_date",),
    "duration": ("playtime", "playtime_float"),
    "bpm": ("bpm", "bpm_text"),
    "musical_key": ("musical_key", "key_text"),
    "rating": ("rating", "ranking"),
}


@dataclass(frozen=True, slots=True)
class FieldDecision:
    """For one entry: the NML fields to set, the merge units whose Harmony value they carry, the conflicts."""

    writes: Mapping[str, Any]
    units: frozenset[str]
    conflicts: tuple[Conflict, ...] = ()


def decide_fields(
    subject: str, harmony: TrackValues, traktor: TrackValues, base: TrackValues | None, strategy: Strategy
) -> FieldDecision:
    """Decide every merge unit of one track (``traktor``: the entry's values as the import reads them)."""
    units: list[str] = []
    conflicts: list[Conflict] = []
    for name, _, decision in unit_decisions(harmony, traktor, base, strategy):
        write = decision.writes_harmony
        if decision.conflict:
            conflicts.append(
                Conflict(
                    subject,
                    name,
                    show(getattr(harmony, name)),
                    show(getattr(traktor, name)),
                    None if base is None else show(getattr(base, name)),
                    "harmony" if write else "traktor",
                    strategy,
                )
            )
        if write:
            units.append(name)
    if not units:
        return FieldDecision({}, frozenset(), tuple(conflicts))
    target = _target(harmony, traktor, units)
    rendered = nml_fields_from_track_values(target)
    writes: dict[str, Any] = {}
    for name in units:
        for nml_field in UNIT_NML_FIELDS.get(name, (name,)):
            if nml_field in rendered:
                writes[nml_field] = rendered[nml_field]
    return FieldDecision(writes, frozenset(units), tuple(conflicts))


def _target(harmony: TrackValues, traktor: TrackValues, units: list[str]) -> TrackValues:
    """Traktor's values with Harmony's in the units it wins."""
    fields_of = {name: fields for name, fields, _ in UNITS}
    changes = {field: getattr(harmony, field) for name in units for field in fields_of[name]}
    target = replace(traktor, **changes)
    if "year" in units and "release_date" not in units:
        # The NML holds a year only as part of RELEASE_DATE: move Traktor's date to Harmony's year.
        release = target.release_date
        if target.year is None:
            release = harmony.release_date
        elif release is not None and release.year != target.year:
            try:
                release = release.replace(year=target.year)
            except ValueError:  # 29 February in a year that has none
                release = date(target.year, 1, 1)
        target = replace(target, release_date=release)
    return target


def base_values_after(harmony: TrackValues, traktor: TrackValues, written: frozenset[str]) -> TrackValues:
    """The track's new sync base: ``traktor`` (the entry as it is now, as the import reads it) in every unit
    Harmony's value was written to or already agrees with, Harmony's value in the others (module doc)."""
    values = traktor.as_dict()
    for name, fields, compared in UNITS:
        if name in written or unit_key(harmony, fields, compared) == unit_key(traktor, fields, compared):
            continue
        for field in fields:
            values[field] = getattr(harmony, field)
    return TrackValues(**values)  # type: ignore[arg-type]
