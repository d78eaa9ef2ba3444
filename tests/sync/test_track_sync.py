"""Importing tracks into a real library: first import, three-way merges, strategies, missing files, idempotence."""

from __future__ import annotations

from datetime import date

import pytest

from harmony.library import TrackValues

from ..issue_keys import IMPORT_STATS_KEYS
from .helpers import World, cue, local_path, nml_key


def test_first_import_brings_every_field_without_loss(world: World) -> None:
    world.add(
        "a.mp3",
        title="Alpha",
        artist="Artist",
        album="Album",
        genre="Techno",
        comment="one",
        comment2="two",
        bpm=127.999939,
        ranking=196,
        release_date=date(2019, 8, 29),
        playtime=321,
        playtime_float=320.75,
        file_size=7984,
        musical_key=21,
        key_text="8A",
        color=3,
        lock=True,
    )
    world.reload()
    result = world.sync()
    assert result.stats.tracks_imported == 1
    values = world.track("a.mp3").track.values
    assert values.path == local_path("a.mp3")
    assert (values.title, values.artist, values.album, values.genre) == ("Alpha", "Artist", "Album", "Techno")
    assert (values.comment, values.comment2) == ("one", "two")
    assert values.bpm == 127.999939 and values.bpm_text == "127.999939"
    assert (values.ranking, values.rating) == (196, 4)
    assert (values.release_date, values.year) == (date(2019, 8, 29), 2019)
    assert values.duration == 320.75
    assert values.file_size == 7984 * 1024
    assert (values.musical_key, values.key_text, values.color, values.lock) == (21, "8A", 3, True)
    world.assert_nothing_to_do()


def test_second_import_of_an_unchanged_collection_plans_nothing(world: World) -> None:
    for n in range(5):
        world.add(f"{n}.mp3", (cue(1000.0 * n, hotcue=0),), title=f"T{n}", ranking=153, bpm=120.5)
    first = world.sync()
    assert first.stats.tracks_imported == 5 and first.stats.cue_points_added == 5
    result = world.assert_nothing_to_do()
    assert result.plan.leaves_nml_current
    assert result.stats.to_json()["tracks_processed"] == 5


def test_change_only_in_traktor_is_taken(world: World) -> None:
    world.add("a.mp3", title="Old", genre="House")
    world.sync()
    world.entry("a.mp3").title = "New"
    world.entry("a.mp3").genre = None  # cleared in Traktor: cleared in Harmony
    result = world.sync()
    values = world.track("a.mp3").track.values
    assert (values.title, values.genre) == ("New", None)
    assert result.stats.tracks_updated == 1
    assert result.stats.fields_updated == {"title": 1, "genre": 1}
    assert not result.stats.conflicts
    world.assert_nothing_to_do()


@pytest.mark.parametrize("strategy", ["smart_merge", "traktor_wins", "harmony_wins"])
def test_change_only_in_harmony_is_kept_whatever_the_strategy(world: World, strategy: str) -> None:
    world.add("a.mp3", title="Old", comment="c")
    world.sync()
    world.library.update_track(world.track_id("a.mp3"), {"title": "Mine", "comment": None})
    result = world.sync(strategy=strategy)
    values = world.track("a.mp3").track.values
    assert (values.title, values.comment) == ("Mine", None)
    assert not result.plan.track_updates and not result.stats.conflicts
    assert not result.plan.leaves_nml_current  # Harmony's edit waits for an export
    world.assert_nothing_to_do(strategy=strategy)


@pytest.mark.parametrize(
    ("strategy", "expected", "winner"),
    [("smart_merge", "Mine", "harmony"), ("traktor_wins", "Theirs", "traktor"), ("harmony_wins", "Mine", "harmony")],
)
def test_change_on_both_sides_is_a_conflict_settled_by_the_strategy(
    world: World, strategy: str, expected: str, winner: str
) -> None:
    world.add("a.mp3", title="Old")
    world.sync()
    world.library.update_track(world.track_id("a.mp3"), {"title": "Mine"})
    world.entry("a.mp3").title = "Theirs"
    result = world.sync(strategy=strategy)
    assert world.track("a.mp3").track.values.title == expected
    [conflict] = result.stats.conflicts
    assert (conflict.item, conflict.winner, conflict.strategy) == ("title", winner, strategy)
    assert conflict.base == "'Old'" and conflict.harmony == "'Mine'" and conflict.traktor == "'Theirs'"
    assert conflict.subject == local_path("a.mp3")
    world.assert_nothing_to_do(strategy=strategy)


def test_conflict_where_harmony_cleared_the_field_smart_merge_fills_it(world: World) -> None:
    world.add("a.mp3", genre="House")
    world.sync()
    world.library.update_track(world.track_id("a.mp3"), {"genre": None})
    world.entry("a.mp3").genre = "Techno"
    result = world.sync(strategy="smart_merge")
    assert world.track("a.mp3").track.values.genre == "Techno"
    assert [c.winner for c in result.stats.conflicts] == ["traktor"]


def test_same_change_on_both_sides_is_no_conflict(world: World) -> None:
    world.add("a.mp3", title="Old")
    world.sync()
    world.library.update_track(world.track_id("a.mp3"), {"title": "Same"})
    world.entry("a.mp3").title = "Same"
    result = world.sync()
    assert not result.stats.conflicts and not result.plan.track_updates
    assert result.plan.bases.tracks  # the base moves on to the agreed value
    world.assert_nothing_to_do()


def _scanned(world: World, **fields: object) -> int:
    """A track Harmony found by scanning a folder, never synced with Traktor."""
    return world.library.add_track(TrackValues(path=local_path("a.mp3"), **fields))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("strategy", "title", "genre", "bpm"),
    [
        ("smart_merge", "Harmony title", "Techno", 124.0),  # fills empty fields only
        ("traktor_wins", "Traktor title", "Techno", 125.0),  # overwrites with non-empty Traktor values
        ("harmony_wins", "Harmony title", "Techno", 124.0),  # keeps Harmony's filled values, fills its empty ones
    ],
)
def test_first_sync_of_a_known_track_follows_the_first_sync_table(
    world: World, strategy: str, title: str, genre: str | None, bpm: float
) -> None:
    _scanned(world, title="Harmony title", bpm=124.0, comment="keep")
    world.add("a.mp3", title="Traktor title", genre="Techno", bpm=125.0, comment="")
    result = world.sync(strategy=strategy)
    values = world.track("a.mp3").track.values
    assert (values.title, values.genre, values.bpm) == (title, genre, bpm)
    assert values.comment == "keep"  # an empty Traktor value never clears Harmony on a first sync
    assert result.stats.tracks_imported == 0
    conflicted = {c.item: c.winner for c in result.stats.conflicts}
    assert conflicted["title"] == ("traktor" if strategy == "traktor_wins" else "harmony")
    assert "genre" not in conflicted  # Harmony had none: nothing to disagree about
    world.assert_nothing_to_do(strategy=strategy)


def test_first_sync_without_harmony_values_takes_traktors(world: World) -> None:
    _scanned(world)
    world.add("a.mp3", title="T", artist="A", ranking=255)
    result = world.sync()
    values = world.track("a.mp3").track.values
    assert (values.title, values.artist, values.rating, values.ranking) == ("T", "A", 5, 255)
    assert result.stats.fields_updated == {"title": 1, "artist": 1, "rating": 1, "ranking": 1}
    assert not result.stats.conflicts
    world.assert_nothing_to_do()


def test_same_rating_read_twice_is_not_a_change(world: World) -> None:
    _scanned(world, rating=4, ranking=204)
    world.add("a.mp3", ranking=204)
    result = world.sync(strategy="traktor_wins")
    assert not result.plan.track_updates  # unlike the original, whose rating object always differed


def test_missing_file_is_imported_marked_missing_and_cleared_when_it_appears(world: World) -> None:
    world.add("here.mp3", (cue(10.0),), title="Here")
    world.add("gone.mp3", (cue(10.0), cue(20.0)), title="Gone")
    world.collection.playlists.create_playlist("Set", [nml_key("here.mp3"), nml_key("gone.mp3")])
    world.missing.add(local_path("gone.mp3"))
    result = world.sync()
    assert result.stats.tracks_imported == 2
    assert result.stats.cue_points_added == 3  # the missing track keeps its cues
    assert result.stats.missing_files == (local_path("gone.mp3"),)
    assert result.stats.summary() == "Imported 2 tracks (1 file not found), 3 cue points, 1 playlist"
    assert [n.path for n in result.report.new_tracks] == [local_path("here.mp3"), local_path("gone.mp3")]
    gone = world.track("gone.mp3").track
    assert (gone.values.title, gone.missing, gone.last_seen) == ("Gone", True, None)
    assert not world.track("here.mp3").track.missing
    [playlist] = world.library.playlist_tree()
    entries = world.library.playlist_entries(playlist.id)
    assert [(e.track_id, e.nml_key) for e in entries] == [
        (world.track_id("here.mp3"), nml_key("here.mp3")),
        (world.track_id("gone.mp3"), nml_key("gone.mp3")),
    ]
    world.assert_nothing_to_do()
    world.missing.clear()  # the drive is back: the mark clears, nothing else changes
    again = world.sync()
    assert (again.stats.tracks_imported, again.stats.files_found) == (0, 1)
    assert not again.plan.changes_library()
    back = world.track("gone.mp3").track
    assert not back.missing and back.last_seen is not None
    world.missing.add(local_path("here.mp3"))  # a file that was there is gone: marked, last seen kept
    lost = world.sync()
    assert lost.stats.files_lost == 1 and not lost.plan.changes_library()
    assert world.track("here.mp3").track.missing
    assert world.library.missing_count() == 1
    world.assert_nothing_to_do()


def test_stats_json_has_exactly_the_issue_keys(world: World) -> None:
    world.add("a.mp3", (cue(1.0),), title="A")
    stats = world.sync().stats.to_json()
    assert list(stats) == IMPORT_STATS_KEYS
    assert stats["tracks_imported"] == 1 and stats["cue_points_added"] == 1


def test_summary_in_the_seed_words(world: World) -> None:
    world.add("a.mp3", (cue(1.0), cue(2.0)), title="A")
    world.collection.playlists.create_playlist("P", [nml_key("a.mp3")])
    assert world.sync().stats.summary() == "Imported 1 track, 2 cue points, 1 playlist"
    world.entry("a.mp3").title = "B"
    assert world.sync().stats.summary() == "Updated 1 track"
    assert world.plan().stats.summary() == "No changes needed"


def test_a_conflict_settled_is_in_the_summary_even_when_nothing_changes(world: World) -> None:
    """Title changed in Harmony and in Traktor: smart merge keeps Harmony's, so the import writes nothing, and its
    summary said "No changes needed" while the next export was about to overwrite Traktor's title."""
    world.add("a.mp3", title="Old")
    world.sync()
    world.library.update_track(world.track_id("a.mp3"), {"title": "Mine"})
    world.entry("a.mp3").title = "Theirs"
    assert world.plan().stats.summary(preview=True) == "1 conflict: Harmony's to keep"
    assert world.sync().stats.summary() == "1 conflict: Harmony's kept"
    world.entry("a.mp3").genre = "House"
    world.library.update_track(world.track_id("a.mp3"), {"title": "Mine 2"})
    world.entry("a.mp3").title = "Theirs 2"
    assert world.sync(strategy="traktor_wins").stats.summary() == "Updated 1 track; 1 conflict: Traktor's kept"


def test_preview_says_what_apply_does(world: World) -> None:
    world.add("a.mp3", (cue(1.0, hotcue=0),), title="A", genre="G")
    world.add("b.mp3", title="B")
    world.sync()
    world.entry("a.mp3").title = "A2"
    world.entry("a.mp3").cues[0].name = "Drop"
    world.add("c.mp3", title="C")
    preview = world.plan()
    [change] = preview.report.track_changes
    assert [str(f) for f in change.fields] == ["title: 'A' → 'A2'"]
    assert [c.kind for c in change.cues] == ["changed"]
    assert [n.title for n in preview.report.new_tracks] == ["C"]
    before = world.library.stats()
    world.library.apply_import(preview.plan)
    after = world.library.stats()
    assert after.tracks - before.tracks == preview.stats.tracks_imported
    assert world.track("a.mp3").track.values.title == "A2"
    assert [c.name for c in world.cues("a.mp3")] == ["Drop"]
    text = "\n".join(preview.report.lines())
    assert "Tracks to import (1)" in text and "title: 'A' → 'A2'" in text


def test_plan_is_deterministic_and_crosses_process_boundaries(world: World) -> None:
    import pickle

    world.add("a.mp3", (cue(1.0, hotcue=0),), title="A")
    world.add("b.mp3", title="B")
    world.collection.playlists.create_folder("F").create_playlist("P", [nml_key("a.mp3"), nml_key("b.mp3")])
    world.sync()
    world.entry("a.mp3").title = "A2"
    world.collection.playlists.find(["F", "P"]).name = "Q"
    first, second = world.plan(), world.plan()
    assert first == second
    copy = pickle.loads(pickle.dumps(first))
    assert copy == first and copy.stats.to_json() == first.stats.to_json()


def test_collection_without_playlists_is_read_without_being_changed() -> None:
    from harmony import nml
    from harmony.sync import TraktorSnapshot

    raw = (
        b'<?xml version="1.0" encoding="UTF-8" standalone="no" ?>\n<NML VERSION="19"><HEAD></HEAD>\n'
        b'<COLLECTION ENTRIES="0"></COLLECTION>\n</NML>\n'
    )
    collection = nml.load(raw)
    snapshot = TraktorSnapshot.from_collection(collection)
    assert snapshot.playlists.children == () and snapshot.track_count == 0
    assert collection.to_bytes() == raw


def test_a_collection_stream_read_twice_is_refused(world: World) -> None:
    from harmony.errors import SyncError
    from harmony.sync import LibrarySnapshot, TraktorSnapshot, plan_import

    world.add("a.mp3", title="A")
    loaded = TraktorSnapshot.from_collection(world.collection)
    # A snapshot given only a stream of tracks (no collection to read again) can be planned once.
    snapshot = TraktorSnapshot(loaded.tracks, loaded.track_count, loaded.playlists)
    plan_import(snapshot, LibrarySnapshot(), world.options())
    with pytest.raises(SyncError, match="1 were announced"):
        plan_import(snapshot, LibrarySnapshot(), world.options())


def test_a_snapshot_of_a_loaded_collection_can_be_planned_twice(world: World) -> None:
    from harmony.sync import LibrarySnapshot, TraktorSnapshot, plan_import

    world.add("a.mp3", title="A")
    snapshot = TraktorSnapshot.from_collection(world.collection)
    first = plan_import(snapshot, LibrarySnapshot(), world.options())
    again = plan_import(snapshot, LibrarySnapshot(), world.options())
    assert [t.values.title for t in first.plan.new_tracks] == ["A"]
    assert again.plan == first.plan


def test_values_as_precise_as_the_nml_holds_them_are_the_same(world: World) -> None:
    # Harmony read exact bytes and a longer duration from the file; Traktor stores kibibytes and 6 decimals.
    _scanned(world, title="A", file_size=7984 * 1024 + 300, duration=320.7500001, bpm=128.0000001)
    world.add("a.mp3", title="A", file_size=7984, playtime_float=320.75, bpm=128.0)
    result = world.sync(strategy="traktor_wins")
    assert not result.plan.track_updates and not result.stats.conflicts
    assert result.plan.leaves_nml_current
    assert world.track("a.mp3").track.values.file_size == 7984 * 1024 + 300  # Harmony keeps the exact value
    world.assert_nothing_to_do()
    world.entry("a.mp3").file_size = 8000  # a real change still follows
    world.sync()
    assert world.track("a.mp3").track.values.file_size == 8000 * 1024


def test_values_the_library_cannot_hold_are_reported_apart_from_entries_left_out(world: World) -> None:
    """A track imported without one of its values is "partly left out", not counted with the entries left out:
    a real collection's 563 tracks with a value left out read as 563 tracks lost."""
    world.add("a.mp3", title="Alpha", play_count=-3)
    world.add("b.mp3", title="Beta")
    world.reload()
    result = world.sync()
    assert result.stats.tracks_imported == 2
    lines = result.report.lines()
    assert "Partly left out (1):" in lines, lines
    assert not any(line.startswith("Left out") for line in lines), lines
    assert any("play_count=-3" in line for line in lines)
    assert world.track("a.mp3").track.values.play_count is None
    # The entry is named by its file as a DJ reads a path, not by Traktor's key ("C:/:Music/:a.mp3").
    (listed,) = [line for line in lines if "play_count=-3" in line]
    assert "/:" not in listed and "/a.mp3: " in listed, listed


def test_traktors_unknown_bitrate_is_no_bitrate_and_not_reported(world: World) -> None:
    """``BITRATE="-1"`` is how Traktor writes a bitrate it could not read (563 tracks of a real collection):
    imported as no bitrate, like an absent one, and not listed as a value left out."""
    world.add("a.mp3", title="Alpha", bitrate=-1)
    world.add("b.mp3", title="Beta", bitrate=320000)
    world.reload()
    result = world.sync()
    assert result.stats.tracks_imported == 2
    assert not result.report.skipped
    assert not any("left out" in line.lower() for line in result.report.lines())
    assert world.track("a.mp3").track.values.bitrate is None
    assert world.track("b.mp3").track.values.bitrate == 320000
    world.assert_nothing_to_do()
