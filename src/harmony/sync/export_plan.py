"""The export planner: the library's state into a loaded collection, through the NML edit API, three ways.

Pure: it edits the :class:`~harmony.nml.Collection` it is given in memory and returns what it did (no file, no
database, no process). The worker that calls it reads the file, writes it back safely and records the new bases
(``Library.record_export``); a dry run calls it the same way and only shows the report, so what the dry run says
is exactly what the written file holds.

Semantics (see ``docs/sync.md``, "Sync semantics"): the mirror image of the import, with the same
identities and the same winner for every conflict, so an import right after an export plans nothing and an
export right after an import changes nothing:

- tracks: :mod:`harmony.sync.export_tracks` (fields, cues, new entries, entries of deleted tracks);
- playlists and folders: :mod:`harmony.sync.export_playlists`;
- entries, nodes and values nobody changed stay untouched, byte for byte, ``MODIFIED_*`` stamps included.

Progress uses the original app's export phases. ``building`` covers 40–70 %: library tracks compared with
their bases 40–46 %, the collection streamed when files must be matched 46–52 %, entries written 52–60 %, new
entries 60–65 % (each reported at least every 2 % of its items), playlists 65–70 %. ``parsing`` (0–20 %),
``writing`` (75–95 %) and ``complete`` (100 %) are the worker's.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

from harmony.library import BaseUpdates
from harmony.nml import Collection
from harmony.progress import ProgressReporter
from harmony.sync.export_inputs import ExportOptions, ExportSnapshot
from harmony.sync.export_playlists import export_playlists
from harmony.sync.export_report import ExportReport, ExportStats
from harmony.sync.export_tracks import TrackExporter
from harmony.sync.paths import PathResolver
from harmony.sync.ticker import Ticker
from harmony.words import plural

log = logging.getLogger(__name__)

__all__ = ["EXPORT_PHASE_SPANS", "PlannedExport", "plan_export"]

#: The share of the whole export's progress (percent, from, to) each part of the ``building`` phase covers.
EXPORT_PHASE_SPANS: Final[Mapping[str, tuple[float, float]]] = {
    "checking": (40.0, 46.0),
    "matching": (46.0, 52.0),
    "entries": (52.0, 60.0),
    "new entries": (60.0, 65.0),
    "playlists": (65.0, 70.0),
}
_MESSAGES: Final[Mapping[str, str]] = {
    "checking": "Comparing tracks with the last sync",
    "matching": "Finding tracks in the collection",
    "entries": "Updating entries",
    "new entries": "Adding new entries",
}


@dataclass(frozen=True, slots=True)
class PlannedExport:
    """What an export did to the collection: the report (the dry run's diff), the new sync bases to record
    with ``Library.record_export``, and whether the collection changed at all (False: nothing to write)."""

    report: ExportReport
    bases: BaseUpdates
    changed: bool

    @property
    def stats(self) -> ExportStats:
        return self.report.stats


class _Steps:
    """Turns the track export's step reports into ``building`` progress, one ticker per step."""

    def __init__(self, progress: ProgressReporter | None) -> None:
        self.progress = progress
        self.tickers: dict[str, Ticker] = {}

    def __call__(self, step: str, done: int, total: int, item: str) -> None:
        ticker = self.tickers.get(step)
        if ticker is None or ticker.total != total:
            ticker = self.tickers[step] = Ticker(
                self.progress, "building", EXPORT_PHASE_SPANS[step], total, _MESSAGES[step]
            )
        ticker.tick(done, item)


def plan_export(
    collection: Collection,
    library: ExportSnapshot,
    options: ExportOptions | None = None,
    progress: ProgressReporter | None = None,
) -> PlannedExport:
    """Export ``library`` into ``collection`` in place (see the module doc) and say what changed."""
    options = options or ExportOptions()
    was_changed = collection.changed
    say: ProgressReporter = progress or _silent
    say("building", EXPORT_PHASE_SPANS["checking"][0], "Building export data...", None)
    resolver = PathResolver(options.platform, options.path_mappings, startup_volume=options.startup_volume)
    tracks = TrackExporter(collection, library, options, resolver)

    steps = _Steps(progress)
    tracks.entries(steps)
    exported = len(tracks.out.changed)
    say("building", EXPORT_PHASE_SPANS["entries"][1], f"Updated {plural(exported, 'track')}", None)
    tracks.new_entries(steps)
    tracks.removals()

    start, end = EXPORT_PHASE_SPANS["playlists"]
    has_lists = bool(library.playlists or library.folders or library.unlinked_playlist_bases)
    say("building", start, "Merging playlists..." if has_lists else "No playlists to merge", None)
    playlists = export_playlists(
        collection,
        library.folders,
        library.playlists,
        library.unlinked_playlist_bases,
        library.unlinked_folder_bases,
        tracks.key_of_track,
        options.strategy,
        left_with_their_tracks=frozenset(entry.key for entry in tracks.out.removed),
    )
    exported_playlists = len(playlists.playlists_touched)
    say("building", end, f"Merged {exported_playlists} playlists" if has_lists else "No playlists to merge", None)

    out = tracks.out
    fields: Counter[str] = Counter()
    for change in out.changed:
        fields.update(f.field for f in change.fields)
    stats = ExportStats(
        tracks_exported=len(out.changed),
        tracks_added=len(out.added),
        tracks_removed=len(out.removed),
        playlists_exported=exported_playlists,
        folders_exported=len(playlists.folders_touched),
        playlists_removed=sum(1 for c in playlists.changes if c.kind == "delete" and c.node != "folder"),
        folders_removed=sum(1 for c in playlists.changes if c.kind == "delete" and c.node == "folder"),
        cue_points_added=out.cues_added,
        cue_points_updated=out.cues_updated,
        cue_points_removed=out.cues_removed,
        fields_exported=dict(fields),
        conflicts=(*out.conflicts, *playlists.conflicts),
    )
    report = ExportReport(
        stats=stats,
        added=tuple(out.added),
        changed=tuple(out.changed),
        removed=tuple(out.removed),
        playlist_changes=tuple(playlists.changes),
        duplicates=(*tracks.library_duplicates, *out.duplicates),
        skipped=(*out.skipped, *playlists.skipped),
    )
    bases = BaseUpdates(
        tracks=tuple(out.base_sets),
        track_deletes=tuple(out.base_deletes),
        playlists=tuple(playlists.playlist_bases),
        playlist_deletes=tuple(playlists.playlist_base_deletes),
        folders=tuple(playlists.folder_bases),
        folder_deletes=tuple(playlists.folder_base_deletes),
    )
    # A collection edited before the call (by the caller) counts only what this export did.
    changed = _did_anything(stats) if was_changed else collection.changed
    log.info("planned export: %s", stats.summary())
    return PlannedExport(report, bases, changed)


def _silent(phase: str, percent: float, message: str, current_item: str | None = None) -> None:
    """The progress callback when nobody listens."""


def _did_anything(stats: ExportStats) -> bool:
    return any(
        (
            stats.tracks_exported,
            stats.tracks_added,
            stats.tracks_removed,
            stats.playlists_exported,
            stats.folders_exported,
        )
    )
