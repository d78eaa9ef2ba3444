"""Cue-by-cue merge of one track's cue points, loops and grid markers against the base.

A cue's identity is its type, its hotcue pad and its position (within a tolerance, 1 ms by default). Cues are
paired across Harmony, Traktor and the base in passes: same type, pad and position first; then, for cues on a
pad, same pad and type (a hot cue moved on its pad); then same pad (a pad whose cue became a loop).

Against the base, what Traktor did happens in Harmony: a cue added, moved, renamed, recoloured or deleted in
Traktor is added, moved, renamed, recoloured or deleted in Harmony, field by field, unless Harmony changed that
same field (or deleted or edited that cue) too: then the strategy decides and the conflict is reported. A cue
added or deleted only in Harmony stays that way. ``replace`` makes Harmony's cues equal Traktor's.

With no base (a first sync) Traktor's cues that Harmony lacks are added, and paired cues whose values differ
are settled field by field by the first-sync table, as the export settles them.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Final

from harmony.library import CUE_FIELD_NAMES, CueValues, FieldValue, StoredCue, describe_cue
from harmony.sync.import_fields import decide_unit
from harmony.sync.mapping import cue_unchanged
from harmony.sync.options import CueStrategy, Strategy
from harmony.sync.report import Conflict, CueChange, FieldChange, show
from harmony.sync.three_way import decide_deletion, first_sync

__all__ = ["CueMerge", "against_base", "merge_cues", "pair_cues"]

_WINDOW_SLACK: Final = 1e-6  # milliseconds


@dataclass(slots=True)
class CueMerge:
    """What the merge of one track's cues decided."""

    adds: list[CueValues] = field(default_factory=list)
    updates: list[tuple[int, dict[str, FieldValue]]] = field(default_factory=list)
    removals: list[int] = field(default_factory=list)
    changes: list[CueChange] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.adds or self.updates or self.removals)


def pair_cues(
    left: Sequence[CueValues], right: Sequence[CueValues], tolerance: float
) -> tuple[list[tuple[int, int]], list[int], list[int]]:
    """Pair cues of two lists by identity; returns the pairs (left index, right index) and the unpaired of each.

    Passes, each pairing the closest positions first: same type, pad and position within ``tolerance``; same
    pad and type (pads only); same pad (pads only). Among equally close ones, identical cues first, so that a
    pairing that is already right is found again (two cues on one pad must not swap their names on every sync).

    Only cues that can pair are ever compared: a pass looks within groups of the same key, and the first pass
    within ``tolerance`` of each position. Comparing every cue with every other made a track of 5,000 cues
    take seconds (25 million comparisons a pass).
    """
    free_left = set(range(len(left)))
    free_right = set(range(len(right)))
    pairs: list[tuple[int, int]] = []

    def pair(i: int, j: int) -> None:
        free_left.discard(i)
        free_right.discard(j)
        pairs.append((i, j))

    def take(candidates: list[tuple[float, bool, int, int]]) -> None:
        # The order of the passes' rule: closest first, identical first among equally close, then by index.
        # Candidates of different groups share no cue, so taking each group's in turn pairs as one sorted list
        # of them all would.
        for _, _, i, j in sorted(candidates):
            if i in free_left and j in free_right:
                pair(i, j)

    # Identical cues are the first candidates of the first pass (no distance, nothing different): the k-th of
    # a value on the left pairs with the k-th of the same value on the right.
    identical: dict[CueValues, deque[int]] = {}
    for j, cue in enumerate(right):
        identical.setdefault(cue, deque()).append(j)
    for i, cue in enumerate(left):
        same = identical.get(cue)
        if same:
            pair(i, same.popleft())

    def by_key(
        indices: set[int], cues: Sequence[CueValues], key: Callable[[CueValues], object]
    ) -> dict[object, list[int]]:
        groups: dict[object, list[int]] = {}
        for index in sorted(indices):
            groups.setdefault(key(cues[index]), []).append(index)
        return groups

    def run(key: Callable[[CueValues], object], within: float | None) -> None:
        lefts = by_key(free_left, left, key)
        for group, rights in by_key(free_right, right, key).items():
            if group is None or group not in lefts:
                continue
            starts = sorted((right[j].start, j) for j in rights)
            positions = [start for start, _ in starts]
            candidates: list[tuple[float, bool, int, int]] = []
            for i in lefts[group]:
                cue = left[i]
                if within is None:
                    near = starts
                else:
                    # A hair wider than the tolerance, so no rounding of the bounds drops a cue the exact
                    # test below keeps.
                    low = bisect_left(positions, cue.start - within - _WINDOW_SLACK)
                    high = bisect_right(positions, cue.start + within + _WINDOW_SLACK)
                    near = starts[low:high]
                for start, j in near:
                    distance = abs(cue.start - start)
                    if within is None or distance <= within:
                        candidates.append((distance, cue != right[j], i, j))
            take(candidates)

    run(lambda cue: (cue.type, cue.hotcue), tolerance)
    run(lambda cue: (cue.hotcue, cue.type) if cue.hotcue >= 0 else None, None)
    run(lambda cue: cue.hotcue if cue.hotcue >= 0 else None, None)
    pairs.sort()
    return pairs, sorted(free_left), sorted(free_right)


def against_base(
    cues: Sequence[CueValues], base: Sequence[CueValues], tolerance: float
) -> tuple[dict[int, int], list[int]]:
    """Each base cue's partner in ``cues`` (base index -> index in ``cues``), and the indices of the cues that
    have none, in order: those added since the base. The import and the export pair both sides this way."""
    pairs, added, _ = pair_cues(cues, base, tolerance)
    return {b: i for i, b in pairs}, added


def merge_cues(
    subject: str,
    harmony: Sequence[StoredCue],
    traktor: Sequence[CueValues],
    base: Sequence[CueValues] | None,
    cue_strategy: CueStrategy,
    conflict_strategy: Strategy,
    tolerance: float,
) -> CueMerge:
    """Merge Traktor's cues of one track (``subject`` names it in conflicts) into Harmony's.

    ``base`` is None when the track was never synced; ``conflict_strategy`` settles cues changed on both sides.
    """
    merge = _Merger(subject, harmony, conflict_strategy)
    ours = [cue.values for cue in harmony]
    if cue_strategy == "replace":
        pairs, only_ours, only_theirs = pair_cues(ours, traktor, tolerance)
        for i, j in pairs:
            merge.take_all(i, traktor[j])
        for i in only_ours:
            merge.remove(i)
        for j in only_theirs:
            merge.add(traktor[j])
        return merge.result
    if base is None:
        # A cue Harmony lacks is an empty value on Harmony's side: the first-sync table says whether it comes in.
        if first_sync(conflict_strategy, harmony_empty=True, traktor_empty=False).takes_traktor:
            merge.added_on_both_sides(list(range(len(ours))), list(traktor), tolerance)
        return merge.result

    base_to_ours, added_ours = against_base(ours, base, tolerance)
    base_to_theirs, added_in_traktor = against_base(traktor, base, tolerance)
    for b, was in enumerate(base):
        mine, theirs = base_to_ours.get(b), base_to_theirs.get(b)
        if mine is not None and theirs is not None:
            merge.three_way(mine, traktor[theirs], was)
        elif mine is not None:  # deleted in Traktor
            # Only a real edit since the last sync keeps it against Traktor's deletion: an exported cue with no
            # name is "n.n." in the base (harmony.sync.mapping.cue_unchanged).
            decision = decide_deletion("traktor", not cue_unchanged(ours[mine], was), conflict_strategy)
            if decision.conflict:
                merge.conflict(describe_cue(ours[mine]), "edited", "deleted", describe_cue(was), decision.winner)
            if decision.takes_traktor:
                merge.remove(mine)
        elif theirs is not None:  # deleted in Harmony
            decision = decide_deletion("harmony", traktor[theirs] != was, conflict_strategy)
            if decision.conflict:
                merge.conflict(describe_cue(traktor[theirs]), "deleted", "edited", describe_cue(was), decision.winner)
            if decision.takes_traktor:
                merge.add(traktor[theirs])
    merge.added_on_both_sides(added_ours, [traktor[j] for j in added_in_traktor], tolerance)
    return merge.result


class _Merger:
    """Collects the cue operations and report lines of one track."""

    def __init__(self, subject: str, harmony: Sequence[StoredCue], strategy: Strategy) -> None:
        self.subject = subject
        self.harmony = harmony
        self.strategy = strategy
        self.result = CueMerge()

    def add(self, cue: CueValues) -> None:
        self.result.adds.append(cue)
        self.result.changes.append(CueChange("added", describe_cue(cue)))

    def remove(self, index: int) -> None:
        stored = self.harmony[index]
        self.result.removals.append(stored.id)
        self.result.changes.append(CueChange("removed", describe_cue(stored.values)))

    def _update(self, index: int, changes: dict[str, FieldValue]) -> None:
        if not changes:
            return
        stored = self.harmony[index]
        self.result.updates.append((stored.id, changes))
        fields = tuple(FieldChange(name, getattr(stored.values, name), value) for name, value in changes.items())
        self.result.changes.append(CueChange("changed", describe_cue(stored.values), fields))

    def take_all(self, index: int, theirs: CueValues) -> None:
        ours = self.harmony[index].values
        self._update(
            index,
            {name: getattr(theirs, name) for name in CUE_FIELD_NAMES if getattr(theirs, name) != getattr(ours, name)},
        )

    def three_way(self, index: int, theirs: CueValues, was: CueValues | None) -> None:
        """Merge one cue field by field (``was`` None: both sides added it, no base)."""
        ours = self.harmony[index].values
        changes: dict[str, FieldValue] = {}
        for name in CUE_FIELD_NAMES:
            mine, their_value = getattr(ours, name), getattr(theirs, name)
            old = None if was is None else getattr(was, name)
            decision = decide_unit(f"cue {name}", mine, their_value, old, was is not None, self.strategy)
            winner = decision.winner
            if decision.conflict and winner is not None:
                self.conflict(
                    f"{describe_cue(ours, named=False)} {name}",
                    show(mine),
                    show(their_value),
                    None if was is None else show(old),
                    winner,
                )
            if decision.takes_traktor:
                changes[name] = their_value
        self._update(index, changes)

    def added_on_both_sides(self, ours: list[int], theirs: list[CueValues], tolerance: float) -> None:
        """Cues new on either side since the base (or with no base): the same cue added on both sides is
        merged field by field; a cue only Traktor added is added to Harmony."""
        pairs, _, only_theirs = pair_cues([self.harmony[i].values for i in ours], theirs, tolerance)
        for i, j in pairs:
            self.three_way(ours[i], theirs[j], None)
        for j in only_theirs:
            self.add(theirs[j])

    def conflict(self, item: str, harmony: str, traktor: str, base: str | None, winner: str | None) -> None:
        self.result.conflicts.append(
            Conflict(
                self.subject,
                item,
                harmony,
                traktor,
                base,
                "traktor" if winner == "traktor" else "harmony",
                self.strategy,
            )
        )
