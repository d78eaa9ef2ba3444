"""apply_import applies a whole plan in one transaction, or nothing; record_export records an export."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from harmony.errors import LibraryError
from harmony.library import (
    BaseUpdates,
    CueAdd,
    CueUpdate,
    EntryRef,
    FolderBase,
    FolderBaseSet,
    FolderCreate,
    FolderMove,
    FolderUpdate,
    ImportPlan,
    Library,
    LibraryChangedError,
    NewTrack,
    NotFoundError,
    PlaylistBase,
    PlaylistBaseSet,
    PlaylistCreate,
    PlaylistMove,
    PlaylistUpdate,
    TrackBase,
    TrackBaseSet,
    TrackUpdate,
)
from harmony.nmlfile import NmlFingerprint

from .helpers import cue, track

FINGERPRINT = NmlFingerprint(path="/nml/collection.nml", size=1234, mtime_ns=99, sha256="ab" * 32)


def dump(path: Path) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every table (the FTS index through its content), to compare whole-library states."""
    raw = sqlite3.connect(path)
    tables = [
        name
        for (name,) in raw.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        if not name.startswith("tracks_fts") and not name.startswith("sqlite_")
    ]
    state = {name: raw.execute(f"SELECT * FROM {name} ORDER BY rowid").fetchall() for name in tables}
    state["fts"] = raw.execute("SELECT rowid FROM tracks_fts WHERE tracks_fts MATCH 'title*' ORDER BY rowid").fetchall()
    raw.close()
    return state


def _seeded(library: Library) -> tuple[int, int, int]:
    first, second = library.add_tracks([(track(1), [cue(100.0), cue(200.0, hotcue=1)]), (track(2), [])])
    folder = library.create_folder("Old folder")
    return first, second, folder


def test_a_full_plan_is_applied(library: Library) -> None:
    first, second, folder = _seeded(library)
    cue_ids = [c.id for c in library.get_track(first).cues]
    before = library.version
    plan = ImportPlan(
        nml_fingerprint=FINGERPRINT,
        based_on_version=before,
        new_tracks=(
            NewTrack(
                ref="Macintosh HD/:Music/:new.mp3",
                values=track(3, bpm=128.0, bpm_text="128.000000"),
                cues=(cue(0.0, type=4, hotcue=-1, grid_bpm=128.0),),
                base=TrackBase("Macintosh HD/:Music/:new.mp3", track(3, bpm=128.0)),
            ),
        ),
        track_updates=(TrackUpdate(first, {"rating": 5, "comment": "from Traktor"}),),
        cue_adds=(CueAdd(second, cue(300.0, hotcue=2)),),
        cue_updates=(CueUpdate(cue_ids[0], {"name": "Intro", "start": 101.5}),),
        cue_removals=(cue_ids[1],),
        folder_creates=(FolderCreate("f-sets", "Sets"), FolderCreate("f-fri", "Friday", parent="f-sets")),
        folder_updates=(FolderUpdate(folder, "Renamed"),),
        folder_moves=(FolderMove(folder, "f-sets", 0),),
        playlist_creates=(
            PlaylistCreate(
                "p-1",
                "Peak",
                folder="f-fri",
                uuid="uuid-peak",
                entries=(
                    EntryRef(track="Macintosh HD/:Music/:new.mp3"),
                    EntryRef(track=first),
                    EntryRef(nml_key="Macintosh HD/:Music/:not in library.mp3"),
                    EntryRef(track=first),
                ),
            ),
            PlaylistCreate("p-smart", "Smart", smart_query="$BPM > 120", uuid="uuid-smart"),
        ),
        bases=BaseUpdates(
            tracks=(TrackBaseSet(TrackBase("vol/:m/:1.mp3", track(1)), track=first),),
            playlists=(PlaylistBaseSet(PlaylistBase("uuid-peak", "Peak", ("Sets", "Friday"), 0, ("a",)), "p-1"),),
            folders=(FolderBaseSet(FolderBase(("Sets",), 0), "f-sets"),),
        ),
    )
    result = library.apply_import(plan)

    assert result.version == before + 1
    assert library.changes_since(before)[0].operation == "import"
    new_id = result.track_ids["Macintosh HD/:Music/:new.mp3"]
    new = library.get_track(new_id)
    assert new.track.values.bpm_text == "128.000000"
    assert [c.values.grid_bpm for c in new.cues] == [128.0]
    first_detail = library.get_track(first)
    assert first_detail.track.values.rating == 5
    assert first_detail.track.values.comment == "from Traktor"
    assert [(c.values.start, c.values.name) for c in first_detail.cues] == [(101.5, "Intro")]
    assert [c.values.start for c in library.get_track(second).cues] == [300.0]

    tree = library.playlist_tree()
    assert [n.name for n in tree] == ["Sets", "Smart"]
    sets = tree[0]
    assert [n.name for n in sets.children] == ["Renamed", "Friday"]  # type: ignore[union-attr]
    peak_id = result.playlist_ids["p-1"]
    entries = library.playlist_entries(peak_id)
    assert [(e.track_id, e.nml_key) for e in entries] == [
        (new_id, None),
        (first, None),
        (None, "Macintosh HD/:Music/:not in library.mp3"),
        (first, None),
    ]
    with library.reader() as reader:
        bases = {t.track.id: t.base for t in reader.iter_tracks()}
        playlists = {p.id: p for p in reader.playlists()}
        folders = {f.id: f for f in reader.folders()}
    assert bases[new_id] is not None and bases[new_id].nml_key == "Macintosh HD/:Music/:new.mp3"  # type: ignore[union-attr]
    assert bases[first] is not None and bases[first].nml_key == "vol/:m/:1.mp3"  # type: ignore[union-attr]
    assert bases[second] is None
    assert playlists[peak_id].base == PlaylistBase("uuid-peak", "Peak", ("Sets", "Friday"), 0, ("a",))
    assert playlists[result.playlist_ids["p-smart"]].smart_query == "$BPM > 120"
    assert folders[result.folder_ids["f-sets"]].base == FolderBase(("Sets",), 0)
    status = library.status()
    assert status.nml_fingerprint == FINGERPRINT
    assert status.last_import_at is not None
    assert status.pending_export  # leaves_nml_current was not claimed


def test_a_failing_plan_changes_nothing(library: Library, library_path: Path) -> None:
    first, _second, folder = _seeded(library)
    before = dump(library_path)
    plan = ImportPlan(
        nml_fingerprint=FINGERPRINT,
        new_tracks=tuple(NewTrack(f"k{i}", track(100 + i), (cue(1.0),)) for i in range(50)),
        track_updates=(TrackUpdate(first, {"title": "Changed"}),),
        folder_creates=(FolderCreate("f", "New"),),
        folder_moves=(FolderMove(folder, "f"),),
        playlist_creates=(PlaylistCreate("p", "P", entries=(EntryRef(track="k1"),)),),
        # The very last step names a cue that does not exist: everything before it must be undone.
        cue_removals=(987654,),
    )
    with pytest.raises(NotFoundError, match="987654"):
        library.apply_import(plan)
    assert dump(library_path) == before


def test_a_plan_naming_an_unknown_ref_or_repeating_one_is_refused(library: Library, library_path: Path) -> None:
    _seeded(library)
    before = dump(library_path)
    with pytest.raises(LibraryError, match="does not create"):
        library.apply_import(ImportPlan(playlist_creates=(PlaylistCreate("p", "P", folder="nowhere"),)))
    with pytest.raises(LibraryError, match="same ref"):
        library.apply_import(ImportPlan(new_tracks=(NewTrack("k", track(10)), NewTrack("k", track(11)))))
    assert dump(library_path) == before


def test_a_plan_from_an_older_library_version_is_refused(library: Library) -> None:
    first, _, _ = _seeded(library)
    planned_at = library.version
    library.update_track(first, {"rating": 1})  # the DJ edits while the plan is computed
    with pytest.raises(LibraryChangedError, match="run the import again"):
        library.apply_import(
            ImportPlan(based_on_version=planned_at, track_updates=(TrackUpdate(first, {"rating": 4}),))
        )
    assert library.get_track(first).track.values.rating == 1


def test_an_import_that_leaves_the_nml_current_clears_pending_export(library: Library) -> None:
    first, _, _ = _seeded(library)
    assert library.pending_export
    result = library.apply_import(
        ImportPlan(track_updates=(TrackUpdate(first, {"genre": "Disco"}),), leaves_nml_current=True)
    )
    assert library.status().last_exported_version == result.version
    assert not library.pending_export


def test_a_plan_with_only_bases_does_not_bump_the_version(library: Library) -> None:
    first, _, _ = _seeded(library)
    before = library.version
    library.apply_import(ImportPlan(bases=BaseUpdates(tracks=(TrackBaseSet(TrackBase("k1", track(1)), first),))))
    assert library.version == before


def test_bases_outlive_deleted_playlists_until_removed(library: Library) -> None:
    result = library.apply_import(
        ImportPlan(
            playlist_creates=(PlaylistCreate("p", "Gone soon", uuid="u-gone"),),
            bases=BaseUpdates(playlists=(PlaylistBaseSet(PlaylistBase("u-gone", "Gone soon", (), 0), "p"),)),
        )
    )
    library.delete_playlist(result.playlist_ids["p"])
    with library.reader() as reader:
        # Deleted in Harmony after the last sync: the export can tell, because the base is still there.
        assert [b.uuid for b in reader.unlinked_playlist_bases()] == ["u-gone"]
    library.record_export(library.version, FINGERPRINT, BaseUpdates(playlist_deletes=("u-gone",)))
    with library.reader() as reader:
        assert reader.unlinked_playlist_bases() == ()


def test_a_new_track_base_replaces_the_old_one(library: Library) -> None:
    first, _, _ = _seeded(library)
    library.record_export(
        library.version, FINGERPRINT, BaseUpdates(tracks=(TrackBaseSet(TrackBase("old", track(1)), first),))
    )
    library.record_export(
        library.version, FINGERPRINT, BaseUpdates(tracks=(TrackBaseSet(TrackBase("new", track(1)), first),))
    )
    with library.reader() as reader:
        bases = {t.track.id: t.base for t in reader.iter_tracks()}
        assert list(reader.unlinked_track_bases()) == []
    assert bases[first] is not None and bases[first].nml_key == "new"  # type: ignore[union-attr]


def test_record_export_may_not_name_plan_refs(library: Library) -> None:
    with pytest.raises(LibraryError, match="does not create"):
        library.record_export(0, FINGERPRINT, BaseUpdates(tracks=(TrackBaseSet(TrackBase("k", track(1)), "ref"),)))


def test_moves_and_updates_of_existing_playlists(library: Library) -> None:
    a, b = library.add_tracks([(track(1), []), (track(2), [])])
    folder = library.create_folder("Box")
    playlist = library.create_playlist("List", track_ids=[a])
    library.apply_import(
        ImportPlan(
            playlist_updates=(PlaylistUpdate(playlist, {"name": "List 2", "uuid": "u-2"}, (EntryRef(b), EntryRef(a))),),
            playlist_moves=(PlaylistMove(playlist, folder, 0),),
        )
    )
    tree = library.playlist_tree()
    assert [n.name for n in tree] == ["Box"]
    child = tree[0].children[0]  # type: ignore[union-attr]
    assert (child.name, child.uuid) == ("List 2", "u-2")  # type: ignore[union-attr]
    assert [e.track_id for e in library.playlist_entries(playlist)] == [b, a]


def test_bases_are_checked_and_typed_like_stored_values(library: Library) -> None:
    first, _, _ = _seeded(library)
    good = TrackBase("k", track(1, bpm=128, duration=61), (cue(1000),))  # whole numbers for float fields
    library.record_export(library.version, FINGERPRINT, BaseUpdates(tracks=(TrackBaseSet(good, first),)))
    with library.reader() as reader:
        base = next(t.base for t in reader.iter_tracks() if t.track.id == first)
    assert base is not None
    assert isinstance(base.values.bpm, float) and base.values.bpm == 128.0
    assert isinstance(base.cues[0].start, float)
    bad = TrackBase("k", track(1, rating=9))
    with pytest.raises(LibraryError, match="rating"):
        library.record_export(library.version, FINGERPRINT, BaseUpdates(tracks=(TrackBaseSet(bad, first),)))


def test_two_bases_for_one_track_are_refused(library: Library) -> None:
    first, _, _ = _seeded(library)
    twice = BaseUpdates(
        tracks=(TrackBaseSet(TrackBase("a", track(1)), first), TrackBaseSet(TrackBase("b", track(1)), first))
    )
    with pytest.raises(LibraryError, match="two sync bases"):
        library.record_export(library.version, FINGERPRINT, twice)
    with library.reader() as reader:
        assert all(t.base is None for t in reader.iter_tracks())
