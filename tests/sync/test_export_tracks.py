"""Exporting tracks into the NML: every field direction, first syncs, new entries, deleted tracks, Traktor-only
entries, byte-identical untouched entries, the report and the progress."""

from __future__ import annotations

import re
from datetime import date
from itertools import pairwise

import pytest

from harmony.jobs import read_export_snapshot
from harmony.library import CueValues, TrackValues
from harmony.nml.paths import Location
from harmony.sync import EXPORT_PHASE_SPANS, ExportOptions, PathMapping, plan_export
from harmony.sync.path_suggestions import readable_key

from .export_helpers import assert_export_changes_nothing, export, export_and_record, snapshot
from .helpers import World, cue, local_path, nml_key


def _synced(world: World, **fields: object) -> None:
    """One entry ``a.mp3`` imported, so Harmony and Traktor share a base."""
    values: dict[str, object] = {"title": "Alpha", "artist": "Artist", "genre": "Techno", "ranking": 153}
    values.update(fields)
    world.add("a.mp3", **values)
    world.add("b.mp3", title="Beta", artist="Other")
    world.reload()
    world.sync()


def _entries(raw: bytes) -> dict[str, bytes]:
    """Every ENTRY element's bytes, by its FILE name."""
    found: dict[str, bytes] = {}
    for match in re.finditer(rb"<ENTRY .*?</ENTRY>", raw, re.DOTALL):
        name = re.search(rb'FILE="([^"]*)"', match.group(0))
        assert name is not None
        found[name.group(1).decode()] = match.group(0)
    return found


def test_a_field_changed_only_in_harmony_is_written(world: World) -> None:
    _synced(world)
    world.library.update_track(world.track_id("a.mp3"), {"title": "Alpha (Remix)", "rating": 5})
    result = export_and_record(world)
    entry = world.entry("a.mp3")
    assert (entry.title, entry.rating) == ("Alpha (Remix)", 5)
    assert result.stats.tracks_exported == 1
    assert result.stats.to_json()["fields_exported"] == {"rating": 1, "title": 1}
    assert world.entry("b.mp3").title == "Beta"
    world.assert_nothing_to_do()
    assert_export_changes_nothing(world)


def test_a_field_changed_only_in_traktor_stays_and_the_next_import_takes_it(world: World) -> None:
    _synced(world)
    world.entry("a.mp3").genre = "House"  # Traktor's edit, not imported yet
    world.library.update_track(world.track_id("a.mp3"), {"title": "Alpha 2"})
    world.reload()
    export_and_record(world)
    entry = world.entry("a.mp3")
    assert (entry.title, entry.genre) == ("Alpha 2", "House")
    assert world.track("a.mp3").track.values.genre == "Techno"
    result = world.sync()
    assert [c.field for c in result.report.track_changes[0].fields] == ["genre"]
    assert world.track("a.mp3").track.values.genre == "House"
    assert_export_changes_nothing(world)


@pytest.mark.parametrize(
    ("strategy", "harmony", "traktor", "expected", "winner"),
    [
        ("smart_merge", "Harmony's", "Traktor's", "Harmony's", "harmony"),
        ("harmony_wins", "Harmony's", "Traktor's", "Harmony's", "harmony"),
        ("traktor_wins", "Harmony's", "Traktor's", "Traktor's", "traktor"),
        ("smart_merge", None, "Traktor's", "Traktor's", "traktor"),
        ("traktor_wins", "Harmony's", None, "Harmony's", "harmony"),
    ],
)
def test_a_field_changed_on_both_sides_is_settled_as_the_import_would(
    world: World, strategy: str, harmony: str | None, traktor: str | None, expected: str, winner: str
) -> None:
    _synced(world, comment="was")
    world.entry("a.mp3").comment = traktor
    world.library.update_track(world.track_id("a.mp3"), {"comment": harmony})
    world.reload()
    result = export_and_record(world, strategy=strategy)
    assert world.entry("a.mp3").comment == expected
    conflicts = result.stats.conflicts
    assert [(c.item, c.winner, c.base) for c in conflicts] == [("comment", winner, "'was'")]
    # The import settles the same conflict the same way, so both sides end equal.
    world.sync(strategy=strategy)
    assert world.track("a.mp3").track.values.comment == expected
    assert_export_changes_nothing(world, strategy=strategy)


@pytest.mark.parametrize(
    ("strategy", "expected_title"),
    [("smart_merge", "Harmony title"), ("traktor_wins", "Traktor title"), ("harmony_wins", "Harmony title")],
)
def test_first_sync_of_a_track_follows_the_first_sync_table(world: World, strategy: str, expected_title: str) -> None:
    world.library.add_track(TrackValues(path=local_path("a.mp3"), title="Harmony title", genre="Harmony genre"))
    world.add("a.mp3", title="Traktor title", label="Traktor label")
    world.reload()
    result = export_and_record(world, strategy=strategy)
    entry = world.entry("a.mp3")
    # The one first-sync table: two filled values are settled by the strategy, an empty value never wins.
    assert entry.title == expected_title
    assert entry.genre == "Harmony genre"  # Traktor had none: Harmony's fills it
    assert entry.label == "Traktor label"  # Harmony's empty label never clears Traktor's
    assert [c.item for c in result.stats.conflicts] == ["title"]
    assert result.stats.tracks_added == 0
    assert len(world.collection.tracks) == 1
    # The base now names this entry: an import brings in what Traktor kept, and then nothing is left to do.
    world.sync(strategy=strategy)
    assert world.track("a.mp3").track.values.title == expected_title
    world.assert_nothing_to_do(strategy=strategy)
    assert_export_changes_nothing(world, strategy=strategy)


def test_setting_a_field_to_the_value_traktor_holds_changes_nothing(world: World) -> None:
    world.library.add_track(
        TrackValues(path=local_path("a.mp3"), title="Same", bpm=128.0, rating=3, duration=200.5, year=2020)
    )
    world.add(
        "a.mp3", title="Same", bpm=128.0, ranking=153, playtime=201, playtime_float=200.5, release_date=date(2020, 1, 1)
    )
    world.reload()
    before = world.collection.to_bytes()
    result = export(world, strategy="harmony_wins")
    assert not result.changed and result.stats.tracks_exported == 0
    assert world.collection.to_bytes() == before
    assert len(result.bases.tracks) == 1  # the first sync still records the base both sides share


def test_a_new_library_track_gets_a_new_entry_without_audio_id(world: World) -> None:
    _synced(world)
    track_id = world.library.add_track(
        TrackValues(
            path=local_path("new.mp3", "fresh"),
            title="New",
            artist="Someone",
            bpm=124.5,
            rating=4,
            duration=301.25,
            file_size=5 * 1024 * 1024,
            year=2021,
        ),
        [
            CueValues(type=0, start=1500.0, hotcue=1),
        ],
    )
    result = export_and_record(world)
    assert result.stats.tracks_added == 1 and result.stats.tracks_exported == 0
    entry = world.entry("new.mp3", "fresh")
    assert entry.audio_id is None and entry.element.get("AUDIO_ID") is None
    assert (entry.title, entry.artist, entry.bpm, entry.rating) == ("New", "Someone", 124.5, 4)
    assert (entry.playtime, entry.playtime_float, entry.file_size) == (301, 301.25, 5 * 1024)
    assert entry.release_date == date(2021, 1, 1)
    assert [(c.type, c.start, c.hotcue) for c in entry.cues] == [(0, 1500.0, 1)]
    assert entry.key == nml_key("new.mp3", "fresh")
    assert result.report.added[0].key == nml_key("new.mp3", "fresh")
    assert [b.track for b in result.bases.tracks] == [track_id]
    # The next import knows the entry is this track and plans nothing.
    world.assert_nothing_to_do()
    assert_export_changes_nothing(world)


def test_a_track_deleted_in_harmony_is_removed_with_its_playlist_entries(world: World) -> None:
    _synced(world)
    playlists = world.collection.playlists
    playlists.create_playlist("Set", [nml_key("a.mp3"), nml_key("b.mp3")])
    playlists.create_playlist("Only Traktor", [nml_key("a.mp3")])
    world.reload()
    world.sync()
    world.library.delete_tracks([world.track_id("a.mp3")])
    result = export_and_record(world)
    assert result.stats.tracks_removed == 1
    assert world.collection.track_by_key(nml_key("a.mp3")) is None
    assert world.collection.playlists["Set"].entries == [nml_key("b.mp3")]  # type: ignore[attr-defined]
    assert nml_key("a.mp3") in result.bases.track_deletes
    removed = [line for line in result.report.lines() if line.startswith("  - ")]
    assert removed == [f"  - Alpha ({readable_key(nml_key('a.mp3'))})"]
    world.assert_nothing_to_do()


def test_a_track_swapped_for_another_in_a_playlist_counts_as_one_out_one_in(world: World) -> None:
    """A merge of duplicates: the copy merged away goes from the library, the one kept takes its place in its
    playlists. The preview said "+1 −0 entries", the entry that left with its track not counted."""
    _synced(world)
    world.add("c.mp3", title="Alpha", artist="Artist")
    world.collection.playlists.create_playlist("Set", [nml_key("a.mp3"), nml_key("b.mp3")])
    world.reload()
    world.sync()
    from .test_export_playlists import _playlist_id

    world.library.set_playlist_tracks(_playlist_id(world, "Set"), [world.track_id("c.mp3"), world.track_id("b.mp3")])
    world.library.delete_tracks([world.track_id("a.mp3")])
    result = export_and_record(world)
    assert world.collection.playlists["Set"].entries == [nml_key("c.mp3"), nml_key("b.mp3")]  # type: ignore[attr-defined]
    assert "  refill playlist Set: +1 −1 entries" in result.report.lines(), result.report.lines()
    world.assert_nothing_to_do()


@pytest.mark.parametrize(("strategy", "kept"), [("smart_merge", False), ("traktor_wins", True)])
def test_a_track_deleted_in_harmony_but_changed_in_traktor_follows_the_strategy(
    world: World, strategy: str, kept: bool
) -> None:
    _synced(world)
    world.entry("a.mp3").title = "Edited in Traktor"
    world.reload()
    world.library.delete_tracks([world.track_id("a.mp3")])
    result = export_and_record(world, strategy=strategy)
    assert (world.collection.track_by_key(nml_key("a.mp3")) is not None) == kept
    assert [(c.item, c.winner) for c in result.stats.conflicts] == [("track", "traktor" if kept else "harmony")]
    if kept:  # the base is gone, so the next import brings the track back as Traktor's
        assert [n.ref for n in world.plan(strategy=strategy).plan.new_tracks] == [nml_key("a.mp3")]


def test_entries_only_traktor_has_are_kept_untouched(world: World) -> None:
    _synced(world)
    world.add("traktor-only.mp3", title="Mine")
    world.reload()
    before = _entries(world.collection.to_bytes())["traktor-only.mp3"]
    world.library.update_track(world.track_id("a.mp3"), {"title": "Changed"})
    result = export(world)
    assert result.stats.tracks_removed == 0
    assert _entries(world.collection.to_bytes())["traktor-only.mp3"] == before


def test_a_track_removed_in_traktor_since_the_last_sync_is_not_added_back(world: World) -> None:
    _synced(world)
    world.collection.remove_track(world.entry("a.mp3"))
    world.reload()
    result = export(world)
    assert result.stats.tracks_added == 0 and not result.changed
    world.library.update_track(world.track_id("a.mp3"), {"title": "Changed in Harmony"})
    result = export(world)
    assert result.stats.tracks_added == 1  # Harmony changed it since: smart_merge keeps Harmony's side
    assert [(c.item, c.winner) for c in result.stats.conflicts] == [("track", "harmony")]


def test_untouched_entries_are_copied_byte_for_byte(world: World) -> None:
    for n in range(6):
        world.add(f"{n}.mp3", (cue(100.0 * n, hotcue=0),), title=f"T{n}", bpm=120.0 + n, ranking=102)
    world.reload()
    world.sync()
    raw = world.collection.to_bytes()
    world.library.update_track(world.track_id("3.mp3"), {"title": "Three"})
    export(world)
    after = world.collection.to_bytes()
    old, new = _entries(raw), _entries(after)
    assert {name for name in old if old[name] != new[name]} == {"3.mp3"}
    without_changes = re.sub(rb'(TITLE="[^"]*"|MODIFIED_DATE="[^"]*"|MODIFIED_TIME="[^"]*")', b"", new["3.mp3"])
    assert without_changes == re.sub(rb'(TITLE="[^"]*"|MODIFIED_DATE="[^"]*"|MODIFIED_TIME="[^"]*")', b"", old["3.mp3"])
    assert after.replace(new["3.mp3"], old["3.mp3"]) == raw


def test_the_dry_run_report_lists_every_change_field_by_field(world: World) -> None:
    _synced(world)
    world.library.update_track(world.track_id("a.mp3"), {"genre": "Electro", "comment": "new"})
    world.library.add_track(TrackValues(path=local_path("c.mp3"), title="Gamma", artist="Third"))
    result = export(world)
    lines = result.report.lines()
    assert "Entries to add (1):" in lines
    # The entries named by their files as a DJ reads a path, not by their keys' "/:".
    assert "  + Third - Gamma (0 cue points) Macintosh HD/music/c.mp3" in lines
    assert "  ~ Alpha (Macintosh HD/music/a.mp3)" in lines
    assert "      genre: 'Techno' → 'Electro'" in lines
    assert "      comment: (empty) → 'new'" in lines
    assert lines[-1] == "Exported 1 track, Added 1 track"
    stats = result.stats.to_json()
    assert {k: stats[k] for k in ("tracks_exported", "tracks_added", "tracks_removed", "playlists_exported")} == {
        "tracks_exported": 1,
        "tracks_added": 1,
        "tracks_removed": 0,
        "playlists_exported": 0,
    }


def test_progress_is_reported_in_the_building_phase_every_two_percent(world: World) -> None:
    for n in range(120):
        world.add(f"{n}.mp3", title=f"T{n}")
    world.reload()
    world.sync()
    for n in range(0, 120, 3):
        world.library.update_track(world.track_id(f"{n}.mp3"), {"title": f"New {n}"})
    seen: list[tuple[str, float, str]] = []
    result = plan_export(
        world.collection,
        snapshot(world),
        ExportOptions(platform="linux"),
        lambda phase, percent, message, current_item=None: seen.append((phase, percent, message)),
    )
    assert result.stats.tracks_exported == 40
    assert {phase for phase, _, _ in seen} == {"building"}
    percents = [percent for _, percent, _ in seen]
    assert percents == sorted(percents)
    assert percents[0] == 40.0 and percents[-1] == 70.0
    # Each step reports at least every 2 % of its items: of 120 library tracks, of the 40 entries written.
    for prefix, (start, end), items in (
        ("Comparing tracks", EXPORT_PHASE_SPANS["checking"], 120),
        ("Updating entries", EXPORT_PHASE_SPANS["entries"], 40),
    ):
        steps = [(p, m) for _, p, m in seen if m.startswith(prefix)]
        assert steps[0][0] == start and steps[-1][0] == end
        assert steps[-1][1].endswith(f"({items}/{items})")
        assert max(b - a for a, b in pairwise(p for p, _ in steps)) <= (end - start) * max(0.02, 1 / items) + 1e-9
    assert ("building", 60.0, "Updated 40 tracks") in seen


def test_one_updated_track_is_said_in_the_singular(world: World) -> None:
    _synced(world)
    world.library.update_track(world.track_id("a.mp3"), {"title": "Alpha (Remix)"})
    seen: list[str] = []
    plan_export(
        world.collection,
        snapshot(world),
        ExportOptions(platform="linux"),
        lambda phase, percent, message, current_item=None: seen.append(message),
    )
    assert "Updated 1 track" in seen


def test_a_file_moved_in_harmony_moves_the_entry_and_its_playlist_entries(world: World) -> None:
    _synced(world)
    world.collection.playlists.create_playlist("Set", [nml_key("a.mp3"), nml_key("b.mp3")], uuid="a" * 32)
    world.reload()
    world.sync()
    world.library.update_track(world.track_id("a.mp3"), {"path": local_path("a.mp3", "moved")})
    result = export_and_record(world)
    assert world.collection.track_by_key(nml_key("a.mp3")) is None
    entry = world.entry("a.mp3", "moved")
    assert entry.title == "Alpha"
    assert world.collection.playlists["Set"].entries == [nml_key("a.mp3", "moved"), nml_key("b.mp3")]  # type: ignore[attr-defined]
    assert f"      location: '{nml_key('a.mp3')}' → '{nml_key('a.mp3', 'moved')}'" in result.report.lines()
    assert [b.base.nml_key for b in result.bases.tracks] == [nml_key("a.mp3", "moved")]
    world.assert_nothing_to_do()
    assert_export_changes_nothing(world)


def test_the_snapshot_reports_its_reading_and_holds_everything_the_export_needs(world: World) -> None:
    for n in range(60):
        world.add(f"{n}.mp3", title=f"T{n}")
    world.collection.playlists.create_playlist("Set", [nml_key("1.mp3")], uuid="b" * 32)
    world.reload()
    world.sync()
    world.library.delete_tracks([world.track_id("0.mp3")])
    seen: list[tuple[int, int]] = []
    with world.library.reader() as reader:
        library = read_export_snapshot(reader, lambda done, total: seen.append((done, total)))
    assert seen[0] == (0, 59) and seen[-1] == (59, 59)
    assert max(b[0] - a[0] for a, b in pairwise(seen)) <= max(1, 59 // 50)
    assert len(library.tracks) == 59 and library.version == world.library.version
    assert [b.nml_key for b in library.unlinked_track_bases] == [nml_key("0.mp3")]
    assert [p.name for p in library.playlists] == ["Set"] and library.playlists[0].base is not None


def test_path_mappings_work_in_reverse_for_new_and_existing_entries(world: World) -> None:
    mapping = (PathMapping.parse("C:/Users/dj/Music=/home/dj/Music"),)
    windows = Location("C:", "/:Users/:DJ/:Music/:House/:", "old.mp3")  # another case: the same folder
    world.collection.add_track(windows, title="Old")
    world.reload()
    old_id = world.library.add_track(TrackValues(path="/home/dj/Music/House/old.mp3", title="Old", genre="House"))
    world.library.add_track(TrackValues(path="/home/dj/Music/Techno/new.mp3", title="New"))
    result = export(world, path_mappings=mapping, strategy="harmony_wins")
    assert result.stats.tracks_exported == 1 and result.stats.tracks_added == 1
    assert world.collection.track_by_key("C:/:Users/:DJ/:Music/:House/:old.mp3").genre == "House"  # type: ignore[union-attr]
    new = world.collection.track_by_key("C:/:Users/:dj/:Music/:Techno/:new.mp3")
    assert new is not None and new.title == "New"
    assert [b.track for b in result.bases.tracks if b.base.nml_key.endswith("old.mp3")] == [old_id]


def test_traktors_unknown_bitrate_stays_in_the_entry_when_its_track_is_exported(world: World) -> None:
    """The import reads ``BITRATE="-1"`` as no bitrate; an export of the track's other edits leaves the -1."""
    _synced(world, bitrate=-1)
    assert world.track("a.mp3").track.values.bitrate is None
    world.library.update_track(world.track_id("a.mp3"), {"title": "Alpha (Edit)"})
    result = export_and_record(world)
    assert result.stats.tracks_exported == 1
    assert result.stats.to_json()["fields_exported"] == {"title": 1}
    entry = _entries(world.collection.to_bytes())["a.mp3"]
    assert b'TITLE="Alpha (Edit)"' in entry and b'BITRATE="-1"' in entry
    world.assert_nothing_to_do()
    assert_export_changes_nothing(world)
