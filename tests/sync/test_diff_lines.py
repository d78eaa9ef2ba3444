"""The readable diff's lines for entries left out or naming one file: paths as a DJ reads them."""

from __future__ import annotations

from harmony.sync.diff_lines import duplicates_and_skipped
from harmony.sync.report import DuplicateEntry, SkippedEntry


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
