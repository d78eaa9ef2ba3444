"""Playlist entries kept as bytes (``harmony.nml.entry_blocks``): read and written exactly as a whole parse."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from harmony import nml
from harmony.nml import Playlist, entry_blocks
from harmony.nml.limits import MAX_DEPTH

from .test_load import ENTRY, document, refuse

KEY = "C:/:Music/:one.mp3"
SMALLEST_CUT = entry_blocks.MIN_ENTRIES


@pytest.fixture(autouse=True)
def cut_any_size(monkeypatch: pytest.MonkeyPatch) -> None:
    """The documents here hold a few entries: cut playlists of any size (the threshold has its own test)."""
    monkeypatch.setattr(entry_blocks, "MIN_ENTRIES", 1)


LINE = '<ENTRY><PRIMARYKEY TYPE="TRACK" KEY="{}"></PRIMARYKEY>\n</ENTRY>\n'


def with_playlist_content(content: str, count: int = 1) -> bytes:
    """The test document with its playlist's content replaced."""
    original = LINE.format(KEY)
    data = document().replace(original.encode(), content.encode("utf-8", "surrogatepass"))
    return data.replace(b'PLAYLIST ENTRIES="1"', f'PLAYLIST ENTRIES="{count}"'.encode())


def whole_parse_keys(data: bytes) -> list[list[str]]:
    """Each playlist's keys as lxml reads them from the whole file."""
    tree = etree.fromstring(data, etree.XMLParser(huge_tree=True, resolve_entities=False))
    return [[key.get("KEY", "") for key in p.iterfind("ENTRY/PRIMARYKEY")] for p in tree.iter("PLAYLIST")]


def playlist_keys(collection: nml.Collection) -> list[list[str]]:
    return [node.entries for node in collection.playlists.walk() if isinstance(node, Playlist)]


def cut(collection: nml.Collection) -> bool:
    """Whether the collection's playlists hold their entries as bytes (no ENTRY elements in the skeleton)."""
    return collection.root.find(".//PLAYLIST/ENTRY") is None and len(collection.entry_blocks) > 0


def test_a_traktor_playlist_is_kept_as_bytes_and_read_and_written_the_same() -> None:
    data = with_playlist_content(LINE.format(KEY) + LINE.format("D:/:b &amp; c/:x&lt;y&quot;z>'.mp3"), count=2)
    collection = nml.load(data)
    assert cut(collection)
    (playlist,) = collection.playlists.children
    assert isinstance(playlist, Playlist)
    assert playlist.entries == [KEY, "D:/:b & c/:x<y\"z>'.mp3"] == whole_parse_keys(data)[0]
    assert len(playlist) == 2
    assert collection.to_bytes() == data
    collection.playlists.create_folder("New")  # the skeleton is written anew: the block goes back as it was
    written = collection.to_bytes()
    assert whole_parse_keys(written) == whole_parse_keys(data)
    assert LINE.format(KEY).encode() + LINE.format("D:/:b &amp; c/:x&lt;y&quot;z>'.mp3").encode() in written


keys = st.lists(
    st.text(
        st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00\ufffe\uffff").filter(
            lambda c: c in "\t\n\r" or ord(c) >= 0x20
        ),
        max_size=12,
    ),
    min_size=1,
    max_size=6,
)


@settings(max_examples=150, deadline=None)
@given(entries=keys, others=keys)
def test_any_keys_read_back_and_survive_edits_as_a_whole_parse_sees_them(entries: list[str], others: list[str]) -> None:
    made = nml.Collection.new()
    made.playlists.create_playlist("A", entries)
    made.playlists.create_playlist("B", others)
    data = made.to_bytes()
    collection = nml.load(data)
    assert cut(collection)  # whatever the keys hold (even the marker's character), what Harmony writes is cut
    assert playlist_keys(collection) == whole_parse_keys(data) == [entries, others]
    assert [len(p) for p in collection.playlists.children] == [len(entries), len(others)]  # type: ignore[arg-type]
    assert collection.to_bytes() == data
    second = collection.playlists["B"]
    assert isinstance(second, Playlist)
    second.set_entries([*others, "added"])  # an edit inflates that playlist only
    written = collection.to_bytes()
    assert whole_parse_keys(written) == [entries, [*others, "added"]]
    assert b'ENTRIES="%d"' % (len(others) + 1) in written
    assert playlist_keys(nml.load(written)) == [entries, [*others, "added"]]


@pytest.mark.parametrize(
    "content",
    [
        LINE.format("a&gt;b"),  # an escape the serialiser does not write
        LINE.format("a&apos;b"),
        LINE.format("&#65;"),
        LINE.format("a\tb"),  # a raw tab: the parser reads it as a space
        LINE.format("x") + "  ",  # other whitespace
        LINE.format("x").replace("\n", "\r\n"),
        '<ENTRY><PRIMARYKEY KEY="x" TYPE="TRACK"></PRIMARYKEY>\n</ENTRY>\n',  # another attribute order
        '<ENTRY><PRIMARYKEY TYPE="TRACK" KEY="x" FUTURE="1"></PRIMARYKEY>\n</ENTRY>\n',
        '<ENTRY><PRIMARYKEY TYPE="TRACK" KEY="x"/>\n</ENTRY>\n',
        LINE.format("x") + "<!-- a comment -->",
    ],
)
def test_any_other_form_is_parsed_as_before(content: str) -> None:
    data = with_playlist_content(content)
    collection = nml.load(data)
    assert not cut(collection)
    assert playlist_keys(collection) == whole_parse_keys(data)
    collection.playlists.create_folder("New")
    assert whole_parse_keys(collection.to_bytes()) == whole_parse_keys(data)


def test_a_comment_in_the_skeleton_keeps_every_playlist_whole() -> None:
    data = document().replace(b"<SETS", b"<!-- <PLAYLIST> --><SETS")
    collection = nml.load(data)
    assert not cut(collection)
    assert playlist_keys(collection) == whole_parse_keys(data)
    assert whole_parse_keys(collection.to_bytes()) == whole_parse_keys(data)


def load_whole(data: bytes, monkeypatch: pytest.MonkeyPatch) -> nml.Collection:
    """``data`` loaded with no playlist cut: what a whole parse reads."""
    with monkeypatch.context() as patched:
        patched.setattr(entry_blocks, "MIN_ENTRIES", 10**9)
        collection = nml.load(data)
    assert not cut(collection)
    return collection


OTHER = '<NODE TYPE="PLAYLIST" NAME="Other"><PLAYLIST ENTRIES="0" TYPE="LIST" UUID="u2">{}</PLAYLIST>\n</NODE>\n'


@pytest.mark.parametrize(
    "data",
    [
        # Another playlist whose text spells a marker with character references.
        document().replace(
            b'<SUBNODES COUNT="1">', b'<SUBNODES COUNT="2">' + OTHER.format("&#xE001;0&#xE001;").encode()
        ),
        document().replace(b'<SUBNODES COUNT="1">', b'<SUBNODES COUNT="2">' + OTHER.format("&#xE001;x").encode()),
        # The marker's character in names, raw or as a reference.
        document().replace(b'NAME="Set"', b'NAME="&#xE001;0&#xE001;"'),
        document().replace(b'NAME="Set"', 'NAME="\ue0010\ue001"'.encode()),
        document().replace(b'PROGRAM="Traktor"', 'PROGRAM="\ue0010\ue001"'.encode()),
    ],
)
def test_text_that_spells_a_marker_is_only_text(data: bytes, monkeypatch: pytest.MonkeyPatch) -> None:
    collection = nml.load(data)
    assert cut(collection)
    whole = load_whole(data, monkeypatch)
    assert playlist_keys(collection) == playlist_keys(whole) == whole_parse_keys(data)
    assert collection.to_bytes() == whole.to_bytes()
    for edited in (collection, whole):
        edited.playlists.create_folder("New")
    written = collection.to_bytes()
    assert written == whole.to_bytes()
    assert whole_parse_keys(written) == whole_parse_keys(data)


def test_names_and_keys_set_later_that_spell_a_marker_are_only_text() -> None:
    collection = nml.load(document())
    assert cut(collection)
    collection.playlists.create_playlist("X", ["\ue0010\ue001", "\ue001" + "9" * 30 + "\ue001"])
    collection.playlists.create_folder("\ue0017\ue001")
    written = collection.to_bytes()
    assert whole_parse_keys(written) == [[KEY], ["\ue0010\ue001", "\ue001" + "9" * 30 + "\ue001"]]
    assert "\ue0017\ue001".encode() in written


def test_a_file_declaring_another_encoding_is_refused_however_long_its_declaration() -> None:
    prolog = b'<?xml version="1.0"' + b" " * 250 + b'encoding="ISO-8859-1"?>\n'
    refuse(document(prolog=prolog), "declares the encoding")


@pytest.mark.parametrize(
    ("opening", "closing", "key"),
    [("<!--", "-->", "a--b"), ("<?x", "?>", "a?>b"), ("<![CDATA[", "]]>", "a]]>b")],
)
def test_markup_opened_in_the_head_keeps_the_tail_whole(opening: str, closing: str, key: str) -> None:
    decoy = (
        f'{opening} <COLLECTION ENTRIES="0"></COLLECTION> <PLAYLIST ENTRIES="1" TYPE="LIST">'
        f"{LINE.format(key)}</PLAYLIST> {closing}"
    )
    data = document().replace(b"<MUSICFOLDERS>", decoy.encode() + b"<MUSICFOLDERS>")
    refuse(data, "not valid XML")


def test_too_deep_is_reported_before_too_many_attributes_as_a_whole_parse_does() -> None:
    attributes = " ".join(f'A{n}="1"' for n in range(150))
    refuse(_nested((MAX_DEPTH - 2 - 6) // 2 + 1).replace(b"<SETS ", f"<SETS {attributes} ".encode()), "deep")


def test_the_length_of_a_playlist_counts_its_keys() -> None:
    data = with_playlist_content("<ENTRY></ENTRY>\n" + LINE.format(KEY), count=2)
    (playlist,) = nml.load(data).playlists.children
    assert isinstance(playlist, Playlist)
    assert playlist.entries == [KEY] and len(playlist) == 1


@pytest.mark.parametrize(
    ("raw", "reason"), [(b"\xff", "Invalid bytes|not proper UTF-8"), (b"\xef\xbf\xbe", "invalid character")]
)
def test_bytes_that_are_not_xml_text_are_refused_as_a_whole_parse_refuses_them(raw: bytes, reason: str) -> None:
    data = document().replace(KEY.encode(), b"C:/:" + raw + b".mp3", 1)
    line = data[: data.rindex(b"C:/:" + raw)].count(b"\n") + 1
    message = refuse(data, reason)
    assert f"line {line}," in message


def test_an_error_after_a_cut_playlist_is_reported_at_its_line_in_the_file() -> None:
    lines = "".join(LINE.format(f"C:/:Music/:{n}.mp3") for n in range(5))
    data = with_playlist_content(lines, count=5).replace(
        b"</SUBNODES>\n</NODE>\n</PLAYLISTS>", b"</SUBNODES>\n</NODE>\n</PLAYLIST>"
    )
    line = data[: data.rindex(b"</PLAYLIST>")].count(b"\n") + 1
    message = refuse(data, "not valid XML")
    assert f"(line {line}, column" in message


def test_a_stale_entries_count_of_a_cut_playlist_is_written_true() -> None:
    lines = "".join(LINE.format(f"C:/:Music/:{n}.mp3") for n in range(3))
    data = with_playlist_content(lines, count=7)  # Traktor's files often carry stale counts
    collection = nml.load(data)
    assert cut(collection)
    (playlist,) = collection.playlists.children
    assert len(playlist) == 3  # type: ignore[arg-type]
    collection.playlists.create_folder("New")
    written = collection.to_bytes()
    assert b'<PLAYLIST ENTRIES="3"' in written and b'ENTRIES="7"' not in written


def test_removing_a_track_removes_it_from_a_cut_playlist() -> None:
    data = with_playlist_content(LINE.format(KEY) + LINE.format("X:/:gone.mp3") + LINE.format(KEY), count=3)
    collection = nml.load(data)
    assert cut(collection)
    collection.remove_track(collection.tracks[0])
    written = collection.to_bytes()
    assert whole_parse_keys(written) == [["X:/:gone.mp3"]]
    assert b'<PLAYLIST ENTRIES="1"' in written


def _nested(levels: int) -> bytes:
    """A document whose playlist sits ``levels`` folders below $ROOT."""
    opening = '<NODE TYPE="FOLDER" NAME="f"><SUBNODES COUNT="1">' * levels
    closing = "</SUBNODES>\n</NODE>\n" * levels
    data = document().decode()
    start = data.index('<NODE TYPE="PLAYLIST"')
    end = data.index("</NODE>\n</SUBNODES>\n</NODE>\n</PLAYLISTS>") + len("</NODE>\n")
    return (data[:start] + opening + data[start:end] + closing + data[end:]).encode()


def test_a_cut_playlist_too_deep_for_its_entries_is_refused_like_a_whole_parse() -> None:
    # PLAYLIST sits at depth 6 + 2 per folder; its PRIMARYKEY two deeper. The deepest allowed: exactly MAX_DEPTH.
    fits = (MAX_DEPTH - 2 - 6) // 2
    assert 6 + 2 * fits + 2 <= MAX_DEPTH < 6 + 2 * (fits + 1) + 2
    collection = nml.load(_nested(fits))
    assert cut(collection)
    assert playlist_keys(collection) == [[KEY]]
    refuse(_nested(fits + 1), "deep")


def test_a_file_without_playlists_or_with_empty_ones_loads() -> None:
    empty = with_playlist_content("", count=0)
    collection = nml.load(empty)
    assert playlist_keys(collection) == [[]] and collection.to_bytes() == empty
    assert nml.load(document(entries=ENTRY)).to_bytes() == document(entries=ENTRY)


def test_small_playlists_and_files_of_small_playlists_are_parsed_whole(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(entry_blocks, "MIN_ENTRIES", SMALLEST_CUT)
    big = "".join(LINE.format(f"C:/:Music/:{n}.mp3") for n in range(SMALLEST_CUT))
    collection = nml.load(with_playlist_content(big, count=SMALLEST_CUT))
    assert cut(collection)
    assert playlist_keys(collection) == [[f"C:/:Music/:{n}.mp3" for n in range(SMALLEST_CUT)]]
    small = "".join(LINE.format(f"C:/:Music/:{n}.mp3") for n in range(SMALLEST_CUT - 1))
    collection = nml.load(with_playlist_content(small, count=SMALLEST_CUT - 1))
    assert not cut(collection)
    assert playlist_keys(collection) == [[f"C:/:Music/:{n}.mp3" for n in range(SMALLEST_CUT - 1)]]
    # One big playlist among many one-entry ones: on average too small to pay for the cut, so none is cut.
    node = '<NODE TYPE="PLAYLIST" NAME="L{0}"><PLAYLIST ENTRIES="1" TYPE="LIST" UUID="u{0}">{1}</PLAYLIST>\n</NODE>\n'
    many = "".join(node.format(n, LINE.format(KEY)) for n in range(SMALLEST_CUT))
    data = with_playlist_content(big, count=SMALLEST_CUT).replace(
        b'<SUBNODES COUNT="1">', f'<SUBNODES COUNT="{SMALLEST_CUT + 1}">{many}'.encode()
    )
    collection = nml.load(data)
    assert not cut(collection)
    assert playlist_keys(collection) == whole_parse_keys(data)


def test_a_node_cannot_be_moved_into_another_collection() -> None:
    one, other = nml.load(document()), nml.load(document())
    (playlist,) = one.playlists.children
    with pytest.raises(nml.NMLError, match="within its own collection"):
        playlist.move_to(other.playlists.create_folder("Elsewhere"))
    assert playlist_keys(one) == playlist_keys(other) == [[KEY]]
    assert [node.name for node in other.playlists.children] == ["Set", "Elsewhere"]
