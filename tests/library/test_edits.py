"""Edits of tracks, cues, folders and playlists, and the change journal they bump."""

from __future__ import annotations

import pytest

from harmony.errors import LibraryError
from harmony.library import (
    BaseUpdates,
    CueValues,
    FolderNode,
    ImportPlan,
    InvalidFieldError,
    Library,
    NotFoundError,
    PlaylistBase,
    PlaylistBaseSet,
    PlaylistCreate,
    PlaylistNode,
    TrackBase,
    TrackBaseSet,
    TrackNotFoundError,
)
from harmony.nmlfile import NmlFingerprint

from .helpers import cue, track

FINGERPRINT = NmlFingerprint(path="/nml/collection.nml", size=10, mtime_ns=1, sha256="00")


def test_each_edit_bumps_the_version_once_and_is_journaled(library: Library) -> None:
    track_id = library.add_track(track(1), [cue(100.0)])
    assert library.version == 1
    library.update_track(track_id, {"rating": 3})
    cue_id = library.add_cue(track_id, cue(200.0, hotcue=1))
    library.update_cue(cue_id, {"name": "Break"})
    library.delete_cue(cue_id)
    folder_id = library.create_folder("Sets")
    playlist_id = library.create_playlist("Friday", folder_id, track_ids=[track_id])
    library.update_playlist(playlist_id, {"name": "Friday night"})
    assert library.version == 8
    operations = [c.operation for c in library.changes_since(0)]
    assert operations == [
        "tracks.add",
        "track.update",
        "cue.add",
        "cue.update",
        "cue.delete",
        "folder.create",
        "playlist.create",
        "playlist.update",
    ]
    assert [c.version for c in library.changes_since(6)] == [7, 8]


def test_a_refused_edit_changes_nothing_not_even_the_version(library: Library) -> None:
    track_id = library.add_track(track(1, rating=2))
    with pytest.raises(InvalidFieldError, match="at most 5"):
        library.update_track(track_id, {"rating": 6})
    with pytest.raises(InvalidFieldError, match=r"Unknown field 'ratting'.*rating"):
        library.update_track(track_id, {"ratting": 1})
    with pytest.raises(TrackNotFoundError):
        library.update_track(999, {"rating": 1})
    with pytest.raises(InvalidFieldError):
        library.update_track(track_id, {"bpm": float("nan")})
    with pytest.raises(InvalidFieldError):
        library.update_track(track_id, {"rating": True})
    with pytest.raises(InvalidFieldError, match="#RRGGBB"):
        library.add_cue(track_id, cue(1.0, color="red"))
    assert library.version == 1
    assert library.get_track(track_id).track.values.rating == 2


def test_waiting_for_export_is_what_an_export_would_write(library: Library) -> None:
    """The version moves with every edit, an undo too: after the only edit was undone the Traktor page said
    "Library edits are waiting to be exported" where the library page said none (found in a walk-through)."""
    first, second = library.add_track(track(1)), library.add_track(track(2))
    assert library.waiting_for_export()  # new tracks
    # As after a sync: both tracks and a playlist exchanged with Traktor, each with its base.
    synced = library.apply_import(
        ImportPlan(
            playlist_creates=(PlaylistCreate("p", "Warm-up", uuid="u-1"),),
            bases=BaseUpdates(
                tracks=(
                    TrackBaseSet(TrackBase("k1", track(1)), first),
                    TrackBaseSet(TrackBase("k2", track(2)), second),
                ),
                playlists=(PlaylistBaseSet(PlaylistBase("u-1", "Warm-up", (), 0), "p"),),
            ),
        )
    )
    library.record_export(library.version, FINGERPRINT)
    assert not library.waiting_for_export() and not library.pending_export

    library.edit_tracks([first], {"comment": "edited"})
    assert library.waiting_for_export()
    library.undo()
    assert library.pending_export  # the version moved (auto-sync keeps to it)...
    assert not library.waiting_for_export()  # ...and nothing is left to write

    # Deletions leave no row to count, only a base without its row: the export removes the entry.
    library.delete_playlist(synced.playlist_ids["p"])
    assert not library.pending()["playlists"] and library.waiting_for_export()
    library.record_export(library.version, FINGERPRINT, BaseUpdates(playlist_deletes=("u-1",)))
    assert not library.waiting_for_export()
    library.delete_tracks([second])
    assert library.pending_track_count() == 0 and library.waiting_for_export()
    # A folder made in Harmony waits too.
    library.record_export(library.version, FINGERPRINT, BaseUpdates(track_deletes=("k2",)))
    assert not library.waiting_for_export()
    library.create_folder("Gigs")
    assert library.waiting_for_export()


def test_pending_export_is_derived_and_survives_an_edit_during_export(library: Library) -> None:
    track_id = library.add_track(track(1))
    assert library.pending_export
    exported_version = library.version  # an export starts: it writes this version...
    library.update_track(track_id, {"comment": "edited while exporting"})  # ...while the DJ edits
    library.record_export(exported_version, FINGERPRINT)
    status = library.status()
    assert status.last_exported_version == exported_version
    assert status.pending_export  # the edit made during the export is not forgotten
    assert status.nml_fingerprint == FINGERPRINT
    library.record_export(library.version, FINGERPRINT)
    assert not library.pending_export
    # An older export finishing late never moves the mark back.
    library.record_export(exported_version, FINGERPRINT)
    assert library.status().last_exported_version == library.version


def test_an_export_of_a_future_version_is_refused(library: Library) -> None:
    with pytest.raises(LibraryError, match="version"):
        library.record_export(5, FINGERPRINT)


def test_changed_since_finds_tracks_whose_fields_or_cues_changed(library: Library) -> None:
    first, second, third = library.add_tracks([(track(1), [cue(1.0)]), (track(2), []), (track(3), [])])
    mark = library.version
    library.update_track(second, {"genre": "House"})
    cue_id = library.get_track(first).cues[0].id
    library.update_cue(cue_id, {"start": 2.0})
    assert library.track_ids_changed_since(mark) == [first, second]
    assert third not in library.track_ids_changed_since(mark)


def test_deleting_a_track_removes_its_cues_and_playlist_entries(library: Library) -> None:
    keep, drop = library.add_tracks([(track(1), [cue(1.0)]), (track(2), [cue(1.0), cue(2.0)])])
    playlist_id = library.create_playlist("Mix", track_ids=[drop, keep, drop])
    assert library.delete_tracks([drop]) == 1
    assert library.stats().cues == 1
    assert [e.track_id for e in library.playlist_entries(playlist_id)] == [keep]
    with pytest.raises(TrackNotFoundError):
        library.get_track(drop)


def test_duplicate_path_is_refused(library: Library) -> None:
    library.add_track(track(1))
    with pytest.raises(LibraryError, match="already in the library"):
        library.add_track(track(1, title="Other"))
    assert library.stats().tracks == 1


def test_setting_the_path_updates_the_path_key(library: Library) -> None:
    track_id = library.add_track(track(1))
    library.update_track(track_id, {"path": "/moved/Track.mp3"})
    values = library.get_track(track_id).track.values
    assert values.path == "/moved/Track.mp3"
    assert values.path_key is not None and values.path_key.endswith("rack.mp3")
    with pytest.raises(InvalidFieldError, match="cannot be empty"):
        library.update_track(track_id, {"path": None})


def _shape(nodes: tuple[FolderNode | PlaylistNode, ...]) -> list[object]:
    return [
        (n.name, n.position, _shape(n.children)) if isinstance(n, FolderNode) else (n.name, n.position) for n in nodes
    ]


def test_folders_and_playlists_keep_a_shared_gapless_order(library: Library) -> None:
    house = library.create_folder("House")
    techno = library.create_folder("Techno")
    warm = library.create_playlist("Warm-up")
    first = library.create_playlist("First", position=0)
    deep = library.create_folder("Deep", parent_id=house)
    library.create_playlist("Deep 1", deep)
    assert _shape(library.playlist_tree()) == [
        ("First", 0),
        ("House", 1, [("Deep", 0, [("Deep 1", 0)])]),
        ("Techno", 2, []),
        ("Warm-up", 3),
    ]
    library.move_playlist(warm, techno, 0)
    library.move_folder(deep, None, 1)
    assert _shape(library.playlist_tree()) == [
        ("First", 0),
        ("Deep", 1, [("Deep 1", 0)]),
        ("House", 2, []),
        ("Techno", 3, [("Warm-up", 0)]),
    ]
    library.delete_playlist(first)
    library.delete_folder(techno)  # takes Warm-up with it
    assert _shape(library.playlist_tree()) == [("Deep", 0, [("Deep 1", 0)]), ("House", 1, [])]
    assert library.stats().playlists == 1


def test_a_folder_cannot_move_inside_itself(library: Library) -> None:
    outer = library.create_folder("Outer")
    inner = library.create_folder("Inner", outer)
    with pytest.raises(LibraryError, match="inside itself"):
        library.move_folder(outer, inner)
    with pytest.raises(NotFoundError):
        library.move_folder(outer, 999)


def test_playlist_entries_keep_order_and_duplicates(library: Library) -> None:
    a, b = library.add_tracks([(track(1), []), (track(2), [])])
    playlist_id = library.create_playlist("Loop", track_ids=[b, a, b])
    library.add_to_playlist(playlist_id, [a])
    assert [e.track_id for e in library.playlist_entries(playlist_id)] == [b, a, b, a]
    assert [e.position for e in library.playlist_entries(playlist_id)] == [0, 1, 2, 3]
    assert [(n.name, n.entry_count) for n in library.playlist_tree()] == [("Loop", 4)]  # type: ignore[union-attr]
    library.set_playlist_tracks(playlist_id, [a])
    assert [e.track_id for e in library.playlist_entries(playlist_id)] == [a]
    with pytest.raises(TrackNotFoundError):
        library.set_playlist_tracks(playlist_id, [999])
    with pytest.raises(LibraryError, match="UUID"):
        library.create_playlist("Twin", uuid="same")
        library.create_playlist("Twin 2", uuid="same")


def test_a_track_needs_a_path(library: Library) -> None:
    with pytest.raises(InvalidFieldError, match="'path' cannot be empty"):
        library.add_track(track(1, path="  "))
    assert library.stats().tracks == 0


def test_cue_updates_are_checked(library: Library) -> None:
    track_id = library.add_track(track(1), [cue(1.0)])
    cue_id = library.get_track(track_id).cues[0].id
    with pytest.raises(InvalidFieldError, match="'start' cannot be empty"):
        library.update_cue(cue_id, {"start": None})
    with pytest.raises(InvalidFieldError, match="at most 5"):
        library.update_cue(cue_id, {"type": 9})
    with pytest.raises(NotFoundError):
        library.update_cue(cue_id + 100, {"name": "x"})
    library.update_cue(cue_id, {"type": 5, "length": 2000.0, "color": "#0000FF"})
    stored = library.get_track(track_id).cues[0].values
    assert (stored.type, stored.length, stored.color, stored.start) == (5, 2000.0, "#0000FF", 1.0)


@pytest.mark.parametrize(
    "bad",
    [
        {"rating": 6},
        {"rating": True},
        {"bpm": float("nan")},
        {"bpm": float("inf")},
        {"bpm": -0.5},
        {"lock": 1},
        {"release_date": "2020-01-01"},
        {"title": 42},
        {"musical_key": 24},
        {"color": 0},
    ],
)
def test_new_tracks_are_checked_field_by_field(library: Library, bad: dict[str, object]) -> None:
    with pytest.raises(InvalidFieldError, match=next(iter(bad))):
        library.add_tracks([(track(1), []), (track(2, **bad), [])])
    assert library.stats().tracks == 0


@pytest.mark.parametrize(
    "bad", [{"hotcue": 8}, {"start": float("-inf")}, {"type": -1}, {"color": "#GGGGGG"}, {"length": -1.0}]
)
def test_new_cues_are_checked(library: Library, bad: dict[str, object]) -> None:
    with pytest.raises(InvalidFieldError):
        library.add_track(track(1), [CueValues(**{"type": 0, "start": 1.0, **bad})])  # type: ignore[arg-type]
    assert library.stats().tracks == 0


def test_whole_numbers_are_accepted_for_float_fields(library: Library) -> None:
    track_id = library.add_track(track(1, bpm=128, duration=300), [cue(1000, length=0)])
    detail = library.get_track(track_id)
    assert detail.track.values.bpm == 128.0 and isinstance(detail.track.values.bpm, float)
    assert isinstance(detail.cues[0].values.start, float)


def test_an_edit_refused_leaves_its_version_to_the_next_writer(library: Library) -> None:
    """An edit refused inside its transaction rolls back, and its version number goes to the next writer, maybe
    another process. The Library that tried must not count that version as its own: the web app's watcher skips
    the versions its Library made, and a refused "add again" swallowed the CLI's next edit (no page redrew)."""
    from harmony.library import AlreadyInPlaylistError

    track_id = library.add_track(track(1))
    playlist_id = library.create_playlist("Friday", None, track_ids=[track_id])
    refused_at = library.version + 1
    with pytest.raises(AlreadyInPlaylistError):
        library.add_playlist_tracks(playlist_id, [track_id])
    assert library.version == refused_at - 1  # nothing committed
    assert not library.made_here(refused_at)

    with Library.open(library.path) as elsewhere:  # another process's edit takes the number
        elsewhere.update_track(track_id, {"comment": "from the CLI"})
    assert library.version == refused_at and not library.made_here(refused_at)
    assert library.add_playlist_tracks(playlist_id, [track_id], allow_duplicates=True).version == refused_at + 1
    assert library.made_here(refused_at + 1)
