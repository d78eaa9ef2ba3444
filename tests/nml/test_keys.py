"""Tests of harmony.nml.keys: MUSICAL_KEY VALUE ↔ Open Key ↔ Camelot ↔ musical notation; INFO KEY parsing."""

from __future__ import annotations

from collections import Counter, defaultdict
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from lxml import etree

from harmony.nml.keys import (
    from_camelot,
    from_musical,
    from_open_key,
    parse_key_text,
    to_camelot,
    to_musical,
    to_open_key,
)

# Written out by hand from the Open Key and Camelot wheels, not computed: value, Open Key, Camelot, usual
# spelling, all sharps, all flats.
KEYS = [
    (0, "1d", "8B", "C", "C", "C"),
    (1, "8d", "3B", "Db", "C#", "Db"),
    (2, "3d", "10B", "D", "D", "D"),
    (3, "10d", "5B", "Eb", "D#", "Eb"),
    (4, "5d", "12B", "E", "E", "E"),
    (5, "12d", "7B", "F", "F", "F"),
    (6, "7d", "2B", "F#", "F#", "Gb"),
    (7, "2d", "9B", "G", "G", "G"),
    (8, "9d", "4B", "Ab", "G#", "Ab"),
    (9, "4d", "11B", "A", "A", "A"),
    (10, "11d", "6B", "Bb", "A#", "Bb"),
    (11, "6d", "1B", "B", "B", "B"),
    (12, "10m", "5A", "Cm", "Cm", "Cm"),
    (13, "5m", "12A", "C#m", "C#m", "Dbm"),
    (14, "12m", "7A", "Dm", "Dm", "Dm"),
    (15, "7m", "2A", "Ebm", "D#m", "Ebm"),
    (16, "2m", "9A", "Em", "Em", "Em"),
    (17, "9m", "4A", "Fm", "Fm", "Fm"),
    (18, "4m", "11A", "F#m", "F#m", "Gbm"),
    (19, "11m", "6A", "Gm", "Gm", "Gm"),
    (20, "6m", "1A", "G#m", "G#m", "Abm"),
    (21, "1m", "8A", "Am", "Am", "Am"),
    (22, "8m", "3A", "Bbm", "A#m", "Bbm"),
    (23, "3m", "10A", "Bm", "Bm", "Bm"),
]
assert [row[0] for row in KEYS] == list(range(24))


@pytest.mark.parametrize(("value", "open_key", "camelot", "usual", "sharps", "flats"), KEYS)
def test_value_to_text(value: int, open_key: str, camelot: str, usual: str, sharps: str, flats: str) -> None:
    assert to_open_key(value) == open_key
    assert to_camelot(value) == camelot
    assert to_musical(value) == usual
    assert to_musical(value, flats=False) == sharps
    assert to_musical(value, flats=True) == flats


@pytest.mark.parametrize(("value", "open_key", "camelot", "usual", "sharps", "flats"), KEYS)
def test_text_to_value(value: int, open_key: str, camelot: str, usual: str, sharps: str, flats: str) -> None:
    assert from_open_key(open_key) == value
    assert from_camelot(camelot) == value
    for spelling in (usual, sharps, flats):
        assert from_musical(spelling) == value
        assert from_musical(spelling.replace("#", "♯").replace("b", "♭")) == value
        assert parse_key_text(spelling) == value
    assert parse_key_text(open_key) == value
    assert parse_key_text(camelot) == value


@pytest.mark.parametrize(("value", "open_key", "camelot", "usual", "sharps", "flats"), KEYS)
def test_wheel_notation_variants(value: int, open_key: str, camelot: str, usual: str, sharps: str, flats: str) -> None:
    assert from_open_key(open_key.upper()) == value
    assert from_open_key(f" 0{open_key} ") == value
    assert from_camelot(camelot.lower()) == value
    assert from_camelot(f"0{camelot}") == value
    assert from_camelot(f"{camelot[:-1]} {camelot[-1]}") == value


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("F#m", 18),
        ("Gbm", 18),
        ("G♭m", 18),
        ("F♯ minor", 18),
        ("F sharp minor", 18),
        ("F Sharp Minor", 18),
        ("B FLAT MAJOR", 10),
        ("Cb", 11),  # enharmonic spellings across the B/C and E/F gaps
        ("B#", 0),
        ("E#", 5),
        ("Fb", 4),
        ("Bbb", 9),  # double flat
        ("F##", 7),  # double sharp
        ("B flat", 10),
        ("Eb Minor", 15),
        ("EB MINOR", 15),
        ("A# Major", 10),
        ("Dbmaj", 1),
        ("Dbmaj.", 1),
        ("Gmin", 19),
        ("A min", 21),
        ("a-moll", 21),
        ("C dur", 0),
        ("am", 21),
        ("AMIN", 21),
        ("e♭", 15),  # lower-case bare root: minor
        ("e", 16),
        ("E", 4),
        ("bb", 22),
        ("b", 23),
        ("g♯", 20),
        ("emaj", 4),  # an explicit quality wins over the lower-case convention
    ],
)
def test_from_musical(text: str, value: int) -> None:
    assert from_musical(text) == value


@pytest.mark.parametrize(
    "text",
    ["", "H", "Hm", "AM", "Em7", "Asus", "1m", "8A", "C major minor", "#C", "♭", "off", "Am?"],
)
def test_from_musical_rejects(text: str) -> None:
    with pytest.raises(ValueError):
        from_musical(text)


@pytest.mark.parametrize("text", ["", "0d", "13m", "1x", "8A", "Am", "1 m d", "m1", "-1d", "1.5m"])
def test_from_open_key_rejects(text: str) -> None:
    with pytest.raises(ValueError):
        from_open_key(text)


@pytest.mark.parametrize("text", ["", "0A", "13B", "1C", "1m", "Am", "A8", "-8A"])
def test_from_camelot_rejects(text: str) -> None:
    with pytest.raises(ValueError):
        from_camelot(text)


@pytest.mark.parametrize("bad", [-1, 24, 100, True, False, 1.0, "1", None])
def test_invalid_values_raise(bad: object) -> None:
    for function in (to_open_key, to_camelot, to_musical):
        with pytest.raises(ValueError, match="0 to 23"):
            function(bad)  # type: ignore[arg-type]


# What real INFO KEY texts (see ../shared/fixtures/real) should read as.
INFO_KEYS = [
    ("1m", 21),
    ("10m", 12),
    ("8A", 21),
    ("08A", 21),
    (" 5A ", 12),
    ("11B", 9),
    ("Am", 21),
    ("Amin", 21),
    ("A min", 21),
    ("Eb Minor", 15),
    ("Ebmin", 15),
    ("Gmin", 19),
    ("A# Major", 10),
    ("A#min", 22),
    ("EB MINOR", 15),
    ("AB", 8),
    ("Dbmaj", 1),
    ("Cmaj", 0),
    ("e♭", 15),
    ("f♯", 18),
    ("E♭", 3),
    ("d", 14),
    ("D", 2),
    ("eb", 15),
    ("G#", 8),
    ("d/a", 14),  # alternatives: the first one
    ("e♭/g♯", 15),
    ("G/g", 7),
    ("g/G", 19),
    ("F♯m/Gb", 18),
    ("3A/6B", 22),
    ("off", None),
    ("", None),
    ("   ", None),
    ("/", None),
    ("?/Am", None),
    ("garbage", None),
    ("AM", None),
    ("13m", None),
    ("0A", None),
    ("Em7", None),
    ("1", None),
    ("H", None),
]


@pytest.mark.parametrize(("text", "value"), INFO_KEYS)
def test_parse_key_text(text: str, value: int | None) -> None:
    assert parse_key_text(text) == value


# --- properties -----------------------------------------------------------------------------------

values = st.integers(min_value=0, max_value=23)


@given(values)
def test_every_notation_round_trips(value: int) -> None:
    assert from_open_key(to_open_key(value)) == value
    assert from_camelot(to_camelot(value)) == value
    for flats in (None, True, False):
        spelling = to_musical(value, flats=flats)
        assert from_musical(spelling) == value
        assert parse_key_text(spelling) == value
    assert parse_key_text(to_open_key(value)) == value
    assert parse_key_text(to_camelot(value)) == value


@given(st.integers(min_value=1, max_value=12))
def test_same_number_is_the_relative_minor(number: int) -> None:
    """On both wheels the minor key with the major key's number is its relative minor (a minor third down)."""
    major, minor = from_open_key(f"{number}d"), from_open_key(f"{number}m")
    assert major < 12 <= minor
    assert (minor - 12) == (major + 9) % 12
    assert to_camelot(major)[:-1] == to_camelot(minor)[:-1]


@given(values)
def test_neighbours_on_the_wheel_are_a_fifth_apart(value: int) -> None:
    number = int(to_open_key(value)[:-1])
    mode = to_open_key(value)[-1]
    next_value = from_open_key(f"{number % 12 + 1}{mode}")
    assert next_value // 12 == value // 12
    assert (next_value - value) % 12 == 7


MAJOR_WORDS = st.sampled_from(["", "maj", "major", " Major"])
MINOR_WORDS = st.sampled_from(["m", "min", " minor", "MIN"])


@given(values, MAJOR_WORDS, MINOR_WORDS)
def test_quality_words(value: int, major_word: str, minor_word: str) -> None:
    root = to_musical(value % 12)
    word = minor_word if value >= 12 else major_word
    assert from_musical(root + word) == value
    if word:  # with a quality word the root's case does not matter
        assert from_musical(root.lower() + word) == value


@given(st.text(max_size=12))
def test_parse_key_text_never_raises(text: str) -> None:
    result = parse_key_text(text)
    assert result is None or 0 <= result <= 23


# --- against real collections ---------------------------------------------------------------------


def test_open_key_map_agrees_with_traktor(real_fixtures: Path) -> None:
    """For every MUSICAL_KEY value, the INFO KEY text Traktor's analysis wrote most often is our Open Key.

    A majority rather than every pair: users can retype INFO KEY, and the files hold a few such edits.
    """
    texts: defaultdict[int, Counter[str]] = defaultdict(Counter)
    for path in sorted(real_fixtures.glob("*.nml")):
        parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
        tree = etree.parse(str(path), parser)
        for entry in tree.iter("ENTRY"):
            info, musical_key = entry.find("INFO"), entry.find("MUSICAL_KEY")
            if info is None or musical_key is None:
                continue
            text, value = info.get("KEY"), musical_key.get("VALUE")
            if text and value is not None and text[-1] in "dm" and text[:-1].isdigit():
                texts[int(value)][text] += 1
    assert sorted(texts) == list(range(24)), "the fixtures hold Open Key texts for every key value"
    for value, counter in texts.items():
        (most_common, count), *_ = counter.most_common()
        assert most_common == to_open_key(value), (value, counter)
        assert count >= 5
        assert from_open_key(most_common) == value
