"""The import planner: from a collection and a library snapshot to an :class:`~harmony.library.ImportPlan` and
the report that says what it does.

Pure: it reads its inputs and returns values (no database, no process, no global state); the only outside call
is ``options.file_exists``, asked once per track to import. It runs in a worker on a 100,000-track collection, so
tracks stream through one at a time and progress is reported at least every 2 % of them.

Phases (with their share of the whole import's progress, as the original app showed them): ``analyzing``
(match and merge every track, 60–80 %), ``validating`` (check the files of new tracks, 80–90 %), ``syncing``
(folders and playlists, 90–95 %).
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Final, Literal

from harmony.errors import SyncError
from harmony.library import (
    BaseUpdates,
    CueAdd,
    CueUpdate,
    CueValues,
    EntryRef,
    FieldValue,
    ImportPlan,
    NewTrack,
    StoredEntry,
    SyncTrack,
    TrackBase,
    TrackBaseSet,
    TrackRef,
    TrackUpdate,
    TrackValues,
)
from harmony.nml import path_key
from harmony.nmlfile import NmlFingerprint
from harmony.progress import ProgressReporter
from harmony.sync.digest import entry_salt
from harmony.sync.import_cues import merge_cues
from harmony.sync.import_fields import agrees, merge_fields
from harmony.sync.import_playlists import Ident, PlaylistPlan, plan_playlists
from harmony.sync.mapping import cue_values_or_problem, track_values_from_nml
from harmony.sync.matching import EntryMatcher, LibraryIndex, ResolvedEntry
from harmony.sync.options import SyncOptions
from harmony.sync.paths import PathResolver
from harmony.sync.report import (
    Conflict,
    DuplicateEntry,
    FieldChange,
    ImportReport,
    ImportStats,
    NewTrackList,
    NewTrackSummary,
    RemovedTrack,
    SkippedEntry,
    TrackChange,
    show,
)
from harmony.sync.since_base import changed_in_harmony
from harmony.sync.snapshot import LibrarySnapshot, TraktorSnapshot
from harmony.sync.three_way import decide_deletion
from harmony.sync.ticker import Ticker

log = logging.getLogger(__name__)

__all__ = ["PHASE_SPANS", "PlannedImport", "plan_import"]

#: The share of the whole import's progress (percent, from, to) each planning phase covers.
PHASE_SPANS: Final[Mapping[str, tuple[float, float]]] = {
    "analyzing": (60.0, 80.0),
    "validating": (80.0, 90.0),
    "syncing": (90.0, 95.0),
}
#: Entries to merge are gathered this many at a time, so the library tracks they need are read in one query.
_BATCH: Final = 500


@dataclass(frozen=True, slots=True)
class PlannedImport:
    """The plan to apply and the report describing it (the preview shows the report and applies nothing)."""

    plan: ImportPlan
    report: ImportReport

    @property
    def stats(self) -> ImportStats:
        return self.report.stats


@dataclass(slots=True)
class _Candidate:
    """A collection entry that is not in the library yet: imported if its file exists."""

    entry: ResolvedEntry
    values: TrackValues
    cues: tuple[CueValues, ...]
    digest: str | None  # the entry's digest if its mapping lost nothing (see _Importer._map)
    moved_track: TrackRef | None = None  # the library track last synced under this NML key, elsewhere


class _Importer:
    def __init__(self, traktor: TraktorSnapshot, library: LibrarySnapshot, options: SyncOptions) -> None:
        self.traktor = traktor
        self.library = library
        self.options = options
        self.resolver = PathResolver(options.platform, options.path_mappings, startup_volume=options.startup_volume)
        # Tracks read in full, by id; the snapshot's light tracks are read when a merge needs them.
        self.full: dict[int, SyncTrack] = {track.track.id: track for track in library.tracks}
        self.refs: list[TrackRef] = [track.ref for track in library.tracks]
        self.refs.extend(library.light)
        self.index = LibraryIndex(self.refs, self.resolver)
        self.matcher = EntryMatcher(self.index, self.resolver)
        self.entry_refs: dict[str, tuple[EntryRef, Ident]] | None = None  # see for_key
        self.deleted_in_harmony: dict[str, TrackBase] = {}
        for base in library.unlinked_track_bases:
            key = self.matcher.file_of_key(base.nml_key)
            if key is not None:
                self.deleted_in_harmony.setdefault(key, base)
        self.track_updates: list[TrackUpdate] = []
        self.cue_adds: list[CueAdd] = []
        self.cue_updates: list[CueUpdate] = []
        self.cue_removals: list[int] = []
        self.base_sets: list[TrackBaseSet] = []
        self.new_tracks: list[NewTrack] = []
        self.new_by_file: dict[str, str] = {}
        self.moved_by_file: dict[str, int] = {}
        self.moved_paths: dict[int, str] = {}  # track id -> the file its entry names now
        self.files_lost: list[int] = []
        self.files_found: list[int] = []
        self.candidates: list[_Candidate] = []
        self.track_changes: list[TrackChange] = []
        self.new_summaries: list[NewTrackSummary] = []
        self.conflicts: list[Conflict] = []
        self.missing: list[str] = []
        self.clashes: list[DuplicateEntry] = []
        self.skipped: list[SkippedEntry] = []
        self.gone_files: set[str] = set()  # files of tracks deleted in Harmony that stay deleted
        self.track_deletes: list[int] = []
        self.base_deletes: list[str] = []
        self.removed: list[RemovedTrack] = []
        self.fields_updated: Counter[str] = Counter()
        self.updated_tracks = 0
        self.processed = 0
        self.harmony_ahead = False
        self.tracks_agreed: list[int] = []  # tracks this import leaves as the file has them (see above)

    # -- tracks --

    def _map(self, entry: ResolvedEntry) -> tuple[TrackValues, tuple[CueValues, ...], str | None]:
        """The entry's library values and cues, and its digest when nothing was left out of them (a base
        holding less than its entry must not let the entry be skipped: the report would lose what was left
        out)."""
        data = entry.data
        mapped = track_values_from_nml(data, entry.path)
        digest = entry.digest
        if mapped.dropped:
            reason = f"values the library cannot hold: {', '.join(mapped.dropped)}"
            self.skipped.append(SkippedEntry(data.key, reason, whole=False))
            digest = None
        cues: list[CueValues] = []
        for cue in data.cues:
            result = cue_values_or_problem(cue)
            if isinstance(result, str):
                self.skipped.append(SkippedEntry(data.key, result, whole=False))
                digest = None
            else:
                cues.append(result)
        return mapped.values, tuple(cues), digest

    def _unchanged(self, digests: list[str | None]) -> list[TrackRef | None]:
        """For each entry, the library track it is known to be unchanged for (else None): the entry's digest
        is the one of the track's base, Harmony did not change the track since, and the track is the one its
        file matches. Such an entry would merge to nothing (Traktor's values are the base's, and Harmony's
        agreed with them when the base was written), so it is not even parsed."""
        by_digest = self.index.by_digest
        if not by_digest:
            return [None] * len(digests)
        by_key, key_of = self.index.by_key, self.index.key_of
        unchanged: list[TrackRef | None] = []
        for digest in digests:
            track = None if digest is None else by_digest.get(digest)
            if track is not None and by_key.get(key_of[track.id]) is not track:
                track = None  # another library track has the same file: match by file, in full
            unchanged.append(track)
        return unchanged

    def analyze(self, progress: ProgressReporter | None) -> None:
        ticker = Ticker(
            progress, "analyzing", PHASE_SPANS["analyzing"], self.traktor.track_count, "Analyzing differences"
        )
        digests = self.traktor.digests(entry_salt(self.options))
        pending: list[ResolvedEntry] = []
        if digests is None:
            for data in self.traktor.tracks:
                self.processed += 1
                entry = self.matcher.match(data)
                if entry is not None:
                    pending.append(entry)
                    if len(pending) >= _BATCH:
                        self._flush(pending)
                ticker.tick(self.processed, data.key)
        else:
            unchanged = self._unchanged(digests)
            changed = iter(self.traktor.read(i for i, track in enumerate(unchanged) if track is None))
            match, match_unchanged = self.matcher.match, self.matcher.match_unchanged
            for digest, track in zip(digests, unchanged, strict=True):
                self.processed += 1
                if track is not None:
                    match_unchanged(track)
                    ticker.tick(self.processed, track.base_key)
                    continue
                read = next(changed, None)
                if read is None:
                    break  # fewer tracks than announced: plan_import refuses the plan
                entry = match(read, digest)
                if entry is not None:
                    pending.append(entry)
                    if len(pending) >= _BATCH:
                        self._flush(pending)
                ticker.tick(self.processed, read.key)
        self._flush(pending)
        ticker.report(self.processed, None)

    def _full_tracks(self, track_ids: list[int]) -> None:
        """Make sure the given library tracks are read in full (cues, base values)."""
        needed = [track_id for track_id in track_ids if track_id not in self.full]
        if not needed:
            return
        if self.library.load is None:
            raise SyncError("The library snapshot cannot read tracks any more; run the import again.")
        for track in self.library.load(needed):
            self.full[track.track.id] = track
        missing = [track_id for track_id in needed if track_id not in self.full]
        if missing:
            raise SyncError(f"Library track {missing[0]} vanished while the import was planned; run it again.")

    def _flush(self, pending: list[ResolvedEntry]) -> None:
        """Merge (or consider for import) the gathered entries, in collection order."""
        self._full_tracks([entry.track.id for entry in pending if entry.track is not None])
        for entry in pending:
            values, cues, digest = self._map(entry)
            if entry.track is not None:
                self._merge(entry, self.full[entry.track.id], values, cues, digest)
            else:
                self._consider_new(entry, values, cues, digest)
        pending.clear()

    def _merge(
        self,
        entry: ResolvedEntry,
        track: SyncTrack,
        values: TrackValues,
        cues: tuple[CueValues, ...],
        digest: str | None,
        moved_to: str | None = None,
        relocated: bool = False,
    ) -> None:
        """Merge an entry into the library track it matched (``moved_to``: the track's file is now there;
        ``relocated``: Harmony points the track at another file than the entry names, for the export to carry).

        ``digest`` (the entry's, or None) is stored with the new base when Harmony's track agrees with the
        entry after the merge, so that the next import can skip the entry while neither side changes it."""
        stored = track.track
        subject = stored.values.path
        base = track.base
        strategy = self.options.strategy
        if (
            moved_to is None
            and base is not None
            and base.values == values
            and base.cues == cues
            and base.nml_key == entry.data.key
            and self.options.cue_strategy != "replace"
        ):
            # Traktor changed nothing since the last sync (the usual re-import): Harmony keeps all it has.
            in_step = agrees(stored.values, values) and _same_cues(track, [], [], [], cues) and not relocated
            self.harmony_ahead = self.harmony_ahead or not in_step
            self._set_base(track, TrackBase(entry.data.key, values, cues, digest if in_step else None), False)
            return
        merged = merge_fields(stored.values, values, None if base is None else base.values, strategy)
        for conflict in merged.conflicts:
            self.conflicts.append(
                Conflict(
                    subject,
                    conflict.field,
                    show(conflict.harmony),
                    show(conflict.traktor),
                    show(conflict.base) if conflict.has_base else None,
                    conflict.winner,
                    strategy,
                )
            )
        cue_merge = merge_cues(
            subject,
            track.cues,
            cues,
            None if base is None else base.cues,
            self.options.cue_strategy,
            self.options.cue_conflict_strategy,
            self.options.cue_tolerance_ms,
        )
        self.conflicts.extend(cue_merge.conflicts)
        changes = dict(merged.changes)
        if moved_to is not None:
            changes["path"] = moved_to  # the library derives the path key from it
        if changes:
            self.track_updates.append(TrackUpdate(stored.id, changes))
            self.fields_updated.update(changes.keys())
        self.cue_adds.extend(CueAdd(stored.id, cue) for cue in cue_merge.adds)
        self.cue_updates.extend(CueUpdate(cue_id, cue_changes) for cue_id, cue_changes in cue_merge.updates)
        self.cue_removals.extend(cue_merge.removals)
        if changes or cue_merge:
            self.updated_tracks += 1
            fields = tuple(FieldChange(name, getattr(stored.values, name), new) for name, new in changes.items())
            self.track_changes.append(
                TrackChange(stored.id, subject, stored.values.title, fields, tuple(cue_merge.changes))
            )
        after = replace(stored.values, **changes)  # type: ignore[arg-type]
        in_step = (
            agrees(after, values)
            and _same_cues(track, cue_merge.updates, cue_merge.removals, cue_merge.adds, cues)
            and not relocated
        )
        self.harmony_ahead = self.harmony_ahead or not in_step
        new_base = TrackBase(entry.data.key, values, cues, digest if in_step else None)
        bases_before = len(self.base_sets)
        self._set_base(track, new_base, bool(changes or cue_merge))
        if in_step and (changes or cue_merge or len(self.base_sets) > bases_before):
            # It ends as Traktor's file has it, with that base: an edit of the DJ's that the strategy gave up, or
            # that Traktor made too, leaves nothing to export (harmony.library.in_step).
            self.tracks_agreed.append(stored.id)

    def _set_base(self, track: SyncTrack, new: TrackBase, changed_now: bool) -> None:
        """Store ``new`` as the track's base unless it says nothing the stored one does not.

        A base whose only difference is a digest the new one lacks is kept as it is: its digest can no
        longer let an entry be skipped (the track was changed in Harmony since it was written, or it would
        still agree), and rewriting it would write a row on every import while Harmony is ahead. The same
        base with a digest is written again when the track changed since the base was written (in Harmony,
        or by this very merge): stamped with this import's version, it lets the next import skip the entry."""
        old = track.base
        if old is not None and new.digest is None and replace(new, digest=old.digest) == old:
            return
        if new == old:
            stale = track.synced_version is None or track.track.changed_version > track.synced_version
            if new.digest is None or not (changed_now or stale):
                return
        self.base_sets.append(TrackBaseSet(new, track.track.id))

    def _consider_new(
        self, entry: ResolvedEntry, values: TrackValues, cues: tuple[CueValues, ...], digest: str | None
    ) -> None:
        deleted = self.deleted_in_harmony.get(entry.key)
        if deleted is not None:
            unchanged = deleted.values == values and deleted.cues == cues
            self.harmony_ahead = True
            strategy = self.options.strategy
            bring_back = not unchanged and strategy == "traktor_wins"
            if not unchanged:
                winner: Literal["traktor", "harmony"] = "traktor" if bring_back else "harmony"
                self.conflicts.append(
                    Conflict(entry.path, "track", "deleted", "changed", "as last synced", winner, strategy)
                )
            if not bring_back:
                self.skipped.append(SkippedEntry(entry.data.key, "deleted in Harmony since the last sync"))
                self.gone_files.add(entry.key)
                return
        self.candidates.append(_Candidate(entry, values, cues, digest, self.index.by_base_key.get(entry.data.key)))

    def validate(self, progress: ProgressReporter | None) -> None:
        ticker = Ticker(
            progress, "validating", PHASE_SPANS["validating"], len(self.candidates), "Validating imported tracks"
        )
        exists = self.options.file_exists
        # The library keeps paths unique under its own rules (those of the machine it runs on). A planner told
        # another platform could see two files where the library sees one: such a track is reported, not
        # planned, so the import cannot fail half-way at the library's unique index.
        taken = {t.path_key or path_key(t.path) for t in self.refs}
        taken_by: dict[str, tuple[str, ...]] = {}
        for done, candidate in enumerate(self.candidates, 1):
            entry = candidate.entry
            stored_key = path_key(entry.path)
            moved = candidate.moved_track
            if moved is not None and moved.id not in self.matcher.matched_track_ids and stored_key not in taken:
                # The entry Harmony last synced with this track now names another file here: the DJ's path
                # mappings changed (a new drive letter, another computer). The track follows, edits and all
                # (marked missing if that file is not here either).
                self.matcher.matched_track_ids.add(moved.id)
                self.moved_by_file[entry.key] = moved.id  # the playlists' entries of that file are this track
                taken.add(stored_key)
                self._full_tracks([moved.id])
                moved_track = self.full[moved.id]
                # Unless the entry names the very file it named at the last sync: then Harmony moved the track
                # since (a relocation), and its file stands until the export carries it to Traktor.
                base = moved_track.base
                relocated = base is not None and self.resolver.moved_in_harmony(
                    moved_track.track.values.path, base.values.path, entry.path
                )
                if not relocated:
                    self.moved_paths[moved.id] = entry.path
                self._merge(
                    entry,
                    moved_track,
                    candidate.values,
                    candidate.cues,
                    candidate.digest,
                    moved_to=None if relocated else entry.path,
                    relocated=relocated,
                )
            elif stored_key in taken:
                self.clashes.append(DuplicateEntry(entry.path, (*taken_by.get(stored_key, ()), entry.data.key)))
            else:
                # A track whose file is not on this machine comes in all the same, marked missing: Traktor
                # keeps such tracks, and so does Harmony (its metadata, cues and playlists are the DJ's work).
                found = exists(entry.path)
                if not found:
                    self.missing.append(entry.path)
                taken.add(stored_key)
                taken_by[stored_key] = (entry.data.key,)
                ref = entry.data.key
                base = TrackBase(ref, candidate.values, candidate.cues, candidate.digest)
                self.new_tracks.append(NewTrack(ref, candidate.values, candidate.cues, base, missing=not found))
                self.new_by_file[entry.key] = ref
                self.new_summaries.append(
                    NewTrackSummary(entry.path, candidate.values.title, candidate.values.artist, len(candidate.cues))
                )
            ticker.tick(done, entry.path)
        ticker.report(len(self.candidates), None)
        if self.missing and progress is not None:
            end = PHASE_SPANS["validating"][1]
            progress("validating", end, f"{len(self.missing):,} files not found: imported as missing tracks", None)
        self.candidates = []

    def check_files(self) -> None:
        """Whether each library track's file is on this machine: a lost file marks its track missing, a file
        that is back clears the mark. Asked of ``options.file_exists`` once per track marked missing or moved,
        and per present track of this import's round (``options.file_check_round``; every track in a small
        library). The import job answers a folder of tracks with one listing of it."""
        exists = self.options.file_exists
        this_round = self.options.file_check_round
        deleted = set(self.track_deletes)
        for ref in self.refs:
            if ref.id in deleted:
                continue
            moved = self.moved_paths.get(ref.id)
            if moved is None and not ref.missing and not this_round.covers(ref.id):
                continue
            path = ref.path if moved is None else moved
            found = exists(path)
            if found and ref.missing:
                self.files_found.append(ref.id)
            elif not found and not ref.missing:
                self.files_lost.append(ref.id)

    def removals(self) -> None:
        """The library tracks Traktor removed from the collection since the last sync: their base's entry is
        gone and no entry names their file. Each leaves the library (cues and playlist entries with it) unless
        Harmony changed it since: then the strategy settles it as the export would (:mod:`.three_way`)."""
        matched, seen, index = self.matcher.matched_track_ids, self.matcher.seen_keys, self.index
        gone = [
            ref
            for ref in self.refs
            if ref.base_key is not None
            and ref.id not in matched
            and ref.base_key not in seen
            and index.get(index.key_of[ref.id]) is ref  # not a second library track naming the same file
        ]
        if not gone:
            return
        self._full_tracks([ref.id for ref in gone])
        strategy = self.options.strategy
        for ref in gone:
            track = self.full[ref.id]
            base = track.base
            if base is None:
                continue
            values = track.track.values
            changed = changed_in_harmony(track, base, self.options.cue_tolerance_ms, self.resolver)
            decision = decide_deletion("traktor", changed, strategy)
            if decision.conflict:
                assert decision.winner is not None
                self.conflicts.append(
                    Conflict(values.path, "track", "changed", "removed", "as last synced", decision.winner, strategy)
                )
            if decision.takes_traktor:
                self.track_deletes.append(ref.id)
                self.base_deletes.append(base.nml_key)
                self.removed.append(RemovedTrack(values.path, values.title, values.artist))
            else:
                self.harmony_ahead = True  # kept: the next export writes it back

    # -- playlist entries --

    def for_key(self, nml_key: str) -> tuple[EntryRef, Ident]:
        # A playlist's entries, its base's and Traktor's copy name mostly the same keys: three look-ups of each,
        # 100,000s in a big library. Remembered once every track is planned (see plan_import), when the answer
        # for a key can no longer change.
        if self.entry_refs is None:
            return self._entry_for_key(nml_key)
        known = self.entry_refs.get(nml_key)
        if known is None:
            known = self.entry_refs[nml_key] = self._entry_for_key(nml_key)
        return known

    def _entry_for_key(self, nml_key: str) -> tuple[EntryRef, Ident]:
        file = self.matcher.file_of_key(nml_key)
        if file is None:
            return EntryRef(nml_key=nml_key), ("k", "raw:" + nml_key)
        ref = self.new_by_file.get(file)
        if ref is not None:
            return EntryRef(track=ref, nml_key=nml_key), ("n", ref)
        moved = self.moved_by_file.get(file)
        if moved is not None:
            return EntryRef(track=moved, nml_key=nml_key), ("t", moved)
        track = self.index.get(file)
        if track is not None:
            return EntryRef(track=track.id, nml_key=nml_key), ("t", track.id)
        return EntryRef(nml_key=nml_key), ("k", file)

    def gone(self, nml_key: str) -> bool:
        return bool(self.gone_files) and self.matcher.file_of_key(nml_key) in self.gone_files

    def for_stored(self, entry: StoredEntry) -> tuple[EntryRef, Ident]:
        if entry.track_id is not None:
            return EntryRef(track=entry.track_id, nml_key=entry.nml_key), ("t", entry.track_id)
        if entry.nml_key is None:
            return EntryRef(), ("k", f"entry:{entry.id}")
        return self.for_key(entry.nml_key)


def _same_cues(
    track: SyncTrack,
    updates: list[tuple[int, dict[str, FieldValue]]],
    removals: list[int],
    adds: list[CueValues],
    traktor: tuple[CueValues, ...],
) -> bool:
    """Whether Harmony's cues after the merge equal Traktor's (as a set of values, order aside)."""
    if not updates and not removals and not adds and [cue.values for cue in track.cues] == list(traktor):
        return True  # the same cues in the same order
    changes = dict(updates)
    gone = set(removals)
    after = [
        replace(cue.values, **changes.get(cue.id, {}))  # type: ignore[arg-type]
        for cue in track.cues
        if cue.id not in gone
    ]
    after.extend(adds)
    return sorted(map(_cue_sort_key, after)) == sorted(map(_cue_sort_key, traktor))


def _cue_sort_key(cue: CueValues) -> tuple[tuple[bool, object], ...]:
    # None sorts before any value of its field, so cues with and without a name or colour can be ordered.
    return tuple((value is not None, "" if value is None else value) for value in cue.as_dict().values())


def plan_import(
    traktor: TraktorSnapshot,
    library: LibrarySnapshot,
    options: SyncOptions | None = None,
    progress: ProgressReporter | None = None,
    *,
    fingerprint: NmlFingerprint | None = None,
) -> PlannedImport:
    """Plan the import of ``traktor`` into ``library`` (see the module doc). Applying ``result.plan`` does
    exactly what ``result.report`` says; planning again after applying it plans nothing."""
    options = options or SyncOptions()
    importer = _Importer(traktor, library, options)
    importer.analyze(progress)
    if importer.processed != traktor.track_count:
        # A stream read twice, or a count that does not match: planning on would take every missing track's
        # playlist entries for dangling ones. Refuse instead.
        raise SyncError(
            f"The collection gave {importer.processed} tracks where {traktor.track_count} were announced; "
            "read the collection again and retry."
        )
    importer.validate(progress)
    importer.removals()
    importer.check_files()
    importer.entry_refs = {}  # every track is planned: what a playlist entry's key names is settled

    syncing_start, syncing_end = PHASE_SPANS["syncing"]
    if progress is not None:
        progress("syncing", syncing_start, "Merging playlists and folders", None)
    # A file with no playlist tree says nothing about playlists: keep the library's (they are then ahead).
    playlists = (
        plan_playlists(
            traktor.playlists,
            library.folders,
            library.playlists,
            library.unlinked_playlist_bases,
            library.unlinked_folder_bases,
            importer,
            options.strategy,
        )
        if traktor.has_playlists
        else PlaylistPlan(harmony_ahead=bool(library.playlists or library.folders))
    )
    if progress is not None:
        progress("syncing", syncing_end, "Plan complete", None)

    matcher = importer.matcher
    removed = set(importer.track_deletes)
    not_in_traktor = sum(1 for t in importer.refs if t.id not in matcher.matched_track_ids and t.id not in removed)
    plan = ImportPlan(
        nml_fingerprint=fingerprint,
        based_on_version=library.version,
        leaves_nml_current=not (
            importer.harmony_ahead or playlists.harmony_ahead or not_in_traktor or importer.index.duplicates
        ),
        new_tracks=tuple(importer.new_tracks),
        track_updates=tuple(importer.track_updates),
        cue_adds=tuple(importer.cue_adds),
        cue_updates=tuple(importer.cue_updates),
        cue_removals=tuple(importer.cue_removals),
        folder_creates=tuple(playlists.folder_creates),
        folder_updates=tuple(playlists.folder_updates),
        folder_moves=tuple(playlists.folder_moves),
        folder_deletes=tuple(playlists.folder_deletes),
        playlist_creates=tuple(playlists.playlist_creates),
        playlist_updates=tuple(playlists.playlist_updates),
        playlist_moves=tuple(playlists.playlist_moves),
        playlist_deletes=tuple(playlists.playlist_deletes),
        track_deletes=tuple(importer.track_deletes),
        files_lost=tuple(importer.files_lost),
        files_found=tuple(importer.files_found),
        tracks_agreed=tuple(importer.tracks_agreed),
        bases=BaseUpdates(
            tracks=tuple(importer.base_sets),
            track_deletes=tuple(importer.base_deletes),
            playlists=tuple(playlists.playlist_bases),
            playlist_deletes=tuple(playlists.playlist_base_deletes),
            folders=tuple(playlists.folder_bases),
            folder_deletes=tuple(playlists.folder_base_deletes),
        ),
    )
    stats = ImportStats(
        tracks_processed=importer.processed,
        tracks_updated=importer.updated_tracks,
        tracks_imported=len(importer.new_tracks),
        tracks_removed=len(importer.track_deletes),
        tracks_matched=len(matcher.matched_track_ids),
        cue_points_added=len(importer.cue_adds) + sum(len(t.cues) for t in importer.new_tracks),
        cue_points_updated=len(importer.cue_updates),
        cue_points_removed=len(importer.cue_removals),
        playlists_imported=playlists.imported,
        smart_lists_imported=sum(1 for create in playlists.playlist_creates if create.smart_query is not None),
        playlists_updated=playlists.updated,
        playlists_removed=len(playlists.playlist_deletes),
        fields_updated=dict(importer.fields_updated),
        conflicts=(*importer.conflicts, *playlists.conflicts),
        missing_files=tuple(importer.missing),
        files_lost=len(importer.files_lost),
        files_found=len(importer.files_found),
        playlists_kept=not traktor.has_playlists and bool(library.playlists or library.folders),
    )
    report = ImportReport(
        stats=stats,
        new_tracks=NewTrackList(importer.new_summaries),
        track_changes=tuple(importer.track_changes),
        playlist_changes=tuple(playlists.changes),
        duplicates=(*matcher.duplicates, *importer.index.duplicates, *importer.clashes),
        skipped=(*matcher.skipped, *importer.skipped),
        not_in_traktor=not_in_traktor,
        removed_tracks=tuple(importer.removed),
        library_tracks=len(importer.refs),
        library_playlists=len(library.playlists),
    )
    log.info("planned import: %s", stats.summary())
    return PlannedImport(plan, report)
