"""Collections in shapes Traktor never writes, for the fuzz tests and ``bench/hostile_bench.py``.

Each shape takes a size ``n`` and returns the bytes of a small, otherwise valid Traktor collection (three
tracks, one playlist) with one pathological part grown to ``n``: ``n`` attributes on one element, an attribute
value ``n`` characters long, ``n`` tiny elements, ``n`` characters of text, ``n`` levels of nesting, ``n`` cue
points on one track, ``n`` playlists, names and paths ``n`` characters long. Reading any of them must cost
time linear in the file's size, or be refused with a clear reason.
"""

from __future__ import annotations

from collections.abc import Callable

__all__ = ["SHAPES", "hostile_collection"]

_PROLOG = '<?xml version="1.0" encoding="UTF-8" standalone="no" ?>\n'


def _entry(number: int, *, info: str = "", extra: str = "", directory: str = "/:Music/:", name: str = "") -> str:
    file = name or f"track {number}.mp3"
    return (
        f'<ENTRY MODIFIED_DATE="2024/1/2" MODIFIED_TIME="3600" TITLE="Track {number}" ARTIST="Artist {number}">'
        f'<LOCATION DIR="{directory}" FILE="{file}" VOLUME="Music" VOLUMEID="Music"></LOCATION>\n'
        f'<INFO BITRATE="320000" GENRE="House" PLAYTIME="300"{info}></INFO>\n'
        '<TEMPO BPM="124.000000" BPM_QUALITY="100.000000"></TEMPO>\n'
        '<CUE_V2 NAME="AutoGrid" DISPL_ORDER="0" TYPE="4" START="10.000000" LEN="0.000000" REPEATS="-1" '
        'HOTCUE="0"></CUE_V2>\n'
        f"{extra}</ENTRY>\n"
    )


def _document(entries: list[str], playlists: str | None = None) -> bytes:
    if playlists is None:
        keys = "".join(
            f'<ENTRY><PRIMARYKEY TYPE="TRACK" KEY="Music/:Music/:track {n}.mp3"></PRIMARYKEY>\n</ENTRY>\n'
            for n in (1, 2)
        )
        playlists = (
            '<NODE TYPE="PLAYLIST" NAME="Warm up"><PLAYLIST ENTRIES="2" TYPE="LIST" UUID="a1">'
            f"{keys}</PLAYLIST>\n</NODE>\n"
        )
        count = 1
    else:
        count = playlists.count('<NODE TYPE="PLAYLIST"')
    text = (
        '<NML VERSION="19"><HEAD COMPANY="www.native-instruments.com" PROGRAM="Traktor"></HEAD>\n'
        "<MUSICFOLDERS></MUSICFOLDERS>\n"
        f'<COLLECTION ENTRIES="{len(entries)}">{"".join(entries)}</COLLECTION>\n'
        '<SETS ENTRIES="0"></SETS>\n'
        f'<PLAYLISTS><NODE TYPE="FOLDER" NAME="$ROOT"><SUBNODES COUNT="{count}">{playlists}</SUBNODES>\n'
        "</NODE>\n</PLAYLISTS>\n</NML>\n"
    )
    return (_PROLOG + text).encode("utf-8")


def _with_middle(entry: str) -> bytes:
    return _document([_entry(1), entry, _entry(3)])


def many_attributes(n: int) -> bytes:
    """One INFO element with ``n`` extra attributes."""
    return _with_middle(_entry(2, info="".join(f' X{i}="{i}"' for i in range(n))))


def huge_attribute_value(n: int) -> bytes:
    """One COMMENT ``n`` characters long."""
    return _with_middle(_entry(2, info=f' COMMENT="{"x" * n}"'))


def many_tiny_elements(n: int) -> bytes:
    """``n`` empty unknown elements inside one entry."""
    return _with_middle(_entry(2, extra="<X></X>\n" * n))


def long_text(n: int) -> bytes:
    """An unknown element in one entry holding ``n`` characters of text."""
    return _with_middle(_entry(2, extra=f"<NOTE>{'y' * n}</NOTE>\n"))


def deep_nesting(n: int) -> bytes:
    """``n`` nested unknown elements inside one entry."""
    return _with_middle(_entry(2, extra="<D>" * n + "</D>" * n + "\n"))


def deep_folders(n: int) -> bytes:
    """A playlist inside ``n`` nested folders."""
    key = '<ENTRY><PRIMARYKEY TYPE="TRACK" KEY="Music/:Music/:track 1.mp3"></PRIMARYKEY>\n</ENTRY>\n'
    inner = f'<NODE TYPE="PLAYLIST" NAME="Deep"><PLAYLIST ENTRIES="1" TYPE="LIST" UUID="u1">{key}</PLAYLIST>\n</NODE>\n'
    opening = "".join(f'<NODE TYPE="FOLDER" NAME="F{i}"><SUBNODES COUNT="1">' for i in range(n))
    closing = "</SUBNODES>\n</NODE>\n" * n
    return _document([_entry(1), _entry(2), _entry(3)], opening + inner + closing)


def many_cues(n: int) -> bytes:
    """One track with ``n`` hot cues."""
    cues = "".join(
        f'<CUE_V2 NAME="n.n." DISPL_ORDER="0" TYPE="0" START="{i}.000000" LEN="0.000000" REPEATS="-1" '
        f'HOTCUE="{i % 8}"></CUE_V2>\n'
        for i in range(n)
    )
    return _with_middle(_entry(2, extra=cues))


def many_playlists(n: int) -> bytes:
    """``n`` playlists of one track each in the root folder."""
    key = '<ENTRY><PRIMARYKEY TYPE="TRACK" KEY="Music/:Music/:track 1.mp3"></PRIMARYKEY>\n</ENTRY>\n'
    playlists = "".join(
        f'<NODE TYPE="PLAYLIST" NAME="List {i}"><PLAYLIST ENTRIES="1" TYPE="LIST" UUID="u{i}">{key}</PLAYLIST>\n'
        "</NODE>\n"
        for i in range(n)
    )
    return _document([_entry(1), _entry(2), _entry(3)], playlists)


def long_names(n: int) -> bytes:
    """A track whose folder and file names are ``n`` characters long, in a playlist with an ``n``-character name."""
    directory = "/:" + "d" * n + "/:"
    name = "f" * n + ".mp3"
    key = f'<ENTRY><PRIMARYKEY TYPE="TRACK" KEY="Music{directory}{name}"></PRIMARYKEY>\n</ENTRY>\n'
    playlist = (
        f'<NODE TYPE="PLAYLIST" NAME="{"p" * n}"><PLAYLIST ENTRIES="1" TYPE="LIST" UUID="u1">{key}</PLAYLIST>\n'
        "</NODE>\n"
    )
    return _document([_entry(1), _entry(2, directory=directory, name=name), _entry(3)], playlist)


#: Every shape by name.
SHAPES: dict[str, Callable[[int], bytes]] = {
    "many_attributes": many_attributes,
    "huge_attribute_value": huge_attribute_value,
    "many_tiny_elements": many_tiny_elements,
    "long_text": long_text,
    "deep_nesting": deep_nesting,
    "deep_folders": deep_folders,
    "many_cues": many_cues,
    "many_playlists": many_playlists,
    "long_names": long_names,
}


def hostile_collection(shape: str, n: int) -> bytes:
    """The bytes of the collection of shape ``shape`` (a key of :data:`SHAPES`) grown to ``n``."""
    return SHAPES[shape](n)
