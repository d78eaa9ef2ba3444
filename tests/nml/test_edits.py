"""Edits through the typed views change only what they must, where Traktor would."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from lxml import etree

from harmony import nml
from harmony.nml import CueData, CueType, Location

from .test_load import ENTRY, document

FIXED_NOW = datetime(2026, 11, 28, 10, 30, 15, tzinfo=UTC)


def loaded(entries: str = ENTRY, version: int = 19) -> nml.Collection:
    collection = nml.load(document(version=version, entries=entries))
    collection.clock = lambda: FIXED_NOW
    return collection


def entries_of(data: bytes) -> list[etree._Element]:
    return etree.fromstring(data).findall("COLLECTION/ENTRY")


def test_same_value_changes_nothing() -> None:
    collection = loaded()
    track = collection.tracks[0]
    track.title = "One"
    track.bpm = 128.0
    track.set_cues([cue.to_data() for cue in track.cues])
    assert not collection.changed
    assert collection.to_bytes() == document()


def test_edited_attribute_keeps_its_place_and_stamps_the_entry() -> None:
    collection = loaded()
    collection.tracks[0].title = "Two"
    entry = entries_of(collection.to_bytes())[0]
    assert list(entry.attrib.keys()) == ["MODIFIED_DATE", "MODIFIED_TIME", "TITLE", "ARTIST"]
    assert entry.get("TITLE") == "Two"
    assert entry.get("MODIFIED_DATE") == "2026/11/28"
    assert entry.get("MODIFIED_TIME") == str(10 * 3600 + 30 * 60 + 15)


def test_new_attributes_go_to_traktors_canonical_place() -> None:
    collection = loaded()
    track = collection.tracks[0]
    track.genre = "Techno"  # INFO: BITRATE GENRE … PLAYTIME
    track.rating = 4  # RANKING after PLAYTIME
    track.comment = "warm-up"  # COMMENT after GENRE
    track.lock = True  # ENTRY: … LOCK LOCK_MODIFICATION_TIME … TITLE
    track.album = "Album"  # a new ALBUM child between LOCATION and INFO
    track.musical_key = 21  # a new MUSICAL_KEY child after TEMPO
    entry = entries_of(collection.to_bytes())[0]
    info = entry.find("INFO")
    assert info is not None
    assert list(info.attrib.keys()) == ["BITRATE", "GENRE", "COMMENT", "PLAYTIME", "RANKING"]
    assert info.get("RANKING") == "204"
    assert list(entry.attrib.keys()) == [
        "MODIFIED_DATE",
        "MODIFIED_TIME",
        "LOCK",
        "LOCK_MODIFICATION_TIME",
        "TITLE",
        "ARTIST",
    ]
    assert [child.tag for child in entry] == ["LOCATION", "ALBUM", "INFO", "TEMPO", "MUSICAL_KEY", "CUE_V2"]


def test_removing_a_field_removes_its_attribute_and_an_empty_holder() -> None:
    collection = loaded()
    track = collection.tracks[0]
    track.bpm = None
    track.bpm_quality = None
    assert track.bpm is None
    entry = entries_of(collection.to_bytes())[0]
    assert entry.find("TEMPO") is None


def test_only_changed_entries_are_rewritten_and_restamped() -> None:
    many = "".join(ENTRY.replace("one.mp3", f"{i}.mp3") for i in range(5))
    collection = loaded(many)
    collection.tracks[2].comment = "changed"
    collection.tracks[3].title = "One"  # the same value: no change
    before = entries_of(document(entries=many))
    after = entries_of(collection.to_bytes())
    differs = [i for i, (a, b) in enumerate(zip(before, after, strict=True)) if etree.tostring(a) != etree.tostring(b)]
    assert differs == [2]
    assert after[3].get("MODIFIED_DATE") == "2020/1/2"


def test_audio_id_and_flags_cannot_be_changed() -> None:
    track = loaded().tracks[0]
    with pytest.raises(nml.NMLError, match="cannot be changed"):
        track.audio_id = "forged"
    with pytest.raises(nml.NMLError, match="cannot be changed"):
        track.flags = 12


def test_bad_values_are_refused_and_change_nothing() -> None:
    collection = loaded()
    track = collection.tracks[0]
    for name, value in [("rating", 6), ("rating", 2.5), ("bpm", "fast"), ("play_count", 1.5), ("release_date", "2020")]:
        with pytest.raises(nml.NMLError):
            setattr(track, name, value)
    with pytest.raises(nml.NMLError, match="unknown or read-only"):
        track.set(tempo=3)
    assert not collection.changed


def test_numbers_follow_the_files_style() -> None:
    traktor3 = loaded()
    traktor3.tracks[0].bpm = 124.5
    assert b'BPM="124.500000"' in traktor3.to_bytes()
    traktor2 = loaded(ENTRY.replace('"128.000000"', '"128"').replace('"12.500000"', '"12.5"'), version=15)
    traktor2.tracks[0].bpm = 124.5
    assert b'BPM="124.5"' in traktor2.to_bytes()


def test_rating_keeps_traktors_exact_ranking_when_the_stars_are_the_same() -> None:
    collection = loaded(ENTRY.replace('PLAYTIME="300"', 'PLAYTIME="300" RANKING="196"'))
    track = collection.tracks[0]
    assert track.rating == 4 and track.ranking == 196
    track.rating = 4
    assert track.ranking == 196 and not collection.changed
    track.rating = 5
    assert track.ranking == 255


def test_dates_are_written_without_padding() -> None:
    collection = loaded()
    collection.tracks[0].release_date = date(2021, 3, 7)
    assert b'RELEASE_DATE="2021/3/7"' in collection.to_bytes()


def test_cue_edits() -> None:
    collection = loaded()
    track = collection.tracks[0]
    grid = track.cues[0]
    assert grid.type == CueType.GRID and grid.hotcue == 0 and grid.start == 12.5
    loop = track.add_cue(CueData(type=CueType.LOOP, start=1000.0, length=500.25, hotcue=3, name="Drop"))
    assert loop.length == 500.25
    grid.name = "Beat Marker"
    entry = entries_of(collection.to_bytes())[0]
    cues = entry.findall("CUE_V2")
    assert [c.get("NAME") for c in cues] == ["Beat Marker", "Drop"]
    assert list(cues[1].attrib.items()) == [
        ("NAME", "Drop"),
        ("DISPL_ORDER", "0"),
        ("TYPE", "5"),
        ("START", "1000.000000"),
        ("LEN", "500.250000"),
        ("REPEATS", "-1"),
        ("HOTCUE", "3"),
    ]
    track.remove_cue(track.cues[0])
    assert [c.name for c in track.cues] == ["Drop"]
    with pytest.raises(nml.NMLError):
        track.cues[0].hotcue = 8
    with pytest.raises(nml.NMLError):
        track.cues[0].color = "red"


def test_set_cues_replaces_and_keeps_matching_ones() -> None:
    collection = loaded()
    track = collection.tracks[0]
    grid = track.cues[0].to_data()
    hot = CueData(type=CueType.CUE, start=2000.0, hotcue=1)
    track.set_cues([grid, hot])
    assert [c.to_data() for c in track.cues] == [grid, hot]
    track.set_cues([hot])
    assert [c.to_data() for c in track.cues] == [hot]


def test_traktor4_cue_colour_and_grid_bpm() -> None:
    collection = loaded(version=20)
    track = collection.tracks[0]
    track.cues[0].grid_bpm = 128.0
    cue = track.add_cue(CueData(type=CueType.CUE, start=5.0, hotcue=2, color="#FF0000"))
    assert cue.color == "#FF0000"
    written = collection.to_bytes()
    assert b'HOTCUE="0"><GRID BPM="128.000000"></GRID>\n</CUE_V2>' in written
    assert b'HOTCUE="2" COLOR="#FF0000"></CUE_V2>' in written
    assert nml.load(written).tracks[0].cues[0].grid_bpm == 128.0


def test_add_and_remove_tracks_keep_counts_true() -> None:
    collection = loaded()
    added = collection.add_track(
        Location("Macintosh HD", "/:Users/:dj/:Music/:", "Ne//w: Café.mp3", "Macintosh HD"),
        title="Café",
        artist="Ünïcode",
        bpm=122.0,
        rating=3,
    )
    assert added.key == "Macintosh HD/:Users/:dj/:Music/:Ne//w: Café.mp3"
    assert collection.track_by_key(added.key) == added
    with pytest.raises(nml.NMLError, match="already has an entry"):
        collection.add_track(added.location)
    written = collection.to_bytes()
    assert b'<COLLECTION ENTRIES="2">' in written
    new_entry = entries_of(written)[1]
    assert new_entry.get("AUDIO_ID") is None and new_entry.find("INFO").get("FLAGS") is None  # type: ignore[union-attr]
    assert [child.tag for child in new_entry] == ["LOCATION", "INFO", "TEMPO"]
    again = nml.load(written)
    assert again.tracks[1].title == "Café" and again.tracks[1].rating == 3
    first = again.tracks[0]
    again.remove_track(first)
    assert len(again.tracks) == 1
    out = again.to_bytes()
    assert b'<COLLECTION ENTRIES="1">' in out
    assert b"C:/:Music/:one.mp3" not in out  # gone from the playlist too
    assert b'<PLAYLIST ENTRIES="0"' in out


def test_location_edit_updates_the_key_index() -> None:
    collection = loaded()
    track = collection.tracks[0]
    old = track.key
    track.location = Location("D:", "/:Sets/:", "one.mp3", "ffff0000")
    assert collection.track_by_key(old) is None
    assert collection.track_by_key("D:/:Sets/:one.mp3") == track


def test_views_of_the_same_entry_are_the_same_object() -> None:
    collection = loaded()
    first = collection.tracks[0]
    first.title = "Edited"
    assert collection.tracks[0] is first
    assert collection.track_by_key("C:/:Music/:one.mp3") is first


def test_a_bad_value_among_several_changes_nothing() -> None:
    collection = loaded()
    track = collection.tracks[0]
    with pytest.raises(nml.NMLError, match="0 to 5 stars"):
        track.set(title="New", rating=7)
    with pytest.raises(nml.NMLError, match="cannot hold"):
        collection.add_track(Location("C:", "/:", "x.mp3"), artist="ok", title="bad\x00")
    with pytest.raises(nml.NMLError, match="cannot hold"):
        track.comment = "bell\x07"
    assert track.title == "One"
    assert len(collection.tracks) == 1
    assert not collection.changed
    assert collection.to_bytes() == document()


def test_fast_read_reflects_edits_removals_and_additions_in_order() -> None:
    many = "".join(ENTRY.replace("one.mp3", f"{i}.mp3") for i in range(6))
    collection = loaded(many)
    collection.tracks[1].title = "Edited"
    collection.tracks[3].add_cue(CueData(type=CueType.LOOP, start=1.0, length=2.0))
    collection.remove_track(collection.tracks[4])
    collection.add_track(Location("D:", "/:", "new.mp3"), title="New")
    streamed = list(collection.iter_data())
    assert streamed == [track.to_data() for track in collection.tracks]
    assert [data.title for data in streamed] == ["One", "Edited", "One", "One", "One", "New"]
    assert len(streamed[3].cues) == 2
