"""The import summary in plain words: plurals, the preview in the future tense, playlists counted as the
collection's badges count them (smart lists apart)."""

from __future__ import annotations

from harmony.sync.report import ImportStats
from harmony.words import plural


def test_plurals_read_naturally() -> None:
    assert plural(1, "track") == "1 track"
    assert plural(0, "cue point") == "0 cue points"
    assert plural(20000, "track") == "20,000 tracks"


def test_a_done_import_speaks_in_the_past() -> None:
    stats = ImportStats(tracks_imported=1, tracks_updated=2, cue_points_added=1, playlists_imported=1)
    assert stats.summary() == "Imported 1 track, Updated 2 tracks, 1 cue point, Imported 1 playlist"


def test_a_verb_is_said_once_for_the_counts_that_follow_it() -> None:
    first = ImportStats(
        tracks_imported=100_000, cue_points_added=320_962, playlists_imported=509, smart_lists_imported=6
    )
    assert first.summary() == "Imported 100,000 tracks, 320,962 cue points, 503 playlists, 6 smart lists"
    updates = ImportStats(tracks_updated=2, playlists_updated=1, files_lost=1)
    assert updates.summary() == "Updated 2 tracks, 1 playlist, 1 file no longer found"
    only_playlists = ImportStats(playlists_imported=2, playlists_updated=1)
    assert only_playlists.summary() == "Imported 2 playlists, Updated 1 playlist"


def test_a_preview_speaks_in_the_future_and_counts_like_the_badges() -> None:
    stats = ImportStats(tracks_imported=20000, cue_points_added=4000, playlists_imported=106, smart_lists_imported=3)
    assert stats.summary(preview=True) == "Would import 20,000 tracks, 103 playlists, 3 smart lists; 4,000 cue points"
    updates = ImportStats(tracks_updated=1, tracks_removed=2, cue_points_updated=1)
    assert updates.summary(preview=True) == "Would update 1 track; remove 2 tracks; 1 cue point"
    assert ImportStats().summary(preview=True) == "No changes needed"


def test_a_new_track_line_counts_its_cue_points_naturally() -> None:
    from harmony.sync.diff_lines import new_line

    assert new_line("DJ", "One", 1, "/m/1.mp3") == "  + DJ - One (1 cue point) /m/1.mp3"
    assert new_line("DJ", "Two", 2, "/m/2.mp3") == "  + DJ - Two (2 cue points) /m/2.mp3"
