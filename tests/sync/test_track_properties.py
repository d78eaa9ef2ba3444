"""Random edits of tracks and cues on both sides, synced into a real library: one import settles everything
(planning again plans nothing), and with no Harmony edits Harmony ends with Traktor's values."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given
from hypothesis import strategies as st

from harmony.library import CueValues, Library
from harmony.sync.mapping import track_values_from_nml

from ..runs import quick_and_full
from .helpers import World, cue, local_path

FILES = ("a.mp3", "b.mp3")
TRAKTOR_EDIT = st.tuples(
    st.sampled_from(["title", "genre", "bpm", "ranking", "add_cue", "move_cue", "name_cue", "drop_cue", "lock"]),
    st.integers(0, 1),
    st.integers(0, 5),
)
HARMONY_EDIT = st.tuples(
    st.sampled_from(["title", "genre", "rating", "add_cue", "name_cue", "drop_cue"]),
    st.integers(0, 1),
    st.integers(0, 5),
)


def _traktor_edit(world: World, edit: tuple[str, int, int]) -> None:
    kind, which, number = edit
    track = world.entry(FILES[which])
    cues = track.cues
    if kind == "title":
        track.title = f"T{number}"
    elif kind == "genre":
        track.genre = None if number == 0 else f"G{number}"
    elif kind == "bpm":
        track.bpm = 120.0 + number / 3
    elif kind == "ranking":
        track.ranking = [0, 51, 196, 204, 255, 102][number]
    elif kind == "lock":
        track.lock = bool(number % 2)
    elif kind == "add_cue":
        track.add_cue(cue(1000.0 * number + 0.25, hotcue=number % 3 - 1, name=f"c{number}"))
    elif cues and kind == "move_cue":
        cues[number % len(cues)].start += 250.0
    elif cues and kind == "name_cue":
        cues[number % len(cues)].name = f"t{number}"
    elif cues and kind == "drop_cue":
        track.remove_cue(cues[number % len(cues)])


def _harmony_edit(world: World, edit: tuple[str, int, int]) -> None:
    kind, which, number = edit
    library = world.library
    track_id = world.track_id(FILES[which])
    cues = world.track(FILES[which]).cues
    if kind in ("title", "genre"):
        library.update_track(track_id, {kind: None if number == 0 else f"H{number}"})
    elif kind == "rating":
        library.update_track(track_id, {"rating": number})
    elif kind == "add_cue":
        library.add_cue(track_id, CueValues(type=0, start=700.0 * number, hotcue=number % 3 - 1, name=f"h{number}"))
    elif cues and kind == "name_cue":
        library.update_cue(cues[number % len(cues)].id, {"name": f"h{number}"})
    elif cues and kind == "drop_cue":
        library.delete_cue(cues[number % len(cues)].id)


def _test_random_edits_settle_in_one_import(
    rounds: list[tuple[list[tuple[str, int, int]], list[tuple[str, int, int]]]], strategy: str, cue_strategy: str
) -> None:
    with tempfile.TemporaryDirectory() as folder, Library.open(Path(folder) / "library.db") as library:
        world = World(library)
        for file in FILES:
            world.add(file, (cue(500.0, hotcue=0, name="first"),), title=file, genre="House", ranking=153)
        world.sync()
        for traktor_edits, harmony_edits in rounds:
            for edit in traktor_edits:
                _traktor_edit(world, edit)
            for edit in harmony_edits:
                _harmony_edit(world, edit)
            world.reload()
            world.sync(strategy=strategy, cue_strategy=cue_strategy)
            world.assert_nothing_to_do(strategy=strategy, cue_strategy=cue_strategy)
        if not any(h for _, h in rounds):
            for file in FILES:  # Harmony never edited: it holds exactly what Traktor has
                data = world.entry(file).to_data()
                ours = world.track(file).track.values
                theirs = track_values_from_nml(data, local_path(file)).values
                assert {k: v for k, v in ours.as_dict().items() if k not in ("path_key",)} == {
                    k: v for k, v in theirs.as_dict().items() if k not in ("path_key",)
                }
                assert sorted((c.start, c.hotcue, c.name) for c in world.cues(file)) == sorted(
                    (c.start, c.hotcue, c.name) for c in data.cues
                )


test_random_edits_settle_in_one_import, test_random_edits_settle_in_one_import_full = quick_and_full(
    given(
        st.lists(
            st.tuples(st.lists(TRAKTOR_EDIT, max_size=5), st.lists(HARMONY_EDIT, max_size=4)), min_size=1, max_size=3
        ),
        st.sampled_from(["smart_merge", "traktor_wins", "harmony_wins"]),
        st.sampled_from(["smart_merge", "replace"]),
    ),
    _test_random_edits_settle_in_one_import,
    examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
