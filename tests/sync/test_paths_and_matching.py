"""Locations to local paths with path mappings (both ways), and matching entries to tracks per platform."""

from __future__ import annotations

import unicodedata

import pytest

from harmony import nml
from harmony.errors import NMLError, SyncError
from harmony.library import StoredTrack, SyncTrack, TrackValues
from harmony.library import path_key as library_path_key
from harmony.nml import path_key
from harmony.nml.paths import Location, Platform
from harmony.sync import LibrarySnapshot, PathMapping, PathResolver, SyncOptions, TraktorSnapshot, plan_import

WINDOWS_MUSIC = Location("C:", "/:Users/:josev/:Music/:", "a.mp3")


def test_mapping_is_parsed_from_the_cli_form() -> None:
    mapping = PathMapping.parse("C:/Users/josev/Music=/home/dj/Music")
    assert (mapping.nml_prefix, mapping.local_prefix) == ("C:/Users/josev/Music", "/home/dj/Music")
    assert mapping.nml_names == ("C:", "Users", "josev", "Music")
    assert str(mapping) == "C:/Users/josev/Music=/home/dj/Music"
    assert PathMapping.parse("Macintosh HD/Users/me=/srv/me").nml_names == ("Macintosh HD", "Users", "me")


@pytest.mark.parametrize("text", ["no equals sign", "=/home/dj", "C:/Music=", "/=/home"])
def test_bad_mapping_says_what_is_expected(text: str) -> None:
    with pytest.raises(SyncError, match=r"NML_PREFIX=LOCAL|no volume"):
        PathMapping.parse(text)


def test_mapping_rewrites_a_windows_location_on_linux_and_back() -> None:
    resolver = PathResolver("linux", [PathMapping.parse("C:/Users/josev/Music=/home/dj/Music")])
    sub = Location("C:", "/:Users/:josev/:Music/:Techno/:", "b: remix.mp3".replace(":", "//"))
    assert resolver.to_path(WINDOWS_MUSIC) == "/home/dj/Music/a.mp3"
    assert resolver.to_path(sub) == "/home/dj/Music/Techno/b: remix.mp3"
    back = resolver.to_location("/home/dj/Music/Techno/b: remix.mp3")
    assert back == Location("C:", "/:Users/:josev/:Music/:Techno/:", "b// remix.mp3")
    assert resolver.to_location("/home/dj/Music/a.mp3") == WINDOWS_MUSIC
    # Outside every mapping: native rules on both ways.
    assert resolver.to_path(Location("D:", "/:x/:", "c.mp3")) == "/x/c.mp3"
    assert resolver.to_location("/elsewhere/c.mp3") == Location("Macintosh HD", "/:elsewhere/:", "c.mp3")


def test_longest_mapping_wins_and_prefixes_ignore_case() -> None:
    resolver = PathResolver(
        "linux",
        [PathMapping.parse("C:/Users=/mnt/users"), PathMapping.parse("c:/users/JOSEV/music=/home/dj/Music")],
    )
    assert resolver.to_path(WINDOWS_MUSIC) == "/home/dj/Music/a.mp3"
    assert resolver.to_path(Location("C:", "/:Users/:ana/:", "x.mp3")) == "/mnt/users/ana/x.mp3"
    assert resolver.to_location("/home/dj/Music/a.mp3").dir == "/:users/:JOSEV/:music/:"
    assert resolver.to_location("/mnt/users/ana/x.mp3") == Location("C:", "/:Users/:ana/:", "x.mp3")


def test_mapping_from_a_mac_volume_to_a_windows_drive() -> None:
    resolver = PathResolver("windows", [PathMapping.parse("Music/Traktor=D:\\DJ")])
    assert resolver.to_path(Location("Music", "/:Traktor/:House/:", "a.mp3")) == "D:\\DJ\\House\\a.mp3"
    assert resolver.to_location("D:\\DJ\\House\\a.mp3") == Location("Music", "/:Traktor/:House/:", "a.mp3")
    with pytest.raises(NMLError, match="not a Windows drive"):
        resolver.to_path(Location("Other", "/:x/:", "a.mp3"))


def test_native_resolution_per_platform() -> None:
    mac = Location("MyUSB", "/:Sets/:", "a.mp3")
    assert PathResolver("macos").to_path(mac) == "/Volumes/MyUSB/Sets/a.mp3"
    assert PathResolver("macos").to_path(Location("Macintosh HD", "/:Users/:", "a.mp3")) == "/Users/a.mp3"
    assert PathResolver("windows").to_path(WINDOWS_MUSIC) == "C:\\Users\\josev\\Music\\a.mp3"
    assert PathResolver("linux").to_path(mac) == "/Sets/a.mp3"


NFC = unicodedata.normalize("NFC", "Café.mp3")
NFD = unicodedata.normalize("NFD", "Café.mp3")


@pytest.mark.parametrize("platform", ["windows", "macos", "linux"])
def test_comparison_keys_are_nfc_everywhere(platform: Platform) -> None:
    assert NFC != NFD
    assert path_key("/m/" + NFC, platform) == path_key("/m/" + NFD, platform)


@pytest.mark.parametrize(("platform", "same"), [("windows", True), ("macos", True), ("linux", False)])
def test_comparison_keys_ignore_case_on_windows_and_macos(platform: Platform, same: bool) -> None:
    assert (path_key("/M/Track.MP3", platform) == path_key("/m/track.mp3", platform)) is same
    if platform == "windows":
        assert path_key("C:/M/a.mp3", platform) == path_key("C:\\m\\A.mp3", platform)


def test_the_library_and_the_sync_key_a_windows_file_alike() -> None:
    # The key the library stores and the key the sync matches files with are one function: a Windows path
    # read from the collection (backslashes) finds the track the library keyed from a forward-slash spelling.
    resolver = PathResolver("windows")
    path = resolver.to_path(Location("C:", "/:Music/:Sets/:", "Track.MP3"))
    assert "\\" in path
    assert resolver.key_of_path(path) == library_path_key("C:/music/sets/track.mp3", "windows")
    assert resolver.key_of_path(path) == "c:/music/sets/track.mp3"


def test_a_backslash_is_part_of_a_name_outside_windows() -> None:
    assert path_key("/m/a\\b.mp3", "linux") == "/m/a\\b.mp3"
    assert path_key("/m/a\\b.mp3", "macos") != path_key("/m/a/b.mp3", "macos")


def _collection(platform: Platform, *files: str) -> nml.Collection:
    collection = nml.Collection.new()
    volume = "C:" if platform == "windows" else "Macintosh HD"
    for file in files:
        collection.add_track(Location(volume, "/:m/:", file), title=file)
    return collection


def _library_track(track_id: int, path: str, title: str = "lib") -> SyncTrack:
    return SyncTrack(StoredTrack(track_id, TrackValues(path=path, title=title)), (), None)


def _plan(platform: Platform, collection: nml.Collection, *tracks: SyncTrack):  # type: ignore[no-untyped-def]
    options = SyncOptions(platform=platform, file_exists=lambda p: True, strategy="traktor_wins")
    return plan_import(TraktorSnapshot.from_collection(collection), LibrarySnapshot(tracks=tracks), options)


@pytest.mark.parametrize("platform", ["windows", "macos", "linux"])
def test_nfd_entry_matches_nfc_library_track(platform: Platform) -> None:
    path = "C:\\m\\" + NFC if platform == "windows" else "/m/" + NFC
    result = _plan(platform, _collection(platform, NFD), _library_track(7, path))
    assert not result.plan.new_tracks
    assert [u.track_id for u in result.plan.track_updates] == [7]


@pytest.mark.parametrize(("platform", "matched"), [("windows", True), ("macos", True), ("linux", False)])
def test_case_matters_only_on_linux(platform: Platform, matched: bool) -> None:
    path = "C:\\M\\TRACK.mp3" if platform == "windows" else "/M/TRACK.mp3"
    result = _plan(platform, _collection(platform, "track.mp3"), _library_track(7, path))
    assert (len(result.plan.new_tracks) == 0) is matched


@pytest.mark.parametrize(("platform", "imported"), [("windows", 2), ("macos", 2), ("linux", 3)])
def test_duplicate_entries_are_reported_not_collapsed(platform: Platform, imported: int) -> None:
    result = _plan(platform, _collection(platform, NFC, NFD, "a.mp3", "A.mp3"))
    assert len(result.plan.new_tracks) == imported
    assert result.stats.tracks_processed == 4
    duplicates = result.report.duplicates
    assert len(duplicates) == 4 - imported
    assert all(len(dup.keys) == 2 for dup in duplicates)
    assert result.plan.new_tracks[0].values.title == NFC  # the first entry is the one used
    assert result.stats.tracks_matched == 0  # an empty library: no entry matched a track, duplicate or not


@pytest.mark.parametrize("platform", ["windows", "macos"])
def test_tracks_matched_counts_library_tracks_not_entries(platform: Platform) -> None:
    # Two entries name the library's one track (NFC and NFD spellings), one names a new file, one names none.
    collection = _collection(platform, NFC, NFD, "new.mp3")
    collection.add_track(Location("C:" if platform == "windows" else "Macintosh HD", "no-separators", "bad.mp3"))
    path = "C:\\m\\" + NFC if platform == "windows" else "/m/" + NFC
    result = _plan(platform, collection, _library_track(7, path))
    assert result.stats.tracks_processed == 4 and result.stats.tracks_imported == 1
    assert len(result.report.duplicates) == 1 and len(result.report.skipped) == 1
    assert result.stats.tracks_matched == 1  # not 4 - 1: the duplicate and the entry left out matched nothing


def test_windows_entries_with_a_mapping_match_linux_library_tracks() -> None:
    collection = nml.Collection.new()
    collection.add_track(WINDOWS_MUSIC, title="New title")
    options = SyncOptions(
        platform="linux",
        file_exists=lambda p: True,
        path_mappings=(PathMapping.parse("C:/Users/josev/Music=/home/dj/Music"),),
    )
    library = LibrarySnapshot(tracks=(_library_track(3, "/home/dj/Music/a.mp3", title=None),))  # type: ignore[arg-type]
    result = plan_import(TraktorSnapshot.from_collection(collection), library, options)
    assert [(u.track_id, dict(u.changes)) for u in result.plan.track_updates] == [(3, {"title": "New title"})]
    [base] = result.plan.bases.tracks
    assert base.base.nml_key == "C:/:Users/:josev/:Music/:a.mp3" and base.base.values.path == "/home/dj/Music/a.mp3"


def test_unusable_locations_are_left_out_and_reported() -> None:
    collection = nml.Collection.new()
    collection.add_track(Location("Macintosh HD", "/:m/:", "ok.mp3"))
    collection.add_track(Location("Macintosh HD", "no-separators", "bad.mp3"))
    result = _plan("linux", collection)
    assert len(result.plan.new_tracks) == 1
    [skipped] = result.report.skipped
    assert "bad.mp3" in skipped.key and "form" in skipped.reason


def test_a_file_the_library_already_holds_under_its_own_rules_is_reported_not_planned() -> None:
    # The planner is told Linux (case matters) but the library's own key of the path clashes with a track it
    # holds: importing it would break the library's unique path, so it is reported as a duplicate instead.
    from harmony.library.paths import path_key

    existing = SyncTrack(StoredTrack(1, TrackValues(path="/m/other.mp3", path_key=path_key("/m/a.mp3"))), (), None)
    result = _plan("linux", _collection("linux", "a.mp3", "b.mp3"), existing)
    assert [t.values.path for t in result.plan.new_tracks] == ["/m/b.mp3"]
    assert [d.path for d in result.report.duplicates] == ["/m/a.mp3"]


def test_tracks_follow_a_changed_path_mapping() -> None:
    """The DJ's drive got another letter (or they moved to another computer): with the mapping changed, the
    same collection entries name files elsewhere, and the library's tracks move there, edits and all."""
    import tempfile
    from pathlib import Path

    from harmony.library import Library

    from .helpers import World

    collection = nml.Collection.new()
    collection.add_track(WINDOWS_MUSIC, title="A")
    collection.playlists.create_playlist("Set", ["C:/:Users/:josev/:Music/:a.mp3"])
    old = (PathMapping.parse("C:/Users/josev/Music=/mnt/e/Music"),)
    new = (PathMapping.parse("C:/Users/josev/Music=/mnt/f/Music"),)
    with tempfile.TemporaryDirectory() as folder, Library.open(Path(folder) / "library.db") as library:
        world = World(library, collection)
        world.sync(path_mappings=old)
        [track_id] = library.find_tracks_by_path_key(["/mnt/e/Music/a.mp3"]).values()
        library.update_track(track_id, {"comment": "edited in Harmony"})

        world.missing.add("/mnt/f/Music/a.mp3")  # not there yet: the track follows, marked missing
        waiting = world.sync(path_mappings=new)
        assert waiting.stats.tracks_imported == 0 and waiting.stats.fields_updated == {"path": 1}
        assert waiting.stats.files_lost == 1 and waiting.stats.missing_files == ()
        moved = library.get_track(track_id).track
        assert (moved.values.path, moved.values.comment, moved.missing) == (
            "/mnt/f/Music/a.mp3",
            "edited in Harmony",
            True,
        )

        world.missing.clear()
        result = world.sync(path_mappings=new)
        assert result.stats.files_found == 1 and not result.plan.changes_library()
        found = library.get_track(track_id).track
        assert (found.values.path, found.values.comment, found.missing) == (
            "/mnt/f/Music/a.mp3",
            "edited in Harmony",
            False,
        )
        [playlist] = library.playlist_tree()
        assert [e.track_id for e in library.playlist_entries(playlist.id)] == [track_id]
        world.assert_nothing_to_do(path_mappings=new)


def test_a_track_that_only_followed_a_changed_mapping_waits_for_no_export() -> None:
    """The collection already names the file a changed mapping finds: like the missing mark, the move is
    nothing for an export to write. Every moved track read "Pending export" while the DJ had one edit waiting
    (2,513 of them in a walk-through), and the export wrote that one."""
    import tempfile
    from pathlib import Path

    from harmony.library import Library

    from .helpers import World

    collection = nml.Collection.new()
    for name in ("a", "b", "c"):
        collection.add_track(Location("C:", "/:Users/:josev/:Music/:", f"{name}.mp3"), title=name.upper())
    old = (PathMapping.parse("C:/Users/josev/Music=/mnt/e/Music"),)
    new = (PathMapping.parse("C:/Users/josev/Music=/mnt/f/Music"),)
    with tempfile.TemporaryDirectory() as folder, Library.open(Path(folder) / "library.db") as library:
        world = World(library, collection)
        world.sync(path_mappings=old)
        assert library.pending()["tracks"] == []
        ids = library.find_tracks_by_path_key([f"/mnt/e/Music/{n}.mp3" for n in "abc"])
        edited = ids["/mnt/e/Music/a.mp3"]
        library.update_track(edited, {"comment": "edited in Harmony"})
        before = {track_id: library.get_track(track_id).track.changed_version for track_id in ids.values()}

        moved = world.sync(path_mappings=new)
        assert moved.stats.fields_updated == {"path": 3}
        assert {library.get_track(i).track.values.path for i in ids.values()} == {
            f"/mnt/f/Music/{n}.mp3" for n in "abc"
        }
        assert library.pending()["tracks"] == [edited]  # only the DJ's edit
        assert {i: library.get_track(i).track.changed_version for i in ids.values()} == before
        world.assert_nothing_to_do(path_mappings=new)
