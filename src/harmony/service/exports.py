"""What an export is asked to do (:class:`ExportRequest`) and what it did (:class:`ExportOutcome`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, cast

from harmony.errors import SyncError
from harmony.library import TraktorSettings
from harmony.service.imports import ImportRequest, request_mapping
from harmony.sync import STRATEGIES, ExportOptions, ExportReport, Strategy

__all__ = ["ExportOutcome", "ExportRequest"]


@dataclass(frozen=True, slots=True)
class ExportRequest:
    """An export as the DJ asked for it; anything left None comes from the settings.

    ``backup`` None follows the ``auto_backup`` setting; ``force`` writes even while Traktor runs (with a
    warning); ``dry_run`` plans and writes nothing."""

    nml_path: str | None = None
    strategy: str | None = None
    path_mappings: tuple[str | tuple[str, str], ...] = ()
    backup: bool | None = None
    force: bool = False
    dry_run: bool = False

    def check(self) -> ExportRequest:
        """Return self, or raise :class:`SyncError` for a bad strategy or mapping (before any work starts)."""
        if self.strategy is not None and self.strategy not in STRATEGIES:
            raise SyncError(f"Unknown strategy {self.strategy!r}; choose one of {', '.join(STRATEGIES)}.")
        for given in self.path_mappings:
            request_mapping(given)
        return self

    def options(self, settings: TraktorSettings) -> ExportOptions:
        """The export planner's options: this request over the stored settings (mappings as for an import)."""
        self.check()
        mappings = ImportRequest(path_mappings=self.path_mappings).options(settings).path_mappings
        return ExportOptions(strategy=cast(Strategy, self.strategy or settings.track_strategy), path_mappings=mappings)

    def import_request(self) -> ImportRequest:
        """The import to run first when Traktor changed the file since the export read it."""
        return ImportRequest(nml_path=self.nml_path, strategy=self.strategy, path_mappings=self.path_mappings)


@dataclass(frozen=True, slots=True)
class ExportOutcome:
    """The result of an export: the report (what changed in the NML, entry by entry), the backup made, whether
    the file was written, and the time per phase."""

    report: ExportReport
    written: bool
    dry_run: bool
    backup_path: str | None = None
    nml_path: str = ""
    warnings: tuple[str, ...] = ()
    seconds_per_phase: dict[str, float] = field(default_factory=dict)

    def summary(self) -> str:
        """The one line of what the export wrote, or for a dry run what it would write ("Would export …")."""
        return self.report.stats.summary(would=self.dry_run)

    @property
    def nothing_to_export(self) -> bool:
        """True when the export has nothing to write: no entry to add, change or remove, no cue point, playlist
        or folder to write."""
        report, stats = self.report, self.report.stats
        counts = (
            stats.tracks_exported,
            stats.tracks_added,
            stats.tracks_removed,
            stats.playlists_exported,
            stats.folders_exported,
            stats.cue_points_added,
            stats.cue_points_updated,
            stats.cue_points_removed,
        )
        return not (any(counts) or report.added or report.changed or report.removed or report.playlist_changes)

    def to_json(self, *, listed: int | None = None) -> dict[str, Any]:
        """``tracks_exported``, ``tracks_added``, ``tracks_removed``, ``playlists_exported``, ``backup_path``,
        ``seconds_per_phase``, then the report's other figures, ``summary``, ``nothing_to_export``, ``left_out``
        (how many entries, playlists or folders the export left out, wholly or in part: the report says why),
        ``written``, ``dry_run``, ``nml_path``, ``warnings`` and ``conflicts_total``; ``conflicts`` holds at most
        ``listed`` of them when given."""
        stats = self.report.stats.to_json(listed=listed)
        return {
            "tracks_exported": stats.pop("tracks_exported"),
            "tracks_added": stats.pop("tracks_added"),
            "tracks_removed": stats.pop("tracks_removed"),
            "playlists_exported": stats.pop("playlists_exported"),
            "backup_path": self.backup_path,
            "seconds_per_phase": dict(self.seconds_per_phase),
            **stats,
            "summary": self.summary(),
            "nothing_to_export": self.nothing_to_export,
            "left_out": len(self.report.skipped),
            "written": self.written,
            "dry_run": self.dry_run,
            "nml_path": self.nml_path,
            "warnings": list(self.warnings),
            "conflicts_total": len(self.report.stats.conflicts),
        }
