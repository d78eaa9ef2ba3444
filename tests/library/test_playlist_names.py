"""A DJ's edit may not give two playlists or folders in one folder the same name: Traktor's collection holds one
node of a name per folder, so the export left the second one out while every page said all was exported."""

from __future__ import annotations

from typing import Any

import pytest

from harmony.library import EditConflictError, FolderNode, Library, PlaylistNode


def _names(nodes: tuple[FolderNode | PlaylistNode, ...]) -> list[Any]:
    return [(node.name, _names(node.children)) if isinstance(node, FolderNode) else node.name for node in nodes]


def _refused(library: Library, edit: Any, name: str) -> None:
    """``edit`` is refused, naming ``name``, and changes nothing: the tree, the version and the undo history."""
    tree, version = library.playlist_tree(), library.version
    steps = library.undo_history()
    with pytest.raises(EditConflictError, match=f"“{name}” is already the name of a playlist or folder"):
        edit()
    assert library.playlist_tree() == tree
    assert library.version == version
    assert library.undo_history() == steps


def test_a_new_playlist_or_folder_may_not_take_a_name_used_in_its_folder(library: Library) -> None:
    gigs = library.new_folder("Gigs").value
    library.new_playlist("Friday", gigs)
    library.new_playlist("Warm-up")
    _refused(library, lambda: library.new_playlist("Friday", gigs), "Friday")
    _refused(library, lambda: library.new_folder("Friday", gigs), "Friday")  # a folder and a playlist alike
    _refused(library, lambda: library.new_playlist("Gigs"), "Gigs")
    _refused(library, lambda: library.new_folder("Warm-up"), "Warm-up")
    # The same name elsewhere, or in another case (Traktor's file tells those apart), is free.
    library.new_playlist("Friday")
    library.new_playlist("friday", gigs)
    assert _names(library.playlist_tree()) == [("Gigs", ["Friday", "friday"]), "Warm-up", "Friday"]


def test_a_rename_or_a_move_may_not_make_two_of_a_name_in_one_folder(library: Library) -> None:
    gigs = library.new_folder("Gigs").value
    friday = library.new_playlist("Friday", gigs).value
    saturday = library.new_playlist("Saturday", gigs).value
    top_friday = library.new_playlist("Friday").value
    archive = library.new_folder("Archive").value
    inner = library.new_folder("Gigs", archive).value

    _refused(library, lambda: library.change_playlist(saturday, name="Friday"), "Friday")
    _refused(library, lambda: library.change_playlist(top_friday, folder_id=gigs), "Friday")
    _refused(library, lambda: library.change_playlist(saturday, name="Friday", folder_id=None), "Friday")
    _refused(library, lambda: library.change_folder(inner, parent_id=None), "Gigs")
    _refused(library, lambda: library.change_folder(archive, name="Friday"), "Friday")

    # A node keeps its own name, renamed to it or moved within its folder.
    library.change_playlist(friday, name="Friday")
    library.change_playlist(friday, position=1)
    library.change_folder(gigs, name="Gigs", position=0)
    # Renamed and moved at once, to a folder where the new name is free.
    library.change_playlist(saturday, name="Saturday late", folder_id=None)
    assert _names(library.playlist_tree()) == [
        ("Gigs", ["Friday"]),
        "Friday",
        ("Archive", [("Gigs", [])]),
        "Saturday late",
    ]


def test_an_undo_that_would_make_two_of_a_name_is_refused(library: Library) -> None:
    """A rename undone after an import brought a playlist of the old name from Traktor, or a deleted playlist
    brought back beside one of its name: the undo wrote a second one, which the export then left out."""
    friday = library.new_playlist("Friday").value
    library.change_playlist(friday, name="Fri")
    library.create_playlist("Friday")  # as an import writes it: no step of the DJ's
    _refused(library, library.undo, "Friday")

    library.change_playlist(friday, name="Fri!")  # a step after the refused one, undone as usual
    library.undo()
    assert sorted(node.name for node in library.playlist_tree()) == ["Fri", "Friday"]

    saturday = library.new_playlist("Saturday").value
    library.remove_playlist(saturday)
    other = library.create_playlist("Saturday")
    _refused(library, library.undo, "Saturday")
    library.delete_playlist(other)  # gone again (Traktor removed it): the deleted one comes back
    library.undo()
    assert sorted(node.name for node in library.playlist_tree()) == ["Fri", "Friday", "Saturday"]


def test_two_of_a_name_from_before_do_not_stop_the_undo_of_other_changes(library: Library) -> None:
    """A library that already holds two playlists of a name (imported from such a file, or made before this
    rule) still undoes an edit that neither renames nor moves them."""
    first = library.create_playlist("Friday")
    library.create_playlist("Friday")  # the store writes what it is given
    library.new_folder("Gigs")
    moved = library.change_playlist(first, position=1)
    assert moved.step is not None
    library.undo(moved.step.id)
    assert [node.name for node in library.playlist_tree()] == ["Friday", "Friday", "Gigs"]
