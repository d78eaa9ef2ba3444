"""Reading: what real files contain is accepted, and bad input is refused with a clear NMLError."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from harmony import nml
from harmony.nml.serialize import PROLOG

ENTRY = (
    '<ENTRY MODIFIED_DATE="2020/1/2" MODIFIED_TIME="100" TITLE="One" ARTIST="Someone">'
    '<LOCATION DIR="/:Music/:" FILE="one.mp3" VOLUME="C:" VOLUMEID="abcd1234"></LOCATION>\n'
    '<INFO BITRATE="320000" PLAYTIME="300"></INFO>\n'
    '<TEMPO BPM="128.000000" BPM_QUALITY="100.000000"></TEMPO>\n'
    '<CUE_V2 NAME="AutoGrid" DISPL_ORDER="0" TYPE="4" START="12.500000" LEN="0.000000" REPEATS="-1" HOTCUE="0">'
    "</CUE_V2>\n"
    "</ENTRY>\n"
)


def document(version: int = 19, entries: str = ENTRY, prolog: bytes = PROLOG, count: int = 1) -> bytes:
    body = (
        f'<NML VERSION="{version}"><HEAD COMPANY="www.native-instruments.com" PROGRAM="Traktor"></HEAD>\n'
        "<MUSICFOLDERS></MUSICFOLDERS>\n"
        f'<COLLECTION ENTRIES="{count}">{entries}</COLLECTION>\n'
        '<SETS ENTRIES="0"></SETS>\n'
        '<PLAYLISTS><NODE TYPE="FOLDER" NAME="$ROOT"><SUBNODES COUNT="1">'
        '<NODE TYPE="PLAYLIST" NAME="Set"><PLAYLIST ENTRIES="1" TYPE="LIST" UUID="0123456789abcdef0123456789abcdef">'
        '<ENTRY><PRIMARYKEY TYPE="TRACK" KEY="C:/:Music/:one.mp3"></PRIMARYKEY>\n</ENTRY>\n'
        "</PLAYLIST>\n</NODE>\n</SUBNODES>\n</NODE>\n</PLAYLISTS>\n"
        "</NML>\n"
    )
    return prolog + body.encode()


def refuse(data: bytes, match: str) -> str:
    started = time.perf_counter()
    with pytest.raises(nml.NMLError, match=match) as caught:
        nml.load(data)
    assert time.perf_counter() - started < 5, "a bad file must be refused quickly"
    message = str(caught.value)
    assert "\n" not in message
    return message


def test_traktor_style_document_round_trips_byte_for_byte() -> None:
    data = document()
    collection = nml.load(data)
    assert collection.version == 19
    assert len(collection.tracks) == 1
    assert collection.to_bytes() == data


@pytest.mark.parametrize("version", [14, 15, 19, 20])
def test_every_nml_version_is_read(version: int) -> None:
    collection = nml.load(document(version))
    assert collection.version == version
    assert collection.tracks[0].title == "One"


def test_path_and_bytes_sources(tmp_path: Path) -> None:
    path = tmp_path / "collection.nml"
    path.write_bytes(document())
    assert nml.load(path).tracks[0].title == nml.load(str(path)).tracks[0].title == "One"
    assert nml.load(bytearray(document())).tracks[0].artist == "Someone"


def test_foreign_layouts_are_read_and_written_in_traktor_layout() -> None:
    bom_crlf_indented = (
        b"\xef\xbb\xbf<?xml version='1.0' encoding='utf-8'?>\r\n"
        b'<NML VERSION="15">\r\n  <HEAD COMPANY="x" PROGRAM="Traktor" />\r\n'
        b'  <COLLECTION ENTRIES="99">\r\n'
        b"    <ENTRY TITLE='Single &apos;quoted&apos;' FUTURE_ATTR=\"kept\">\r\n"
        b'      <LOCATION DIR="/:a/:" FILE="x.mp3" VOLUME="E:" VOLUMEID="1" />\r\n'
        b'      <FUTURE_ELEMENT MODE="3"><DEEP/></FUTURE_ELEMENT>\r\n'
        b"    </ENTRY>\r\n"
        b"    <!-- a comment a tool left -->\r\n"
        b"  </COLLECTION>\r\n"
        b"  <FUTURE_TOP>text</FUTURE_TOP>\r\n"
        b"</NML>\r\n"
    )
    collection = nml.load(bom_crlf_indented)
    track = collection.tracks[0]
    assert track.title == "Single 'quoted'"
    assert track.element.get("FUTURE_ATTR") == "kept"
    written = collection.to_bytes()
    assert written.startswith(PROLOG)
    assert b"\r" not in written and b"/>" not in written and b"\n " not in written
    assert b'<FUTURE_ELEMENT MODE="3"><DEEP></DEEP>\n</FUTURE_ELEMENT>' in written
    assert b"<FUTURE_TOP>text</FUTURE_TOP>" in written
    assert b"<!-- a comment a tool left -->" in written
    assert nml.load(written).tracks[0].title == "Single 'quoted'"


def test_stale_entries_count_is_ignored() -> None:
    collection = nml.load(document(count=4000))
    assert len(collection.tracks) == 1


def test_empty_collection_and_missing_sections() -> None:
    bare = PROLOG + b'<NML VERSION="19"><HEAD></HEAD>\n</NML>\n'
    collection = nml.load(bare)
    assert len(collection.tracks) == 0
    assert collection.playlists.children == []
    assert nml.load(PROLOG + b'<NML VERSION="19"><COLLECTION ENTRIES="0"/></NML>').tracks[:] == []


def test_xxe_payload_is_refused_and_reads_no_file(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET")
    data = (
        f'<?xml version="1.0"?><!DOCTYPE NML [<!ENTITY x SYSTEM "file://{secret}">]>'
        '<NML VERSION="19"><COLLECTION ENTRIES="1"><ENTRY TITLE="&x;"></ENTRY></COLLECTION></NML>'
    ).encode()
    message = refuse(data, "DTD")
    assert "TOP-SECRET" not in message


def test_billion_laughs_is_refused_quickly() -> None:
    entities = "".join(
        f'<!ENTITY l{i} "{"&l" + str(i - 1) + ";" * 1 if i else "lol"}{("&l" + str(i - 1) + ";") * 9 if i else ""}">'
        for i in range(10)
    )
    data = f'<?xml version="1.0"?><!DOCTYPE NML [{entities}]><NML VERSION="19"><HEAD TITLE="&l9;"></HEAD></NML>'
    refuse(data.encode(), "DTD")


def test_external_dtd_is_refused() -> None:
    data = b'<?xml version="1.0"?><!DOCTYPE NML SYSTEM "http://example.invalid/nml.dtd"><NML VERSION="19"></NML>'
    refuse(data, "DTD")


def test_undeclared_entity_inside_an_entry_is_reported_with_its_position() -> None:
    good = [ENTRY.replace("one.mp3", f"{i}.mp3") for i in range(40)]
    good[30] = good[30].replace('TITLE="One"', 'TITLE="&boom;"')
    data = document(entries="".join(good))
    line = data[: data.index(b"&boom;")].count(b"\n") + 1
    collection = nml.load(data)  # the outer shape is fine; entries are checked when read
    with pytest.raises(nml.NMLError, match=rf"line {line}, column \d+\)$"):
        collection.check()
    with pytest.raises(nml.NMLError, match=f"line {line}"):
        list(collection.iter_data())
    with pytest.raises(nml.NMLError, match=rf"Entity 'boom' not defined \(line {line}, column \d+\)$"):
        collection.tracks[30].title  # noqa: B018


@pytest.mark.parametrize("cut", [0.3, 0.5, 0.9, 0.99])
def test_truncated_file_is_refused(cut: int) -> None:
    data = document()
    message = refuse(data[: int(len(data) * cut)], "cut off|not valid")
    assert "line" in message


def test_truncated_inside_an_entry_is_refused() -> None:
    data = document(entries=ENTRY * 3)
    refuse(data[: data.index(b"<TEMPO") + 5], "cut off|never closed|not valid")


@pytest.mark.parametrize("gap", ["\x0c", "\x0b", "\n\x0c\n"])
def test_a_character_xml_does_not_allow_between_entries_is_refused(gap: str) -> None:
    """Form feed and vertical tab are whitespace to Python but not allowed in XML at all: a file holding one
    between two entries is not a collection (nothing else reads the bytes between entries, so the cut must)."""
    data = document(entries=ENTRY + gap + ENTRY, count=2)
    message = refuse(data, "unexpected text inside <COLLECTION>")
    first_end = data.index(b"</ENTRY>") + len(b"</ENTRY>")  # the text is reported from where the entry ended
    line = data[:first_end].count(b"\n") + 1
    assert message.endswith(f"(line {line}, column 9)"), message
    nml.load(document(entries=ENTRY + "\r\n\t " + ENTRY, count=2))  # XML's own whitespace is fine


@pytest.mark.parametrize("text", ["\u3000", "\xa0", "\xa0\n"])
def test_text_of_unicode_spaces_is_kept(text: str) -> None:
    """A no-break or ideographic space is a character to XML, not whitespace: an element holding only such text
    (in an entry, or in the file's skeleton) keeps it through a load and a write."""
    data = document(entries=ENTRY.replace('PLAYTIME="300"></INFO>', f'PLAYTIME="300">{text}</INFO>')).replace(
        b'<SETS ENTRIES="0"></SETS>', f'<SETS ENTRIES="0">{text}</SETS>'.encode()
    )
    assert nml.load(data).to_bytes() == data


def test_binary_garbage_is_refused() -> None:
    refuse(bytes(range(256)) * 10, "not an XML file|UTF-16|not valid")
    refuse(b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, "not an XML file")


def test_empty_file_is_refused(tmp_path: Path) -> None:
    refuse(b"", "empty")
    refuse(b"   \n\t ", "empty")
    path = tmp_path / "empty.nml"
    path.write_bytes(b"")
    with pytest.raises(nml.NMLError, match="empty"):
        nml.load(path)


def test_not_an_nml_root_is_refused() -> None:
    refuse(b'<?xml version="1.0"?><rekordbox><COLLECTION></COLLECTION></rekordbox>', "not a Traktor collection")
    refuse(b"<html><body>hi</body></html>", "not a Traktor collection")


def test_history_file_is_refused() -> None:
    data = (
        b'<?xml version="1.0" encoding="UTF-8" standalone="no" ?>\n<NML VERSION="19"><HEAD></HEAD>\n'
        b'<PLAYLISTS><NODE TYPE="FOLDER" NAME="$ROOT"><SUBNODES COUNT="1"><NODE TYPE="PLAYLIST" NAME="History">'
        b'<PLAYLIST ENTRIES="0" TYPE="PROTOCOL" UUID="x"></PLAYLIST></NODE></SUBNODES></NODE></PLAYLISTS></NML>'
    )
    refuse(data, "history")


def test_malformed_skeleton_reports_line_and_column() -> None:
    data = document().replace(b'<SETS ENTRIES="0"></SETS>', b'<SETS ENTRIES="0"></SET>')
    line = data[: data.index(b"</SET>")].count(b"\n") + 1
    message = refuse(data, "not valid XML")
    assert message.endswith(f"(line {line}, column 25)")
    assert "line 5" not in message  # no line numbers of the internal skeleton document


def test_missing_file_and_folder(tmp_path: Path) -> None:
    with pytest.raises(nml.NMLError, match="does not exist"):
        nml.load(tmp_path / "nope.nml")
    with pytest.raises(nml.NMLError, match="folder"):
        nml.load(tmp_path)


def test_non_utf8_encoding_is_refused() -> None:
    refuse(b'<?xml version="1.0" encoding="ISO-8859-1"?><NML VERSION="19"></NML>', "encoding")
    refuse("<NML/>".encode("utf-16"), "UTF-16")


def test_a_read_only_collection_reads_the_same_and_cannot_be_written() -> None:
    from harmony import nml
    from harmony.errors import NMLError

    raw = document(entries=ENTRY + ENTRY.replace("one.mp3", "two.mp3"), count=2)
    full, read_only = nml.load(raw), nml.load(raw, read_only=True)
    assert list(read_only.iter_data()) == list(full.iter_data())
    assert [t.key for t in read_only.tracks] == [t.key for t in full.tracks]
    with pytest.raises(NMLError, match="read-only"):
        read_only.to_bytes()


def test_entry_bytes_are_the_bytes_the_collection_writes() -> None:
    from harmony import nml

    raw = document(entries=ENTRY + ENTRY.replace("one.mp3", "two.mp3"), count=2)
    collection = nml.load(raw)
    first, second = (track.key for track in collection.tracks)
    collection.tracks[1].title = "Changed"
    written = nml.load(collection.to_bytes())
    assert [collection.entry_bytes(first), collection.entry_bytes(second)] == [
        bytes(entry) for entry in written.raw_entries() if entry is not None
    ]
    assert b'TITLE="Changed"' in (collection.entry_bytes(second) or b"")
    assert collection.entry_bytes("no such key") is None
