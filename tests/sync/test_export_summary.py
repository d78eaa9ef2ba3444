"""The export's one-line summary: past tense for an export, future tense for a preview (a dry run)."""

from __future__ import annotations

import pytest

from harmony.sync import ExportReport, ExportStats
from harmony.sync.report import Conflict, entries_said


def _conflict(winner: str) -> Conflict:
    return Conflict("/music/a.mp3", "title", "'Mine'", "'Theirs'", "'Old'", winner, "smart_merge")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("stats", "done", "preview"),
    [
        (ExportStats(), "No changes needed", "No changes needed"),
        (ExportStats(tracks_exported=1), "Exported 1 track", "Would export 1 track"),
        (
            ExportStats(tracks_exported=3, tracks_added=2, cue_points_added=4, playlists_exported=1),
            "Exported 3 tracks, Added 2 tracks, 4 cue points, Exported 1 playlist",  # the cue points after the tracks
            "Would export 3 tracks, add 2 tracks, 4 cue points, export 1 playlist",
        ),
        (
            # Playlists and folders deleted are said apart: "export 3 playlists" read as three refilled.
            ExportStats(playlists_exported=3, playlists_removed=2, folders_exported=1, folders_removed=1),
            "Exported 1 playlist, Removed 2 playlists, Removed 1 folder",
            "Would export 1 playlist, remove 2 playlists, remove 1 folder",
        ),
        (
            ExportStats(tracks_removed=2, folders_exported=1),
            "Removed 2 tracks, Exported 1 folder",
            "Would remove 2 tracks, export 1 folder",
        ),
        (
            ExportStats(conflicts=(_conflict("traktor"),)),
            "1 conflict: Traktor's kept",
            "1 conflict: Traktor's to keep",
        ),
        (
            ExportStats(playlists_exported=1, conflicts=(_conflict("both"),)),
            "Exported 1 playlist; 1 conflict: both merged",
            "Would export 1 playlist; 1 conflict: both to merge",
        ),
        (
            ExportStats(
                tracks_exported=1, conflicts=(_conflict("harmony"), _conflict("traktor"), _conflict("harmony"))
            ),
            "Exported 1 track; 3 conflicts: Harmony's kept for 2, Traktor's kept for 1",
            "Would export 1 track; 3 conflicts: Harmony's to keep for 2, Traktor's to keep for 1",
        ),
    ],
)
def test_the_summary_speaks_in_the_past_or_the_future(stats: ExportStats, done: str, preview: str) -> None:
    assert stats.summary() == done
    assert stats.summary(would=True) == preview
    report = ExportReport(stats=stats)
    assert report.lines()[-1] == done and report.lines(would=True)[-1] == preview


@pytest.mark.parametrize(
    ("before", "after", "said"),
    [
        ("abc", "abc", ""),
        ("abc", "abcde", "+2 −0 entries"),
        ("abc", "ac", "+0 −1 entries"),
        ("abc", "cba", "order of entries"),
        ("abc", "cbad", "+1 −0 entries, reordered"),  # added and reordered: both said
        ("abc", "dcb", "+1 −1 entries, reordered"),
        ("abca", "abcaa", "+1 −0 entries"),  # a track held twice, added again at the end: nothing moved
        ("aab", "aba", "order of entries"),
        ("aba", "ba", "+0 −1 entries"),  # the first copy of a went: nothing moved
        ("abca", "bca", "+0 −1 entries"),
        ("ab", "bab", "+1 −0 entries"),  # a copy of b added first: nothing moved
        ("abc", "bca", "order of entries"),
    ],
)
def test_a_playlists_entries_are_said_with_their_order(before: str, after: str, said: str) -> None:
    assert entries_said(list(before), list(after)) == said
