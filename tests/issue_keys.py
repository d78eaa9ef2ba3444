"""JSON keys the product promises word for word (``--json`` output, the web API); tests check the product
against these lists, written from the specification rather than from the code."""

from __future__ import annotations

#: The keys of ``harmony traktor sync --json``, in their documented order.
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
