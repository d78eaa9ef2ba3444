"""Property tests: whatever is written through the views reads back exactly, and nothing else moves."""

from __future__ import annotations

from datetime import date
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from harmony import nml
from harmony.nml import CueData, Location

# Every character XML 1.0 can hold (tab, newline and carriage return included).
xml_text = st.text(
    alphabet=st.characters(
        blacklist_categories=("Cs",),
        blacklist_characters=[chr(c) for c in range(0x20) if chr(c) not in "\t\n\r"] + ["\ufffe", "\uffff"],
    ),
    max_size=30,
)
name_text = st.text(alphabet=st.sampled_from("abcXYZ éüß日本ם:&<>\"' -_.()"), min_size=1, max_size=15).filter(
    lambda s: s.strip(" ") == s and s not in (".", "..")
)
six_decimal = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False).map(lambda x: round(x, 6))

FIELD_VALUES: dict[str, st.SearchStrategy[Any]] = {
    "title": xml_text,
    "artist": xml_text,
    "album": xml_text,
    "genre": xml_text,
    "label": xml_text,
    "comment": xml_text,
    "comment2": xml_text,
    "remixer": xml_text,
    "producer": xml_text,
    "mix": xml_text,
    "catalog_number": xml_text,
    "key_lyrics": xml_text,
    "key_text": xml_text,
    "track_number": st.integers(0, 999),
    "of_tracks": st.integers(0, 999),
    "play_count": st.integers(0, 10**6),
    "playtime": st.integers(0, 10**5),
    "playtime_float": six_decimal,
    "bitrate": st.integers(0, 10**7),
    "file_size": st.integers(0, 10**9),
    "bpm": six_decimal,
    "bpm_quality": six_decimal,
    "musical_key": st.integers(0, 23),
    "rating": st.integers(0, 5),
    "color": st.integers(1, 7),
    "import_date": st.dates(date(1990, 1, 1), date(2100, 12, 31)),
    "last_played": st.dates(date(1990, 1, 1), date(2100, 12, 31)),
    "release_date": st.dates(date(1, 1, 1), date(9999, 12, 31)),
    "lock": st.booleans(),
}
fields = st.dictionaries(st.sampled_from(sorted(FIELD_VALUES)), st.none(), max_size=12).flatmap(
    lambda chosen: st.fixed_dictionaries({name: FIELD_VALUES[name] for name in chosen})
)
cues = st.lists(
    st.builds(
        CueData,
        type=st.integers(0, 5),
        start=st.floats(0, 7.2e6).map(lambda x: round(x, 6)),
        length=st.floats(0, 1e5).map(lambda x: round(x, 6)),
        hotcue=st.integers(-1, 7),
        name=xml_text,
        display_order=st.integers(-1, 8),
        repeats=st.integers(-1, 3),
        color=st.none() | st.from_regex(r"#[0-9A-F]{6}", fullmatch=True),
        grid_bpm=st.none() | six_decimal,
    ),
    max_size=5,
)
locations = st.builds(
    Location,
    volume=st.sampled_from(["C:", "D:", "Macintosh HD", "Music"]),
    dir=st.lists(name_text, max_size=3).map(lambda parts: "/:" + "".join(p.replace(":", "//") + "/:" for p in parts)),
    file=name_text.map(lambda n: n.replace(":", "//") + ".mp3"),
    volume_id=st.sampled_from(["", "d4bd8a80", "Macintosh HD"]),
)
tracks = st.lists(
    st.tuples(locations, fields, cues), max_size=6, unique_by=lambda t: t[0].volume + t[0].dir + t[0].file
)


def expected_value(name: str, value: Any) -> Any:
    return bool(value) if name == "lock" else value


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tracks=tracks, version=st.sampled_from([15, 19, 20]), playlist=st.lists(st.integers(0, 5), max_size=8))
def test_written_collection_reads_back_exactly(tracks: list[Any], version: int, playlist: list[int]) -> None:
    collection = nml.Collection.new(version=version)
    for location, values, track_cues in tracks:
        track = collection.add_track(location, **values)
        track.set_cues(track_cues)
    keys = [collection.tracks[i % len(tracks)].key for i in playlist] if tracks else []
    collection.playlists.create_folder("Folder").create_playlist("List", keys)
    written = collection.to_bytes()
    again = nml.load(written)
    assert len(again.tracks) == len(tracks)
    for (location, values, track_cues), track in zip(tracks, again.tracks, strict=True):
        assert track.location == location
        for name, value in values.items():
            assert getattr(track, name) == expected_value(name, value), name
        assert [cue.to_data() for cue in track.cues] == track_cues
        assert track.to_data() == next(d for d in again.iter_data() if d.key == track.key)
    reread = again.playlists.find(["Folder", "List"])
    assert isinstance(reread, nml.Playlist) and reread.entries == keys
    assert again.to_bytes() == written  # a written file is already in Traktor's layout


@settings(max_examples=40, deadline=None)
@given(base=tracks.filter(lambda t: len(t) >= 2), edits=st.data())
def test_edits_change_exactly_the_edited_entries(base: list[Any], edits: st.DataObject) -> None:
    original = nml.Collection.new()
    for location, values, track_cues in base:
        original.add_track(location, **values).set_cues(track_cues)
    source = original.to_bytes()
    collection = nml.load(source)
    chosen = edits.draw(st.sets(st.integers(0, len(base) - 1), max_size=len(base)))
    applied: dict[int, dict[str, Any]] = {}
    for index in chosen:
        values = edits.draw(fields)
        collection.tracks[index].set(**values)
        applied[index] = values
    written = collection.to_bytes()
    before = etree.fromstring(source).findall("COLLECTION/ENTRY")
    after = etree.fromstring(written).findall("COLLECTION/ENTRY")
    again = nml.load(written)
    for index, (old, new) in enumerate(zip(before, after, strict=True)):
        if index not in applied or etree.tostring(old) == etree.tostring(new):
            # untouched, or edited to the values it already had: byte for byte the same, stamps included
            assert etree.tostring(old) == etree.tostring(new)
            continue
        for name, value in applied[index].items():
            assert getattr(again.tracks[index], name) == expected_value(name, value)
        # attributes that were there keep their order
        kept = [k for k in old.attrib if k in new.attrib]
        assert kept == [k for k in new.attrib if k in old.attrib]
