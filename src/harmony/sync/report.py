"""What an import plan will do, for people: the statistics (the promised JSON keys) and a readable diff.

The planner fills an :class:`ImportReport` while it builds the :class:`~harmony.library.ImportPlan`, from the
same decisions, so the preview says exactly what applying the plan does.
"""

from __future__ import annotations

import pickle
import zlib
from collections import Counter
from collections.abc import Hashable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Final, Literal, TypeVar, overload

from harmony.library import FieldValue, clock
from harmony.nml import to_musical, to_open_key
from harmony.sync.diff_lines import change_lines, duplicates_and_skipped, new_line, section, tree_and_conflicts
from harmony.words import plural

T = TypeVar("T")

__all__ = [
    "Conflict",
    "CueChange",
    "DuplicateEntry",
    "FieldChange",
    "ImportReport",
    "ImportStats",
    "NewTrackList",
    "NewTrackSummary",
    "PlaylistChange",
    "RemovedTrack",
    "SkippedEntry",
    "TrackChange",
    "first",
    "show",
]


def first(items: Sequence[T], listed: int | None) -> Sequence[T]:
    """``items``, or only the first ``listed`` of them: a 100,000-track sync can hold a conflict or a missing
    file per track, too many for every event and page that shows the outcome (the CLI's ``--json`` has all)."""
    return items if listed is None else items[:listed]


@dataclass(frozen=True, slots=True)
class FieldChange:
    """One value going from ``old`` to ``new``."""

    field: str
    old: FieldValue
    new: FieldValue

    def __str__(self) -> str:
        shown = _show_key if self.field == "musical_key" else _show_time if self.field in _TIMES else show
        return f"{self.field}: {shown(self.old)} → {shown(self.new)}"


#: A cue's fields in milliseconds, read as a place in the track ("start: 4:02.574 → 1:02.500", not
#: "242574.1395 → 62500.0"). No track field has these names.
_TIMES: Final = frozenset({"start", "length"})


def _show_time(value: object) -> str:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return clock(value)
    return show(value)


def _show_key(value: object) -> str:
    """A musical key as a DJ reads it beside Traktor's number: ``22 (Bbm, 8m)``, in the musical and Open Key
    notations (the diff is made in a worker, without the DJ's chosen notation)."""
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 23:
        return f"{value} ({to_musical(value)}, {to_open_key(value)})"
    return show(value)


def show(value: object) -> str:
    """A value as the report shows it: text quoted, dates as ISO, nothing as (empty)."""
    if value is None:
        return "(empty)"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str):
        return repr(value)
    return str(value)


def conflicts_said(conflicts: Sequence[Conflict], *, would: bool = False) -> str:
    """What a summary line says of the conflicts, or "": a change on both sides settled by the strategy is news
    even when it writes nothing on this side ("1 conflict: Harmony's kept"), as the other side's change is lost.
    The import's and the export's summaries both say it so."""
    if not conflicts:
        return ""
    kept = {"harmony": 0, "traktor": 0, "both": 0}
    for conflict in conflicts:
        kept[conflict.winner] += 1
    keep, merge = ("to keep", "to merge") if would else ("kept", "merged")
    words = {"harmony": f"Harmony's {keep}", "traktor": f"Traktor's {keep}", "both": f"both {merge}"}
    settled = [(count, words[winner]) for winner, count in kept.items() if count]
    if len(settled) == 1:
        return f"{plural(len(conflicts), 'conflict')}: {settled[0][1]}"
    return f"{plural(len(conflicts), 'conflict')}: " + ", ".join(f"{said} for {count}" for count, said in settled)


def with_conflicts(line: str, conflicts: Sequence[Conflict], *, would: bool = False) -> str:
    """A summary ``line`` of counts (maybe empty) with its conflicts after it, or "No changes needed" when both
    say nothing: the import's and the export's summaries end so."""
    return "; ".join(part for part in (line, conflicts_said(conflicts, would=would)) if part) or "No changes needed"


def entries_said(before: Sequence[Hashable], after: Sequence[Hashable]) -> str:
    """How a playlist's entries change from ``before`` to ``after``, for the diff: ``+3 −1 entries``, with
    ``, reordered`` when the entries both hold (each counted as often as both hold it) come in another order,
    ``order of entries`` when only that, "" when nothing. The import's and the export's diffs say it so."""
    gained, lost = Counter(after) - Counter(before), Counter(before) - Counter(after)
    # A track held twice, one copy taken out (or added): which copy is not known, so the kept ones changed order
    # only if they did whichever copies went (the first or the last ones).
    reordered = all(_without(before, lost, last) != _without(after, gained, last) for last in (True, False))
    if not gained and not lost:
        return "order of entries" if reordered else ""
    counts = f"+{sum(gained.values())} −{sum(lost.values())} entries"
    return f"{counts}, reordered" if reordered else counts


def _without(entries: Sequence[Hashable], dropped: Counter[Hashable], last: bool) -> list[Hashable]:
    """``entries`` less ``dropped`` (as many of each as it counts), the ``last`` copies or the first ones."""
    left = Counter(dropped)
    kept = []
    for entry in reversed(entries) if last else entries:
        if left[entry] > 0:
            left[entry] -= 1
        else:
            kept.append(entry)
    return kept[::-1] if last else kept


@dataclass(frozen=True, slots=True)
class CueChange:
    """A cue point added, changed or removed in Harmony; ``cue`` describes it (``hot cue 2 at 1:02.345``)."""

    kind: Literal["added", "changed", "removed"]
    cue: str
    fields: tuple[FieldChange, ...] = ()

    def __str__(self) -> str:
        detail = f" ({', '.join(str(f) for f in self.fields)})" if self.fields else ""
        return f"{self.kind} {self.cue}{detail}"


@dataclass(frozen=True, slots=True)
class Conflict:
    """Something changed on both sides (or, on a first sync, two different values), and how it was settled.

    ``subject`` is the track's path or the playlist's name; ``item`` the field, cue or part of a playlist.
    """

    subject: str
    item: str
    harmony: str
    traktor: str
    base: str | None
    winner: Literal["traktor", "harmony", "both"]
    strategy: str

    def __str__(self) -> str:
        base = "no earlier sync" if self.base is None else f"was {self.base}"
        return (
            f"{self.subject}: {self.item}: Harmony {self.harmony}, Traktor {self.traktor} ({base}); "
            f"kept {self.winner} ({self.strategy})"
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "subject": self.subject,
            "item": self.item,
            "harmony": self.harmony,
            "traktor": self.traktor,
            "base": self.base,
            "winner": self.winner,
            "strategy": self.strategy,
        }


@dataclass(frozen=True, slots=True)
class NewTrackSummary:
    """A track the import adds to the library."""

    path: str
    title: str | None
    artist: str | None
    cues: int


@dataclass(frozen=True, slots=True)
class RemovedTrack:
    """A library track the import removes: Traktor removed it from the collection since the last sync."""

    path: str
    title: str | None
    artist: str | None


@dataclass(frozen=True, slots=True)
class TrackChange:
    """An existing track whose fields or cues the import changes."""

    track_id: int
    path: str
    title: str | None
    fields: tuple[FieldChange, ...] = ()
    cues: tuple[CueChange, ...] = ()


@dataclass(frozen=True, slots=True)
class PlaylistChange:
    """A folder, playlist or smart list created, renamed, moved, refilled or deleted in Harmony."""

    kind: Literal["create", "rename", "move", "entries", "query", "link", "delete"]
    node: Literal["folder", "playlist", "smart list"]
    path: tuple[str, ...]
    detail: str = ""

    def __str__(self) -> str:
        where = "/".join(self.path)
        verb = _CHANGE_VERBS.get(self.kind, self.kind)
        return f"{verb} {self.node} {where}" + (f": {self.detail}" if self.detail else "")


#: How a diff line says a change whose kind is not a verb ("entries playlist Friday" read as broken English).
_CHANGE_VERBS: Final = {"entries": "refill", "query": "change the query of"}


@dataclass(frozen=True, slots=True)
class DuplicateEntry:
    """Collection entries that name the same file: the first is used, the others are reported, not merged."""

    path: str
    keys: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class SkippedEntry:
    """A collection entry or value the import leaves out, and why. ``whole`` is False when only part of the entry
    is (values or cues the other side cannot hold): the track itself is imported or exported."""

    key: str
    reason: str
    whole: bool = True


#: Added to the summary of an import from a file without a playlist tree (it says nothing about playlists).
NO_PLAYLISTS_NOTE = (
    "; the collection has no playlists section: the library's playlists and folders are left as they are"
)


@dataclass(frozen=True, slots=True)
class ImportStats:
    """The import's numbers, with exactly the keys of ``harmony traktor sync --json``."""

    tracks_processed: int = 0
    tracks_updated: int = 0
    tracks_imported: int = 0
    tracks_removed: int = 0
    #: Library tracks an entry of the collection was matched to (by its file). Not ``tracks_processed`` less
    #: ``tracks_imported``: entries left out and extra entries naming one file are neither.
    tracks_matched: int = 0
    cue_points_added: int = 0
    cue_points_updated: int = 0
    cue_points_removed: int = 0
    playlists_imported: int = 0
    playlists_updated: int = 0
    playlists_removed: int = 0
    fields_updated: Mapping[str, int] = field(default_factory=dict)
    conflicts: tuple[Conflict, ...] = ()
    #: The files of imported tracks that are not on this machine (each imported, marked missing).
    missing_files: tuple[str, ...] = ()
    #: Library tracks whose file is gone since the last check (marked missing), or back (mark cleared).
    files_lost: int = 0
    files_found: int = 0
    seconds_per_phase: Mapping[str, float] = field(default_factory=dict)
    #: True when the collection had no playlist tree while the library has playlists or folders: those are
    #: left alone (a missing section is unknown, not empty), and the summary says why nothing changed there.
    playlists_kept: bool = False
    #: How many of ``playlists_imported`` are smart lists (the collection's badges count playlists without them).
    smart_lists_imported: int = 0

    def to_json(self, *, listed: int | None = None) -> dict[str, Any]:
        """The JSON object of ``--json``: counts, ``fields_updated`` (field → count), the conflicts and the
        missing files as lists, and ``seconds_per_phase`` (filled by the service). With ``listed``, the lists
        hold at most that many items (their totals are counts of their own: see the service's outcome)."""
        return {
            "tracks_processed": self.tracks_processed,
            "tracks_updated": self.tracks_updated,
            "tracks_imported": self.tracks_imported,
            "cue_points_added": self.cue_points_added,
            "cue_points_updated": self.cue_points_updated,
            "cue_points_removed": self.cue_points_removed,
            "playlists_imported": self.playlists_imported,
            "playlists_updated": self.playlists_updated,
            "fields_updated": dict(sorted(self.fields_updated.items())),
            "conflicts": [conflict.to_json() for conflict in first(self.conflicts, listed)],
            "missing_files": list(first(self.missing_files, listed)),
            "seconds_per_phase": dict(self.seconds_per_phase),
        }

    def summary(self, *, preview: bool = False) -> str:
        """One line in the original app's words: ``Imported 15 tracks, Updated 3 tracks, 32 cue points,
        Imported 2 playlists``, or ``No changes needed``; a ``preview`` speaks of what would happen: ``Would
        import 15 tracks, update 3 tracks, …``. Playlists are counted as the collection's badges count them,
        smart lists apart. Then, when the collection had no playlist tree, that the library's playlists and
        folders are left as they are."""
        cues = self.cue_points_added + self.cue_points_updated + self.cue_points_removed
        playlists = self.playlists_imported - self.smart_lists_imported
        # Tracks whose file is not on this computer are imported too; the count says how many of them.
        not_found = f" ({plural(len(self.missing_files), 'file')} not found)" if self.missing_files else ""
        if preview:
            # Grouped by what would happen: "Would import 20,000 tracks, 103 playlists; update 3 tracks; 40 cue
            # points".
            groups = [
                (verb, [plural(n, noun) + extra for n, noun, extra in counts if n])
                for verb, counts in (
                    ("import ", ((self.tracks_imported, "track", not_found), (playlists, "playlist", ""),
                                 (self.smart_lists_imported, "smart list", ""))),
                    ("update ", ((self.tracks_updated, "track", ""), (self.playlists_updated, "playlist", ""))),
                    ("remove ", ((self.tracks_removed, "track", ""),)),
                    ("", ((cues, "cue point", ""),)),
                )
            ]  # fmt: skip
            said = [verb + ", ".join(items) for verb, items in groups if items]
            line = f"Would {'; '.join(said)}" if said else ""
        else:
            line = _said_once(
                (
                    ("Imported", self.tracks_imported, "track", not_found),
                    ("Updated", self.tracks_updated, "track", ""),
                    ("Removed", self.tracks_removed, "track", ""),
                    ("", cues, "cue point", ""),
                    ("Imported", playlists, "playlist", ""),
                    ("Imported", self.smart_lists_imported, "smart list", ""),
                    ("Updated", self.playlists_updated, "playlist", ""),
                    ("", self.files_lost, "file", " no longer found"),
                    ("", self.files_found, "missing file", " found again"),
                )
            )
        line = with_conflicts(line, self.conflicts, would=preview)
        if self.playlists_kept:
            line += NO_PLAYLISTS_NOTE
        return line


def _said_once(parts: Iterable[tuple[str, int, str, str]]) -> str:
    """The counts that are not 0 as ``verb count noun extra``, each verb said once for the counts that follow it
    ("Imported 100,000 tracks, 320,962 cue points, 503 playlists": it said "Imported" again for the playlists)
    and said again after another verb ("Imported 1 track, Updated 2 tracks, Imported 1 playlist")."""
    said: list[str] = []
    last = ""
    for verb, count, noun, extra in parts:
        if not count:
            continue
        counted = plural(count, noun) + extra
        said.append(counted if not verb or verb == last else f"{verb} {counted}")
        last = verb or last
    return ", ".join(said)


_Columns = tuple[tuple[str, ...], tuple[str | None, ...], tuple[str | None, ...], tuple[int, ...]]


#: Rows per packed piece of a :class:`NewTrackList`: unpacking one is a single call that holds the GIL, so a
#: piece must be small enough (a few ms) for the app's event loop to get its turn in between.
PACKED_ROWS: Final = 2_000


class NewTrackList(Sequence[NewTrackSummary]):
    """The tracks an import adds, as a read-only sequence of :class:`NewTrackSummary`.

    A first import lists every track of the collection (100,000 in a big one). The report travels from the
    worker to the app, where it is unpickled on the event loop: 100,000 little objects took most of a second
    there and froze the app. So the list pickles as compressed pieces of four columns (:data:`PACKED_ROWS` rows
    each) with its length, which unpickle as bytes; a piece is unpacked the first time one of its rows is read.
    Unpacking all 100,000 rows at once, even on a worker thread, held the GIL for half a second: pieces let
    the loop run between them, and the length or the first page of a preview needs no unpacking at all.
    """

    __slots__ = ("_count", "_packed", "_pieces")

    def __init__(self, items: Iterable[NewTrackSummary] = ()) -> None:
        rows = [(item.path, item.title, item.artist, item.cues) for item in items]
        self._count = len(rows)
        self._pieces: dict[int, _Columns] = {
            number: _columns(rows[start : start + PACKED_ROWS])
            for number, start in enumerate(range(0, len(rows), PACKED_ROWS))
        }
        self._packed: tuple[bytes, ...] | None = None

    @classmethod
    def _unpickle(cls, count: int, packed: tuple[bytes, ...]) -> NewTrackList:
        made = cls.__new__(cls)
        made._count, made._pieces, made._packed = count, {}, packed
        return made

    def __reduce__(self) -> tuple[object, tuple[int, tuple[bytes, ...]]]:
        if self._packed is None:
            # Compressed (fast, level 1): folder names repeat from path to path, and the app holds the blobs
            # for as long as it holds the report.
            self._packed = tuple(
                zlib.compress(pickle.dumps(self._piece(number), protocol=pickle.HIGHEST_PROTOCOL), 1)
                for number in range(self._piece_count())
            )
        return NewTrackList._unpickle, (self._count, self._packed)

    def _piece_count(self) -> int:
        return -(-self._count // PACKED_ROWS)

    def _piece(self, number: int) -> _Columns:
        piece = self._pieces.get(number)
        if piece is None:
            assert self._packed is not None
            # Only what this class pickled itself is ever here (see __reduce__).
            piece = self._pieces[number] = pickle.loads(zlib.decompress(self._packed[number]))
        return piece

    def __len__(self) -> int:
        return self._count

    @overload
    def __getitem__(self, index: int) -> NewTrackSummary: ...

    @overload
    def __getitem__(self, index: slice) -> list[NewTrackSummary]: ...

    def __getitem__(self, index: int | slice) -> NewTrackSummary | list[NewTrackSummary]:
        if isinstance(index, slice):
            return [self[number] for number in range(self._count)[index]]
        if not -self._count <= index < self._count:
            raise IndexError("new track index out of range")
        index %= self._count
        paths, titles, artists, cues = self._piece(index // PACKED_ROWS)
        row = index % PACKED_ROWS
        return NewTrackSummary(paths[row], titles[row], artists[row], cues[row])

    def __iter__(self) -> Iterator[NewTrackSummary]:
        for number in range(self._piece_count()):
            yield from map(NewTrackSummary, *self._piece(number))

    def __eq__(self, other: object) -> bool:
        if isinstance(other, NewTrackList | tuple | list):
            return len(other) == len(self) and all(a == b for a, b in zip(self, other, strict=True))
        return NotImplemented

    def __hash__(self) -> int:
        return hash(tuple(self))

    def __repr__(self) -> str:
        return f"NewTrackList({list(self)!r})"


def _columns(rows: list[tuple[str, str | None, str | None, int]]) -> _Columns:
    return (
        tuple(row[0] for row in rows),
        tuple(row[1] for row in rows),
        tuple(row[2] for row in rows),
        tuple(row[3] for row in rows),
    )


@dataclass(frozen=True, slots=True)
class ImportReport:
    """The readable diff of an import: what a preview shows and what applying the plan does."""

    stats: ImportStats
    new_tracks: Sequence[NewTrackSummary] = ()  # a NewTrackList when made by the planner
    track_changes: tuple[TrackChange, ...] = ()
    playlist_changes: tuple[PlaylistChange, ...] = ()
    duplicates: tuple[DuplicateEntry, ...] = ()
    skipped: tuple[SkippedEntry, ...] = ()
    not_in_traktor: int = 0
    removed_tracks: tuple[RemovedTrack, ...] = ()
    #: How many tracks and playlists the library held when the import was planned (for the removal guard).
    library_tracks: int = 0
    library_playlists: int = 0

    @property
    def conflicts(self) -> tuple[Conflict, ...]:
        return self.stats.conflicts

    @property
    def missing_files(self) -> tuple[str, ...]:
        return self.stats.missing_files

    def lines(self, *, would: bool = False) -> list[str]:
        """The diff as plain text lines, section by section (empty sections left out), then the summary (in the
        future tense when ``would``: a preview, as the export's report says it)."""
        out: list[str] = []
        new, changes, missing = self.new_tracks, self.track_changes, self.missing_files
        section(out, "Tracks to import", len(new), (new_line(t.artist, t.title, t.cues, t.path) for t in new))
        section(
            out,
            "Tracks to update",
            len(changes),
            (line for c in changes for line in change_lines(c.title or c.path, c.fields, c.cues)),
        )
        removed = self.removed_tracks
        section(
            out,
            "Tracks removed in Traktor, to remove",
            len(removed),
            (f"  - {' - '.join(p for p in (t.artist, t.title) if p) or t.path} {t.path}" for t in removed),
        )
        tree_and_conflicts(out, self.playlist_changes, self.conflicts)
        section(out, "Files not found on disk, imported as missing", len(missing), (f"  ? {path}" for path in missing))
        duplicates_and_skipped(out, self.duplicates, self.skipped)
        out.append(self.stats.summary(preview=would))
        return out
