"""Cue-by-cue merge, through a real library: what Traktor did to a cue happens in Harmony, unless Harmony did
something to the same cue, and ``replace`` makes Harmony's cues Traktor's."""

from __future__ import annotations

from dataclasses import replace

import pytest

from harmony.library import CueValues, StoredCue, StoredTrack, SyncTrack, TrackBase, TrackValues
from harmony.sync.export_cues import export_cues, stored_cues
from harmony.sync.import_cues import describe_cue, merge_cues, pair_cues
from harmony.sync.paths import PathResolver
from harmony.sync.since_base import changed_in_harmony

from .helpers import World, cue

_MAC = PathResolver("macos", [])  # compares file names case-folded


@pytest.fixture
def synced(world: World) -> World:
    """One track with a hot cue on pad 1 at 1 s, a loop on pad 2 at 2 s and a grid marker, already synced."""
    world.add(
        "a.mp3",
        (
            cue(1000.0, hotcue=0, name="Intro"),
            cue(2000.0, hotcue=1, type=5, length=500.0, name="Loop"),
            cue(0.0, type=4, name="Beat Marker"),
        ),
        title="A",
    )
    world.sync()
    return world


def _nml_cue(world: World, hotcue: int):  # type: ignore[no-untyped-def]
    return next(c for c in world.entry("a.mp3").cues if c.hotcue == hotcue)


def _harmony_cue(world: World, hotcue: int) -> StoredCue:
    return next(c for c in world.track("a.mp3").cues if c.values.hotcue == hotcue)


def test_cue_added_in_traktor_is_added(synced: World) -> None:
    synced.entry("a.mp3").add_cue(cue(3000.0, hotcue=2, name="New"))
    result = synced.sync()
    assert result.stats.cue_points_added == 1 and result.stats.tracks_updated == 1
    assert [c.name for c in synced.cues("a.mp3")] == ["Beat Marker", "Intro", "Loop", "New"]
    synced.assert_nothing_to_do()


def test_cue_moved_renamed_and_recoloured_in_traktor_follows(synced: World) -> None:
    moved = _nml_cue(synced, 0)
    moved.start = 1500.0
    moved.name = "Drop"
    moved.color = "#FF0000"
    cue_id = _harmony_cue(synced, 0).id
    result = synced.sync()
    assert result.stats.cue_points_updated == 1 and result.stats.cue_points_added == 0
    after = _harmony_cue(synced, 0)
    assert after.id == cue_id  # the same cue, updated in place
    assert (after.values.start, after.values.name, after.values.color) == (1500.0, "Drop", "#FF0000")
    [change] = result.report.track_changes[0].cues
    assert change.kind == "changed" and {f.field for f in change.fields} == {"start", "name", "color"}
    synced.assert_nothing_to_do()


def test_cue_deleted_in_traktor_is_deleted(synced: World) -> None:
    synced.entry("a.mp3").remove_cue(_nml_cue(synced, 1))
    result = synced.sync()
    assert result.stats.cue_points_removed == 1
    assert [c.name for c in synced.cues("a.mp3")] == ["Beat Marker", "Intro"]
    synced.assert_nothing_to_do()


def test_cues_changed_only_in_harmony_stay(synced: World) -> None:
    library = synced.library
    library.update_cue(_harmony_cue(synced, 0).id, {"name": "Mine", "start": 1200.0})
    library.delete_cue(_harmony_cue(synced, 1).id)
    library.add_cue(synced.track_id("a.mp3"), CueValues(type=0, start=4000.0, hotcue=3, name="Added"))
    result = synced.sync()
    assert not result.plan.changes_library()
    assert [c.name for c in synced.cues("a.mp3")] == ["Beat Marker", "Mine", "Added"]
    assert not result.plan.leaves_nml_current
    synced.assert_nothing_to_do()


def test_same_field_changed_on_both_sides_is_a_reported_conflict(synced: World) -> None:
    synced.library.update_cue(_harmony_cue(synced, 0).id, {"name": "Mine"})
    _nml_cue(synced, 0).name = "Theirs"
    _nml_cue(synced, 0).color = "#00FF00"  # a field only Traktor changed still follows
    result = synced.sync()
    after = _harmony_cue(synced, 0).values
    assert (after.name, after.color) == ("Mine", "#00FF00")
    [conflict] = result.stats.conflicts
    assert conflict.item.endswith(" name") and conflict.winner == "harmony"
    assert synced.sync(cue_strategy="traktor_wins").stats.cue_points_updated == 0  # already settled
    synced.assert_nothing_to_do()


def test_cue_conflict_with_traktor_wins(synced: World) -> None:
    synced.library.update_cue(_harmony_cue(synced, 0).id, {"name": "Mine"})
    _nml_cue(synced, 0).name = "Theirs"
    result = synced.sync(strategy="traktor_wins")
    assert _harmony_cue(synced, 0).values.name == "Theirs"
    assert [c.winner for c in result.stats.conflicts] == ["traktor"]


@pytest.mark.parametrize(("strategy", "kept"), [("smart_merge", True), ("traktor_wins", False)])
def test_cue_deleted_in_traktor_but_edited_in_harmony(synced: World, strategy: str, kept: bool) -> None:
    synced.library.update_cue(_harmony_cue(synced, 1).id, {"name": "Edited"})
    synced.entry("a.mp3").remove_cue(_nml_cue(synced, 1))
    result = synced.sync(strategy=strategy)
    assert ("Edited" in [c.name for c in synced.cues("a.mp3")]) is kept
    [conflict] = result.stats.conflicts
    assert (conflict.harmony, conflict.traktor) == ("edited", "deleted")


@pytest.mark.parametrize(("strategy", "back"), [("smart_merge", False), ("traktor_wins", True)])
def test_cue_deleted_in_harmony_but_edited_in_traktor(synced: World, strategy: str, back: bool) -> None:
    synced.library.delete_cue(_harmony_cue(synced, 1).id)
    _nml_cue(synced, 1).name = "Edited"
    result = synced.sync(strategy=strategy)
    assert ("Edited" in [c.name for c in synced.cues("a.mp3")]) is back
    assert [(c.harmony, c.traktor) for c in result.stats.conflicts] == [("deleted", "edited")]


def test_cue_deleted_in_harmony_and_untouched_in_traktor_stays_deleted(synced: World) -> None:
    synced.library.delete_cue(_harmony_cue(synced, 1).id)
    result = synced.sync(strategy="traktor_wins")
    assert not result.plan.changes_library() and not result.stats.conflicts


def test_same_cue_added_on_both_sides_is_not_doubled(synced: World) -> None:
    synced.library.add_cue(synced.track_id("a.mp3"), CueValues(type=0, start=3000.0, hotcue=2, name="n.n."))
    synced.entry("a.mp3").add_cue(cue(3000.4, hotcue=2, name="Named in Traktor"))
    result = synced.sync()
    assert result.stats.cue_points_added == 0
    names = [c.name for c in synced.cues("a.mp3")]
    assert names.count("Named in Traktor") == 1 and "n.n." not in names  # an unnamed cue takes the name
    assert synced.cues("a.mp3")[-1].start == 3000.0  # within 1 ms: Harmony's position stays on a first meeting
    synced.assert_nothing_to_do()


def test_replace_makes_harmony_cues_equal_traktors(synced: World) -> None:
    library = synced.library
    library.update_cue(_harmony_cue(synced, 0).id, {"name": "Mine"})
    library.add_cue(synced.track_id("a.mp3"), CueValues(type=0, start=9000.0, hotcue=5))
    synced.entry("a.mp3").add_cue(cue(3000.0, hotcue=2, name="New"))
    result = synced.sync(cue_strategy="replace")
    ours = synced.cues("a.mp3")
    theirs = sorted(
        ((c.type, c.start, c.length, c.hotcue, c.name) for c in (x.to_data() for x in synced.entry("a.mp3").cues)),
        key=lambda t: (t[1], t[3], t[0]),
    )
    assert [(c.type, c.start, c.length, c.hotcue, c.name) for c in ours] == theirs
    assert result.stats.cue_points_removed == 1 and result.stats.cue_points_added == 1
    assert result.stats.cue_points_updated == 1 and not result.stats.conflicts
    synced.assert_nothing_to_do(cue_strategy="replace")


@pytest.mark.parametrize("strategy", ["smart_merge", "traktor_wins", "harmony_wins"])
def test_first_sync_of_cues(world: World, strategy: str) -> None:
    # One first-sync rule in both directions: a cue only one side has goes across whatever the strategy; the
    # strategy settles only the cue both sides hold with different values.
    track_id = world.library.add_track(TrackValues(path="/music/a.mp3"))
    world.library.add_cue(track_id, CueValues(type=0, start=1000.0, hotcue=0, name="Mine"))
    world.library.add_cue(track_id, CueValues(type=0, start=5000.0, hotcue=4, name="Only mine"))
    world.add("a.mp3", (cue(1000.0, hotcue=0, name="Theirs"), cue(3000.0, hotcue=2, name="Only theirs")))
    result = world.sync(strategy=strategy)
    names = {c.name for c in world.cues("a.mp3")}
    assert len(names) == 3
    assert {"Only mine", "Only theirs"} <= names
    assert ("Theirs" in names) is (strategy == "traktor_wins")
    assert [c.winner for c in result.stats.conflicts] == ["traktor" if strategy == "traktor_wins" else "harmony"]
    world.assert_nothing_to_do(strategy=strategy)


# --- the pure functions -------------------------------------------------------------------------------------


def _stored(*cues: CueValues) -> list[StoredCue]:
    return [StoredCue(id=i + 1, track_id=1, values=c) for i, c in enumerate(cues)]


def test_pairing_tolerance_is_one_millisecond() -> None:
    a = CueValues(type=0, start=1000.0, hotcue=-1)
    assert pair_cues([a], [CueValues(type=0, start=1000.9, hotcue=-1)], 1.0)[0] == [(0, 0)]
    assert pair_cues([a], [CueValues(type=0, start=1001.5, hotcue=-1)], 1.0)[0] == []
    assert pair_cues([a], [CueValues(type=5, start=1000.0, hotcue=-1)], 1.0)[0] == []  # another type


def test_pairing_follows_a_hot_cue_moved_on_its_pad() -> None:
    ours = [CueValues(type=0, start=1000.0, hotcue=3), CueValues(type=0, start=1000.0, hotcue=-1)]
    theirs = [CueValues(type=0, start=8000.0, hotcue=3)]
    pairs, only_ours, only_theirs = pair_cues(ours, theirs, 1.0)
    assert pairs == [(0, 0)] and only_ours == [1] and only_theirs == []


def test_moved_cue_without_a_pad_is_deleted_and_added() -> None:
    was = CueValues(type=0, start=1000.0)
    result = merge_cues("t", _stored(was), [CueValues(type=0, start=2000.0)], [was], "smart_merge", "smart_merge", 1.0)
    assert result.removals == [1] and result.adds == [CueValues(type=0, start=2000.0)]


def test_describe_cue() -> None:
    assert describe_cue(CueValues(type=0, start=62345.0, hotcue=1)) == "hot cue 2 at 1:02.345"
    assert describe_cue(CueValues(type=5, start=500.0, length=10.0)) == "loop at 0:00.500"


@pytest.mark.parametrize(
    "was",
    [
        CueValues(type=0, start=2000.0, hotcue=1),  # a file's cue with no name, order or repeat count
        CueValues(type=0, start=2000.0, hotcue=1, name="n.n.", display_order=0, repeats=-1),  # as exported
    ],
)
def test_an_unedited_cue_deleted_in_traktor_goes_in_both_directions(was: CueValues) -> None:
    """Harmony's copy keeps no name; the base holds the cue either as the file had it or as the export wrote it
    (Traktor's defaults). Neither is an edit in Harmony: the import removes the cue, and an export (before any
    import) leaves Traktor's deletion alone."""
    ours = CueValues(type=0, start=2000.0, hotcue=1)
    imported = merge_cues("t", _stored(ours), [], [was], "smart_merge", "smart_merge", 1.0)
    assert imported.removals == [1] and not imported.conflicts
    exported = export_cues("t", stored_cues([ours], 1.0), [], [was], "smart_merge", 1.0)
    assert not exported and not exported.conflicts


def test_a_track_whose_cues_lack_traktors_defaults_on_both_sides_is_unchanged_in_harmony() -> None:
    """The track-level rule (removals) compares both sides' cues as the NML holds them, like the cue-level one:
    a file's cue without a name, display order or repeat count, kept so in Harmony, is no change."""
    values = TrackValues(path="/music/a.mp3", title="A")
    plain = CueValues(type=0, start=2000.0, hotcue=1)
    track = SyncTrack(StoredTrack(1, values), tuple(_stored(plain)), None)
    assert not changed_in_harmony(track, TrackBase("k", values, (plain,)), 1.0, _MAC)
    named = replace(plain, name="Drop")
    assert changed_in_harmony(
        SyncTrack(StoredTrack(1, values), tuple(_stored(named)), None),
        TrackBase("k", values, (plain,)),
        1.0,
        _MAC,
    )
    # A file moved is a change; the same file spelt as the platform compares names is not.
    moved = SyncTrack(StoredTrack(1, replace(values, path="/found/a.mp3")), tuple(_stored(plain)), None)
    assert changed_in_harmony(moved, TrackBase("k", values, (plain,)), 1.0, _MAC)
    spelt = SyncTrack(StoredTrack(1, replace(values, path="/MUSIC/A.mp3")), tuple(_stored(plain)), None)
    assert not changed_in_harmony(spelt, TrackBase("k", values, (plain,)), 1.0, _MAC)
