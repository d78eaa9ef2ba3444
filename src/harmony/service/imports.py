"""What an import is asked to do (:class:`ImportRequest`) and what it did (:class:`ImportOutcome`)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, cast

from harmony.errors import SyncError
from harmony.library import TraktorSettings
from harmony.nml import CollectionPathError, check_collection_path
from harmony.sync import (
    CUE_STRATEGIES,
    STRATEGIES,
    CueStrategy,
    ImportReport,
    ImportStats,
    PathMapping,
    Strategy,
    SyncOptions,
    merged_mappings,
)

__all__ = ["ImportOutcome", "ImportRequest", "resolve_nml_path", "stored_mappings"]


@dataclass(frozen=True, slots=True)
class ImportRequest:
    """An import (or preview) as the DJ asked for it; anything left None comes from the settings.

    ``path_mappings`` (``NML_PREFIX=LOCAL`` texts, or ``(prefix, folder)`` pairs when a side may hold ``=``)
    are used together with the configured ones; for the same
    NML prefix the request's mapping wins."""

    nml_path: str | None = None
    strategy: str | None = None
    cue_strategy: str | None = None
    path_mappings: tuple[str | tuple[str, str], ...] = ()
    #: Let the import remove more than a fifth of the library's tracks or playlists (see harmony.sync.removals).
    allow_mass_removal: bool = False

    def check(self) -> ImportRequest:
        """Return self, or raise :class:`SyncError` for a bad strategy or mapping (before any work starts)."""
        if self.strategy is not None and self.strategy not in STRATEGIES:
            raise SyncError(f"Unknown strategy {self.strategy!r}; choose one of {', '.join(STRATEGIES)}.")
        if self.cue_strategy is not None and self.cue_strategy not in CUE_STRATEGIES:
            raise SyncError(f"Unknown cue strategy {self.cue_strategy!r}; choose one of {', '.join(CUE_STRATEGIES)}.")
        for given in self.path_mappings:
            request_mapping(given)
        return self

    def anchored(self) -> ImportRequest:
        """This request, checked, with each mapping's local folder made absolute against the current folder and
        the home folder (a ``--map`` typed in a shell). The workers, and the web app that later syncs with the
        remembered mapping, run from other folders, where ``./Music`` named nothing: every track went missing."""
        self.check()
        pairs: list[str | tuple[str, str]] = []
        for given in self.path_mappings:
            mapping = request_mapping(given)
            if Path(mapping.local_prefix).is_absolute():
                pairs.append(given)
                continue
            try:  # "~/Music" too: nothing after the shell expands it
                local = Path(mapping.local_prefix).expanduser().absolute()
            except RuntimeError as error:  # "~name" for a user that does not exist
                raise SyncError(f"Cannot use the local folder of path mapping {str(mapping)!r}: {error}.") from None
            pairs.append((mapping.nml_prefix, str(local)))
        return replace(self, path_mappings=tuple(pairs))

    def given_mappings(self) -> list[PathMapping]:
        """This request's own mappings, in the order given."""
        return [request_mapping(given) for given in self.path_mappings]

    def mappings_to_missing_folders(self) -> list[PathMapping]:
        """This request's mappings whose local folder is not here (a typo, a drive not plugged in): every track
        under them will be marked missing."""
        return [mapping for mapping in self.given_mappings() if not Path(mapping.local_prefix).is_dir()]

    def options(self, settings: TraktorSettings) -> SyncOptions:
        """The planner's options: this request over the stored settings."""
        self.check()
        return SyncOptions(
            strategy=cast(Strategy, self.strategy or settings.track_strategy),
            cue_strategy=cast(CueStrategy, self.cue_strategy or settings.cue_strategy),
            path_mappings=tuple(self.mappings(settings)),
        )

    def mappings(self, settings: TraktorSettings) -> list[PathMapping]:
        """The mappings an import of this request uses: the stored ones with this request's over them."""
        return merged_mappings(stored_mappings(settings), self.given_mappings())


def stored_mappings(settings: TraktorSettings) -> list[PathMapping]:
    """The path mappings the settings hold, as the planner takes them."""
    return [PathMapping.of(prefix, local) for prefix, local in settings.path_mappings]


def request_mapping(given: str | tuple[str, str]) -> PathMapping:
    """A mapping of a request: an ``NML_PREFIX=LOCAL`` text (split at its ``=``) or a ``(prefix, folder)`` pair."""
    return PathMapping.parse(given) if isinstance(given, str) else PathMapping.of(*given)


@dataclass(frozen=True, slots=True)
class ImportOutcome:
    """The result of an import or a preview: the report (what the plan does), its statistics with the time
    per phase, and whether it was applied (a preview or a dry run is not)."""

    report: ImportReport
    applied: bool
    library_version: int | None = None
    nml_path: str = ""

    @property
    def stats(self) -> ImportStats:
        return self.report.stats

    def with_seconds(self, seconds_per_phase: dict[str, float]) -> ImportOutcome:
        stats = replace(self.report.stats, seconds_per_phase=dict(seconds_per_phase))
        return replace(self, report=replace(self.report, stats=stats))

    def summary(self) -> str:
        """The seed's one line: "Imported 15 tracks, Updated 3 tracks, 32 cue points, …" or "No changes
        needed"; for a plan not applied (a preview), what would happen: "Would import 15 tracks, …"."""
        return self.stats.summary(preview=not self.applied)

    def to_json(self, *, listed: int | None = None) -> dict[str, Any]:
        """The statistics with exactly the keys of ``harmony traktor sync --json``, plus ``tracks_matched``
        (library tracks an entry matched), ``tracks_removed``
        and ``playlists_removed`` (removed in Traktor since the last sync), ``files_not_found`` (imported
        tracks whose file is missing), ``files_lost`` and ``files_found`` (library tracks marked missing, or
        found again, by this import), ``conflicts_total``, ``summary``, ``applied``, ``nml_path`` and
        ``library_version``. With ``listed``, ``conflicts`` and ``missing_files`` hold at most that many items
        (``conflicts_total`` and ``files_not_found`` count them all)."""
        return {
            **self.stats.to_json(listed=listed),
            "conflicts_total": len(self.stats.conflicts),
            "tracks_matched": self.stats.tracks_matched,
            "tracks_removed": self.stats.tracks_removed,
            "playlists_removed": self.stats.playlists_removed,
            "files_not_found": len(self.stats.missing_files),
            "files_lost": self.stats.files_lost,
            "files_found": self.stats.files_found,
            "summary": self.summary(),
            "applied": self.applied,
            "nml_path": self.nml_path,
            "library_version": self.library_version,
        }


def resolve_nml_path(requested: str | None, settings: TraktorSettings) -> Path:
    """The collection to use: the one asked for, else the configured one, else the newest Traktor's.
    Raises :class:`~harmony.nml.source.CollectionPathError` for a path that can never be a collection file."""
    if requested:
        try:
            path = Path(requested).expanduser().absolute()
        except RuntimeError as error:  # "~name" for a user that does not exist
            raise SyncError(f"Cannot use the collection path {requested!r}: {error}.") from None
    else:
        from harmony.nmlfile import default_nml_path

        try:
            path = default_nml_path(settings.nml_path)
        except SyncError as error:  # none configured and none found: a collection that is not there
            raise CollectionPathError(str(error), "missing") from None
    # A path the OS refuses, or a folder, a device, a FIFO: the DJ's error, said now rather than by a worker.
    # A file that does not exist yet is said by the operation itself (it may be created meanwhile).
    return check_collection_path(path, must_exist=False)
