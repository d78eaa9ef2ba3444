"""Field checks and text parsing, key parsing, and path keys."""

from __future__ import annotations

from datetime import date

import pytest

from harmony.library import CUE_FIELDS, TRACK_FIELDS, InvalidFieldError, path_key
from harmony.library.fields import check_value, parse_field_text


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
def test_path_key_normalises_unicode_and_case_where_the_fs_ignores_case() -> None:
    decomposed = "/Music/Cafe\u0301.mp3"
    composed = "/Music/Caf\u00e9.mp3"
    assert path_key(decomposed, "linux") == path_key(composed, "linux")
    assert path_key("/Music/A.mp3", "macos") == path_key("/music/a.MP3", "macos")
    assert path_key("/Music/A.mp3", "linux") != path_key("/music/a.mp3", "linux")
    assert path_key("C:\\Music\\A.mp3", "windows") == path_key("c:/music/a.mp3", "windows")
