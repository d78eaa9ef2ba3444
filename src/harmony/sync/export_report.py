"""What an export does to the NML, for people: the statistics (the promised JSON keys) and the dry run's diff.

The export planner fills an :class:`ExportReport` from the same decisions it applies to the collection, so the
dry run says exactly what the written file holds: entry by entry, field by field, cue by cue, and node by node
for the playlist tree.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from harmony.sync.diff_lines import change_lines, duplicates_and_skipped, new_line, section, tree_and_conflicts
from harmony.sync.path_suggestions import readable_key
from harmony.sync.report import (
    Conflict,
    CueChange,
    DuplicateEntry,
    FieldChange,
    PlaylistChange,
    SkippedEntry,
    first,
    with_conflicts,
)
from harmony.words import plural

__all__ = ["EntryAdded", "EntryChange", "EntryRemoved", "ExportReport", "ExportStats"]


@dataclass(frozen=True, slots=True)
class EntryChange:
    """An existing NML entry the export edits: NML fields (old → new) and cues added, changed or removed."""

    key: str
    title: str | None
    fields: tuple[FieldChange, ...] = ()
    cues: tuple[CueChange, ...] = ()


@dataclass(frozen=True, slots=True)
class EntryAdded:
    """A new NML entry for a library track Traktor does not have yet."""

    key: str
    title: str | None
    artist: str | None
    cues: int


@dataclass(frozen=True, slots=True)
class EntryRemoved:
    """An NML entry removed because its track was deleted in Harmony since the last sync."""

    key: str
    title: str | None


@dataclass(frozen=True, slots=True)
class ExportStats:
    """The export's numbers. ``to_json()`` has the keys of ``harmony traktor export --json`` (``backup_path`` and
    ``seconds_per_phase`` are the writer's and the service's) plus the details of what changed."""

    tracks_exported: int = 0  # existing entries changed
    tracks_added: int = 0
    tracks_removed: int = 0
    playlists_exported: int = 0  # playlists and smart lists created, renamed, moved, refilled or deleted
    folders_exported: int = 0  # folders created, renamed, moved or deleted
    playlists_removed: int = 0  # of playlists_exported: those deleted
    folders_removed: int = 0  # of folders_exported: those deleted
    cue_points_added: int = 0
    cue_points_updated: int = 0
    cue_points_removed: int = 0
    fields_exported: Mapping[str, int] = field(default_factory=dict)  # NML field -> entries where it changed
    conflicts: tuple[Conflict, ...] = ()

    def to_json(self, *, listed: int | None = None) -> dict[str, Any]:
        """The figures; with ``listed``, at most that many conflicts (as :meth:`ImportStats.to_json`)."""
        return {
            "tracks_exported": self.tracks_exported,
            "tracks_added": self.tracks_added,
            "tracks_removed": self.tracks_removed,
            "playlists_exported": self.playlists_exported,
            "folders_exported": self.folders_exported,
            "playlists_removed": self.playlists_removed,
            "folders_removed": self.folders_removed,
            "cue_points_added": self.cue_points_added,
            "cue_points_updated": self.cue_points_updated,
            "cue_points_removed": self.cue_points_removed,
            "fields_exported": dict(sorted(self.fields_exported.items())),
            "conflicts": [conflict.to_json() for conflict in first(self.conflicts, listed)],
        }

    def summary(self, *, would: bool = False) -> str:
        """One line: ``Exported 3 tracks, Added 2 tracks, Removed 1 track, 4 cue points, Exported 2
        playlists, Removed 1 playlist``, or ``No changes needed``; ``would`` (a preview) speaks in the future:
        ``Would export 3 tracks, add 2 tracks, …``. Playlists and folders deleted are said apart from those
        written: "Would export 2 playlists" for two deletions read as two playlists refilled."""
        cues = self.cue_points_added + self.cue_points_updated + self.cue_points_removed
        parts = [
            f"{future if would else past} {plural(count, noun)}" if past else plural(count, noun)
            for count, past, future, noun in (
                (self.tracks_exported, "Exported", "export", "track"),
                (self.tracks_added, "Added", "add", "track"),
                (self.tracks_removed, "Removed", "remove", "track"),
                (cues, "", "", "cue point"),  # the tracks' cue points, after the tracks
                (self.playlists_exported - self.playlists_removed, "Exported", "export", "playlist"),
                (self.playlists_removed, "Removed", "remove", "playlist"),
                (self.folders_exported - self.folders_removed, "Exported", "export", "folder"),
                (self.folders_removed, "Removed", "remove", "folder"),
            )
            if count
        ]
        line = ("Would " if would else "") + ", ".join(parts) if parts else ""
        return with_conflicts(line, self.conflicts, would=would)


@dataclass(frozen=True, slots=True)
class ExportReport:
    """The dry run's diff of an export, and its statistics."""

    stats: ExportStats
    added: tuple[EntryAdded, ...] = ()
    changed: tuple[EntryChange, ...] = ()
    removed: tuple[EntryRemoved, ...] = ()
    playlist_changes: tuple[PlaylistChange, ...] = ()
    duplicates: tuple[DuplicateEntry, ...] = ()
    skipped: tuple[SkippedEntry, ...] = ()

    @property
    def conflicts(self) -> tuple[Conflict, ...]:
        return self.stats.conflicts

    def lines(self, *, would: bool = False) -> list[str]:
        """The diff as plain text lines, section by section (empty sections left out), then the summary (in the
        future tense when ``would``: a preview)."""
        out: list[str] = []
        added, changed, removed = self.added, self.changed, self.removed
        # An entry is named by its file as a DJ reads a path ("C:/Users/me/a.mp3"), not by its key's "/:".
        where = readable_key  # (short: it is said twice on each line)
        section(out, "Entries to add", len(added), (new_line(e.artist, e.title, e.cues, where(e.key)) for e in added))
        section(
            out,
            "Entries to update",
            len(changed),
            (
                line
                for c in changed
                for line in change_lines(f"{c.title or where(c.key)} ({where(c.key)})", c.fields, c.cues)
            ),
        )
        section(
            out, "Entries to remove", len(removed), (f"  - {e.title or where(e.key)} ({where(e.key)})" for e in removed)
        )
        tree_and_conflicts(out, self.playlist_changes, self.conflicts)
        duplicates_and_skipped(out, self.duplicates, self.skipped)
        out.append(self.stats.summary(would=would))
        return out
