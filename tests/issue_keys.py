"""JSON keys the issues name word for word; tests check the product against these lists, written from the
issue texts rather than from the code."""

from __future__ import annotations

#: Issue 5: the keys of ``harmony traktor sync --json``, in the issue's order.
IMPORT_STATS_KEYS = [
    "tracks_processed",
    "tracks_updated",
    "tracks_imported",
    "cue_points_added",
    "cue_points_updated",
    "cue_points_removed",
    "playlists_imported",
    "playlists_updated",
    "fields_updated",
    "conflicts",
    "missing_files",
    "seconds_per_phase",
]
