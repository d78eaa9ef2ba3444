"""Exporting folders, playlists and smart lists: the tree, names, places, order and entries, deletions three
ways, Traktor-only nodes kept, dangling entries kept."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given
from hypothesis import strategies as st

from harmony.library import Library, TrackValues
from harmony.library.queries import FolderNode, PlaylistNode
from harmony.nml.playlists import Folder, Node, Playlist, SmartList

from ..runs import quick_and_full
from .export_helpers import assert_export_changes_nothing, export, export_and_record, snapshot
from .helpers import World, local_path, nml_key


def _tree(node: Folder) -> list[object]:
    """The NML tree as nested lists: (name, entries) for playlists, (name, query) for smart lists."""
    out: list[object] = []
    for child in node.children:
        if isinstance(child, Folder):
            out.append((child.name, _tree(child)))
        elif isinstance(child, SmartList):
            out.append((child.name, child.query))
        elif isinstance(child, Playlist):
            out.append((child.name, [key.rsplit(":", 1)[-1] for key in child.entries]))
    return out


def _node(world: World, *path: str) -> Node:
    node = world.collection.playlists.find(path)
    assert node is not None, path
    return node


def _synced(world: World) -> None:
    """Three tracks and a tree: Sets/{Friday, Saturday}, Chill, a smart list, imported."""
    for name in ("a", "b", "c"):
        world.add(f"{name}.mp3", title=name.upper())
    root = world.collection.playlists
    sets = root.create_folder("Sets")
    sets.create_playlist("Friday", [nml_key("a.mp3"), nml_key("b.mp3")], uuid="f" * 32)
    sets.create_playlist("Saturday", [nml_key("c.mp3")], uuid="5" * 32)
    root.create_playlist("Chill", [nml_key("b.mp3")], uuid="c" * 32)
    root.create_smartlist("Fresh", "$GENRE ~= house", uuid="e" * 32)
    world.reload()
    world.sync()


def _playlist_id(world: World, name: str) -> int:
    def find(nodes: tuple[object, ...]) -> int | None:
        for node in nodes:
            if getattr(node, "kind", None) == "playlist" and node.name == name:  # type: ignore[attr-defined]
                return int(node.id)  # type: ignore[attr-defined]
            found = find(getattr(node, "children", ()))
            if found is not None:
                return found
        return None

    found = find(world.library.playlist_tree())
    assert found is not None, name
    return found


def _folder_id(world: World, name: str) -> int:
    for node in world.library.playlist_tree():
        if node.kind == "folder" and node.name == name:
            return node.id
    raise AssertionError(name)


def test_an_unchanged_tree_exports_nothing(world: World) -> None:
    _synced(world)
    assert_export_changes_nothing(world)


def test_a_new_tree_is_created_with_its_order_and_entries(world: World) -> None:
    ids = [world.library.add_track(TrackValues(path=local_path(f"{n}.mp3"), title=n)) for n in "xyz"]
    crates = world.library.create_folder("Crates")
    deep = world.library.create_folder("Deep", crates)
    world.library.create_playlist("Warmup", crates, uuid="1" * 32, track_ids=[ids[2], ids[0], ids[2]])
    world.library.create_playlist("Peak", deep, uuid="2" * 32, track_ids=[ids[1]])
    world.library.create_playlist("Loose", None, uuid="3" * 32, track_ids=[])
    world.library.create_playlist("Smart", None, uuid="4" * 32, smart_query="$RATING > 3")
    result = export_and_record(world)
    assert _tree(world.collection.playlists) == [
        ("Crates", [("Deep", [("Peak", ["y.mp3"])]), ("Warmup", ["z.mp3", "x.mp3", "z.mp3"])]),
        ("Loose", []),
        ("Smart", "$RATING > 3"),
    ]
    assert result.stats.playlists_exported == 4 and result.stats.folders_exported == 2
    assert _node(world, "Crates", "Warmup").uuid == "1" * 32  # type: ignore[attr-defined]
    world.assert_nothing_to_do()
    assert_export_changes_nothing(world)


def test_a_playlist_made_in_harmony_keeps_its_uuid_through_export_and_import(world: World) -> None:
    track = world.library.add_track(TrackValues(path=local_path("x.mp3"), title="x"))
    playlist = world.library.create_playlist("Made Here", track_ids=[track])
    export_and_record(world)
    uuid = _node(world, "Made Here").uuid  # type: ignore[attr-defined]
    assert uuid and len(uuid) == 32 and all(c in "0123456789abcdef" for c in uuid)
    assert [n.uuid for n in world.library.playlist_tree() if n.id == playlist] == [uuid]
    world.assert_nothing_to_do()


def test_a_playlist_without_a_uuid_gets_one_and_the_import_only_records_it(world: World) -> None:
    track = world.library.add_track(TrackValues(path=local_path("x.mp3"), title="x"))
    playlist = world.library.create_playlist("No UUID", track_ids=[track])
    world.library.update_playlist(playlist, {"uuid": None})  # as in a library from before UUIDs were given
    export_and_record(world)
    uuid = _node(world, "No UUID").uuid  # type: ignore[attr-defined]
    assert uuid and len(uuid) == 32
    plan = world.plan().plan
    assert [(u.playlist_id, dict(u.changes), u.entries) for u in plan.playlist_updates] == [
        (playlist, {"uuid": uuid}, None)
    ]
    assert not plan.playlist_creates and not plan.new_tracks


def test_a_playlist_renamed_in_harmony_is_renamed(world: World) -> None:
    _synced(world)
    world.library.update_playlist(_playlist_id(world, "Friday"), {"name": "Friday Night"})
    result = export_and_record(world)
    assert [n for n, _ in _tree(world.collection.playlists)[0][1]] == ["Friday Night", "Saturday"]  # type: ignore[index]
    assert "  rename playlist Sets/Friday Night: from 'Friday'" in result.report.lines()
    world.assert_nothing_to_do()


def test_a_playlist_renamed_only_in_traktor_keeps_traktors_name(world: World) -> None:
    _synced(world)
    _node(world, "Chill").name = "Chillout"
    world.reload()
    world.library.update_playlist(_playlist_id(world, "Friday"), {"name": "Fri"})
    export_and_record(world)
    names = [entry[0] for entry in _tree(world.collection.playlists)]
    assert names == ["Sets", "Chillout", "Fresh"]
    world.sync()
    assert _playlist_id(world, "Chillout")


def test_a_playlist_moved_in_harmony_is_moved(world: World) -> None:
    _synced(world)
    world.library.move_playlist(_playlist_id(world, "Chill"), _folder_id(world, "Sets"), 0)
    result = export_and_record(world)
    tree = _tree(world.collection.playlists)
    assert tree[0] == ("Sets", [("Chill", ["b.mp3"]), ("Friday", ["a.mp3", "b.mp3"]), ("Saturday", ["c.mp3"])])
    assert [n for n, _ in tree] == ["Sets", "Fresh"]  # type: ignore[misc]
    assert result.stats.playlists_exported == 1
    world.assert_nothing_to_do()
    assert_export_changes_nothing(world)


def test_siblings_reordered_in_harmony_are_reordered_around_traktor_only_nodes(world: World) -> None:
    _synced(world)
    world.collection.playlists.create_playlist("Traktor only", [], index=1)
    world.reload()
    world.library.move_playlist(_playlist_id(world, "Chill"), None, 0)
    export_and_record(world)
    names = [entry[0] for entry in _tree(world.collection.playlists)]
    assert names == ["Chill", "Traktor only", "Sets", "Fresh"]


def test_siblings_reordered_only_in_traktor_keep_traktors_order(world: World) -> None:
    _synced(world)
    root = world.collection.playlists
    root.find(("Fresh",)).move_to(root, 0)  # type: ignore[union-attr]
    world.reload()
    world.library.update_playlist(_playlist_id(world, "Friday"), {"name": "Fri"})
    export_and_record(world)
    assert [entry[0] for entry in _tree(world.collection.playlists)] == ["Fresh", "Sets", "Chill"]
    world.sync()
    assert [n.name for n in world.library.playlist_tree()] == ["Fresh", "Sets", "Chill"]
    assert_export_changes_nothing(world)


def test_a_folder_renamed_and_a_playlist_reordered_in_harmony(world: World) -> None:
    _synced(world)
    world.library.rename_folder(_folder_id(world, "Sets"), "Gigs")
    world.library.move_playlist(_playlist_id(world, "Saturday"), _folder_id(world, "Gigs"), 0)
    export_and_record(world)
    assert _tree(world.collection.playlists)[0] == (
        "Gigs",
        [("Saturday", ["c.mp3"]), ("Friday", ["a.mp3", "b.mp3"])],
    )
    world.assert_nothing_to_do()
    assert_export_changes_nothing(world)


def test_entries_changed_in_harmony_are_written_with_the_tracks_keys(world: World) -> None:
    _synced(world)
    a, b, c = (world.track_id(f"{n}.mp3") for n in "abc")
    world.library.set_playlist_tracks(_playlist_id(world, "Friday"), [c, a, c, b])
    result = export_and_record(world)
    assert _node(world, "Sets", "Friday").entries == [nml_key(f"{n}.mp3") for n in "cacb"]  # type: ignore[attr-defined]
    assert "  refill playlist Sets/Friday: +2 −0 entries" in result.report.lines()  # a and b kept their order
    world.assert_nothing_to_do()

    world.library.set_playlist_tracks(_playlist_id(world, "Friday"), [b, a, c])  # one c out, b first
    result = export_and_record(world)
    assert "  refill playlist Sets/Friday: +0 −1 entries, reordered" in result.report.lines()
    world.assert_nothing_to_do()


def test_entries_changed_on_both_sides_merge_under_smart_merge(world: World) -> None:
    _synced(world)
    friday = _node(world, "Sets", "Friday")
    assert isinstance(friday, Playlist)
    friday.set_entries([nml_key("a.mp3"), nml_key("b.mp3"), nml_key("c.mp3")])  # Traktor adds c
    world.reload()
    world.library.set_playlist_tracks(_playlist_id(world, "Friday"), [world.track_id("b.mp3")])  # Harmony drops a
    result = export_and_record(world)
    assert _node(world, "Sets", "Friday").entries == [nml_key("b.mp3"), nml_key("c.mp3")]  # type: ignore[attr-defined]
    assert [(c.item, c.winner) for c in result.stats.conflicts] == [("entries", "both")]
    world.sync()
    world.assert_nothing_to_do()
    assert_export_changes_nothing(world)


def test_a_smart_query_changed_in_harmony_is_written(world: World) -> None:
    _synced(world)
    fresh = next(n for n in world.library.playlist_tree() if n.name == "Fresh")
    world.library.update_playlist(fresh.id, {"smart_query": "$GENRE ~= techno"})
    export_and_record(world)
    assert _node(world, "Fresh").query == "$GENRE ~= techno"  # type: ignore[attr-defined]
    world.assert_nothing_to_do()


def test_a_playlist_deleted_in_harmony_is_deleted_and_traktor_only_ones_stay(world: World) -> None:
    _synced(world)
    world.collection.playlists.create_playlist("Made in Traktor", [nml_key("a.mp3")])
    world.reload()
    world.library.delete_playlist(_playlist_id(world, "Chill"))
    result = export_and_record(world)
    names = [entry[0] for entry in _tree(world.collection.playlists)]
    assert names == ["Sets", "Fresh", "Made in Traktor"]
    assert "c" * 32 in result.bases.playlist_deletes
    assert "  delete playlist Chill" in result.report.lines()
    assert (result.stats.playlists_exported, result.stats.playlists_removed) == (1, 1)
    assert result.stats.summary() == "Removed 1 playlist"  # not "Exported 1 playlist"


def test_a_playlist_deleted_on_both_sides_leaves_nothing_waiting(world: World) -> None:
    """Deleted in Harmony and in Traktor, then imported: nothing is left to export, and the library page's
    "Pending export" must not go on counting the deletion (its base stays until the next export)."""
    _synced(world)
    world.library.delete_playlist(_playlist_id(world, "Chill"))
    assert world.library.pending(with_tracks=False)["deleted_playlists"] == 1  # waits for the export
    chill = _node(world, "Chill")
    chill.delete()
    world.sync()
    assert not world.library.status().pending_export
    assert world.library.pending(with_tracks=False)["deleted_playlists"] == 0
    world.assert_nothing_to_do()


@pytest.mark.parametrize(("strategy", "kept"), [("smart_merge", False), ("traktor_wins", True)])
def test_a_playlist_deleted_in_harmony_but_changed_in_traktor_follows_the_strategy(
    world: World, strategy: str, kept: bool
) -> None:
    _synced(world)
    chill = _node(world, "Chill")
    assert isinstance(chill, Playlist)
    chill.set_entries([nml_key("c.mp3")])
    world.reload()
    world.library.delete_playlist(_playlist_id(world, "Chill"))
    result = export(world, strategy=strategy)
    assert (world.collection.playlists.get("Chill") is not None) == kept
    assert [(c.harmony, c.traktor) for c in result.stats.conflicts] == [("deleted", "changed")]


def test_a_folder_deleted_in_harmony_goes_with_its_playlists(world: World) -> None:
    _synced(world)
    world.library.delete_folder(_folder_id(world, "Sets"))
    result = export_and_record(world)
    assert [entry[0] for entry in _tree(world.collection.playlists)] == ["Chill", "Fresh"]
    assert ("Sets",) in result.bases.folder_deletes
    assert {"f" * 32, "5" * 32} <= set(result.bases.playlist_deletes)
    stats = result.stats
    assert stats.folders_removed == stats.folders_exported >= 1 and stats.playlists_removed == stats.playlists_exported
    assert stats.summary().startswith("Removed ") and "Exported" not in stats.summary()
    world.assert_nothing_to_do()


def test_a_deleted_folder_that_holds_a_traktor_only_playlist_stays(world: World) -> None:
    _synced(world)
    sets = _node(world, "Sets")
    assert isinstance(sets, Folder)
    sets.create_playlist("Traktor's", [])
    world.reload()
    world.library.delete_folder(_folder_id(world, "Sets"))
    export_and_record(world)
    assert _tree(world.collection.playlists)[0] == ("Sets", [("Traktor's", [])])


def test_a_playlist_without_a_base_is_never_deleted(world: World) -> None:
    world.add("a.mp3", title="A")
    world.collection.playlists.create_playlist("Never imported", [nml_key("a.mp3")])
    world.reload()
    world.library.add_track(TrackValues(path=local_path("a.mp3"), title="A"))
    export(world)
    assert world.collection.playlists.get("Never imported") is not None


def test_dangling_entries_are_kept_as_they_are(world: World) -> None:
    world.add("a.mp3", title="A")
    world.add("b.mp3", title="B")
    ghost = nml_key("offline.mp3", "gone")
    world.collection.playlists.create_playlist("Mixed", [nml_key("a.mp3"), ghost, nml_key("b.mp3")], uuid="9" * 32)
    world.reload()
    world.sync()
    assert_export_changes_nothing(world)
    playlist = _playlist_id(world, "Mixed")
    world.library.update_playlist(playlist, {"name": "Mixed 2"})
    export_and_record(world)
    assert _node(world, "Mixed 2").entries == [nml_key("a.mp3"), ghost, nml_key("b.mp3")]  # type: ignore[attr-defined]
    world.assert_nothing_to_do()


def test_a_first_sync_links_playlists_by_name(world: World) -> None:
    world.add("a.mp3", title="A")
    world.collection.playlists.create_playlist("Same", [nml_key("a.mp3")], uuid="7" * 32)
    world.reload()
    track = world.library.add_track(TrackValues(path=local_path("a.mp3"), title="A"))
    world.library.create_playlist("Same", track_ids=[track])
    result = export(world)
    assert [entry[0] for entry in _tree(world.collection.playlists)] == ["Same"]
    assert not result.changed
    assert [b.base.uuid for b in result.bases.playlists] == ["7" * 32]


def test_a_folder_moved_in_harmony_moves_with_its_contents(world: World) -> None:
    _synced(world)
    crates = world.library.create_folder("Crates")
    world.library.move_folder(_folder_id(world, "Sets"), crates, 0)
    result = export_and_record(world)
    tree = _tree(world.collection.playlists)
    assert [name for name, _ in tree] == ["Chill", "Fresh", "Crates"]  # type: ignore[misc]
    assert tree[2] == ("Crates", [("Sets", [("Friday", ["a.mp3", "b.mp3"]), ("Saturday", ["c.mp3"])])])
    assert ("Crates", "Sets") in [b.base.path for b in result.bases.folders]
    world.assert_nothing_to_do()
    assert_export_changes_nothing(world)


def test_a_playlist_created_in_harmony_inside_an_existing_folder_takes_its_place(world: World) -> None:
    _synced(world)
    sets = _folder_id(world, "Sets")
    world.library.create_playlist("Thursday", sets, 0, uuid="d" * 32, track_ids=[world.track_id("c.mp3")])
    export_and_record(world)
    assert _tree(world.collection.playlists)[0] == (
        "Sets",
        [("Thursday", ["c.mp3"]), ("Friday", ["a.mp3", "b.mp3"]), ("Saturday", ["c.mp3"])],
    )
    world.assert_nothing_to_do()
    assert_export_changes_nothing(world)


def test_folders_only_traktor_has_are_kept_with_their_contents(world: World) -> None:
    _synced(world)
    mine = world.collection.playlists.create_folder("Traktor folder")
    mine.create_playlist("Inside", [nml_key("a.mp3")])
    world.reload()
    world.library.update_playlist(_playlist_id(world, "Chill"), {"name": "Chilled"})
    export_and_record(world)
    assert ("Traktor folder", [("Inside", ["a.mp3"])]) in _tree(world.collection.playlists)


def test_a_folder_renamed_only_in_traktor_keeps_traktors_name_and_the_import_follows(world: World) -> None:
    _synced(world)
    _node(world, "Sets").name = "Gigs"
    world.reload()
    world.library.set_playlist_tracks(_playlist_id(world, "Saturday"), [world.track_id("a.mp3")])
    export_and_record(world)
    assert _tree(world.collection.playlists)[0] == (
        "Gigs",
        [("Friday", ["a.mp3", "b.mp3"]), ("Saturday", ["a.mp3"])],
    )
    world.sync()
    assert _folder_id(world, "Gigs")
    world.assert_nothing_to_do()
    assert_export_changes_nothing(world)


def test_a_playlist_without_a_uuid_is_known_by_its_path_across_a_rename(world: World) -> None:
    world.add("a.mp3", title="A")
    old = world.collection.playlists.create_playlist("Traktor 2", [nml_key("a.mp3")])
    del old.element.find("PLAYLIST").attrib["UUID"]  # type: ignore[union-attr]
    world.reload()
    world.sync()
    world.library.update_playlist(_playlist_id(world, "Traktor 2"), {"name": "Renamed"})
    result = export_and_record(world)
    assert [entry[0] for entry in _tree(world.collection.playlists)] == ["Renamed"]
    assert [b.base.uuid for b in result.bases.playlists] == ['nml-path:["Renamed"]']
    world.assert_nothing_to_do()
    assert_export_changes_nothing(world)


_TREE_EDITS = st.lists(
    st.tuples(
        st.sampled_from(["rename", "move", "entries", "delete", "create", "rename folder"]),
        st.integers(0, 5),
        st.integers(0, 3),
    ),
    max_size=6,
)


def _harmony_tree(library: Library, nodes: tuple[object, ...] | None = None) -> list[object]:
    out: list[object] = []
    for node in library.playlist_tree() if nodes is None else nodes:
        if isinstance(node, FolderNode):
            out.append((node.name, _harmony_tree(library, node.children)))
        elif isinstance(node, PlaylistNode) and node.smart_query is not None:
            out.append((node.name, node.smart_query))
        elif isinstance(node, PlaylistNode):
            files = [local_path_name(e.track_id, library) for e in library.playlist_entries(node.id)]
            out.append((node.name, files))
    return out


def local_path_name(track_id: int | None, library: Library) -> str:
    assert track_id is not None
    return library.get_track(track_id).track.values.path.rsplit("/", 1)[-1]


def _test_random_tree_edits_in_harmony_export_exactly(edits: list[tuple[str, int, int]]) -> None:
    with tempfile.TemporaryDirectory() as folder, Library.open(Path(folder) / "library.db") as library:
        world = World(library)
        _synced(world)
        tracks = [world.track_id(f"{n}.mp3") for n in "abc"]
        created = 0
        for action, pick, value in edits:
            playlists = [(p.id, p.name) for p in _all_playlists(library.playlist_tree()) if p.smart_query is None]
            folders = [f.id for f in library.playlist_tree() if isinstance(f, FolderNode)]
            if action == "create":
                created += 1
                parent = folders[0] if folders and value % 2 else None
                library.create_playlist(f"New {created}", parent, value, uuid=f"{created:032x}")
                continue
            if action == "rename folder" and folders:
                library.rename_folder(folders[0], f"Folder {value}")
                continue
            if not playlists:
                continue
            playlist_id, name = playlists[pick % len(playlists)]
            if action == "rename":
                library.update_playlist(playlist_id, {"name": f"{name} {value}"})
            elif action == "move":
                library.move_playlist(playlist_id, folders[0] if folders and value % 2 else None, value)
            elif action == "entries":
                library.set_playlist_tracks(playlist_id, [tracks[(pick + i) % 3] for i in range(value)])
            elif action == "delete":
                library.delete_playlist(playlist_id)
        export_and_record(world)
        _assert_exported_exactly(world, library)


def _assert_exported_exactly(world: World, library: Library) -> None:
    """The file holds Harmony's tree, and neither an import nor another export finds anything to do."""
    assert _tree(world.collection.playlists) == _harmony_tree(library)
    world.assert_nothing_to_do()
    assert_export_changes_nothing(world)


test_random_tree_edits_in_harmony_export_exactly, test_random_tree_edits_in_harmony_export_exactly_full = (
    quick_and_full(
        given(edits=_TREE_EDITS),
        _test_random_tree_edits_in_harmony_export_exactly,
        examples=25,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow],
    )
)


_NAMES = ("Sets", "Chill", "Fresh", "Friday", "Saturday")
_NAME_EDITS = st.lists(
    st.tuples(st.sampled_from(["name", "move"]), st.integers(0, 6), st.integers(0, len(_NAMES) - 1)), max_size=6
)


def _places(library: Library) -> list[tuple[FolderNode | PlaylistNode, int | None]]:
    """Every node of the tree with its folder's id (None: the top level), parents first."""
    found: list[tuple[FolderNode | PlaylistNode, int | None]] = []

    def visit(nodes: tuple[FolderNode | PlaylistNode, ...], parent: int | None) -> None:
        for node in nodes:
            found.append((node, parent))
            if isinstance(node, FolderNode):
                visit(node.children, node.id)

    visit(library.playlist_tree(), None)
    return found


def _test_names_and_places_passed_round_export_exactly(edits: list[tuple[str, int, int]]) -> None:
    """A DJ gives playlists and folders names their neighbours hold, and playlists places (a folder) where one
    of their name is, the way Harmony lets them: by way of a passing name, so that two nodes swap names or
    places. Every such export writes Harmony's tree exactly, with nothing left out and no passing name."""
    with tempfile.TemporaryDirectory() as folder, Library.open(Path(folder) / "library.db") as library:
        world = World(library)
        _synced(world)
        passing = 0

        def rename(node: FolderNode | PlaylistNode, name: str) -> None:
            if isinstance(node, FolderNode):
                library.rename_folder(node.id, name)
            else:
                library.update_playlist(node.id, {"name": name})

        for action, pick, which in edits:
            places = _places(library)
            node, parent = places[pick % len(places)]
            passing += 1
            if action == "name":
                name = _NAMES[which]
                holder = next((n for n, p in places if p == parent and n.name == name and n is not node), None)
                if node.name == name:
                    continue
                if holder is not None:
                    old = node.name
                    rename(node, f"Passing {passing}")
                    rename(holder, old)
                rename(node, name)
            elif isinstance(node, PlaylistNode):
                folders = [n.id for n, _ in places if isinstance(n, FolderNode)]
                target = None if which % 2 or not folders else folders[which % len(folders)]
                if target == parent:
                    continue
                holder = next((n for n, p in places if p == target and n.name == node.name), None)
                if isinstance(holder, FolderNode):
                    continue
                old = node.name
                if holder is not None:
                    rename(node, f"Passing {passing}")
                    library.move_playlist(holder.id, parent)
                library.move_playlist(node.id, target)
                rename(node, old)
        result = export_and_record(world)
        assert not result.report.skipped, result.report.lines()
        assert "(renaming" not in world.collection.to_bytes().decode()
        _assert_exported_exactly(world, library)


test_names_and_places_passed_round_export_exactly, test_names_and_places_passed_round_export_exactly_full = (
    quick_and_full(
        given(edits=_NAME_EDITS),
        _test_names_and_places_passed_round_export_exactly,
        examples=400,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow],
    )
)


def _all_playlists(nodes: tuple[object, ...]) -> list[PlaylistNode]:
    found: list[PlaylistNode] = []
    for node in nodes:
        if isinstance(node, PlaylistNode):
            found.append(node)
        elif isinstance(node, FolderNode):
            found.extend(_all_playlists(node.children))
    return found


def test_names_and_text_a_collection_cannot_hold_are_refused_and_old_ones_are_left_out(world: World) -> None:
    """Found by the API fuzzer: a playlist named with a control character was taken, and every export (and
    rebuild) then failed inside lxml. The library refuses such text now; one stored before is left out of the
    export with its reason, and the rest is exported."""
    from sqlalchemy import update

    from harmony.library import InvalidFieldError
    from harmony.library.database import write_connection
    from harmony.library.models import PLAYLISTS

    track = world.library.add_track(TrackValues(path=local_path("a.mp3"), title="Alpha"))
    for refused in (
        lambda: world.library.create_playlist("Bad\x01Name", None),
        lambda: world.library.create_folder("Bad\x0bFolder"),
        lambda: world.library.create_playlist("Smart", None, smart_query="$TITLE % \x02"),
        lambda: world.library.update_track(track, {"title": "Alpha\x1f"}),
    ):
        with pytest.raises(InvalidFieldError, match="control character"):
            refused()
    kept = world.library.create_playlist("Kept", None, track_ids=[track])
    old = world.library.create_playlist("Old", None, track_ids=[track])
    with write_connection(world.library._engine) as conn:  # as a library from before the check may hold it
        conn.execute(update(PLAYLISTS).where(PLAYLISTS.c.id == old).values(name="Old\x01"))
    result = export(world)
    assert [node.name for node in world.collection.playlists.children] == ["Kept"]
    assert any("Old" in line and "cannot hold" in line for line in result.report.lines()), result.report.lines()
    assert kept


def test_an_old_smart_query_a_collection_cannot_hold_is_left_out_of_the_export(world: World) -> None:
    """A smart list's query changed in Harmony to text the collection cannot hold (stored before the library
    refused it): the query is left out, with its reason, and the rest of the export goes on."""
    from sqlalchemy import update

    from harmony.library import InvalidFieldError
    from harmony.library.database import write_connection
    from harmony.library.models import PLAYLISTS

    _synced(world)
    fresh = next(n for n in world.library.playlist_tree() if n.name == "Fresh")
    with pytest.raises(InvalidFieldError, match="control character"):
        world.library.update_playlist(fresh.id, {"smart_query": "$GENRE ~= \x02"})
    world.library.update_playlist(_playlist_id(world, "Chill"), {"name": "Chill Out"})
    version = world.library.status().version
    with write_connection(world.library._engine) as conn:
        stored = {"smart_query": "$GENRE ~= \x02", "changed_version": version}
        conn.execute(update(PLAYLISTS).where(PLAYLISTS.c.id == fresh.id).values(**stored))
    result = export(world)
    lines = result.report.lines()
    assert "Partly left out (1):" in lines and any("query not exported" in line for line in lines), lines
    assert _node(world, "Fresh").query == "$GENRE ~= house"  # type: ignore[attr-defined]
    assert _node(world, "Chill Out") is not None  # the rest of the export went on


def test_a_name_freed_by_a_rename_later_in_the_tree_is_taken_in_the_same_export(world: World) -> None:
    """A DJ renamed "Chill" to "Chill 2024", then "Fresh" to "Chill". The export met "Fresh" first, found
    Traktor's "Chill" still there and left the rename out; yet it recorded "Chill" as synced, so the next export
    said nothing was left and the next import put "Fresh" back: the DJ's rename was lost. It is tried again once
    the walk is done, and goes through."""
    _synced(world)
    root = world.collection.playlists
    root["Fresh"].move_to(root, 1)  # the smart list before Chill, as the walk meets them
    world.reload()
    world.sync()
    world.library.update_playlist(_playlist_id(world, "Chill"), {"name": "Chill 2024"})
    world.library.update_playlist(_playlist_id(world, "Fresh"), {"name": "Chill"})
    result = export_and_record(world)
    assert [name for name, _ in _tree(world.collection.playlists)] == ["Sets", "Chill", "Chill 2024"]  # type: ignore[misc]
    assert not result.report.skipped, result.report.lines()
    world.assert_nothing_to_do()
    assert_export_changes_nothing(world)


def test_two_names_swapped_go_through_in_one_export(world: World) -> None:
    """Two playlists' names swapped (by way of a third name, as Harmony allows no two of a name in a folder):
    neither rename can be written while the other name is taken, so they were left out at every export. They go
    through together, and the file never holds the passing name."""
    _synced(world)
    chill, fresh = _playlist_id(world, "Chill"), _playlist_id(world, "Fresh")
    world.library.update_playlist(chill, {"name": "Temporary"})
    world.library.update_playlist(fresh, {"name": "Chill"})
    world.library.update_playlist(chill, {"name": "Fresh"})
    result = export_and_record(world)
    assert not result.report.skipped, result.report.lines()
    assert _tree(world.collection.playlists)[1:] == [("Fresh", ["b.mp3"]), ("Chill", "$GENRE ~= house")]
    renames = sorted((change.path, change.detail) for change in result.report.playlist_changes)
    assert renames == [(("Chill",), "from 'Fresh'"), (("Fresh",), "from 'Chill'")], renames
    assert "renaming" not in world.collection.to_bytes().decode()
    world.assert_nothing_to_do()
    assert_export_changes_nothing(world)


def test_names_passed_round_a_ring_of_three_go_through(world: World) -> None:
    """Folder "Sets" takes "Chill", "Chill" takes "Fresh", "Fresh" takes "Sets": each rename waits for the
    next; all three are written, and the folder keeps its playlists."""
    _synced(world)
    sets, chill, fresh = _folder_id(world, "Sets"), _playlist_id(world, "Chill"), _playlist_id(world, "Fresh")
    world.library.rename_folder(sets, "Temporary")
    world.library.update_playlist(fresh, {"name": "Sets"})
    world.library.update_playlist(chill, {"name": "Fresh"})
    world.library.rename_folder(sets, "Chill")
    result = export_and_record(world)
    assert not result.report.skipped, result.report.lines()
    tree = _tree(world.collection.playlists)
    assert tree == [
        ("Chill", [("Friday", ["a.mp3", "b.mp3"]), ("Saturday", ["c.mp3"])]),
        ("Fresh", ["b.mp3"]),
        ("Sets", "$GENRE ~= house"),
    ], tree
    world.assert_nothing_to_do()
    assert_export_changes_nothing(world)


def test_a_new_playlist_whose_name_a_rename_later_in_the_tree_frees_is_created_in_its_place(world: World) -> None:
    """ "Chill" renamed "Lounge", and a new "Chill" made at the top: the walk meets the new one first, while the
    old one still holds the name. It was left out of that export; it is created once the walk is done, in its
    place."""
    _synced(world)
    world.library.update_playlist(_playlist_id(world, "Chill"), {"name": "Lounge"})
    world.library.create_playlist("Chill", None, 0, track_ids=[world.track_id("c.mp3")])
    result = export_and_record(world)
    assert not result.report.skipped, result.report.lines()
    tree = _tree(world.collection.playlists)
    assert [name for name, _ in tree] == ["Chill", "Sets", "Lounge", "Fresh"], tree  # type: ignore[misc]
    assert tree[0] == ("Chill", ["c.mp3"]) and tree[2] == ("Lounge", ["b.mp3"]), tree
    world.assert_nothing_to_do()
    assert_export_changes_nothing(world)


def test_two_playlists_of_one_name_swapped_between_folders_go_through(world: World) -> None:
    """Folders X and Y each hold a "Warm-up"; the DJ swaps them (by way of another name). Each move waits for
    the other's folder to let go of the name: both go through, each with its own entries."""
    for name in ("a", "b"):
        world.add(f"{name}.mp3", title=name.upper())
    root = world.collection.playlists
    root.create_folder("X").create_playlist("Warm-up", [nml_key("a.mp3")], uuid="1" * 32)
    root.create_folder("Y").create_playlist("Warm-up", [nml_key("b.mp3")], uuid="2" * 32)
    world.reload()
    world.sync()
    in_x, in_y = (
        next(node for node in world.library.playlist_tree() if node.id == _folder_id(world, name)).children[0].id  # type: ignore[union-attr]
        for name in ("X", "Y")
    )
    world.library.update_playlist(in_x, {"name": "Passing"})
    world.library.move_playlist(in_y, _folder_id(world, "X"))
    world.library.move_playlist(in_x, _folder_id(world, "Y"))
    world.library.update_playlist(in_x, {"name": "Warm-up"})
    result = export_and_record(world)
    assert not result.report.skipped, result.report.lines()
    assert _tree(world.collection.playlists) == [("X", [("Warm-up", ["b.mp3"])]), ("Y", [("Warm-up", ["a.mp3"])])]
    assert "renaming" not in world.collection.to_bytes().decode()
    world.assert_nothing_to_do()
    assert_export_changes_nothing(world)


def test_a_rename_and_a_move_that_stand_in_each_others_way_go_through(world: World) -> None:
    """ "Chill" renamed "Sets" and moved into folder Sets, which holds another "Chill": renamed first, it meets
    the folder Sets beside it; moved first, the other "Chill". It moves under a passing name, then takes its
    new one."""
    _synced(world)
    sets, chill = _folder_id(world, "Sets"), _playlist_id(world, "Chill")
    world.library.create_playlist("Chill", sets)
    export_and_record(world)
    world.library.update_playlist(chill, {"name": "Chill 2"})
    world.library.move_playlist(chill, sets)
    world.library.update_playlist(chill, {"name": "Sets"})
    result = export_and_record(world)
    assert not result.report.skipped, result.report.lines()
    in_sets = [name for name, _ in _tree(world.collection.playlists)[0][1]]  # type: ignore[index]
    assert in_sets == ["Friday", "Saturday", "Chill", "Sets"], in_sets
    assert "renaming" not in world.collection.to_bytes().decode()
    world.assert_nothing_to_do()
    assert_export_changes_nothing(world)


def test_a_swap_with_a_name_two_nodes_of_the_file_hold_is_left_out_whole(world: World) -> None:
    """Traktor's own file may hold two playlists of one name in a folder. A swap with that name cannot go
    round: freeing one "Fresh" leaves the other. Both renames are left out, nothing half done reaches the
    file (no passing name), and the export does not fail."""
    _synced(world)
    chill, fresh = _playlist_id(world, "Chill"), _playlist_id(world, "Fresh")
    world.library.update_playlist(chill, {"name": "Temporary"})
    world.library.update_playlist(fresh, {"name": "Chill"})
    world.library.update_playlist(chill, {"name": "Fresh"})
    second = world.collection.playlists.create_playlist("Fresh 2", [nml_key("c.mp3")], uuid="2" * 32)
    second.element.set("NAME", "Fresh")  # as Traktor may write it; the codec itself never makes two
    world.reload()
    result = export_and_record(world)
    assert sorted(skip.key for skip in result.report.skipped) == ["Chill", "Fresh"], result.report.lines()
    names = [name for name, _ in _tree(world.collection.playlists)]  # type: ignore[misc]
    assert names == ["Sets", "Chill", "Fresh", "Fresh"], names


def test_a_rename_to_a_name_traktor_gave_a_node_of_its_own_is_left_out_and_stays_to_export(world: World) -> None:
    """Traktor made a playlist "Lounge" since the last sync, and the DJ renamed "Chill" to "Lounge" in Harmony:
    no ring, as Traktor's playlist is renamed by nobody. The rename is left out and said so, the file keeps
    both nodes as they are, and the base keeps the file's name, so the rename stays to export."""
    _synced(world)
    chill = _playlist_id(world, "Chill")
    world.library.update_playlist(chill, {"name": "Lounge"})
    world.collection.playlists.create_playlist("Lounge", [nml_key("a.mp3")], uuid="1" * 32)
    world.reload()
    result = export_and_record(world)
    assert [skip.key for skip in result.report.skipped] == ["Lounge"], result.report.lines()
    assert "not renamed to 'Lounge'" in result.report.skipped[0].reason
    names = [name for name, _ in _tree(world.collection.playlists)]  # type: ignore[misc]
    assert names == ["Sets", "Chill", "Fresh", "Lounge"], names
    again = export(world)
    assert [skip.key for skip in again.report.skipped] == ["Lounge"]  # still to export


def test_a_move_into_a_folder_whose_name_is_freed_later_in_the_walk_goes_through(world: World) -> None:
    """ "Chill" renamed "Friday" and moved into Sets, whose "Friday" is renamed "Friday old": the walk meets the
    move first, while Sets still holds a "Friday". Refused, it was recorded as done and the next import moved the
    playlist back; it is tried again once the walk is done."""
    _synced(world)
    chill = _playlist_id(world, "Chill")
    world.library.update_playlist(_playlist_id(world, "Friday"), {"name": "Friday old"})
    world.library.update_playlist(chill, {"name": "Friday"})
    world.library.move_playlist(chill, _folder_id(world, "Sets"), 0)
    result = export_and_record(world)
    assert not result.report.skipped, result.report.lines()
    assert [name for name, _ in _tree(world.collection.playlists)[0][1]] == ["Friday", "Friday old", "Saturday"]  # type: ignore[index]
    world.assert_nothing_to_do()
    assert_export_changes_nothing(world)


def test_a_move_left_out_keeps_the_files_folder_and_place_in_its_base(world: World) -> None:
    """ "Chill" moved into Sets in Harmony while Traktor made a "Chill" of its own there: the move is left out.
    Its base paired the file's folder with its position in Harmony's (Sets), a place it holds on neither side,
    so the next import had a base to write and, with Traktor's order changed, could read a move nobody made."""
    _synced(world)
    chill = _playlist_id(world, "Chill")
    world.library.move_playlist(chill, _folder_id(world, "Sets"), 2)
    sets = world.collection.playlists["Sets"]
    assert isinstance(sets, Folder)
    sets.create_playlist("Chill", [nml_key("a.mp3")], uuid="1" * 32)
    world.reload()
    result = export_and_record(world)
    assert [skip.key for skip in result.report.skipped] == ["Sets/Chill"], result.report.lines()
    base = next(p.base for p in snapshot(world).playlists if p.id == chill)
    assert base is not None and (base.folder_path, base.position) == ((), 1), base  # Sets, Chill, Fresh


def test_a_folder_rename_left_out_leaves_its_playlists_where_the_file_has_them(world: World) -> None:
    """Folder "Sets" renamed "Lounge" in Harmony while Traktor made a playlist "Lounge": the rename is left out.
    The bases of the playlists in the folder named it as Harmony does, so an order Traktor gave them then was
    taken for no change, and the next export put Harmony's order back over it."""
    _synced(world)
    sets = _folder_id(world, "Sets")
    world.library.rename_folder(sets, "Lounge")
    world.collection.playlists.create_playlist("Lounge", [nml_key("a.mp3")], uuid="1" * 32)
    world.reload()
    result = export_and_record(world)
    assert [skip.key for skip in result.report.skipped] == ["Lounge"], result.report.lines()
    stored = {p.name: p.base.folder_path for p in snapshot(world).playlists if p.base and p.folder_id == sets}
    assert stored == {"Friday": ("Sets",), "Saturday": ("Sets",)}, stored  # the folder as the file names it
    # Traktor puts Saturday before Friday: the import follows, the export keeps it.
    folder = world.collection.playlists["Sets"]
    assert isinstance(folder, Folder)
    folder["Saturday"].move_to(folder, 0)
    world.reload()
    world.sync()
    in_folder = next(n for n in world.library.playlist_tree() if n.id == sets)
    assert [n.name for n in in_folder.children] == ["Saturday", "Friday"]  # type: ignore[union-attr]
    export_and_record(world)
    assert [name for name, _ in _tree(world.collection.playlists)[0][1]] == ["Saturday", "Friday"]  # type: ignore[index]
