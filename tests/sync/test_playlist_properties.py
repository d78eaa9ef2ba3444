"""Random edits of Traktor's playlist tree, synced round after round into a real library: Harmony's tree always
ends equal to Traktor's (Harmony made no edits), and planning again right after plans nothing."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given
from hypothesis import strategies as st

from harmony import nml
from harmony.library import Library

from ..runs import quick_and_full
from .helpers import World, nml_key
from .test_playlist_sync import _nml_tree, _tree

FILES = ("a.mp3", "b.mp3", "c.mp3")

# One edit: (kind, which node, which folder, position, a number for names and entries).
EDIT = st.tuples(
    st.sampled_from(["playlist", "folder", "smart", "rename", "move", "delete", "entries"]),
    st.integers(0, 30),
    st.integers(0, 30),
    st.integers(0, 5),
    st.integers(0, 1000),
)


def _apply(collection: nml.Collection, edit: tuple[str, int, int, int, int]) -> None:
    kind, which, where, index, number = edit
    root = collection.playlists
    folders = [root, *(n for n in root.walk() if isinstance(n, nml.Folder))]
    nodes = list(root.walk())
    folder = folders[where % len(folders)]
    position = min(index, len(folder.children))
    name = f"n{number}"
    if folder.get(name) is not None:
        return
    entries = [nml_key(FILES[(number + i) % 3]) for i in range(number % 4)]
    if kind == "playlist":
        folder.create_playlist(name, entries, index=position)
    elif kind == "folder":
        folder.create_folder(name, index=position)
    elif kind == "smart":
        folder.create_smartlist(name, f"$BPM > {number}", index=position)
    elif not nodes:
        return
    else:
        node = nodes[which % len(nodes)]
        if kind == "rename" and node.parent is not None and node.parent.get(name) is None:
            node.name = name
        elif kind == "move":
            inside = isinstance(node, nml.Folder) and (folder == node or node.element in folder.element.iterancestors())
            if not inside and (folder == node.parent or folder.get(node.name) is None):
                node.move_to(folder, position)
        elif kind == "delete":
            node.delete()
        elif kind == "entries" and isinstance(node, nml.Playlist):
            node.set_entries(entries)


def _test_random_traktor_edits_are_followed_exactly(rounds: list[list[tuple[str, int, int, int, int]]]) -> None:
    with tempfile.TemporaryDirectory() as folder, Library.open(Path(folder) / "library.db") as library:
        world = World(library)
        for file in FILES:
            world.add(file, title=file[0].upper())
        world.sync()
        for edits in rounds:
            for edit in edits:
                _apply(world.collection, edit)
            world.reload()
            world.sync()
            assert _tree(world) == _nml_tree(world)
            world.assert_nothing_to_do()


test_random_traktor_edits_are_followed_exactly, test_random_traktor_edits_are_followed_exactly_full = quick_and_full(
    given(st.lists(st.lists(EDIT, min_size=1, max_size=6), min_size=1, max_size=4)),
    _test_random_traktor_edits_are_followed_exactly,
    examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)


def _harmony_edit(world: World, edit: tuple[str, int, int, int, int]) -> None:
    from harmony.library import FolderNode

    kind, which, where, index, number = edit
    library = world.library
    nodes: list[object] = []

    def walk(children: tuple[object, ...]) -> None:
        for child in children:
            nodes.append(child)
            if isinstance(child, FolderNode):
                walk(child.children)

    walk(library.playlist_tree())
    folders: list[FolderNode | None] = [None, *(n for n in nodes if isinstance(n, FolderNode))]
    target = folders[where % len(folders)]
    target_id = None if target is None else target.id
    name = f"h{number}"
    if kind == "playlist":
        library.create_playlist(name, target_id, index, track_ids=[world.track_id(FILES[number % 3])])
    elif kind == "folder":
        library.create_folder(name, target_id, index)
    elif not nodes:
        return
    else:
        node = nodes[which % len(nodes)]
        is_folder = isinstance(node, FolderNode)
        node_id = node.id  # type: ignore[attr-defined]
        if kind == "rename":
            if is_folder:
                library.rename_folder(node_id, name)
            else:
                library.update_playlist(node_id, {"name": name})
        elif kind == "move":
            if is_folder:
                inside = target is not None and (target.id == node_id or _contains(node, target.id))  # type: ignore[arg-type]
                if not inside:
                    library.move_folder(node_id, target_id, index)
            else:
                library.move_playlist(node_id, target_id, index)
        elif kind == "delete":
            (library.delete_folder if is_folder else library.delete_playlist)(node_id)
        elif kind == "entries" and not is_folder and node.smart_query is None:  # type: ignore[attr-defined]
            library.set_playlist_tracks(node_id, [world.track_id(FILES[(number + i) % 3]) for i in range(number % 4)])


def _contains(folder: object, folder_id: int) -> bool:
    from harmony.library import FolderNode

    assert isinstance(folder, FolderNode)
    return any(
        isinstance(child, FolderNode) and (child.id == folder_id or _contains(child, folder_id))
        for child in folder.children
    )


def _test_edits_on_both_sides_settle_in_one_import(
    traktor_rounds: list[list[tuple[str, int, int, int, int]]],
    harmony_rounds: list[list[tuple[str, int, int, int, int]]],
    strategy: str,
) -> None:
    with tempfile.TemporaryDirectory() as folder, Library.open(Path(folder) / "library.db") as library:
        world = World(library)
        for file in FILES:
            world.add(file, title=file[0].upper())
        for edit in (("playlist", 0, 0, 0, 1), ("folder", 0, 0, 0, 2), ("playlist", 0, 1, 0, 3)):
            _apply(world.collection, edit)
        world.sync()
        for traktor_edits, harmony_edits in zip(traktor_rounds, harmony_rounds, strict=False):
            for edit in traktor_edits:
                _apply(world.collection, edit)
            for edit in harmony_edits:
                _harmony_edit(world, edit)
            world.reload()
            world.sync(strategy=strategy)
            world.assert_nothing_to_do(strategy=strategy)


test_edits_on_both_sides_settle_in_one_import, test_edits_on_both_sides_settle_in_one_import_full = quick_and_full(
    given(
        st.lists(st.lists(EDIT, max_size=5), min_size=1, max_size=3),
        st.lists(st.lists(EDIT, max_size=5), min_size=1, max_size=3),
        st.sampled_from(["smart_merge", "traktor_wins", "harmony_wins"]),
    ),
    _test_edits_on_both_sides_settle_in_one_import,
    examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
