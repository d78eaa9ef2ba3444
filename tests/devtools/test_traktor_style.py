"""The Traktor-style element formatter and the key notations the generator writes."""

from __future__ import annotations

import pytest

from harmony.devtools import key_text
from harmony.devtools.traktor_style import element, escape, fmt_float, start_tag


@pytest.mark.parametrize(
    ("raw", "written"),
    [
        ("plain", "plain"),
        ("Salt & Pepper", "Salt &amp; Pepper"),
        ("<3 > 2", "&lt;3 > 2"),
        ('The "Real" One', "The &quot;Real&quot; One"),
        ("Don't", "Don't"),
        ("&amp;", "&amp;amp;"),
    ],
)
def test_escape_only_ampersand_less_than_and_quote(raw: str, written: str) -> None:
    assert escape(raw) == written


def test_attributes_come_out_in_canonical_order_whatever_the_input_order() -> None:
    tag = start_tag("CUE_V2", {"HOTCUE": "1", "TYPE": "0", "NAME": "n.n.", "START": "1.000000", "LEN": None})
    assert tag == '<CUE_V2 NAME="n.n." TYPE="0" START="1.000000" HOTCUE="1">'


def test_unknown_attribute_is_refused() -> None:
    with pytest.raises(ValueError, match="BOGUS"):
        start_tag("INFO", {"GENRE": "House", "BOGUS": "1"})


def test_elements_use_traktor_layout() -> None:
    assert element("MUSICFOLDERS") == "<MUSICFOLDERS></MUSICFOLDERS>\n"
    child = element("GRID", {"BPM": fmt_float(128)})
    assert element("CUE_V2", {"TYPE": "4"}, [child]) == '<CUE_V2 TYPE="4"><GRID BPM="128.000000"></GRID>\n</CUE_V2>\n'


# MUSICAL_KEY value -> (Open Key, Camelot, musical), from reference B.8 and the usual Camelot wheel.
KEYS = [
    (0, "1d", "8B", "C"),
    (1, "8d", "3B", "C#"),
    (3, "10d", "5B", "Eb"),
    (7, "2d", "9B", "G"),
    (11, "6d", "1B", "B"),
    (12, "10m", "5A", "Cm"),
    (18, "4m", "11A", "F#m"),
    (21, "1m", "8A", "Am"),
    (23, "3m", "10A", "Bm"),
]


@pytest.mark.parametrize(("value", "open_key", "camelot", "musical"), KEYS)
def test_key_notations(value: int, open_key: str, camelot: str, musical: str) -> None:
    assert key_text.open_key(value) == open_key
    assert key_text.camelot(value) == camelot
    assert key_text.musical(value) == musical


def test_every_key_has_a_distinct_name_in_every_notation() -> None:
    for notation in (key_text.open_key, key_text.camelot, key_text.musical):
        assert len({notation(value) for value in range(24)}) == 24
