"""Two versions of a collection compared track by track: what only one holds, what both hold with other values,
and whether the playlists differ; by the entries' bytes when both are in Traktor's layout, by values otherwise."""

from __future__ import annotations

import pytest

from harmony import nml
from harmony.devtools.collection_gen import generate_collection
from harmony.nml import compare_collections


@pytest.fixture(scope="module")
def original(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    path = tmp_path_factory.mktemp("compare") / "collection.nml"
    generate_collection(path, tracks=40, seed=3)
    return path.read_bytes()


def _edited(data: bytes, edit: object) -> bytes:
    """``data`` after ``edit(collection)``, written as Harmony writes (Traktor's layout)."""
    collection = nml.load(data)
    edit(collection)  # type: ignore[operator]
    return collection.to_bytes()


def test_the_same_file_differs_in_nothing(original: bytes) -> None:
    first, second = nml.load(original), nml.load(original)
    assert first.in_traktor_layout and second.in_traktor_layout
    difference = compare_collections(first, second)
    assert (difference.only_in_first, difference.only_in_second, difference.changed) == ([], [], [])
    assert difference.playlists_differ is False


def test_a_changed_track_a_removed_one_and_a_reordered_playlist_are_told(original: bytes) -> None:
    tracks = list(nml.load(original).tracks)
    changed_key, removed_key = tracks[5].key, tracks[9].key

    def edit(collection: nml.Collection) -> None:
        track = collection.track_by_key(changed_key)
        assert track is not None
        track.title = "Another title"
        gone = collection.track_by_key(removed_key)
        assert gone is not None
        collection.remove_track(gone, from_playlists=False)

    after = _edited(original, edit)
    difference = compare_collections(nml.load(original), nml.load(after))
    assert difference.only_in_first == [removed_key]
    assert difference.only_in_second == []
    assert difference.changed == [changed_key]
    assert difference.playlists_differ is False  # the removed track's entries were left in its playlists

    def reorder(collection: nml.Collection) -> None:
        playlist = next(node for node in _walk(collection.playlists) if isinstance(node, nml.Playlist))
        keys = playlist.entries
        assert len(keys) >= 2
        playlist.set_entries(keys[::-1])

    reordered = _edited(original, reorder)
    difference = compare_collections(nml.load(original), nml.load(reordered))
    assert difference.changed == [] and difference.playlists_differ is True


def test_a_file_in_another_layout_is_compared_by_its_values(original: bytes) -> None:
    # The same collection indented differently: every entry's bytes differ, none of its values.
    relaid = original.replace(b"><LOCATION", b">\n    <LOCATION").replace(b"><INFO", b">\n    <INFO")
    assert relaid != original
    other = nml.load(relaid)
    assert not other.in_traktor_layout
    difference = compare_collections(nml.load(original), other)
    assert difference.changed == [] and difference.only_in_first == [] and difference.playlists_differ is False


def test_against_a_file_that_cannot_be_read_every_track_is_only_in_the_copy(original: bytes) -> None:
    copy = nml.load(original)
    difference = compare_collections(copy, None)
    assert difference.only_in_first == [track.key for track in copy.tracks]
    assert difference.only_in_second == [] and difference.changed == []


def _walk(folder: nml.Folder) -> list[nml.Node]:
    found: list[nml.Node] = []
    for child in folder.children:
        found.append(child)
        if isinstance(child, nml.Folder):
            found.extend(_walk(child))
    return found


def test_each_entry_of_a_key_held_twice_comes_with_its_own_bytes() -> None:
    """Two entries name one file; the second is edited in memory: its own bytes come with it (the first's came
    twice, and the edit was lost), and a comparison takes the first, as ``track_by_key`` does."""
    location = '<LOCATION DIR="/:Music/:" FILE="a.mp3" VOLUME="C:" VOLUMEID="C:"></LOCATION>'
    entries = f'<ENTRY TITLE="one">{location}</ENTRY><ENTRY TITLE="two">{location}</ENTRY>'
    data = (
        '<?xml version="1.0" encoding="UTF-8" standalone="no" ?>\n<NML VERSION="19"><HEAD></HEAD>'
        f'<COLLECTION ENTRIES="2">{entries}</COLLECTION>'
        '<PLAYLISTS><NODE TYPE="FOLDER" NAME="$ROOT"><SUBNODES COUNT="0"></SUBNODES></NODE></PLAYLISTS></NML>'
    ).encode()
    collection = nml.load(data)
    collection.tracks[1].comment = "edited"
    (first_key, first), (second_key, second) = list(collection.keyed_entries())
    assert first_key == second_key == "C:/:Music/:a.mp3"
    assert b'TITLE="one"' in bytes(first) and b'TITLE="two"' in bytes(second) and b"edited" in bytes(second)
    difference = compare_collections(nml.load(data), collection)
    assert difference.changed == []  # the first entry of the key is the same in both
