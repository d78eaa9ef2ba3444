"""The rebuild job: a complete collection.nml written from Harmony's library alone, for when no copy is good.

Every library track becomes an entry with its fields and cue points, every playlist and folder is written with
its tree. It is the export planner run into an empty collection with the library's sync bases left out (no
base: nothing was "removed in Traktor", every track and playlist is new there), so it writes exactly what an
export writes for a new track. Traktor's own data that Harmony does not model (analysis, stripes, loudness…)
is not in the library and so not in the rebuilt file: Traktor analyses the tracks again.

The file goes through the safe write like an export: a backup of whatever it replaces, a temporary file read
back with the expected counts, then the swap. Nothing is recorded in the library: the next import of the
rebuilt file finds Harmony's own values there and changes nothing.
"""

from __future__ import annotations

import dataclasses
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from harmony.jobs.phases import PhaseClock, counting, sliced
from harmony.jobs.snapshots import read_export_snapshot
from harmony.library import open_reader
from harmony.nml import Collection, count_tracks_and_playlists
from harmony.nmlfile import SafeWriteError, retry_transient, write_collection
from harmony.progress import ProgressReporter
from harmony.sync import ExportOptions, ExportSnapshot, plan_export

__all__ = ["RebuildResult", "run_rebuild_job", "without_bases"]

log = logging.getLogger(__name__)

#: The NML version of a rebuilt collection (Traktor 3 and 4 both read it).
REBUILD_VERSION = 19


@dataclass(frozen=True, slots=True)
class RebuildResult:
    """What a rebuild wrote: the file, its counts, the backup of the file it replaced, what was left out."""

    nml_path: str
    tracks: int
    playlists: int
    cue_points: int
    backup_path: str | None
    skipped: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    seconds_per_phase: dict[str, float] = field(default_factory=dict)

    def summary(self) -> str:
        return f"Rebuilt {self.nml_path} from the library: {self.tracks:,} tracks, {self.playlists:,} playlists"

    def to_json(self, *, listed: int | None = None) -> dict[str, Any]:
        """Counts only: nothing here grows with the collection, so ``listed`` (the events' bound) cuts nothing."""
        return {
            "nml_path": self.nml_path,
            "tracks": self.tracks,
            "playlists": self.playlists,
            "cue_points": self.cue_points,
            "backup_path": self.backup_path,
            "skipped": list(self.skipped),
            "warnings": list(self.warnings),
            "summary": self.summary(),
            "seconds_per_phase": dict(self.seconds_per_phase),
        }


def without_bases(snapshot: ExportSnapshot) -> ExportSnapshot:
    """The library as if it had never been synced: no track, playlist or folder base, nothing deleted."""
    return ExportSnapshot(
        tracks=[dataclasses.replace(track, base=None, synced_version=None) for track in snapshot.tracks],
        folders=[dataclasses.replace(folder, base=None) for folder in snapshot.folders],
        playlists=[dataclasses.replace(playlist, base=None) for playlist in snapshot.playlists],
        version=snapshot.version,
    )


def run_rebuild_job(
    nml_path: str,
    library_path: str,
    options: ExportOptions,
    replace: bool = False,
    keep_backups: int = 10,
    force: bool = False,
    *,
    progress: ProgressReporter | None = None,
) -> RebuildResult:
    """Write a new collection at ``nml_path`` from the library at ``library_path``.

    An existing file is replaced only with ``replace`` (and backed up first); Traktor running refuses unless
    ``force``, as for an export."""
    clock = PhaseClock(progress)
    path = Path(nml_path)
    if path.exists() and not replace:
        raise SafeWriteError("check unchanged", f"{path} already exists; give --replace to write over it")
    clock("building", 0.0, "Loading Harmony data...")
    reading = counting(clock, "building", 0.0, 40.0, "Loading Harmony tracks...")
    with open_reader(Path(library_path)) as reader:
        snapshot = without_bases(read_export_snapshot(reader, reading))
    collection = Collection.new(REBUILD_VERSION)
    planned = plan_export(collection, snapshot, options, clock)
    del snapshot
    counts = count_tracks_and_playlists(collection)
    stats = planned.report.stats
    clock("writing", 75.0, f"Writing {path.name}...")
    output = list(collection.chunks())
    del collection
    result = retry_transient(
        lambda: write_collection(
            path,
            output,
            expected=None,
            backup=True,
            keep=keep_backups,
            force=force,
            expected_counts=counts,
            progress=sliced(clock, 75.0, 95.0),
        )
    )
    log.info("rebuilt %s from %s: %d tracks, %d playlists", path, library_path, *counts)
    return RebuildResult(
        nml_path=str(path),
        tracks=counts[0],
        playlists=counts[1],
        cue_points=stats.cue_points_added,
        backup_path=None if result.backup_path is None else str(result.backup_path),
        skipped=tuple(f"{item.key}: {item.reason}" for item in planned.report.skipped),
        warnings=tuple(result.warnings),
        seconds_per_phase=clock.stop(),
    )
