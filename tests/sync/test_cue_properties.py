"""Invariants of the cue merge (Hypothesis): an unchanged Traktor changes nothing, ``replace`` gives Traktor's
cues, and merging again after applying a merge plans nothing."""

from __future__ import annotations

from dataclasses import replace

from hypothesis import given, settings
from hypothesis import strategies as st

from harmony.library import CueValues, StoredCue
from harmony.sync.import_cues import CueMerge, merge_cues, pair_cues

CUE = st.builds(
    CueValues,
    type=st.sampled_from([0, 4, 5]),
    start=st.sampled_from([0.0, 1000.0, 1000.5, 2000.0, 5000.0]),
    length=st.sampled_from([0.0, 500.0]),
    hotcue=st.sampled_from([-1, 0, 1, 2]),
    name=st.sampled_from(["n.n.", "A", "B", None]),
    color=st.sampled_from([None, "#FF0000"]),
)
CUES = st.lists(CUE, max_size=5)
STRATEGY = st.sampled_from(["smart_merge", "traktor_wins", "harmony_wins"])


def _stored(cues: list[CueValues]) -> list[StoredCue]:
    return [StoredCue(id=i + 1, track_id=1, values=cue) for i, cue in enumerate(cues)]


def _after(stored: list[StoredCue], merge: CueMerge) -> list[StoredCue]:
    """Harmony's cues once the merge is applied (new cues get new ids)."""
    changes = dict(merge.updates)
    kept = [
        StoredCue(c.id, 1, replace(c.values, **changes.get(c.id, {})))  # type: ignore[arg-type]
        for c in stored
        if c.id not in merge.removals
    ]
    next_id = max((c.id for c in stored), default=0) + 1
    return kept + [StoredCue(next_id + i, 1, cue) for i, cue in enumerate(merge.adds)]


def _key(cue: CueValues) -> tuple[object, ...]:
    return tuple((value is not None, "" if value is None else value) for value in cue.as_dict().values())


@given(CUES, CUES, STRATEGY)
def test_unchanged_traktor_changes_no_cue(harmony: list[CueValues], base: list[CueValues], strategy: str) -> None:
    merge = merge_cues("t", _stored(harmony), base, base, "smart_merge", strategy, 1.0)  # type: ignore[arg-type]
    assert not merge and not merge.conflicts


@given(CUES, CUES)
def test_replace_gives_traktors_cues(harmony: list[CueValues], traktor: list[CueValues]) -> None:
    merge = merge_cues("t", _stored(harmony), traktor, None, "replace", "smart_merge", 1.0)
    after = [c.values for c in _after(_stored(harmony), merge)]
    assert sorted(map(_key, after)) == sorted(map(_key, traktor))


@settings(max_examples=500)
@given(CUES, CUES, st.one_of(st.none(), CUES), STRATEGY, st.sampled_from(["smart_merge", "replace"]))
def test_merging_again_after_a_merge_plans_nothing(
    harmony: list[CueValues], traktor: list[CueValues], base: list[CueValues] | None, strategy: str, mode: str
) -> None:
    stored = _stored(harmony)
    first = merge_cues("t", stored, traktor, base, mode, strategy, 1.0)  # type: ignore[arg-type]
    again = merge_cues("t", _after(stored, first), traktor, traktor, mode, strategy, 1.0)  # type: ignore[arg-type]
    assert not again and not again.conflicts


@given(CUES, CUES, STRATEGY)
def test_cues_only_harmony_has_since_the_base_are_kept(
    base: list[CueValues], added: list[CueValues], strategy: str
) -> None:
    harmony = base + added
    merge = merge_cues("t", _stored(harmony), base, base, "smart_merge", strategy, 1.0)  # type: ignore[arg-type]
    assert not merge.removals


@given(CUES, CUES, STRATEGY)
def test_unchanged_harmony_takes_everything_traktor_did(
    base: list[CueValues], traktor: list[CueValues], strategy: str
) -> None:
    stored = _stored(base)
    merge = merge_cues("t", stored, traktor, base, "smart_merge", strategy, 1.0)  # type: ignore[arg-type]
    assert not merge.conflicts
    after = [c.values for c in _after(stored, merge)]
    assert sorted(map(_key, after)) == sorted(map(_key, traktor))


def _pair_every_cue_with_every_other(
    left: list[CueValues], right: list[CueValues], tolerance: float
) -> tuple[list[tuple[int, int]], list[int], list[int]]:
    """The pairing rule written the plain way, comparing every cue with every other: what pair_cues, which
    compares only cues that can pair, must agree with."""
    free_left, free_right = set(range(len(left))), set(range(len(right)))
    pairs: list[tuple[int, int]] = []
    rules = [
        lambda a, b: a.type == b.type and a.hotcue == b.hotcue and abs(a.start - b.start) <= tolerance,
        lambda a, b: a.hotcue >= 0 and a.hotcue == b.hotcue and a.type == b.type,
        lambda a, b: a.hotcue >= 0 and a.hotcue == b.hotcue,
    ]
    for match in rules:
        candidates = sorted(
            (abs(left[i].start - right[j].start), left[i] != right[j], i, j)
            for i in free_left
            for j in free_right
            if match(left[i], right[j])
        )
        for _, _, i, j in candidates:
            if i in free_left and j in free_right:
                free_left.discard(i)
                free_right.discard(j)
                pairs.append((i, j))
    return sorted(pairs), sorted(free_left), sorted(free_right)


# Positions close together (within and just past the tolerance) and repeated cues, where the order rules matter.
NEAR_CUE = st.builds(
    CueValues,
    type=st.sampled_from([0, 5]),
    start=st.sampled_from([1000.0, 1000.4, 1000.9, 1001.0, 1001.1, 1002.0, 3000.0]),
    hotcue=st.sampled_from([-1, 0, 1]),
    name=st.sampled_from(["A", "B", None]),
)


@given(st.lists(NEAR_CUE, max_size=12), st.lists(NEAR_CUE, max_size=12), st.sampled_from([0.0, 1.0, 0.5]))
def test_pairing_agrees_with_comparing_every_cue_with_every_other(
    left: list[CueValues], right: list[CueValues], tolerance: float
) -> None:
    assert pair_cues(left, right, tolerance) == _pair_every_cue_with_every_other(left, right, tolerance)


def test_a_track_of_thousands_of_cues_pairs_each_with_its_own() -> None:
    cues = [CueValues(type=0, start=float(i), hotcue=i % 8, name=f"c{i}") for i in range(5000)]
    moved = [replace(cue, start=cue.start + 0.5) for cue in cues]
    assert pair_cues(cues, cues, 1.0) == ([(i, i) for i in range(5000)], [], [])
    pairs, only_left, only_right = pair_cues(cues, moved, 1.0)
    assert pairs == [(i, i) for i in range(5000)] and not only_left and not only_right


def test_thousands_of_cues_deleted_in_traktor_leave_harmony_too() -> None:
    cues = [CueValues(type=0, start=float(i), hotcue=i % 8, name=f"c{i}") for i in range(5000)]
    result = merge_cues("t", _stored(cues), [], cues, "smart_merge", "smart_merge", 1.0)
    assert sorted(result.removals) == list(range(1, 5001)) and not result.adds and not result.conflicts
