"""The readable diff's lines: entries left out or naming one file by paths as a DJ reads them; keys as keys."""

from __future__ import annotations

import pytest

from harmony.sync.diff_lines import change_lines, duplicates_and_skipped, worth_a_line
from harmony.sync.path_suggestions import readable_key
from harmony.sync.report import DuplicateEntry, FieldChange, SkippedEntry


def test_the_diff_names_entries_by_readable_paths() -> None:
    out: list[str] = []
    duplicates_and_skipped(
        out,
        [DuplicateEntry("/m/Sunrise.mp3", ("C:/:Music/:Sunrise.mp3", "E:/:Music/:Sunrise.mp3"))],
        [
            SkippedEntry("C:/:Music/:Afro/:", "file name '' is not a valid file name"),
            SkippedEntry("C:/:Music/:a.m4a", "values the library cannot hold: ranking=9999", whole=False),
        ],
    )
    assert out == [
        "Entries naming the same file (1):",
        "  = /m/Sunrise.mp3: C:/Music/Sunrise.mp3, E:/Music/Sunrise.mp3",
        "Left out (1):",
        "  - C:/Music/Afro/: file name '' is not a valid file name",
        "Partly left out (1):",
        "  - C:/Music/a.m4a: values the library cannot hold: ranking=9999",
    ]


@pytest.mark.parametrize(
    ("key", "shown"),
    [
        ("D:/:Traktor_Library/:Neosignal/:Phace_-_Brainwave.aif", "D:/Traktor_Library/Neosignal/Phace_-_Brainwave.aif"),
        ("Macintosh HD/:Users/:a///:x//y.mp3", "Macintosh HD/Users/a:/x:y.mp3"),  # "//" is a ":" in a name
        ("C:/:top.mp3", "C:/top.mp3"),
        # Not a track key: as it is.
        ("track@https://example.com/stream", "track@https://example.com/stream"),
        ("/home/dj/:odd/a.mp3", "/home/dj/:odd/a.mp3"),  # a local path with a folder named ":odd"
        ("C:/:a/b/:x.mp3", "C:/:a/b/:x.mp3"),  # a folder name holding "/": a malformed DIR, left alone
    ],
)
def test_readable_key(key: str, shown: str) -> None:
    assert readable_key(key) == shown


def test_a_musical_key_change_reads_as_keys_beside_traktors_numbers() -> None:
    assert str(FieldChange("musical_key", None, 22)) == "musical_key: (empty) → 22 (Bbm, 8m)"
    assert str(FieldChange("musical_key", 0, 21)) == "musical_key: 0 (C, 1d) → 21 (Am, 1m)"
    assert str(FieldChange("musical_key", 99, None)) == "musical_key: 99 → (empty)"  # no key: as it is
    assert str(FieldChange("bpm", 120.0, 121.5)) == "bpm: 120.0 → 121.5"


def test_a_value_traktor_stores_twice_has_one_line_when_both_halves_change() -> None:
    """The NML's form of a value (``bpm_text``, ``key_text``, ``ranking``) repeats what its edited half says;
    alone, it is the only line that says the change."""
    both = [
        FieldChange("bpm", 120.0, 126.927692),
        FieldChange("bpm_text", "120", "126.927692"),
        FieldChange("musical_key", 0, 21),
        FieldChange("key_text", "1d", "1m"),
        FieldChange("rating", 3, 4),
        FieldChange("ranking", 153, 204),
        FieldChange("title", "A", "B"),
    ]
    assert change_lines("Artist - Track", both, ()) == [
        "  ~ Artist - Track",
        "      bpm: 120.0 → 126.927692",
        "      musical_key: 0 (C, 1d) → 21 (Am, 1m)",
        "      rating: 3 → 4",
        "      title: 'A' → 'B'",
    ]
    alone = [FieldChange("bpm_text", "126.93", "126.927692"), FieldChange("key_text", None, "Am")]
    assert worth_a_line(alone) == alone
