"""Invariants of the cue merge (Hypothesis): an unchanged Traktor changes nothing, ``replace`` gives Traktor's
cues, and merging again after applying a merge plans nothing."""

from __future__ import annotations

from dataclasses import replace

from hypothesis import given, settings
from hypothesis import strategies as st

from harmony.library import CueValues, StoredCue
from harmony.sync.cues import CueMerge, merge_cues

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
