"""The collection's key index keeps hashes, confirmed against the entries: every look-up, edit, addition and
removal answers as a dict of keys would, even when every key has the same hash."""

from __future__ import annotations

import pytest

from harmony import nml
from harmony.nml import keyindex
from harmony.nml.keyindex import KeyIndex
from harmony.nml.paths import Location

PROLOG = b'<?xml version="1.0" encoding="UTF-8" standalone="no" ?>\n'


def _entry(folder: str, file: str) -> bytes:
    return f'<ENTRY><LOCATION DIR="{folder}" FILE="{file}" VOLUME="C:" VOLUMEID="v"></LOCATION></ENTRY>'.encode()


def _collection(entries: list[bytes]) -> nml.Collection:
    body = b"".join(entry + b"\n" for entry in entries)
    return nml.load(
        PROLOG
        + b'<NML VERSION="19"><HEAD></HEAD>\n'
        + f'<COLLECTION ENTRIES="{len(entries)}">'.encode()
        + body
        + b"</COLLECTION>\n</NML>\n"
    )


@pytest.fixture(params=["real hashes", "every hash the same"])
def collide(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> bool:
    if request.param == "every hash the same":
        monkeypatch.setattr(keyindex, "_hash", lambda key: 7)
        return True
    return False


def test_every_entry_is_found_by_its_key_and_no_other(collide: bool) -> None:
    collection = _collection([_entry("/:m/:", f"{n}.mp3") for n in range(5)])
    for index in range(5):
        track = collection.track_by_key(f"C:/:m/:{index}.mp3")
        assert track is not None and track.slot == collection.tracks[index].slot
    assert collection.track_by_key("C:/:m/:5.mp3") is None
    assert collection.position_of("C:/:m/:3.mp3") == 3


def test_duplicates_are_counted_and_the_next_one_takes_over_when_the_first_goes(collide: bool) -> None:
    collection = _collection([_entry("/:m/:", "a.mp3"), _entry("/:m/:", "b.mp3"), _entry("/:m/:", "a.mp3")])
    first = collection.track_by_key("C:/:m/:a.mp3")
    assert first is not None and first.slot == collection.tracks[0].slot
    assert collection.duplicate_keys == {"C:/:m/:a.mp3": 2}  # known once the index is built
    collection.remove_track(first, from_playlists=False)
    second = collection.track_by_key("C:/:m/:a.mp3")
    assert second is not None and second.slot == collection.tracks[1].slot
    assert collection.track_by_key("C:/:m/:b.mp3") is not None


def test_a_moved_entry_leaves_its_old_key_and_takes_its_new_one(collide: bool) -> None:
    collection = _collection([_entry("/:m/:", "a.mp3"), _entry("/:m/:", "b.mp3")])
    track = collection.tracks[0]
    track.location = Location("D:", "/:x/:", "a.mp3", "w")
    assert collection.track_by_key("C:/:m/:a.mp3") is None
    assert collection.track_by_key("D:/:x/:a.mp3") is track
    assert collection.track_by_key("C:/:m/:b.mp3") is collection.tracks[1]
    added = collection.add_track(Location("C:", "/:m/:", "a.mp3", "v"))  # the old key is free again
    assert collection.track_by_key("C:/:m/:a.mp3") is added
    with pytest.raises(nml.NMLError, match="already has an entry"):
        collection.add_track(Location("D:", "/:x/:", "a.mp3", "w"))


def test_removed_entries_are_not_found_and_their_keys_can_be_added_again(collide: bool) -> None:
    collection = _collection([_entry("/:m/:", "a.mp3"), _entry("/:m/:", "b.mp3")])
    gone = collection.tracks[1]
    collection.remove_track(gone, from_playlists=False)
    assert collection.track_by_key("C:/:m/:b.mp3") is None
    again = collection.add_track(Location("C:", "/:m/:", "b.mp3", "v"))
    assert collection.track_by_key("C:/:m/:b.mp3") is again
    assert collection.track_by_key("C:/:m/:a.mp3") is collection.tracks[0]


@pytest.mark.parametrize("built", [False, True], ids=["added one by one", "built at once"])
def test_the_index_confirms_each_hit_against_the_entry(built: bool, collide: bool) -> None:
    keys = {0: "a", 1: "b", 2: "a", 3: "c"}
    index = KeyIndex(keys.get)
    if built:
        assert index.build([("a", 0), ("b", 1), ("a", 2)]) == [("a", 2)]  # slot 2 repeats slot 0's key
    else:
        assert index.add("a", 0) and index.add("b", 1)
        assert not index.add("a", 2)  # held by slot 0
    assert index.get("a") == 0 and index.get("b") == 1 and index.get("c") is None
    assert index.add("c", 3) and index.get("c") == 3
    keys[0] = "z"  # slot 0 now holds another key: its old hash no longer answers for "a"
    assert index.get("a") is None
    assert index.holds("a", 0) and not index.holds("a", 1)
    index.remove("a", 0)
    assert not index.holds("a", 0) and index.add("z", 0) and index.get("z") == 0
    assert index.get("b") == 1 and index.get("c") == 3
