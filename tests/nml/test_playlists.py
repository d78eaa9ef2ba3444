"""The playlist tree: read, create, rename, move, delete, set entries; counts written true."""

from __future__ import annotations

import pytest
from lxml import etree

from harmony import nml
from harmony.nml import Folder, Playlist, SmartList

from .test_load import document


def test_read_tree() -> None:
    root = nml.load(document()).playlists
    assert isinstance(root, Folder) and root.parent is None
    (playlist,) = root.children
    assert isinstance(playlist, Playlist)
    assert playlist.name == "Set" and playlist.path == ("Set",)
    assert playlist.uuid == "0123456789abcdef0123456789abcdef"
    assert playlist.entries == ["C:/:Music/:one.mp3"]


def test_create_rename_move_delete_and_counts() -> None:
    collection = nml.load(document())
    root = collection.playlists
    crates = root.create_folder("Crates")
    house = crates.create_folder("House")
    deep = house.create_playlist("Deep", ["C:/:Music/:one.mp3", "C:/:Music/:one.mp3", "X:/:offline/:gone.mp3"])
    smart = root.create_smartlist("New", '$IMPORTDATE >= MONTHS_AGO(1) & $GENRE % "House"')
    assert len(deep.uuid or "") == 32
    assert deep.entries[2] == "X:/:offline/:gone.mp3"  # dangling keys are kept
    deep.name = "Deep & Dark"
    deep.move_to(crates, index=0)
    with pytest.raises(nml.NMLError, match="already holds"):
        crates.create_playlist("Deep & Dark")
    with pytest.raises(nml.NMLError, match="into itself"):
        crates.move_to(house)
    root["Set"].delete()
    written = collection.to_bytes()
    tree = etree.fromstring(written)
    root_node = tree.find("PLAYLISTS/NODE")
    assert root_node is not None and root_node.get("NAME") == "$ROOT"
    assert root_node.find("SUBNODES").get("COUNT") == "2"  # type: ignore[union-attr]
    crates_node = root_node.find("SUBNODES/NODE[@NAME='Crates']")
    assert crates_node is not None
    assert [n.get("NAME") for n in crates_node.findall("SUBNODES/NODE")] == ["Deep & Dark", "House"]
    assert crates_node.find("SUBNODES").get("COUNT") == "2"  # type: ignore[union-attr]
    deep_list = crates_node.find("SUBNODES/NODE/PLAYLIST")
    assert deep_list is not None and deep_list.get("ENTRIES") == "3"
    assert list(deep_list.attrib.keys()) == ["ENTRIES", "TYPE", "UUID"]
    again = nml.load(written).playlists
    reread = again.find(["Crates", "Deep & Dark"])
    assert isinstance(reread, Playlist) and len(reread) == 3
    smart_again = again["New"]
    assert isinstance(smart_again, SmartList) and smart_again.query == smart.query


def test_set_entries_keeps_order_duplicates_and_unknown_attributes() -> None:
    collection = nml.load(document().replace(b'TYPE="TRACK" KEY', b'TYPE="TRACK" FUTURE="1" KEY'))
    playlist = collection.playlists["Set"]
    assert isinstance(playlist, Playlist)
    playlist.set_entries(["A/:b.mp3", "C:/:Music/:one.mp3", "A/:b.mp3"])
    assert playlist.entries == ["A/:b.mp3", "C:/:Music/:one.mp3", "A/:b.mp3"]
    assert b'FUTURE="1" KEY="C:/:Music/:one.mp3"' in collection.to_bytes()


def test_root_is_protected_and_names_are_checked() -> None:
    root = nml.load(document()).playlists
    with pytest.raises(nml.NMLError):
        root.name = "x"
    with pytest.raises(nml.NMLError):
        root.delete()
    with pytest.raises(nml.NMLError):
        root.create_folder("  ")
    with pytest.raises(nml.NMLError):
        root.create_folder("$ROOT")


def test_text_a_collection_cannot_hold_is_an_nml_error_and_changes_nothing() -> None:
    """Refused before lxml sees it (lxml's own refusal is a ValueError, which no caller expects)."""
    collection = nml.load(document())
    root = collection.playlists
    before = collection.to_bytes()
    smart = root.create_smartlist("Smart", "$RATING > 3")
    with pytest.raises(nml.NMLError, match="cannot hold"):
        root.create_playlist("Bad\x01")
    with pytest.raises(nml.NMLError, match="cannot hold"):
        root.create_folder("Bad\x0c")
    with pytest.raises(nml.NMLError, match="cannot hold"):
        root.create_smartlist("Smarter", "$TITLE % \x02")
    with pytest.raises(nml.NMLError, match="cannot hold"):
        smart.name = "Renamed\x1f"
    with pytest.raises(nml.NMLError, match="cannot hold"):
        smart.query = "$RATING > \x03"
    smart.delete()
    assert collection.to_bytes() == before


def test_unchanged_tree_is_written_verbatim() -> None:
    collection = nml.load(document())
    playlist = collection.playlists["Set"]
    assert isinstance(playlist, Playlist)
    playlist.set_entries(playlist.entries)
    assert not collection.changed
    assert collection.to_bytes() == document()


def test_collection_without_playlists_gets_a_root_when_one_is_created() -> None:
    data = b'<?xml version="1.0" encoding="UTF-8" standalone="no" ?>\n<NML VERSION="19"><HEAD></HEAD>\n</NML>\n'
    collection = nml.load(data)
    collection.playlists.create_playlist("First", ["C:/:a.mp3"])
    tree = etree.fromstring(collection.to_bytes())
    assert tree.find("PLAYLISTS/NODE[@NAME='$ROOT']/SUBNODES/NODE[@NAME='First']") is not None
