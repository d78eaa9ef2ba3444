"""The entry keys read from bytes (harmony.nml.keyscan) are the keys lxml reads, or UNSURE (then lxml reads)."""

from __future__ import annotations

import pytest
from lxml import etree

from harmony import nml
from harmony.nml.keyscan import UNSURE, location_keys

ENTRIES = [
    b'<ENTRY TITLE="a"><LOCATION DIR="/:Music/:" FILE="a.mp3" VOLUME="C:" VOLUMEID="x"></LOCATION></ENTRY>',
    b'<ENTRY><LOCATION VOLUME="Macintosh HD" FILE="b &amp; c.mp3" DIR="/:Users/:me/:"/></ENTRY>',
    b"<ENTRY><LOCATION FILE='single &apos;quoted&apos;.mp3' DIR='/:x/:' VOLUME='D:'></LOCATION></ENTRY>",
    b'<ENTRY><LOCATION DIR="/:a&#x2F;b/:" FILE="&#233;t&#xE9; &lt;&gt;&quot;.mp3" VOLUME="E:"></LOCATION></ENTRY>',
    b'<ENTRY><LOCATION DIR="/:raw > sign/:" FILE="x.mp3" VOLUME="C:" VOLUMEID="v"></LOCATION></ENTRY>',
    b'<ENTRY><LOCATION FILE="only-file.mp3"></LOCATION></ENTRY>',
    b'<ENTRY TITLE="no location"><INFO GENRE="x"></INFO></ENTRY>',
    b'<ENTRY><LOCATION DIR="/:caf\xc3\xa9/:" FILE="\xe2\x99\xab.mp3" VOLUME="C:" VOLUMEID=""></LOCATION></ENTRY>',
]
# Forms left to the XML parser: a comment, two LOCATIONs, a tab (normalised by XML), an unknown entity.
UNSURE_ENTRIES = [
    b'<ENTRY><!-- <LOCATION FILE="fake.mp3"/> --><LOCATION DIR="/:m/:" FILE="real.mp3" VOLUME="C:"/></ENTRY>',
    b'<ENTRY><LOCATION FILE="a.mp3"/><LOCATION FILE="b.mp3"/></ENTRY>',
    b'<ENTRY><LOCATION DIR="/:m/:" FILE="tab\there.mp3" VOLUME="C:"></LOCATION></ENTRY>',
    b'<ENTRY><LOCATION DIR="/:m/:" FILE="&#0;.mp3" VOLUME="C:"></LOCATION></ENTRY>',
]


def _lxml_key(entry: bytes) -> str | None:
    location = etree.fromstring(entry).find("LOCATION")
    if location is None:
        return None
    return location.get("VOLUME", "") + location.get("DIR", "") + location.get("FILE", "")


def _spans(entries: list[bytes]) -> tuple[bytes, list[tuple[int, int]]]:
    data = b"<COLLECTION>"
    spans = []
    for entry in entries:
        spans.append((len(data), len(data) + len(entry)))
        data += entry + b"\n"
    return data + b"</COLLECTION>", spans


def test_keys_read_from_bytes_are_the_keys_lxml_reads() -> None:
    data, spans = _spans(ENTRIES)
    assert location_keys(data, spans) == [_lxml_key(entry) for entry in ENTRIES]


@pytest.mark.parametrize("entry", UNSURE_ENTRIES)
def test_unusual_forms_are_left_to_the_parser(entry: bytes) -> None:
    data, spans = _spans([ENTRIES[0], entry, ENTRIES[1]])
    keys = location_keys(data, spans)
    assert keys[0] == _lxml_key(ENTRIES[0]) and keys[2] == _lxml_key(ENTRIES[1])
    assert keys[1] is UNSURE


def test_track_by_key_finds_every_form() -> None:
    entries = [e for e in ENTRIES + UNSURE_ENTRIES[:1] + UNSURE_ENTRIES[2:3]]
    body = b"".join(entries[i] + b"\n" for i in range(len(entries)))
    raw = (
        b'<?xml version="1.0" encoding="UTF-8" standalone="no" ?>\n<NML VERSION="19"><HEAD></HEAD>\n'
        + f'<COLLECTION ENTRIES="{len(entries)}">'.encode()
        + body
        + b"</COLLECTION>\n</NML>\n"
    )
    collection = nml.load(raw)
    for index, entry in enumerate(entries):
        key = _lxml_key(entry)
        if key is not None:
            track = collection.track_by_key(key)
            assert track is not None and track.slot == collection.tracks[index].slot, key
    assert collection.track_by_key("C:/:Music/:nothing.mp3") is None


def test_traktor_layout_read_at_once_matches_lxml() -> None:
    entries = [e for e in ENTRIES if b'<LOCATION DIR="' in e and b'VOLUMEID="' in e]
    entries.append(
        b'<ENTRY><LOCATION DIR="/:a &amp; b/:" FILE="&#233;.mp3" VOLUME="C:" VOLUMEID="v"></LOCATION></ENTRY>'
    )
    assert len(entries) >= 4
    data, spans = _spans(entries)
    assert location_keys(data, spans) == [_lxml_key(entry) for entry in entries]
    # One entry without LOCATION among Traktor-layout ones: the fast path gives way, the answer is the same.
    mixed = [*entries, ENTRIES[6]]
    data, spans = _spans(mixed)
    assert location_keys(data, spans) == [_lxml_key(entry) for entry in mixed]


def test_entries_whose_first_child_is_their_location_are_read_in_one_search() -> None:
    # Traktor's form, with a raw ">" in an ENTRY attribute the start-tag pattern must step over.
    entries = [
        b'<ENTRY TITLE="a > b" ARTIST="x"><LOCATION DIR="/:m/:" FILE="1.mp3" VOLUME="C:" VOLUMEID="v"></LOCATION>'
        b"\n<INFO></INFO>\n</ENTRY>",
        b'<ENTRY><LOCATION DIR="/:m/:" FILE="caf\xc3\xa9 &amp; co.mp3" VOLUME="C:" VOLUMEID="v"></LOCATION>\n</ENTRY>',
        b'<ENTRY><LOCATION DIR="/:m/:" FILE="3.mp3" VOLUME="D:" VOLUMEID=""></LOCATION>\n</ENTRY>',
    ]
    data, spans = _spans(entries)
    assert location_keys(data, spans) == [_lxml_key(entry) for entry in entries]
    # LOCATION after another child: that entry is not in the one-search form; every key is still lxml's.
    later = b'<ENTRY><INFO></INFO><LOCATION DIR="/:m/:" FILE="4.mp3" VOLUME="E:" VOLUMEID="v"></LOCATION></ENTRY>'
    data, spans = _spans([*entries, later])
    assert location_keys(data, spans) == [_lxml_key(entry) for entry in [*entries, later]]


def test_a_self_closing_entry_before_one_with_two_locations_is_not_given_the_others_location() -> None:
    # As many LOCATION tags as entries, but the first entry has none: nothing may shift onto it.
    entries = [
        b'<ENTRY TITLE="empty"/>',
        b'<ENTRY><LOCATION DIR="/:m/:" FILE="a.mp3" VOLUME="C:" VOLUMEID="v"></LOCATION>'
        b'<LOCATION DIR="/:m/:" FILE="b.mp3" VOLUME="C:" VOLUMEID="v"></LOCATION></ENTRY>',
    ]
    data, spans = _spans(entries)
    assert location_keys(data, spans) == [None, UNSURE]
