"""The track part of an export: every library track into its NML entry, new entries, and removed ones.

Only what Harmony changed since the last sync is looked at. A track whose values, cues and file equal its
base is skipped without reading the collection at all: Traktor's own changes stay, and so does the base, so the
next import still sees them. That keeps an export of a few edits to a 100,000-track collection close to the
cost of finding those entries (:meth:`~harmony.nml.Collection.track_by_key`), instead of a full typed read.

Matching mirrors the import's. A changed track is the entry under its base's NML key (the entry it was last
synced with). A track without a base, or whose base's entry is gone, is the first entry whose file is the
track's file, compared with the platform's rules through the DJ's path mappings
(:class:`~harmony.sync.paths.PathResolver`); this needs one streamed pass over the collection, made only when
such a track exists. An entry another library track was synced with is never taken by a second track.

- Fields and cues are decided three ways (:mod:`harmony.sync.export_fields`, :mod:`harmony.sync.export_cues`)
  and written through the NML edit API, which re-stamps ``MODIFIED_*`` only when something really changed. A
  file moved in Harmony since the last sync moves its entry (and its playlist entries, as Traktor does).
- A library track Traktor does not have gets a new entry (no ``AUDIO_ID``: Traktor computes it). One Traktor
  removed since the last sync stays out (the next import removes it from the library) unless Harmony changed
  it since: then the strategy decides, by the import's rule (:func:`~harmony.sync.three_way.decide_deletion`).
- An entry whose track was deleted in Harmony since the last sync is removed (from the playlists too, as
  Traktor does), unless Traktor changed it since and the strategy is ``traktor_wins``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from harmony.errors import NMLError
from harmony.library import CueValues, SyncTrack, TrackBase, TrackBaseSet
from harmony.nml import ROOT_NAME, Collection, Playlist, Track, TrackData, playlist_key, ranking_to_stars
from harmony.sync.export_cues import (
    CueExport,
    cues_for_base,
    dedupe,
    export_cues,
    same_cues,
    stored_cues,
)
from harmony.sync.export_fields import base_values_after, decide_fields
from harmony.sync.export_inputs import ExportOptions, ExportSnapshot, PartialSnapshotError
from harmony.sync.export_report import EntryAdded, EntryChange, EntryRemoved
from harmony.sync.import_fields import UNITS, agrees
from harmony.sync.mapping import cue_data_from_values, cue_values_from_nml, nml_fields_from_track_values
from harmony.sync.mapping import track_values_from_nml as _map_track
from harmony.sync.matching import LibraryIndex
from harmony.sync.paths import PathResolver
from harmony.sync.report import Conflict, DuplicateEntry, FieldChange, SkippedEntry
from harmony.sync.since_base import changed_in_harmony
from harmony.sync.three_way import decide_deletion

log = logging.getLogger(__name__)

__all__ = ["StepProgress", "TrackExport", "TrackExporter"]

#: ``steps(step, done, total, item)``: how far one step of the track export is (``checking``: library tracks
#: compared with their bases; ``matching``: the collection streamed to find files; ``entries``: entries written;
#: ``new entries``: entries added).
StepProgress = Callable[[str, int, int, str], None]

#: Every merge unit: what a new entry carries from Harmony.
_ALL_UNITS = frozenset(name for name, _, _ in UNITS)


@dataclass(slots=True)
class TrackExport:
    """What the track part of an export did, for the report and the bases."""

    changed: list[EntryChange] = field(default_factory=list)
    added: list[EntryAdded] = field(default_factory=list)
    removed: list[EntryRemoved] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    skipped: list[SkippedEntry] = field(default_factory=list)
    duplicates: list[DuplicateEntry] = field(default_factory=list)
    base_sets: list[TrackBaseSet] = field(default_factory=list)
    base_deletes: list[str] = field(default_factory=list)
    cues_added: int = 0
    cues_updated: int = 0
    cues_removed: int = 0


def _map_cues(data: TrackData) -> list[CueValues]:
    return [values for values in (cue_values_from_nml(cue).values for cue in data.cues) if values is not None]


def _given(view: Track) -> Callable[[], Track]:
    return lambda: view


def _entry_at(collection: Collection, index: int) -> Callable[[], Track]:
    # By position: entries are only added and removed after every existing one was exported.
    return lambda: collection.tracks[index]


def _start(cue: CueValues) -> float:
    return cue.start


def _unchanged_since(track: SyncTrack, base: TrackBase, tolerance: float) -> bool:
    """Whether Harmony changed nothing of a track since its last sync: file, values and cues (the common case,
    checked first without converting anything)."""
    values = track.track.values
    if values.path != base.values.path or not agrees(values, base.values):
        return False
    cues = [cue.values for cue in track.cues]
    if len(cues) == len(base.cues) and (
        tuple(cues) == base.cues or sorted(cues, key=_start) == sorted(base.cues, key=_start)
    ):
        return True
    return same_cues(stored_cues(cues, tolerance), dedupe(base.cues, tolerance))


def _shown(name: str, old: Any, new: Any) -> FieldChange:
    """A field the export changed, as the DJ sees it: a new raw ``RANKING`` is a new rating when its stars
    changed (Harmony writes its rating as the ranking it stands for, see harmony.library.twins)."""
    if name == "ranking":
        stars = (None if old is None else ranking_to_stars(old), None if new is None else ranking_to_stars(new))
        if stars[0] != stars[1]:
            return FieldChange("rating", *stars)
    return FieldChange(name, old, new)


class _KeysOfTracks(Mapping[int, str]):
    """Track id -> the key of its entry after the export: the keys this export set, over the snapshot's
    ``synced_keys`` (read, never copied)."""

    def __init__(self, synced: Mapping[int, str]) -> None:
        self._synced = synced
        self._set: dict[int, str] = {}

    def __setitem__(self, track_id: int, key: str) -> None:
        self._set[track_id] = key

    def __getitem__(self, track_id: int) -> str:
        key = self._set.get(track_id)
        return self._synced[track_id] if key is None else key

    def __iter__(self) -> Iterator[int]:
        yield from self._set
        yield from (track_id for track_id in self._synced if track_id not in self._set)

    def __len__(self) -> int:
        return len(self._set) + sum(1 for track_id in self._synced if track_id not in self._set)

    def set_here(self) -> set[str]:
        """The keys this export set: the entries it matched, moved or added for a library track."""
        return set(self._set.values())


class TrackExporter:
    """Exports the library's tracks into ``collection`` (see the module doc); run :meth:`entries`, then
    :meth:`new_entries`, then :meth:`removals`."""

    def __init__(
        self, collection: Collection, library: ExportSnapshot, options: ExportOptions, resolver: PathResolver
    ) -> None:
        self.collection = collection
        self.library = library
        self.options = options
        self.resolver = resolver
        self._index: LibraryIndex | None = None
        self.deleted = {base.nml_key: base for base in library.unlinked_track_bases}
        self._used: set[str] | None = None
        # Tracks a partial snapshot left out (``synced_keys``, never one of ``library.tracks``) are unchanged
        # since their last sync: done, under their base's key. They are looked up in the snapshot's own map
        # rather than copied: a partial snapshot of 100,000 tracks holds nearly all of them.
        self.done: set[int] = set()
        self.key_of_track = _KeysOfTracks(library.synced_keys)  # track id -> its entry's key after export
        self.unmatched: list[SyncTrack] = []  # changed tracks no entry was found for by key
        self.to_remove: list[tuple[Track, TrackData]] = []
        self.out = TrackExport()

    @property
    def used(self) -> set[str]:
        """Entries that belong to a library track: never taken by another track, never removed. Built on first
        use (matching files, removing entries), which an export of a few edits never needs."""
        if self._used is None:
            self._used = {t.base.nml_key for t in self.library.tracks if t.base is not None}
            self._used.update(self.library.synced_keys.values())
        return self._used

    @property
    def index(self) -> LibraryIndex:
        """The library's tracks by file, built only when a track must be matched by its file (which a partial
        snapshot cannot do: :class:`PartialSnapshotError` asks for the whole library)."""
        if self._index is None:
            if not self.library.complete:
                raise PartialSnapshotError()
            self._index = LibraryIndex((track.ref for track in self.library.tracks), self.resolver)
        return self._index

    def _is_indexed(self, track: SyncTrack) -> bool:
        """Whether ``track`` is the library track the index holds for its file (the first by id of any that
        name the same file here)."""
        ref = self.index.get(self.resolver.key_of_path(track.track.values.path))
        return ref is not None and ref.id == track.track.id

    @property
    def library_duplicates(self) -> list[DuplicateEntry]:
        """Library tracks that name the same file here (only known once the index was needed)."""
        return [] if self._index is None else list(self._index.duplicates)

    # -- existing entries --

    def entries(self, steps: StepProgress) -> None:
        """Export every track Harmony changed since the last sync into its entry, telling ``steps`` after each
        track or entry."""
        tolerance = self.options.cue_tolerance_ms
        changed: list[SyncTrack] = []
        for done, track in enumerate(self.library.tracks, 1):
            base = track.base
            if base is not None:
                self.key_of_track[track.track.id] = base.nml_key
                if _unchanged_since(track, base, tolerance):
                    self.done.add(track.track.id)
                else:
                    changed.append(track)
            steps("checking", done, len(self.library.tracks), track.track.values.path)
        found: list[tuple[TrackData, Callable[[], Track], SyncTrack, str | None]] = []
        for track in changed:
            assert track.base is not None
            view = self.collection.track_by_key(track.base.nml_key)
            if view is None:
                self.unmatched.append(track)
            else:
                found.append((view.to_data(), _given(view), track, None))
        self.unmatched.extend(t for t in self.library.tracks if t.base is None)
        if self.unmatched:
            found.extend(self._match_files(steps))
        total = len(found)
        found.reverse()
        for done in range(1, total + 1):
            # Each is let go once exported: a view holds the attributes its fields read, for every track at once.
            data, view_of, track, path = found.pop()
            self._export(data, view_of, track, path)
            steps("entries", done, total, data.key)

    def _match_files(self, steps: StepProgress) -> list[tuple[TrackData, Callable[[], Track], SyncTrack, str | None]]:
        """Find the entries of the tracks left unmatched by their file: one streamed pass over the collection."""
        wanted: dict[str, SyncTrack] = {}
        for track in self.unmatched:
            if self._is_indexed(track):
                wanted[self.resolver.key_of_path(track.track.values.path)] = track
        self.unmatched = []
        seen: set[str] = set()
        found: list[tuple[TrackData, Callable[[], Track], SyncTrack, str | None]] = []
        total = len(self.collection.tracks)
        for index, data in enumerate(self.collection.iter_data()):
            steps("matching", index + 1, total, data.key)
            try:
                path = self.resolver.to_path(data.location)
            except NMLError:
                continue
            file = self.resolver.key_of_path(path)
            owner = wanted.get(file)
            if owner is None:
                continue
            if file in seen:  # a later entry naming the same file: the first is used, this one is reported
                self.out.duplicates.append(DuplicateEntry(path, (self.key_of_track[owner.track.id], data.key)))
                continue
            if data.key in self.used:
                continue  # the entry another library track was synced with
            seen.add(file)
            self.used.add(data.key)
            self.key_of_track[owner.track.id] = data.key
            found.append((data, _entry_at(self.collection, index), owner, path))
        return found

    def _export(self, data: TrackData, view_of: Callable[[], Track], track: SyncTrack, path: str | None) -> None:
        """Export one library track into the entry ``data`` (``view_of()`` gives its view to edit)."""
        stored = track.track
        self.done.add(stored.id)
        self.key_of_track[stored.id] = data.key
        harmony = stored.values
        base = track.base
        tolerance = self.options.cue_tolerance_ms
        ours_cues = stored_cues([cue.values for cue in track.cues], tolerance)
        if path is None:
            try:
                path = self.resolver.to_path(data.location)
            except NMLError as error:
                self.out.skipped.append(SkippedEntry(data.key, str(error)))
                return
        subject = harmony.path
        traktor = _map_track(data, path).values
        fields = decide_fields(subject, harmony, traktor, None if base is None else base.values, self.options.strategy)
        # Cues changed on both sides are settled by the import's cue rule, so neither direction undoes the other.
        cue_strategy = self.options.cue_conflict_strategy
        cues = export_cues(subject, ours_cues, data.cues, None if base is None else base.cues, cue_strategy, tolerance)
        self.out.conflicts.extend(fields.conflicts)
        self.out.conflicts.extend(cues.conflicts)
        moved = base is not None and self.resolver.moved_in_harmony(harmony.path, base.values.path, path)
        written = fields.units
        after = data
        key = data.key
        if fields.writes or cues or moved:
            view = view_of()
            relocated = self._relocate(view, harmony.path) if moved else None
            if relocated is not None:
                key = view.key
                path = self.resolver.to_path(view.location)
                self.key_of_track[stored.id] = key
            written, field_changes = self._write_fields(view, fields.writes, fields.units)
            if relocated is not None:
                field_changes.insert(0, relocated)
            cue_changes = self._write_cues(view, cues)
            after = view.to_data()
            if field_changes or cue_changes:
                change = EntryChange(data.key, data.title, tuple(field_changes), tuple(cue_changes.changes))
                self.out.changed.append(change)
        traktor_after = traktor if after is data else _map_track(after, path).values
        new_base = TrackBase(
            key,
            base_values_after(harmony, traktor_after, written),
            cues_for_base(ours_cues, _map_cues(after), tolerance),
        )
        # The digest is the import's bookkeeping of the entry the base came from; an export that leaves the
        # values and cues as they were leaves the base (and its digest) alone.
        if base is None or replace(new_base, digest=base.digest) != base:
            self.out.base_sets.append(TrackBaseSet(new_base, stored.id))

    def _relocate(self, view: Track, path: str) -> FieldChange | None:
        """Point the entry at the track's new file, and the playlists that list it at its new key (as Traktor's
        own relocation does); None when the NML cannot (another entry names that file, an unusable path)."""
        old = view.location
        old_key = view.key
        try:
            new = self.resolver.to_location(path)
            if new.volume == old.volume:
                new = replace(new, volume_id=old.volume_id)
            new_key = playlist_key(new)
            if self.collection.track_by_key(new_key) is not None:
                raise NMLError(f"another entry already names {new_key!r}")
            view.location = new
        except NMLError as error:
            self.out.skipped.append(SkippedEntry(old_key, f"not moved to {path}: {error}", whole=False))
            return None
        if self.collection.root.find(f"PLAYLISTS/NODE[@NAME='{ROOT_NAME}']") is not None:
            for node in self.collection.playlists.walk():
                if isinstance(node, Playlist) and old_key in (entries := node.entries):
                    node.set_entries([new_key if entry == old_key else entry for entry in entries])
        return FieldChange("location", old_key, new_key)

    def _write_fields(
        self, view: Track, writes: Mapping[str, Any], units: frozenset[str]
    ) -> tuple[frozenset[str], list[FieldChange]]:
        """Set the fields (all or nothing); returns the units written and the fields that really changed."""
        if not writes:
            return units, []
        old = {name: getattr(view, name) for name in writes}
        try:
            view.set(**writes)
        except NMLError as error:
            self.out.skipped.append(SkippedEntry(view.key, f"fields not exported: {error}", whole=False))
            return frozenset(), []
        changes: list[FieldChange] = []
        for name in writes:
            new = getattr(view, name)
            if new != old[name]:
                changes.append(_shown(name, old[name], new))
        return units, changes

    def _write_cues(self, view: Track, plan: CueExport) -> CueExport:
        """Apply the cue edits; returns the plan with only what was applied."""
        if not plan:
            return plan
        current = view.cues
        before = [cue.to_data() for cue in current]
        try:
            for index, data in plan.updates:
                current[index].update(data)
            for index in sorted(plan.removals, reverse=True):
                view.remove_cue(current[index])
            for data in plan.adds:
                view.add_cue(data)
        except NMLError as error:
            self.out.skipped.append(SkippedEntry(view.key, f"cues not exported: {error}", whole=False))
            return CueExport()
        if [cue.to_data() for cue in view.cues] == before:
            return CueExport()
        self.out.cues_added += len(plan.adds)
        self.out.cues_updated += len(plan.updates)
        self.out.cues_removed += len(plan.removals)
        return plan

    # -- tracks deleted in Harmony --

    def _deleted_in_harmony(self, view: Track, base: TrackBase) -> None:
        data = view.to_data()
        try:
            values = _map_track(data, self.resolver.to_path(data.location)).values
        except NMLError:
            values = None
        unchanged = (
            values is not None
            and replace(values, path=base.values.path) == base.values
            and tuple(_map_cues(data)) == base.cues
        )
        strategy = self.options.strategy
        decision = decide_deletion("harmony", not unchanged, strategy)
        if decision.conflict:
            assert decision.winner is not None
            subject = base.values.path or data.key
            conflict = Conflict(subject, "track", "deleted", "changed", "as last synced", decision.winner, strategy)
            self.out.conflicts.append(conflict)
        if decision.writes_harmony:
            self.to_remove.append((view, data))

    def removals(self) -> None:
        """Remove the entries of tracks deleted in Harmony (unless another library track now holds them), and
        drop the bases of every deleted track."""
        # An entry a library track holds now is never removed, even under the key of a track deleted in Harmony:
        # a new track for the same file (or one moved there) was given that entry by this export.
        held = self.key_of_track.set_here()
        for key in sorted(self.deleted):
            if key not in self.used and key not in held:
                view = self.collection.track_by_key(key)
                if view is not None:
                    self._deleted_in_harmony(view, self.deleted[key])
        for view, data in self.to_remove:
            self.collection.remove_track(view)
            self.out.removed.append(EntryRemoved(data.key, data.title))
        self.to_remove = []
        self.out.base_deletes.extend(sorted(self.deleted))

    # -- tracks Traktor does not have --

    def missing(self) -> list[SyncTrack]:
        """The library tracks no entry holds after :meth:`entries`."""
        return [t for t in self.library.tracks if t.track.id not in self.done]

    def new_entries(self, steps: StepProgress) -> None:
        """Add an entry for every library track no entry holds (unless Traktor removed it since the last sync)."""
        missing = self.missing()
        for done, track in enumerate(sorted(missing, key=lambda t: t.track.id), 1):
            self._new_entry(track)
            steps("new entries", done, len(missing), track.track.values.path)

    def _new_entry(self, track: SyncTrack) -> None:
        stored = track.track
        harmony = stored.values
        resolver = self.resolver
        tolerance = self.options.cue_tolerance_ms
        if not self._is_indexed(track):
            return  # another library track names the same file here: the index reported it
        ours_cues = stored_cues([cue.values for cue in track.cues], tolerance)
        base = track.base
        if base is not None:
            # Removed in Traktor since the last sync: the same rule as the import's (harmony.sync.three_way).
            strategy = self.options.strategy
            changed = changed_in_harmony(track, base, tolerance, resolver)
            decision = decide_deletion("traktor", changed, strategy)
            if decision.conflict:
                assert decision.winner is not None
                self.out.conflicts.append(
                    Conflict(harmony.path, "track", "changed", "removed", "as last synced", decision.winner, strategy)
                )
            if not decision.writes_harmony:
                # It stays out (the next import removes it from the library); playlists name it by its last key.
                self.key_of_track[stored.id] = base.nml_key
                return
        try:
            location = resolver.to_location(harmony.path)
            fields = {k: v for k, v in nml_fields_from_track_values(harmony).items() if v is not None}
            view = self.collection.add_track(location, **fields)
            for cue in ours_cues:
                view.add_cue(cue_data_from_values(cue))
            path = resolver.to_path(view.location)
        except NMLError as error:
            self.out.skipped.append(SkippedEntry(harmony.path, f"not added to the collection: {error}"))
            return
        self.done.add(stored.id)
        self.key_of_track[stored.id] = view.key
        after = view.to_data()
        self.out.added.append(EntryAdded(view.key, harmony.title, harmony.artist, len(ours_cues)))
        self.out.cues_added += len(ours_cues)
        new_base = TrackBase(
            view.key,
            base_values_after(harmony, _map_track(after, path).values, _ALL_UNITS),
            cues_for_base(ours_cues, _map_cues(after), tolerance),
        )
        self.out.base_sets.append(TrackBaseSet(new_base, stored.id))
