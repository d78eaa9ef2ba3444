"""Round trips and reads of the real collection files in ../shared/fixtures/real."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from harmony import nml
from harmony.nml.summary import summarize

from .xmlcompare import document_outline

TRAKTOR_WRITTEN = ["GarethShapiro__iTunesToTraktor__collection.nml", "ryyckxxa__my-traktor-library__collection.nml"]
COLLECTIONS = [
    *TRAKTOR_WRITTEN,
    "shishoi__MusicAnalyzer__collection_2025-11.nml",
    "ericanastas__traktor-tagger__collection.nml",
    "digital-dj-tools__dj-data-converter__collection.nml",
    "larenagius__rekordbox-to-traktor__collection.nml",
]


@pytest.mark.parametrize("name", TRAKTOR_WRITTEN)
def test_traktor_written_file_comes_back_byte_for_byte(real_fixtures: Path, name: str) -> None:
    raw = (real_fixtures / name).read_bytes()
    assert nml.load(real_fixtures / name).to_bytes() == raw


@pytest.mark.parametrize("name", COLLECTIONS)
def test_every_file_comes_back_with_identical_elements(real_fixtures: Path, name: str) -> None:
    raw = (real_fixtures / name).read_bytes()
    written = nml.load(raw).to_bytes()
    assert document_outline(written) == document_outline(raw)
    assert written.startswith(b'<?xml version="1.0" encoding="UTF-8" standalone="no" ?>\n<NML ')
    assert b"/>" not in written and b"\r" not in written and b"\n " not in written
    again = nml.load(written)
    assert again.to_bytes() == written  # Traktor's layout is a fixed point


@pytest.mark.parametrize("name", COLLECTIONS)
def test_views_read_what_lxml_reads(real_fixtures: Path, name: str) -> None:
    raw = (real_fixtures / name).read_bytes()
    tree = etree.fromstring(raw.removeprefix(b"\xef\xbb\xbf"))
    entries = tree.findall("COLLECTION/ENTRY")
    collection = nml.load(raw)
    assert len(collection.tracks) == len(entries)
    streamed = list(collection.iter_data())
    for entry, track, data in zip(entries, collection.tracks, streamed, strict=True):
        assert track.to_data() == data
        for name in nml.TRACK_FIELDS:  # the bulk read and the one-field-at-a-time views agree
            assert getattr(data, name) == getattr(track, name), name
        assert track.title == entry.get("TITLE")
        assert track.artist == entry.get("ARTIST")
        info = entry.find("INFO")
        assert track.genre == (None if info is None else info.get("GENRE"))
        assert track.comment2 == (None if info is None else info.get("RATING"))
        tempo = entry.find("TEMPO")
        assert track.bpm_text == (None if tempo is None else tempo.get("BPM"))
        if tempo is not None and tempo.get("BPM"):
            assert track.bpm == float(tempo.get("BPM", ""))
        location = entry.find("LOCATION")  # one real entry has none: its key is empty, not an error
        expected_key = (
            "" if location is None else location.get("VOLUME", "") + location.get("DIR", "") + location.get("FILE", "")
        )
        assert track.key == expected_key
        cues = entry.findall("CUE_V2")
        assert [c.start for c in data.cues] == [float(c.get("START", "0")) for c in cues]
        assert [c.hotcue for c in data.cues] == [int(c.get("HOTCUE", "-1")) for c in cues]
        assert [c.type for c in data.cues] == [int(c.get("TYPE", "0")) for c in cues]


@pytest.mark.parametrize("name", COLLECTIONS)
def test_summary_counts_elements_not_attributes(real_fixtures: Path, name: str) -> None:
    raw = (real_fixtures / name).read_bytes()
    tree = etree.fromstring(raw.removeprefix(b"\xef\xbb\xbf"))
    summary = summarize(nml.load(raw))
    assert summary.tracks == len(tree.findall("COLLECTION/ENTRY"))
    assert summary.playlists == len(tree.findall(".//NODE[@TYPE='PLAYLIST']"))
    assert summary.folders == len(tree.findall(".//NODE[@TYPE='FOLDER']"))
    assert summary.smart_lists == len(tree.findall(".//NODE[@TYPE='SMARTLIST']"))
    assert summary.cue_points["total"] == len(tree.findall("COLLECTION/ENTRY/CUE_V2"))
    assert summary.cue_points["loop"] == len(tree.findall("COLLECTION/ENTRY/CUE_V2[@TYPE='5']"))
    assert summary.cue_points["grid"] == len(tree.findall("COLLECTION/ENTRY/CUE_V2[@TYPE='4']"))


def test_stale_entries_count_is_not_trusted(real_fixtures: Path) -> None:
    raw = (real_fixtures / TRAKTOR_WRITTEN[0]).read_bytes()
    assert b'<COLLECTION ENTRIES="2746">' in raw
    collection = nml.load(raw)
    assert len(collection.tracks) == 2615
    collection.tracks[0].comment = "edited"
    assert b'<COLLECTION ENTRIES="2615">' in collection.to_bytes()


def test_history_file_is_refused(real_fixtures: Path) -> None:
    with pytest.raises(nml.NMLError, match="history"):
        nml.load(real_fixtures / "wolkenarchitekt__traktor-nml-utils__history.nml")


def test_edit_of_a_real_file_changes_only_that_entry(real_fixtures: Path) -> None:
    path = real_fixtures / TRAKTOR_WRITTEN[1]
    raw = path.read_bytes()
    collection = nml.load(raw)
    track = collection.tracks[10]
    track.title = "A new title & <more>"
    written = collection.to_bytes()
    before = etree.fromstring(raw).findall("COLLECTION/ENTRY")
    after = etree.fromstring(written).findall("COLLECTION/ENTRY")
    assert len(before) == len(after)
    changed = [i for i, (a, b) in enumerate(zip(before, after, strict=True)) if etree.tostring(a) != etree.tostring(b)]
    assert changed == [10]
    assert after[10].get("TITLE") == "A new title & <more>"
    assert list(after[10].attrib.keys()) == list(before[10].attrib.keys())
    assert b'TITLE="A new title &amp; &lt;more>"' in written
