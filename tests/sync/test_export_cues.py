"""Exporting cue points cue by cue against the base: added, moved and deleted on each side, duplicates, first
syncs, cues the library cannot hold."""

from __future__ import annotations

import pytest

from harmony.library import CueValues, TrackValues
from harmony.nml.cue import CueData

from .export_helpers import assert_export_changes_nothing, export, export_and_record
from .helpers import World, cue, local_path


def _synced(world: World, *cues: CueData) -> None:
    world.add("a.mp3", cues, title="Alpha")
    world.reload()
    world.sync()


def _nml_cues(world: World) -> list[tuple[int, float, int, str]]:
    return sorted((c.type, c.start, c.hotcue, c.name) for c in world.entry("a.mp3").cues)


def _harmony_cue(world: World, start: float) -> int:
    return next(c.id for c in world.track("a.mp3").cues if c.values.start == start)


def test_the_diff_names_a_cue_and_reads_its_place_as_a_time(world: World) -> None:
    """A new cue "Drop" given hot cue 5, which "Début" held: the diff read "cue changed hot cue 5 at 4:02.574
    (start: 242574.1395 → 62500.0, name: 'Début' → 'Drop')" and "cue added cue at 4:02.574", as if "Début" had
    been moved and renamed and a nameless cue added. Each cue now says its name, and a place reads as a time."""
    _synced(world, cue(242574.1395, hotcue=4, name="Début"))
    (debut,) = world.track("a.mp3").cues
    world.library.update_cue(debut.id, {"hotcue": -1})
    world.library.add_cue(world.track_id("a.mp3"), CueValues(type=0, start=62500.0, hotcue=4, name="Drop"))
    lines = export_and_record(world).report.lines()
    assert "      cue added cue “Début” at 4:02.574" in lines, lines
    changed = next(line for line in lines if "cue changed" in line)
    assert "start: 4:02.574 → 1:02.500" in changed and "name: 'Début' → 'Drop'" in changed, changed
    assert _nml_cues(world) == [(0, 62500.0, 4, "Drop"), (0, 242574.1395, -1, "Début")]


def test_a_cue_added_in_harmony_is_added(world: World) -> None:
    _synced(world, cue(1000.0, hotcue=0))
    world.library.add_cue(world.track_id("a.mp3"), CueValues(type=5, start=8000.0, length=4000.0, hotcue=2))
    result = export_and_record(world)
    assert _nml_cues(world) == [(0, 1000.0, 0, "n.n."), (5, 8000.0, 2, "n.n.")]
    assert result.stats.cue_points_added == 1
    assert "      cue added loop 3 at 0:08.000" in result.report.lines()
    world.assert_nothing_to_do()
    assert_export_changes_nothing(world)


def test_a_cue_moved_in_harmony_is_moved(world: World) -> None:
    _synced(world, cue(1000.0, hotcue=0), cue(5000.0, hotcue=1))
    world.library.update_cue(_harmony_cue(world, 5000.0), {"start": 6000.0, "name": "Drop"})
    result = export_and_record(world)
    assert _nml_cues(world) == [(0, 1000.0, 0, "n.n."), (0, 6000.0, 1, "Drop")]
    assert result.stats.cue_points_updated == 1
    world.assert_nothing_to_do()


def test_a_cue_deleted_in_harmony_is_removed(world: World) -> None:
    _synced(world, cue(1000.0, hotcue=0), cue(5000.0, hotcue=1))
    world.library.delete_cue(_harmony_cue(world, 5000.0))
    result = export_and_record(world)
    assert _nml_cues(world) == [(0, 1000.0, 0, "n.n.")]
    assert result.stats.cue_points_removed == 1
    world.assert_nothing_to_do()


def test_cues_added_moved_or_deleted_in_traktor_stay_and_the_import_takes_them(world: World) -> None:
    _synced(world, cue(1000.0, hotcue=0), cue(5000.0, hotcue=1), cue(9000.0, hotcue=2))
    entry = world.entry("a.mp3")
    entry.add_cue(cue(12000.0, hotcue=3))  # added in Traktor
    entry.cues[1].start = 5500.0  # moved in Traktor
    entry.remove_cue(entry.cues[2])  # deleted in Traktor
    world.reload()
    world.library.update_track(world.track_id("a.mp3"), {"title": "Alpha 2"})  # so the track is exported
    export_and_record(world)
    assert _nml_cues(world) == [(0, 1000.0, 0, "n.n."), (0, 5500.0, 1, "n.n."), (0, 12000.0, 3, "n.n.")]
    world.sync()
    assert [(c.start, c.hotcue) for c in world.cues("a.mp3")] == [(1000.0, 0), (5500.0, 1), (12000.0, 3)]
    assert_export_changes_nothing(world)


def test_changes_on_both_sides_to_different_cues_merge(world: World) -> None:
    _synced(world, cue(1000.0, hotcue=0), cue(5000.0, hotcue=1))
    world.entry("a.mp3").add_cue(cue(20000.0, hotcue=4))
    world.reload()
    world.library.delete_cue(_harmony_cue(world, 1000.0))
    world.library.add_cue(world.track_id("a.mp3"), CueValues(type=0, start=30000.0, hotcue=5))
    export_and_record(world)
    assert [(start, pad) for _, start, pad, _ in _nml_cues(world)] == [(5000.0, 1), (20000.0, 4), (30000.0, 5)]
    world.sync()
    assert [(c.start, c.hotcue) for c in world.cues("a.mp3")] == [(5000.0, 1), (20000.0, 4), (30000.0, 5)]
    assert_export_changes_nothing(world)


@pytest.mark.parametrize(("strategy", "expected"), [("smart_merge", "Harmony"), ("traktor_wins", "Traktor")])
def test_a_cue_renamed_on_both_sides_is_a_conflict(world: World, strategy: str, expected: str) -> None:
    _synced(world, cue(1000.0, hotcue=0, name="Start"))
    world.entry("a.mp3").cues[0].name = "Traktor"
    world.reload()
    world.library.update_cue(_harmony_cue(world, 1000.0), {"name": "Harmony"})
    result = export_and_record(world, strategy=strategy)
    assert _nml_cues(world) == [(0, 1000.0, 0, expected)]
    assert [c.item for c in result.stats.conflicts] == ["hot cue 1 at 0:01.000 name"]
    world.sync(strategy=strategy)
    assert [c.name for c in world.cues("a.mp3")] == [expected]


@pytest.mark.parametrize(
    ("strategy", "cue_strategy", "expected"),
    [("harmony_wins", "traktor_wins", "Traktor"), ("traktor_wins", "harmony_wins", "Harmony")],
)
def test_a_cue_conflict_is_settled_by_the_cue_strategy_in_both_directions(
    world: World, strategy: str, cue_strategy: str, expected: str
) -> None:
    _synced(world, cue(1000.0, hotcue=0, name="Start"))
    world.entry("a.mp3").cues[0].name = "Traktor"
    world.reload()
    world.library.update_cue(_harmony_cue(world, 1000.0), {"name": "Harmony"})
    chosen = {"strategy": strategy, "cue_strategy": cue_strategy}
    preview = world.plan(**chosen)
    result = export_and_record(world, **chosen)
    assert _nml_cues(world) == [(0, 1000.0, 0, expected)]
    # The import would have settled it the same way: the same winner, reported with the same strategy.
    assert [(c.winner, c.strategy) for c in result.stats.conflicts] == [(expected.lower(), cue_strategy)]
    assert [(c.winner, c.strategy) for c in preview.stats.conflicts] == [(expected.lower(), cue_strategy)]
    world.sync(**chosen)
    assert [c.name for c in world.cues("a.mp3")] == [expected]
    world.assert_nothing_to_do(**chosen)
    assert_export_changes_nothing(world, **chosen)


@pytest.mark.parametrize(("strategy", "kept"), [("smart_merge", False), ("traktor_wins", True)])
def test_a_cue_deleted_in_harmony_but_edited_in_traktor_follows_the_strategy(
    world: World, strategy: str, kept: bool
) -> None:
    _synced(world, cue(1000.0, hotcue=0), cue(5000.0, hotcue=1))
    world.entry("a.mp3").cues[1].name = "Edited"
    world.reload()
    world.library.delete_cue(_harmony_cue(world, 5000.0))
    result = export(world, strategy=strategy)
    assert ((0, 5000.0, 1, "Edited") in _nml_cues(world)) == kept
    assert [(c.harmony, c.traktor) for c in result.stats.conflicts] == [("deleted", "edited")]


def test_duplicate_harmony_cues_are_exported_once(world: World) -> None:
    track_id = world.library.add_track(
        TrackValues(path=local_path("a.mp3"), title="Alpha"),
        [
            CueValues(type=0, start=1000.0, hotcue=0),
            CueValues(type=0, start=1000.4, hotcue=0),  # the same cue within 1 ms
            CueValues(type=0, start=1000.0, hotcue=0),
            CueValues(type=4, start=50.0),
        ],
    )
    result = export_and_record(world)
    assert result.stats.tracks_added == 1
    entry = world.entry("a.mp3")
    assert sorted((c.type, c.start, c.hotcue) for c in entry.cues) == [(0, 1000.0, 0), (4, 50.0, -1)]
    assert track_id in [b.track for b in result.bases.tracks]


def test_duplicates_are_not_added_next_to_an_existing_cue(world: World) -> None:
    _synced(world, cue(1000.0, hotcue=0))
    world.library.add_cue(world.track_id("a.mp3"), CueValues(type=0, start=1000.0, hotcue=0))
    world.library.update_track(world.track_id("a.mp3"), {"title": "Alpha 2"})
    result = export(world)
    assert _nml_cues(world) == [(0, 1000.0, 0, "n.n.")]
    assert result.stats.cue_points_added == 0


@pytest.mark.parametrize(
    ("strategy", "expected"),
    [
        ("smart_merge", [(0, 1000.0, 0, "Harmony"), (0, 7000.0, 3, "n.n.")]),
        ("traktor_wins", [(0, 1000.0, 0, "Traktor"), (0, 7000.0, 3, "n.n.")]),
        ("harmony_wins", [(0, 1000.0, 0, "Harmony"), (0, 7000.0, 3, "n.n.")]),
    ],
)
def test_first_sync_of_cues_follows_the_first_sync_table(
    world: World, strategy: str, expected: list[tuple[int, float, int, str]]
) -> None:
    world.library.add_track(
        TrackValues(path=local_path("a.mp3"), title="Alpha"),
        [CueValues(type=0, start=1000.0, hotcue=0, name="Harmony"), CueValues(type=0, start=7000.0, hotcue=3)],
    )
    world.add("a.mp3", (cue(1000.0, hotcue=0, name="Traktor"),), title="Alpha")
    world.reload()
    export(world, strategy=strategy)
    assert _nml_cues(world) == expected


def test_cues_the_library_cannot_hold_are_left_alone(world: World) -> None:
    world.add("a.mp3", (cue(1000.0, hotcue=0), cue(2000.0, type=9)), title="Alpha")
    world.reload()
    world.sync()
    world.library.add_cue(world.track_id("a.mp3"), CueValues(type=0, start=3000.0, hotcue=1))
    export_and_record(world)
    assert sorted((c.type, c.start) for c in world.entry("a.mp3").cues) == [(0, 1000.0), (0, 3000.0), (9, 2000.0)]
    world.assert_nothing_to_do()
