"""The export's one-line summary: past tense for an export, future tense for a preview (a dry run)."""

from __future__ import annotations

import pytest

from harmony.sync import ExportReport, ExportStats


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
    ],
)
def test_the_summary_speaks_in_the_past_or_the_future(stats: ExportStats, done: str, preview: str) -> None:
    assert stats.summary() == done
    assert stats.summary(would=True) == preview
    report = ExportReport(stats=stats)
    assert report.lines()[-1] == done and report.lines(would=True)[-1] == preview
