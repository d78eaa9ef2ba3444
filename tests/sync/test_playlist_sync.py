"""Folders, playlists and smart lists through a real library: tree, order, duplicates, dangling entries, and
renames, moves and deletions followed by UUID."""

from __future__ import annotations

import pytest

from harmony.library import FolderNode, PlaylistNode

from .helpers import World, nml_key


def _tree(world: World) -> list[object]:
    """The library's tree as nested (name, children | entry names) for comparing."""

    def show(node: FolderNode | PlaylistNode) -> object:
        if isinstance(node, FolderNode):
            return (node.name, [show(child) for child in node.children])
        if node.smart_query is not None:
            return (node.name, f"smart:{node.smart_query}")
        names = []
        for entry in world.library.playlist_entries(node.id):
            if entry.track_id is None:
                names.append(f"?{entry.nml_key}")
            else:
                names.append(world.library.get_track(entry.track_id).track.values.title)
        return (node.name, names)

    return [show(node) for node in world.library.playlist_tree()]


def _nml_tree(world: World) -> list[object]:
    from harmony.nml import Folder, Playlist, SmartList

    def show(node: object) -> object:
        if isinstance(node, Folder):
            return (node.name, [show(child) for child in node.children])
        if isinstance(node, SmartList):
            return (node.name, f"smart:{node.query}")
        assert isinstance(node, Playlist)
        titles = []
        for key in node.entries:
            track = world.collection.track_by_key(key)
            titles.append(track.title if track is not None and track.location.file != "gone.mp3" else f"?{key}")
        return (node.name, titles)

    return [show(child) for child in world.collection.playlists.children]


def _setup(world: World) -> None:
    for name in ("a", "b", "c"):
        world.add(f"{name}.mp3", title=name.upper())
    root = world.collection.playlists
    root.create_playlist("_LOOPS", [])
    root.create_playlist("_RECORDINGS", [])
    root.create_playlist("Preparation", [])
    sets = root.create_folder("Sets")
    sets.create_playlist("Friday", [nml_key("a.mp3"), nml_key("b.mp3"), nml_key("a.mp3")])
    deep = sets.create_folder("Old")
    deep.create_playlist("2019", [nml_key("c.mp3")])
    root.create_smartlist("Fast", "$BPM > 130")
    root.create_playlist("Unknown", [nml_key("nowhere.mp3", "elsewhere")])


def test_first_import_keeps_tree_order_duplicates_smart_and_system_lists(world: World) -> None:
    _setup(world)
    result = world.sync()
    assert result.stats.playlists_imported == 7
    assert _tree(world) == [
        ("_LOOPS", []),
        ("_RECORDINGS", []),
        ("Preparation", []),
        ("Sets", [("Friday", ["A", "B", "A"]), ("Old", [("2019", ["C"])])]),
        ("Fast", "smart:$BPM > 130"),
        ("Unknown", [f"?{nml_key('nowhere.mp3', 'elsewhere')}"]),
    ]
    assert _tree(world) == _nml_tree(world)
    world.assert_nothing_to_do()


def test_mixed_order_of_folders_and_playlists_is_kept(world: World) -> None:
    root = world.collection.playlists
    root.create_playlist("P1", [])
    root.create_folder("F1")
    root.create_playlist("P2", [])
    root.create_folder("F2").create_playlist("Inner", [])
    world.sync()
    assert _tree(world) == [("P1", []), ("F1", []), ("P2", []), ("F2", [("Inner", [])])]
    world.assert_nothing_to_do()


def test_rename_move_and_refill_in_traktor_are_followed_by_uuid(world: World) -> None:
    _setup(world)
    world.sync()
    root = world.collection.playlists
    friday = root.find(["Sets", "Friday"])
    friday.name = "Saturday"
    friday.move_to(root, 0)
    friday.set_entries([nml_key("c.mp3")])
    root.find(["Sets", "Old"]).name = "Archive"  # a folder rename, recognised by what it holds
    result = world.sync()
    assert result.stats.playlists_imported == 0
    assert result.stats.playlists_updated == 1
    assert _tree(world) == _nml_tree(world)
    assert _tree(world)[0] == ("Saturday", ["C"])
    assert ("Sets", [("Archive", [("2019", ["C"])])]) in _tree(world)
    world.assert_nothing_to_do()


def test_entries_refilled_in_traktor_say_what_moved(world: World) -> None:
    """The import's diff says entries added and removed, and whether the ones kept changed order (the export's
    says it the same way: harmony.sync.report.entries_said)."""
    _setup(world)
    world.sync()
    friday = world.collection.playlists.find(["Sets", "Friday"])
    friday.set_entries([nml_key("b.mp3"), nml_key("a.mp3"), nml_key("a.mp3"), nml_key("c.mp3")])  # b first, c added
    lines = world.sync().report.lines()
    assert "  refill playlist Sets/Friday: +1 −0 entries, reordered" in lines, lines
    friday.set_entries([nml_key("b.mp3"), nml_key("a.mp3"), nml_key("a.mp3")])
    lines = world.sync().report.lines()
    assert "  refill playlist Sets/Friday: +0 −1 entries" in lines, lines
    world.assert_nothing_to_do()


def test_reorder_in_traktor_is_followed(world: World) -> None:
    root = world.collection.playlists
    for name in ("one", "two", "three", "four"):
        root.create_playlist(name, [])
    world.sync()
    root.find(["four"]).move_to(root, 0)
    root.find(["two"]).move_to(root)  # to the end
    world.sync()
    assert [name for name, _ in _tree(world)] == ["four", "one", "three", "two"]  # type: ignore[misc]
    assert _tree(world) == _nml_tree(world)
    world.assert_nothing_to_do()


def test_playlist_deleted_in_traktor_is_deleted_unless_changed_in_harmony(world: World) -> None:
    _setup(world)
    world.sync()
    ids = {node.name: node.id for node in world.library.playlist_tree() if isinstance(node, PlaylistNode)}
    world.library.set_playlist_tracks(ids["Preparation"], [world.track_id("a.mp3")])  # edited in Harmony
    world.collection.playlists.find(["_RECORDINGS"]).delete()
    world.collection.playlists.find(["Preparation"]).delete()
    result = world.sync()
    names = [node.name for node in world.library.playlist_tree()]
    assert "_RECORDINGS" not in names and "Preparation" in names
    assert [(c.subject, c.harmony, c.traktor, c.winner) for c in result.stats.conflicts] == [
        ("Preparation", "changed", "deleted", "harmony")
    ]
    assert result.stats.playlists_updated == 1
    world.assert_nothing_to_do()


def test_folder_deleted_in_traktor_goes_with_its_playlists(world: World) -> None:
    _setup(world)
    world.sync()
    world.collection.playlists.find(["Sets"]).delete()
    world.sync()
    assert "Sets" not in [node.name for node in world.library.playlist_tree()]
    assert _tree(world) == _nml_tree(world)
    world.assert_nothing_to_do()


def test_folder_deleted_in_traktor_stays_when_harmony_put_a_playlist_in_it(world: World) -> None:
    _setup(world)
    world.sync()
    sets = next(n for n in world.library.playlist_tree() if n.name == "Sets")
    world.library.create_playlist("Mine", sets.id)
    world.collection.playlists.find(["Sets"]).delete()
    result = world.sync()
    [kept] = [n for n in world.library.playlist_tree() if n.name == "Sets"]
    assert isinstance(kept, FolderNode) and [c.name for c in kept.children] == ["Mine"]
    assert any(c.item == "folder" for c in result.stats.conflicts)
    world.assert_nothing_to_do()


def test_playlist_deleted_in_harmony_is_not_brought_back(world: World) -> None:
    _setup(world)
    world.sync()
    friday = next(n for n in world.library.playlist_tree() if n.name == "Sets").children[0]  # type: ignore[union-attr]
    world.library.delete_playlist(friday.id)
    result = world.sync()
    assert result.stats.playlists_imported == 0
    assert not result.plan.leaves_nml_current  # the export must delete it from Traktor
    world.collection.playlists.find(["Sets", "Friday"]).set_entries([nml_key("c.mp3")])
    assert world.plan().stats.playlists_imported == 0
    assert world.plan(strategy="traktor_wins").stats.playlists_imported == 1


def test_entries_changed_on_both_sides_merge_additions_and_removals(world: World) -> None:
    _setup(world)
    world.sync()
    friday = next(n for n in world.library.playlist_tree() if n.name == "Sets").children[0]  # type: ignore[union-attr]
    world.library.set_playlist_tracks(friday.id, [world.track_id("b.mp3"), world.track_id("a.mp3")])  # drop one A
    world.collection.playlists.find(["Sets", "Friday"]).set_entries(
        [nml_key("a.mp3"), nml_key("b.mp3"), nml_key("a.mp3"), nml_key("c.mp3")]  # add C
    )
    result = world.sync()
    assert _tree(world)[3][1][0] == ("Friday", ["B", "A", "C"])  # type: ignore[index]
    [conflict] = result.stats.conflicts
    assert (conflict.item, conflict.winner) == ("entries", "both")
    world.assert_nothing_to_do()


def test_entries_conflict_with_traktor_wins(world: World) -> None:
    _setup(world)
    world.sync()
    friday = next(n for n in world.library.playlist_tree() if n.name == "Sets").children[0]  # type: ignore[union-attr]
    world.library.set_playlist_tracks(friday.id, [world.track_id("b.mp3")])
    world.collection.playlists.find(["Sets", "Friday"]).set_entries([nml_key("c.mp3")])
    world.sync(strategy="traktor_wins")
    assert _tree(world)[3][1][0] == ("Friday", ["C"])  # type: ignore[index]


def test_smart_list_query_change_is_followed(world: World) -> None:
    _setup(world)
    world.sync()
    world.collection.playlists.find(["Fast"]).query = "$BPM > 140"
    result = world.sync()
    assert ("Fast", "smart:$BPM > 140") in _tree(world)
    assert [c.kind for c in result.report.playlist_changes] == ["query"]
    world.assert_nothing_to_do()


def test_harmony_playlist_of_the_same_name_is_linked_on_first_sync(world: World) -> None:
    world.add("a.mp3", title="A")
    world.sync()
    world.library.create_playlist("Warmup", track_ids=[world.track_id("a.mp3")])
    world.collection.playlists.create_playlist("Warmup", [nml_key("a.mp3")])
    result = world.sync()
    [node] = world.library.playlist_tree()
    assert node.name == "Warmup" and isinstance(node, PlaylistNode)
    assert node.uuid == world.collection.playlists.find(["Warmup"]).uuid
    assert [c.kind for c in result.report.playlist_changes] == ["link"]
    world.assert_nothing_to_do()


def test_harmony_only_playlists_are_left_alone_and_keep_their_place(world: World) -> None:
    world.library.create_playlist("Mine")
    world.collection.playlists.create_playlist("Theirs", [])
    world.sync()  # Traktor's playlist goes where Traktor has it: first
    assert [n.name for n in world.library.playlist_tree()] == ["Theirs", "Mine"]
    world.collection.playlists.create_playlist("Last", [])
    world.sync()  # after its predecessor in Traktor
    assert [n.name for n in world.library.playlist_tree()] == ["Theirs", "Last", "Mine"]
    world.collection.playlists.create_playlist("First", [], index=0)
    world.sync()
    assert [n.name for n in world.library.playlist_tree()] == ["First", "Theirs", "Last", "Mine"]
    world.assert_nothing_to_do()


def test_folder_moved_in_traktor_is_followed(world: World) -> None:
    _setup(world)
    world.sync()
    root = world.collection.playlists
    root.find(["Sets", "Old"]).move_to(root, 0)
    result = world.sync()
    assert _tree(world) == _nml_tree(world)
    assert _tree(world)[0] == ("Old", [("2019", ["C"])])
    assert not result.plan.folder_creates and not result.plan.folder_deletes  # the same folder, moved
    world.assert_nothing_to_do()


def test_rename_on_both_sides_is_a_conflict(world: World) -> None:
    _setup(world)
    world.sync()
    fast = next(n for n in world.library.playlist_tree() if n.name == "Fast")
    world.library.update_playlist(fast.id, {"name": "Quick"})
    world.collection.playlists.find(["Fast"]).name = "Rapid"
    result = world.sync()
    assert "Quick" in [n.name for n in world.library.playlist_tree()]
    [conflict] = result.stats.conflicts
    assert (conflict.item, conflict.harmony, conflict.traktor, conflict.base) == (
        "name",
        "'Quick'",
        "'Rapid'",
        "'Fast'",
    )
    world.sync(strategy="traktor_wins")  # settled already: the base moved on
    assert "Quick" in [n.name for n in world.library.playlist_tree()]


def test_reorder_only_in_harmony_is_kept(world: World) -> None:
    root = world.collection.playlists
    for name in ("one", "two", "three"):
        root.create_playlist(name, [])
    world.sync()
    three = next(n for n in world.library.playlist_tree() if n.name == "three")
    world.library.move_playlist(three.id, None, 0)
    result = world.sync()
    assert [n.name for n in world.library.playlist_tree()] == ["three", "one", "two"]
    assert not result.plan.changes_library() and not result.plan.leaves_nml_current


def _strip_uuid(playlist: object) -> None:
    element = playlist.element.find("PLAYLIST")  # type: ignore[attr-defined]
    del element.attrib["UUID"]


def test_playlist_without_uuid_is_followed_by_its_path(world: World) -> None:
    _setup(world)
    _strip_uuid(world.collection.playlists.find(["Sets", "Friday"]))  # as Traktor 2 files have them
    world.sync()
    world.collection.playlists.find(["Sets", "Friday"]).set_entries([nml_key("c.mp3"), nml_key("a.mp3")])
    result = world.sync()
    assert not result.stats.conflicts
    assert _tree(world) == _nml_tree(world)
    world.assert_nothing_to_do()


def test_two_traktor_playlists_with_one_uuid_are_both_imported(world: World) -> None:
    root = world.collection.playlists
    first = root.create_playlist("One", [])
    root.create_playlist("Two", [], uuid=first.uuid)
    result = world.sync()
    assert [n.name for n in world.library.playlist_tree()] == ["One", "Two"]
    assert [c.uuid for c in result.plan.playlist_creates] == [first.uuid, None]
    world.assert_nothing_to_do()


def test_moved_on_both_sides_is_a_conflict(world: World) -> None:
    _setup(world)
    world.sync()
    root = world.collection.playlists
    friday = next(n for n in world.library.playlist_tree() if n.name == "Sets").children[0]  # type: ignore[union-attr]
    world.library.move_playlist(friday.id, None, 0)  # Harmony: to the top level
    root.find(["Sets", "Friday"]).move_to(root.find(["Sets", "Old"]))  # Traktor: into Sets/Old
    result = world.sync(strategy="traktor_wins")
    [conflict] = result.stats.conflicts
    assert (conflict.item, conflict.harmony, conflict.traktor, conflict.winner) == (
        "folder",
        "(top)",
        "Sets/Old",
        "traktor",
    )
    assert _tree(world) == _nml_tree(world)
    world.assert_nothing_to_do()


def test_reordered_on_both_sides_is_a_conflict(world: World) -> None:
    root = world.collection.playlists
    for name in ("one", "two", "three"):
        root.create_playlist(name, [])
    world.sync()
    three = next(n for n in world.library.playlist_tree() if n.name == "three")
    world.library.move_playlist(three.id, None, 0)
    root.find(["one"]).move_to(root)
    result = world.sync()
    assert [n.name for n in world.library.playlist_tree()] == ["three", "one", "two"]  # Harmony's order kept
    assert [(c.item, c.winner) for c in result.stats.conflicts] == [("order", "harmony")]
    world.assert_nothing_to_do()


def test_folder_deleted_in_harmony_comes_back_only_for_a_new_playlist_in_it(world: World) -> None:
    _setup(world)
    world.sync()
    sets = next(n for n in world.library.playlist_tree() if n.name == "Sets")
    world.library.delete_folder(sets.id)
    assert world.sync().stats.playlists_imported == 0  # deleted in Harmony, untouched in Traktor: stays deleted
    world.collection.playlists.find(["Sets"]).create_playlist("Sunday", [nml_key("b.mp3")])
    result = world.sync()
    assert result.stats.playlists_imported == 1
    assert ("Sets", [("Sunday", ["B"])]) in _tree(world)
    world.assert_nothing_to_do()


def test_reorder_inside_a_folder_renamed_in_traktor_is_followed(world: World) -> None:
    root = world.collection.playlists
    folder = root.create_folder("Old name")
    folder.create_playlist("first", [])
    folder.create_playlist("second", [])
    world.sync()
    folder = root.find(["Old name"])
    folder.name = "New name"
    folder.find(["first"]).move_to(folder)  # to the end
    world.sync()
    assert _tree(world) == [("New name", [("second", []), ("first", [])])]
    world.assert_nothing_to_do()


@pytest.mark.parametrize(
    ("strategy", "order"),
    [("smart_merge", ["One", "Two"]), ("harmony_wins", ["One", "Two"]), ("traktor_wins", ["Two", "One"])],
)
def test_the_first_sync_of_an_order_follows_the_strategy(world: World, strategy: str, order: list[str]) -> None:
    # Playlists of the same name on both sides, linked on their first sync, in opposite orders: the strategy
    # decides whose order stays, as it does for every value with no base (harmony.sync.three_way.FIRST_SYNC).
    for name in ("One", "Two"):
        world.library.create_playlist(name)
    for name in ("Two", "One"):
        world.collection.playlists.create_playlist(name, [])
    world.sync(strategy=strategy)
    assert [n.name for n in world.library.playlist_tree()] == order
    world.assert_nothing_to_do(strategy=strategy)
