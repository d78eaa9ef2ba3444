"""Field checks and text parsing, key parsing, and path keys."""

from __future__ import annotations

from datetime import date

import pytest

from harmony.library import CUE_FIELDS, TRACK_FIELDS, InvalidFieldError, path_key
from harmony.library.fields import check_value, parse_field_text
from harmony.library.keys import key_name, parse_key


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("rating", 6),
        ("rating", -1),
        ("ranking", 256),
        ("color", 0),
        ("color", 8),
        ("musical_key", 24),
        ("bpm", -1.0),
        ("bpm", float("inf")),
        ("year", 10_000),
        ("lock", 1),
        ("title", 5),
        ("release_date", "2020-01-01"),
        ("track_number", 1.5),
    ],
)
def test_out_of_range_or_wrong_type_track_values_are_refused(name: str, value: object) -> None:
    with pytest.raises(InvalidFieldError, match=name):
        check_value(TRACK_FIELDS, name, value)


@pytest.mark.parametrize(
    ("name", "value"),
    [("type", 6), ("hotcue", 8), ("hotcue", -2), ("length", -1.0), ("color", "#12345"), ("start", None)],
)
def test_bad_cue_values_are_refused(name: str, value: object) -> None:
    with pytest.raises(InvalidFieldError):
        check_value(CUE_FIELDS, name, value)


def test_numbers_are_widened_where_safe() -> None:
    assert check_value(TRACK_FIELDS, "bpm", 128) == 128.0
    assert isinstance(check_value(TRACK_FIELDS, "bpm", 128), float)
    assert check_value(TRACK_FIELDS, "rating", 3.0) == 3


@pytest.mark.parametrize(
    ("name", "text", "value"),
    [
        ("rating", "4", 4),
        ("bpm", "127,5", None),
        ("bpm", "127.5", 127.5),
        ("comment", "warm-up", "warm-up"),
        ("comment", "", None),
        ("rating", "none", None),
        ("lock", "yes", True),
        ("lock", "off", False),
        ("release_date", "1999-12-31", date(1999, 12, 31)),
    ],
)
def test_parse_field_text(name: str, text: str, value: object) -> None:
    if value is None and name == "bpm":
        with pytest.raises(InvalidFieldError, match="needs a number"):
            parse_field_text(TRACK_FIELDS, name, text)
        return
    assert parse_field_text(TRACK_FIELDS, name, text) == value


def test_parse_field_text_refuses_unknown_and_malformed() -> None:
    with pytest.raises(InvalidFieldError, match="did you mean 'artist'"):
        parse_field_text(TRACK_FIELDS, "artst", "x")
    with pytest.raises(InvalidFieldError, match="YYYY-MM-DD"):
        parse_field_text(TRACK_FIELDS, "release_date", "31/12/1999")
    with pytest.raises(InvalidFieldError, match="true or false"):
        parse_field_text(TRACK_FIELDS, "lock", "maybe")
    with pytest.raises(InvalidFieldError, match="cannot be empty"):
        parse_field_text(TRACK_FIELDS, "path", "")


# Traktor's MUSICAL_KEY table: 0-11 major C..B, 12-23 minor Cm..Bm, with Open Key and Camelot spellings.
KEY_TABLE = [
    (0, "C", "1d", "8B"), (1, "Db", "8d", "3B"), (2, "D", "3d", "10B"), (3, "Eb", "10d", "5B"),
    (4, "E", "5d", "12B"), (5, "F", "12d", "7B"), (6, "Gb", "7d", "2B"), (7, "G", "2d", "9B"),
    (8, "Ab", "9d", "4B"), (9, "A", "4d", "11B"), (10, "Bb", "11d", "6B"), (11, "B", "6d", "1B"),
    (12, "Cm", "10m", "5A"), (13, "Dbm", "5m", "12A"), (14, "Dm", "12m", "7A"), (15, "Ebm", "7m", "2A"),
    (16, "Em", "2m", "9A"), (17, "Fm", "9m", "4A"), (18, "Gbm", "4m", "11A"), (19, "Gm", "11m", "6A"),
    (20, "Abm", "6m", "1A"), (21, "Am", "1m", "8A"), (22, "Bbm", "8m", "3A"), (23, "Bm", "3m", "10A"),
]  # fmt: skip


@pytest.mark.parametrize(("value", "standard", "open_key", "camelot"), KEY_TABLE)
def test_key_spellings(value: int, standard: str, open_key: str, camelot: str) -> None:
    assert parse_key(standard) == value
    assert parse_key(open_key) == value
    assert parse_key(camelot) == value
    assert key_name(value) == standard


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("F#m", 18),
        ("C#", 1),
        ("Eb Minor", 15),
        ("F Major", 5),
        ("Gmin", 19),
        ("A# Major", 10),
        ("08A", 21),
        (" am ", 21),
    ],
)
def test_long_and_enharmonic_key_spellings(text: str, value: int) -> None:
    assert parse_key(text) == value


@pytest.mark.parametrize("text", ["", None, "13A", "H", "Am7", "unknown"])
def test_unparseable_keys(text: str | None) -> None:
    assert parse_key(text) is None


def test_path_key_normalises_unicode_and_case_where_the_fs_ignores_case() -> None:
    decomposed = "/Music/Cafe\u0301.mp3"
    composed = "/Music/Caf\u00e9.mp3"
    assert path_key(decomposed, case_insensitive=False) == path_key(composed, case_insensitive=False)
    assert path_key("/Music/A.mp3", case_insensitive=True) == path_key("/music/a.MP3", case_insensitive=True)
    assert path_key("/Music/A.mp3", case_insensitive=False) != path_key(
        "/music/a.mp3", case_insensitive=False
    )
