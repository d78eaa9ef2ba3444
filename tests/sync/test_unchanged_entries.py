"""Re-imports skip the entries unchanged on both sides since the last import (entry digests on track bases).

Every plan here is checked against the same plan made the slow way: from a plain stream of tracks, which has
no entry bytes to digest, so every entry is parsed and merged in full as before the digests existed."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from harmony import nml
from harmony.jobs import read_import_snapshot
from harmony.jobs.import_job import plan_from_files
from harmony.library import Library
from harmony.library.plan import ImportPlan, TrackBase
from harmony.library.reader import open_reader
from harmony.sync import LibrarySnapshot, PlannedImport, TraktorSnapshot, file_rounds, plan_import
from harmony.sync.digest import entry_salt

from .helpers import World, cue, local_path


def _collection(world: World, count: int = 6) -> None:
    for n in range(count):
        world.add(f"t{n}.mp3", (cue(1000.0 * (n + 1), hotcue=0, name=f"Drop {n}"),), title=f"Title {n}", bpm=120.0 + n)
    world.reload()  # entries as read from a file (an entry made in memory has no bytes to digest yet)


def _full_plan(world: World, **options: Any) -> PlannedImport:
    """The plan made without digests: a stream of tracks and a library read in full."""
    loaded = TraktorSnapshot.from_collection(world.collection)
    stream = TraktorSnapshot(loaded.tracks, loaded.track_count, loaded.playlists)
    with world.library.reader() as reader:
        snapshot = read_import_snapshot(reader)
    return plan_import(stream, snapshot, world.options(**options))


def _without_digests(plan: ImportPlan) -> ImportPlan:
    """The plan with the digests of its bases left out (the slow path has none to give)."""
    bases = tuple(replace(item, base=replace(item.base, digest=None)) for item in plan.bases.tracks)
    new = tuple(replace(t, base=None if t.base is None else replace(t.base, digest=None)) for t in plan.new_tracks)
    return replace(plan, bases=replace(plan.bases, tracks=bases), new_tracks=new, nml_fingerprint=None)


def _stored_bases(world: World) -> dict[int, TrackBase | None]:
    with world.library.reader() as reader:
        return {t.track.id: None if t.base is None else replace(t.base, digest=None) for t in reader.iter_tracks()}


def _same_as_full(world: World, fast: PlannedImport, **options: Any) -> None:
    """``fast`` does what the plan made in full does; its only extra writes are bases given a digest (or a
    new version stamp) with the very values and cues they already hold."""
    full = _full_plan(world, **options)
    stored = _stored_bases(world)
    plan = _without_digests(fast.plan)
    kept = tuple(item for item in plan.bases.tracks if stored.get(item.track) != item.base)  # type: ignore[arg-type]
    assert replace(plan, bases=replace(plan.bases, tracks=kept)) == _without_digests(full.plan)
    assert fast.report == full.report


def _planned_from_file(world: World, tmp_path: Path, **options: Any) -> tuple[PlannedImport, LibrarySnapshot]:
    """The plan as the import job makes it (file on disk, library read-only), and the snapshot it read."""
    path = tmp_path / "collection.nml"
    world.collection.write_unchecked(path)
    planned, _ = plan_from_files(path, world.library.path, world.options(**options))
    traktor = TraktorSnapshot.from_collection(nml.load(path))
    digests = traktor.digests(entry_salt(world.options(**options))) or []
    with open_reader(world.library.path) as reader:
        snapshot = read_import_snapshot(reader, entry_digests={d for d in digests if d is not None})
    return planned, snapshot


def test_an_unchanged_reimport_reads_no_track_in_full_and_plans_nothing(world: World, tmp_path: Path) -> None:
    _collection(world)
    world.sync()
    before = world.library.stats()

    planned, snapshot = _planned_from_file(world, tmp_path)

    # Every track was left out of the full read: its entry is the one its base came from.
    assert snapshot.tracks == [] and len(snapshot.light) == 6
    assert not planned.plan.changes_library() and not planned.plan.bases
    assert planned.plan.leaves_nml_current
    assert planned.stats.tracks_processed == 6 and planned.stats.summary() == "No changes needed"
    world.library.apply_import(planned.plan)
    assert world.library.stats() == before


def test_a_changed_entry_among_unchanged_ones_is_merged_as_before(world: World, tmp_path: Path) -> None:
    _collection(world)
    world.sync()
    world.entry("t3.mp3").title = "Retitled in Traktor"
    world.entry("t3.mp3").cues[0].name = "Renamed in Traktor"
    world.reload()

    planned, snapshot = _planned_from_file(world, tmp_path)

    assert [t.track.values.path for t in snapshot.tracks] == ["/music/t3.mp3"]  # only it is read in full
    assert planned.stats.tracks_updated == 1 and planned.stats.fields_updated == {"title": 1}
    assert planned.stats.cue_points_updated == 1
    _same_as_full(world, planned)
    world.library.apply_import(planned.plan)
    assert world.track("t3.mp3").track.values.title == "Retitled in Traktor"
    assert world.track("t2.mp3").track.values.title == "Title 2"
    # The new base carries the new entry's digest: the next import skips that entry too.
    again, snapshot = _planned_from_file(world, tmp_path)
    assert snapshot.tracks == [] and not again.plan.bases and not again.plan.changes_library()


def test_an_edit_in_harmony_survives_and_keeps_the_collection_behind(world: World, tmp_path: Path) -> None:
    _collection(world)
    world.sync()
    track_id = world.track_id("t1.mp3")
    world.library.update_track(track_id, {"title": "Edited in Harmony"})

    planned, snapshot = _planned_from_file(world, tmp_path)

    assert [t.track.id for t in snapshot.tracks] == [track_id]  # changed since its base: merged in full
    assert not planned.plan.changes_library() and not planned.plan.bases
    assert not planned.plan.leaves_nml_current  # Harmony holds an edit Traktor lacks
    _same_as_full(world, planned)
    world.library.apply_import(planned.plan)
    assert world.track("t1.mp3").track.values.title == "Edited in Harmony"
    assert world.library.pending_export


def test_replace_still_replaces_a_cue_edited_in_harmony(world: World, tmp_path: Path) -> None:
    _collection(world)
    world.sync()
    cue_id = world.track("t2.mp3").cues[0].id
    world.library.update_cue(cue_id, {"name": "Harmony's name"})

    planned, _ = _planned_from_file(world, tmp_path, cue_strategy="replace")

    assert planned.stats.cue_points_updated == 1
    _same_as_full(world, planned, cue_strategy="replace")
    world.library.apply_import(planned.plan)
    assert [c.name for c in world.cues("t2.mp3")] == ["Drop 2"]
    # In step again: the next import, with replace, skips everything.
    again, snapshot = _planned_from_file(world, tmp_path, cue_strategy="replace")
    assert snapshot.tracks == [] and not again.plan.changes_library() and not again.plan.bases


def test_bases_without_a_digest_are_merged_in_full_then_get_one(world: World, tmp_path: Path) -> None:
    _collection(world)
    world.sync()
    with sqlite3.connect(world.library.path) as conn:  # as a library upgraded from before the digests
        conn.execute("UPDATE track_sync_bases SET entry_digest = NULL, synced_version = NULL")
    version = world.library.version

    planned, snapshot = _planned_from_file(world, tmp_path)

    assert len(snapshot.tracks) == 6 and snapshot.light == []
    assert not planned.plan.changes_library()
    assert len(planned.plan.bases.tracks) == 6 and all(item.base.digest for item in planned.plan.bases.tracks)
    assert planned.stats.summary() == "No changes needed"
    # The base sets only add the digest: the values and cues are the stored ones.
    assert {item.track: replace(item.base, digest=None) for item in planned.plan.bases.tracks} == _stored_bases(world)
    _same_as_full(world, planned)
    world.library.apply_import(planned.plan)
    assert world.library.version == version  # bases are not library content: no new version
    again, snapshot = _planned_from_file(world, tmp_path)
    assert snapshot.tracks == [] and not again.plan.bases


def test_another_path_mapping_merges_every_entry_again(world: World, tmp_path: Path) -> None:
    _collection(world, 3)
    world.sync()

    # A mapping that leads to the same files still changes every digest: nothing is skipped.
    planned, snapshot = _planned_from_file(world, tmp_path, path_mappings=())
    assert snapshot.tracks == []
    from harmony.sync import PathMapping

    mapping = (PathMapping.parse("Macintosh HD/music=/music"),)
    planned, snapshot = _planned_from_file(world, tmp_path, path_mappings=mapping)
    assert len(snapshot.tracks) == 3
    assert not planned.plan.changes_library()
    # The only writes: the bases get the digests of their entries under the new mapping, values unchanged.
    assert {item.track: replace(item.base, digest=None) for item in planned.plan.bases.tracks} == _stored_bases(world)
    _same_as_full(world, planned, path_mappings=mapping)


def test_a_track_deleted_in_harmony_is_not_brought_back(world: World, tmp_path: Path) -> None:
    _collection(world, 3)
    world.sync()
    world.library.delete_tracks([world.track_id("t0.mp3")])

    planned, snapshot = _planned_from_file(world, tmp_path)

    assert len(snapshot.light) == 2
    assert planned.stats.tracks_imported == 0 and not planned.plan.changes_library()
    assert not planned.plan.leaves_nml_current
    _same_as_full(world, planned)


def test_a_duplicated_entry_is_reported_as_before(world: World, tmp_path: Path) -> None:
    _collection(world, 3)
    world.sync()
    raw = world.collection.to_bytes()
    start = raw.index(b"<ENTRY")
    end = raw.index(b"</ENTRY>", start) + len(b"</ENTRY>\n")
    duplicated = raw[:end] + raw[start:end] + raw[end:]  # the first entry twice, byte for byte
    world.collection = nml.load(duplicated)

    planned, snapshot = _planned_from_file(world, tmp_path)

    assert snapshot.tracks == []
    assert planned.stats.tracks_processed == 4
    assert [d.keys for d in planned.report.duplicates] == [(world.collection.tracks[0].key,) * 2]
    assert not planned.plan.changes_library() and not planned.plan.bases
    _same_as_full(world, planned)


def test_a_missing_file_is_checked_again_on_every_import(world: World, tmp_path: Path) -> None:
    world.add("gone.mp3", title="Gone")
    _collection(world, 2)
    world.missing.add("/music/gone.mp3")
    world.sync()

    planned, _ = _planned_from_file(world, tmp_path)
    assert planned.stats.missing_files == () and planned.plan.files_found == ()  # imported, marked missing
    world.missing.clear()
    planned, _ = _planned_from_file(world, tmp_path)
    assert planned.stats.tracks_imported == 0 and planned.plan.files_found == (world.track_id("gone.mp3"),)
    _same_as_full(world, planned)


def test_a_library_reader_closed_before_planning_is_refused_clearly(world: World) -> None:
    _collection(world, 2)
    world.sync()
    world.entry("t0.mp3").title = "Changed"
    world.reload()
    traktor = TraktorSnapshot.from_collection(world.collection)
    digests = {d for d in traktor.digests(entry_salt(world.options())) or [] if d is not None}
    with Library.open(world.library.path) as library, library.reader() as reader:
        snapshot = read_import_snapshot(reader, entry_digests=digests)
    # t1 is light; t0 was read in full: planning after the reader closed works as long as no light track
    # needs a merge.
    planned = plan_import(traktor, snapshot, world.options())
    assert planned.stats.fields_updated == {"title": 1}


def test_a_big_library_notices_a_lost_file_within_its_rounds(
    world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Six tracks stand for a big library: the job checks a share of the present ones per applied import, in
    # turn, and the library's counter (moved on by applied imports only, never by a preview) says which.
    monkeypatch.setattr(file_rounds, "WHOLE_CHECK_UP_TO", 2)
    _collection(world, 6)
    world.sync()
    lost = world.track_id("t4.mp3")
    world.missing.add(local_path("t4.mp3"))
    before = world.library.status().file_check_round
    preview, _ = _planned_from_file(world, tmp_path)
    assert world.library.status().file_check_round == before  # planning alone moves nothing
    noticed_after = None
    for applied in range(1, file_rounds.ROUNDS + 1):
        planned, _ = _planned_from_file(world, tmp_path)
        assert planned.stats.files_lost == (planned.plan.files_lost == (lost,)) * 1
        world.library.apply_import(planned.plan)
        assert world.library.status().file_check_round == before + applied
        if planned.plan.files_lost:
            noticed_after = applied
            break
    # Exactly at the import whose round holds the track (the rounds go by track id).
    rounds = file_rounds.ROUNDS
    assert noticed_after == next(k for k in range(rounds) if (before + k) % rounds == lost % rounds) + 1
    assert world.track("t4.mp3").track.missing
    # The first plan was of the same round as the preview: they agree.
    assert preview.plan.files_lost == ((lost,) if noticed_after == 1 else ())


def test_an_entry_with_traktors_unknown_bitrate_is_skipped_on_a_reimport(world: World, tmp_path: Path) -> None:
    """``BITRATE="-1"`` is imported as no bitrate, nothing left out, so the base keeps the entry's digest and an
    unchanged re-import does not read the entry again (before, each such track was merged in full every time)."""
    world.add("odd.mp3", title="Odd", bitrate=-1)
    _collection(world)
    world.sync()
    planned, snapshot = _planned_from_file(world, tmp_path)
    assert snapshot.tracks == [] and len(snapshot.light) == 7
    assert not planned.plan.changes_library() and not planned.plan.bases
