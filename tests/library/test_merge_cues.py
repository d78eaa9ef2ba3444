"""Which of the merged-away tracks' cues the kept track gains: the same cue (type, slot, within a millisecond)
once, a taken hot cue slot's cue as a memory cue. Looked up among sorted positions since a group of 12,000
copies took over a minute one comparison at a time; held here to that plain rule on random cues."""

from __future__ import annotations

import math
from dataclasses import replace
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from harmony.library import Library, TrackValues
from harmony.library.merge import CUE_TOLERANCE_MS, _cues_to_add
from harmony.library.values import CueValues


def plain_rule(have: list[CueValues], offered: list[CueValues]) -> list[CueValues]:
    """The rule as the merge first wrote it: each offered cue against every cue kept so far."""
    added: list[CueValues] = []
    for cue in offered:
        kept = (*have, *added)
        if any(
            c.type == cue.type and c.hotcue == cue.hotcue and abs(c.start - cue.start) <= CUE_TOLERANCE_MS for c in kept
        ):
            continue
        held = cue.hotcue >= 0 and any(c.hotcue == cue.hotcue for c in kept)
        added.append(replace(cue, hotcue=-1) if held else cue)
    return added


# Positions on a grid of quarter milliseconds a few milliseconds long, few types and slots: cues often meet
# within, exactly at and just past the tolerance, on either side.
cues = st.builds(
    CueValues,
    type=st.sampled_from([0, 5]),
    start=st.integers(0, 12).map(lambda quarter: quarter / 4),
    hotcue=st.integers(-1, 2),
)


@settings(max_examples=300)
@given(st.lists(cues, max_size=8), st.lists(cues, max_size=30))
def test_the_cues_gained_follow_the_plain_rule(have: list[CueValues], offered: list[CueValues]) -> None:
    assert _cues_to_add(have, offered) == plain_rule(have, offered)


@settings(max_examples=300)
@given(
    st.floats(-2.0, 400_000.0, allow_nan=False),
    st.lists(st.tuples(st.sampled_from([-1.0, 1.0]), st.integers(-3, 3)), min_size=1, max_size=6),
)
def test_the_edge_of_the_tolerance_is_measured_as_the_plain_rule_measures(
    start: float, offsets: list[tuple[float, int]]
) -> None:
    """Positions a millisecond from a kept one, give or take a few units in the last place: the float sums round
    differently right at the edge, and the lookup must round as the plain rule's difference does (a review found
    a search by ``start - tolerance`` keeping 3.8378653593083967 beside 4.837865359308397 where the rule did not)."""
    have = [CueValues(type=0, start=start, hotcue=-1)]
    offered = []
    for sign, steps in offsets:
        edge = start + sign * CUE_TOLERANCE_MS
        for _ in range(abs(steps)):
            edge = math.nextafter(edge, math.inf if steps > 0 else -math.inf)
        offered.append(CueValues(type=0, start=edge, hotcue=-1))
    assert _cues_to_add(have, offered) == plain_rule(have, offered)


def test_a_cue_a_millisecond_away_is_the_same_and_a_taken_slot_gives_a_memory_cue() -> None:
    have = [CueValues(type=0, start=1000.0, hotcue=0)]
    offered = [
        CueValues(type=0, start=999.0, hotcue=0),  # a millisecond before: the same cue
        CueValues(type=0, start=1001.0, hotcue=0),  # a millisecond after: the same cue
        CueValues(type=0, start=1001.5, hotcue=0),  # past it, on a taken slot: a memory cue
        CueValues(type=0, start=1001.6, hotcue=-1),  # within a millisecond of that memory cue: the same
        CueValues(type=5, start=1000.0, hotcue=1, length=500.0),  # another type, a free slot: as it is
    ]
    assert _cues_to_add(have, offered) == [
        CueValues(type=0, start=1001.5, hotcue=-1),
        CueValues(type=5, start=1000.0, hotcue=1, length=500.0),
    ]


def _grid(start: float, bpm: float = 120.0) -> CueValues:
    return CueValues(type=4, start=start, hotcue=-1, name="AutoGrid", grid_bpm=bpm)


def test_the_kept_track_keeps_its_own_beat_grid(tmp_path: Path) -> None:
    """A merge of a WAV into its MP3 gave the MP3 two AutoGrid markers, 41 ms apart (the other file's analysis,
    its start shifted by the encoder's delay). The cues still come over; a grid comes only to a track without one,
    from one of the others."""
    with Library.open(tmp_path / "library.db") as library:
        mp3, wav, flac = (
            library.add_track(TrackValues(path=f"/m/song.{ext}", title="Song"), cues)
            for ext, cues in (
                ("mp3", [_grid(995.0)]),
                ("wav", [_grid(954.0), CueValues(type=0, start=30_000.0, hotcue=0, name="Drop")]),
                ("flac", [_grid(960.0, 121.0)]),
            )
        )
        library.merge_tracks(mp3, [wav, flac])
        kept = [(c.values.type, c.values.start, c.values.name) for c in library.get_track(mp3).cues]
        assert sorted(kept) == [(0, 30_000.0, "Drop"), (4, 995.0, "AutoGrid")]

        # No grid of its own: it takes the first other's grid alone (two copies' grids made two).
        bare, first, second = (
            library.add_track(TrackValues(path=f"/n/song.{ext}", title="Song"), cues)
            for ext, cues in (("mp3", []), ("wav", [_grid(954.0)]), ("flac", [_grid(960.0, 121.0)]))
        )
        library.merge_tracks(bare, [first, second])
        grids = [(c.values.start, c.values.grid_bpm) for c in library.get_track(bare).cues if c.values.type == 4]
        assert grids == [(954.0, 120.0)]
