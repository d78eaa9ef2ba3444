"""The export's one-line summary: past tense for an export, future tense for a preview (a dry run)."""

from __future__ import annotations

import pytest

from harmony.sync import ExportReport, ExportStats
from harmony.sync.report import Conflict


def _conflict(winner: str) -> Conflict:
    return Conflict("/music/a.mp3", "title", "'Mine'", "'Theirs'", "'Old'", winner, "smart_merge")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("stats", "done", "preview"),
    [
        (ExportStats(), "No changes needed", "No changes needed"),
        (ExportStats(tracks_exported=1), "Exported 1 track", "Would export 1 track"),
        (
            ExportStats(tracks_exported=3, tracks_added=2, cue_points_added=4, playlists_exported=1),
            "Exported 3 tracks, Added 2 tracks, Exported 1 playlist, 4 cue points",
            "Would export 3 tracks, add 2 tracks, export 1 playlist, 4 cue points",
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
