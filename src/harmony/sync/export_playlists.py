"""The playlist part of an export: Harmony's folders, playlists and smart lists into Traktor's tree, with their
names, places, order and entries, three ways against the bases of the last sync.

Which Traktor node is which Harmony node is decided exactly as on import (:func:`harmony.sync.links.link`:
playlists by UUID, folders by path or by the playlists they hold, a first sync by name), so both directions
agree on identities. Then Harmony's tree is walked from the top:

- a node Traktor does not have is created, unless it was exchanged before (Traktor removed it since the last
  sync): then it stays removed unless Harmony changed it since and the strategy is not ``traktor_wins``;
- a name, a parent folder, a smart query or a playlist's entries changed only in Harmony is written; changed
  only in Traktor stays; changed on both sides is settled as the import settles it (entries under
  ``smart_merge``: Traktor's additions and removals applied to Harmony's list);
- the order of a folder's children follows Harmony's when Harmony reordered them (or created some), Traktor's
  when only Traktor did; nodes only Traktor has keep their places.

A playlist or folder deleted in Harmony since the last sync is removed from the NML, unless Traktor changed it
since (then ``traktor_wins`` keeps it), and a folder only once nothing is left in it. Anything only Traktor has
(never imported, or created there since) is never deleted. Entries of library tracks are written with the
track's NML key; entries Harmony knows only by key (dangling) are written as they are.

The new bases say what both sides hold: Harmony's names, paths, entries and queries (equal to Traktor's where
they agree), Traktor's identities, and positions from Traktor's order where the orders agree (else Harmony's,
so that the next import sees Traktor's reordering as Traktor's).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterator, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from typing import Literal

from harmony.errors import NMLError
from harmony.library import FolderBase, FolderBaseSet, PlaylistBase, PlaylistBaseSet, SyncFolder, SyncPlaylist
from harmony.nml import ROOT_NAME, Collection, Folder, Node, Playlist, SmartList, check_name
from harmony.sync.import_fields import decide_unit
from harmony.sync.import_playlists import merge_lists
from harmony.sync.links import HarmonyTree, PlannedNode, TraktorTree, link
from harmony.sync.options import Strategy
from harmony.sync.order import NodeId, weave
from harmony.sync.report import Conflict, PlaylistChange, SkippedEntry, entries_said
from harmony.sync.three_way import decide, decide_changes, decide_deletion, first_sync
from harmony.sync.tree import tree_from_nml

log = logging.getLogger(__name__)

__all__ = ["PlaylistExport", "export_playlists"]

Path = tuple[str, ...]
NodeKind = Literal["folder", "playlist", "smart list"]


@dataclass(slots=True)
class PlaylistExport:
    """What the playlist part of an export did, for the report and the bases."""

    changes: list[PlaylistChange] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    skipped: list[SkippedEntry] = field(default_factory=list)
    playlist_bases: list[PlaylistBaseSet] = field(default_factory=list)
    playlist_base_deletes: list[str] = field(default_factory=list)
    folder_bases: list[FolderBaseSet] = field(default_factory=list)
    folder_base_deletes: list[Path] = field(default_factory=list)
    playlists_touched: set[object] = field(default_factory=set)
    folders_touched: set[object] = field(default_factory=set)


def _walk(folder: Folder) -> Iterator[Node]:
    """The nodes below ``folder`` in the order and with the types :class:`TraktorTree` flattens them."""
    for child in folder.children:
        if isinstance(child, Folder):
            yield child
            yield from _walk(child)
        elif isinstance(child, SmartList | Playlist):
            yield child


def _final_places(root: Folder) -> dict[Node, tuple[str, int]]:
    """The identity and the position among its siblings of every node, exactly as :class:`TraktorTree` gives
    them to the next import (a playlist's UUID, or its path when it has none or another took it), without
    reading any entries."""
    places: dict[Node, tuple[str, int]] = {}
    seen: set[str] = set()

    def visit(folder: Folder, path: Path) -> None:
        for index, child in enumerate(_known_children(folder)):
            child_path = (*path, child.name)
            if isinstance(child, Folder):
                places[child] = ("", index)
                visit(child, child_path)
                continue
            assert isinstance(child, Playlist | SmartList)
            identity = child.uuid or ""
            if not identity or identity in seen:
                identity = "nml-path:" + json.dumps(child_path, ensure_ascii=False)
            seen.add(identity)
            places[child] = (identity, index)

    visit(root, ())
    return places


def _kind(node: Node | SyncPlaylist) -> NodeKind:
    if isinstance(node, SyncPlaylist):
        return "smart list" if node.smart_query is not None else "playlist"
    return "smart list" if isinstance(node, SmartList) else "playlist"


def _known_children(folder: Folder) -> list[Node]:
    return [c for c in folder.children if isinstance(c, Folder | SmartList | Playlist)]


@dataclass(frozen=True, slots=True)
class _Refused:
    """A rename, move or new playlist the collection refused in the walk (a node of that name in the folder):
    ``attempt`` tries it again and answers why not, or None once it went through."""

    attempt: Callable[[], NMLError | None]
    view: Node | None  # None for a playlist to create
    node: NodeId
    path: Path
    what: str  # "not renamed to 'Friday'", "not moved into Sets", "playlist not exported"
    step: Literal["rename", "move", "create"]
    wanted_name: str | None = None  # a rename's new name
    target: Folder | None = None  # a move's folder


@dataclass(eq=False, slots=True)
class _Knot:
    """A node whose rename, move or both were refused, and the place they would give it: ``name`` in ``folder``."""

    view: Node
    folder: Folder
    name: str
    rename: _Refused | None
    move: _Refused | None


def _knots(refused: Sequence[_Refused]) -> dict[Node, _Knot]:
    """The refused steps a turn can settle, by node: renames to a name Traktor's file can hold, and moves of
    playlists and smart lists (a folder's move may also be refused for going into itself, which no passing name
    helps)."""
    steps: dict[Node, list[_Refused]] = {}
    for step in refused:
        if step.view is not None:
            steps.setdefault(step.view, []).append(step)
    knots: dict[Node, _Knot] = {}
    for view, its in steps.items():
        rename = next((step for step in its if step.step == "rename"), None)
        move = next((step for step in its if step.step == "move"), None)
        folder = move.target if move is not None else view.parent
        name = rename.wanted_name if rename is not None else view.name
        if folder is None or name is None or not _can_name(name) or (move is not None and isinstance(view, Folder)):
            continue
        knots[view] = _Knot(view, folder, name, rename, move)
    return knots


def _tangle(refused: Sequence[_Refused]) -> list[_Knot] | None:
    """Nodes the walk's renames and moves left waiting on each other, if any, in the order _turn takes them:

    - a ring: each wants the place (a name in a folder) the next one's node holds, the last the first one's
      ("Chill" and "Fresh" swapped; two playlists "P" swapped between their folders);
    - or one node whose place is free, whose own two steps stood in each other's way ("Chill" renamed "Sets"
      and moved into folder Sets, which holds another "Chill": renamed first, it meets the folder; moved first,
      the other "Chill").

    A place two nodes of the file hold (Traktor's own files may) is in neither: freeing one leaves the other."""
    knots = _knots(refused)
    for start in knots.values():
        chain: list[_Knot] = []
        knot: _Knot | None = start
        while knot is not None and not any(knot is seen for seen in chain):
            chain.append(knot)
            holders = [node for node in knot.folder.children if node.name == knot.name and node != knot.view]
            if not holders:
                return [knot]
            knot = knots.get(holders[0]) if len(holders) == 1 else None
        if knot is not None:  # back at a node of the chain: from there on it is a ring
            return chain[next(i for i, seen in enumerate(chain) if seen is knot) :]
    return None


def _can_name(name: str) -> bool:
    try:
        check_name(name)
    except NMLError:
        return False
    return True


def _turn(tangle: Sequence[_Knot]) -> None:
    """Untie ``tangle`` (see _tangle): the first node takes a passing name, free where it is and where it goes;
    then, from the last node back to the first, each goes to its place, which the node after it has just left.
    A node that moves and is renamed moves under a passing name and takes its new name in the new folder. Each
    place is free when it is taken and every name can name a node, so all go through, and no passing name is
    left when the file is written."""
    first = tangle[0]
    first.view.name = _passing_name(first.view, first.folder)
    for knot in reversed(tangle):
        if knot.move is not None:
            if knot is not first and knot.rename is not None:
                knot.view.name = _passing_name(knot.view, knot.folder)
            _went_through(knot.move)
        if knot.rename is not None:
            _went_through(knot.rename)
        elif knot.view.name != knot.name:
            knot.view.name = knot.name  # its own name back, in its new folder
        if knot.view.name != knot.name or knot.view.parent != knot.folder:  # cannot happen either
            raise RuntimeError(f"untying renames and moves left {knot.view!r} short of its place")


def _went_through(step: _Refused) -> None:
    error = step.attempt()
    if error is not None:  # cannot happen, see _turn; never let a passing name reach the file
        raise RuntimeError(f"untying renames and moves stopped at {step.view!r}: {error}") from error


def _passing_name(node: Node, *folders: Folder) -> str:
    """A name no node of ``node``'s folder nor of ``folders`` holds, for a moment."""
    around = [folder for folder in (node.parent, *folders) if folder is not None]
    number = 1
    while any(folder.get(name := f"{node.name} (renaming {number})") is not None for folder in around):
        number += 1
    return name


class _TreeExporter:
    def __init__(
        self,
        collection: Collection,
        folders: Sequence[SyncFolder],
        playlists: Sequence[SyncPlaylist],
        unlinked_playlist_bases: Sequence[PlaylistBase],
        unlinked_folder_bases: Sequence[FolderBase],
        key_of_track: Mapping[int, str],
        strategy: Strategy,
        left_with_their_tracks: AbstractSet[str] = frozenset(),
    ) -> None:
        self.collection = collection
        self.strategy = strategy
        self.key_of_track = key_of_track
        self.left_with_their_tracks = left_with_their_tracks
        self._track_keys: set[str] | None = None
        self.unlinked_playlist_bases = unlinked_playlist_bases
        self.unlinked_folder_bases = unlinked_folder_bases
        self.out = PlaylistExport()
        self.root = collection.playlists
        self.traktor = TraktorTree(tree_from_nml(self.root))
        views = list(_walk(self.root))
        self.harmony = HarmonyTree(folders, playlists)
        links = link(self.traktor, self.harmony, unlinked_playlist_bases, unlinked_folder_bases)
        view_of = {id(node): view for node, view in zip(self.traktor.nodes, views, strict=True)}
        self.node_of_folder: dict[int, PlannedNode] = dict(links.folders)
        self.node_of_playlist: dict[int, PlannedNode] = dict(links.playlists)
        self.folder_view: dict[int, Folder] = {}
        for folder_id, node in links.folders.items():
            view = view_of[id(node)]
            assert isinstance(view, Folder)
            self.folder_view[folder_id] = view
        self.playlist_view: dict[int, Node] = {pid: view_of[id(node)] for pid, node in links.playlists.items()}
        self.deleted_nodes = [(node, view_of[id(node)]) for node in self.traktor.nodes if node.deleted_in_harmony]
        self.created: set[NodeId] = set()
        self.used_uuids = set(self.traktor.uuids)
        # Renames and moves refused in the walk (a name taken in the folder), tried again after it (see
        # tried_again); for one refused to the end, its base records the file's name (name_kept) or place
        # (place_kept).
        self.refused: list[_Refused] = []
        self.name_kept: dict[NodeId, str] = {}
        self.place_kept: set[NodeId] = set()

    # -- report helpers --

    def _change(self, kind: str, node: NodeKind, path: Path, detail: str = "") -> None:
        self.out.changes.append(PlaylistChange(kind, node, path, detail))  # type: ignore[arg-type]

    def _conflict(self, path: Path, item: str, harmony: str, traktor: str, base: str | None, harmony_won: bool) -> None:
        winner: Literal["harmony", "traktor"] = "harmony" if harmony_won else "traktor"
        self.out.conflicts.append(Conflict("/".join(path), item, harmony, traktor, base, winner, self.strategy))

    def _touch(self, node: NodeId | Node) -> None:
        kind = node[0] if isinstance(node, tuple) else ("f" if isinstance(node, Folder) else "p")
        (self.out.folders_touched if kind == "f" else self.out.playlists_touched).add(node)

    # -- deletions --

    def delete_playlists(self) -> None:
        """Remove the playlists deleted in Harmony since the last sync (unless Traktor changed them since and
        the strategy keeps Traktor's); their bases go either way."""
        for node, view in self.deleted_nodes:
            base = node.deleted_in_harmony
            if node.kind != "p" or not isinstance(base, PlaylistBase) or node.playlist is None:
                continue
            unchanged = (
                base.name == node.name
                and base.folder_path == node.parent_path
                and base.smart_query == node.playlist.smart_query
                and base.entries == node.playlist.entries
            )
            kind = _kind(view)
            decision = decide_deletion("harmony", not unchanged, self.strategy)
            if decision.conflict:
                self._conflict(node.path, kind, "deleted", "changed", "as last synced", decision.writes_harmony)
            if not decision.writes_harmony:
                continue
            view.delete()
            self._touch(view)
            self._change("delete", kind, node.path)
        self.out.playlist_base_deletes.extend(base.uuid for base in self.unlinked_playlist_bases)

    def delete_folders(self) -> None:
        """Remove the folders deleted in Harmony since the last sync once nothing is left in them (deepest
        first, so a folder emptied by its sub-folders' removal goes too); their bases go either way."""
        exported = set(self.folder_view.values())
        for base in sorted(self.unlinked_folder_bases, key=lambda b: len(b.path), reverse=True):
            self.out.folder_base_deletes.append(base.path)
            view = self.root.find(base.path)
            if not isinstance(view, Folder) or view in exported:
                continue
            if len(view):
                self._conflict(base.path, "folder", "deleted", "holds playlists", "as last synced", False)
                continue
            view.delete()
            self._touch(view)
            self._change("delete", "folder", base.path)

    # -- Harmony's tree, from the top --

    def export_children(self, parent: int | None, folder: Folder) -> None:
        for kind, ident in self.harmony.children.get(parent, []):
            assert isinstance(ident, int)
            if kind == "f":
                self._export_folder(self.harmony.folders[ident], folder)
            else:
                self._export_playlist(self.harmony.playlists[ident], folder)
        self._order(parent, folder)

    def _needed(self, folder_id: int) -> bool:
        """Whether a folder Traktor removed since the last sync must come back: it holds something new or
        changed in Harmony that the export writes."""
        for kind, ident in self.harmony.children.get(folder_id, []):
            assert isinstance(ident, int)
            if kind == "f":
                if self.harmony.folders[ident].base is None or self._needed(ident):
                    return True
            else:
                playlist = self.harmony.playlists[ident]
                if playlist.base is None or (ident not in self.playlist_view and self._comes_back(playlist)):
                    return True
        return False

    def _changed_in_harmony(self, playlist: SyncPlaylist) -> bool:
        """Whether Harmony changed a playlist since the last sync (name, place, query or entries)."""
        base = playlist.base
        assert base is not None
        keys = self._keys(playlist)
        return (
            playlist.name != base.name
            or playlist.smart_query != base.smart_query
            or keys != self._surviving(base.entries, keys)
            or self.harmony.path(playlist.folder_id) != base.folder_path
        )

    def _surviving(self, entries: Sequence[str], keys: Sequence[str]) -> list[str]:
        """The base's entries without those of tracks deleted since: an entry that left a playlist with its
        track is no change of the playlist (the track's deletion travels on its own)."""
        if self._track_keys is None:
            self._track_keys = set(self.key_of_track.values())
        kept = set(keys)
        return [key for key in entries if key in self._track_keys or key in kept]

    def _comes_back(self, playlist: SyncPlaylist) -> bool:
        """Whether a playlist Traktor removed since the last sync is written again: Harmony changed it since,
        and the strategy settles that conflict Harmony's way (as the import does)."""
        return decide_deletion("traktor", self._changed_in_harmony(playlist), self.strategy).writes_harmony

    def _export_folder(self, folder: SyncFolder, parent: Folder) -> None:
        path = (*self.harmony.path(folder.parent_id), folder.name)
        view = self.folder_view.get(folder.id)
        if view is None:
            if folder.base is not None and not self._needed(folder.id):
                return  # removed in Traktor since the last sync, with nothing new inside: it stays removed
            try:
                view = parent.create_folder(folder.name)
            except NMLError as error:
                self.out.skipped.append(SkippedEntry("/".join(path), f"folder not exported: {error}"))
                return
            self.folder_view[folder.id] = view
            self.created.add(("f", folder.id))
            self._touch(("f", folder.id))
            self._change("create", "folder", path)
        else:
            node = self.node_of_folder[folder.id]
            base = folder.base
            self._rename(view, folder.name, None if base is None else base.path[-1], "folder", path, ("f", folder.id))
            self._move(
                view, parent, folder.parent_id, node, None if base is None else base.path[:-1], path, ("f", folder.id)
            )
        self.export_children(folder.id, view)

    def _keys(self, playlist: SyncPlaylist) -> list[str]:
        """The NML keys of a Harmony playlist's entries: the track's entry, or the key a dangling entry keeps."""
        keys: list[str] = []
        for entry in playlist.entries:
            key = None if entry.track_id is None else self.key_of_track.get(entry.track_id)
            key = key or entry.nml_key
            if key:
                keys.append(key)
        return keys

    def _out_of_the_collection(self, key: str) -> bool:
        """Whether ``key`` is a library track's whose entry the collection does not hold after this export: Traktor
        removed the track since the last sync and it stays out (the next import takes it out of Harmony, and
        out of Harmony's playlists with it). Written into a playlist, its entry would be left behind there."""
        if self._track_keys is None:
            self._track_keys = set(self.key_of_track.values())
        return key in self._track_keys and self.collection.track_by_key(key) is None

    def _free_uuid(self, playlist: SyncPlaylist) -> str | None:
        candidates = (playlist.uuid, None if playlist.base is None else playlist.base.uuid)
        for uuid in candidates:
            if uuid and not uuid.startswith("nml-path:") and uuid not in self.used_uuids:
                self.used_uuids.add(uuid)
                return uuid
        return None

    def _export_playlist(self, playlist: SyncPlaylist, parent: Folder) -> None:
        path = (*self.harmony.path(playlist.folder_id), playlist.name)
        kind = _kind(playlist)
        node_id: NodeId = ("p", playlist.id)
        view = self.playlist_view.get(playlist.id)
        keys = self._keys(playlist)
        base = playlist.base
        if view is None:
            if base is not None:
                changed = self._changed_in_harmony(playlist)
                back = decide_deletion("traktor", changed, self.strategy).writes_harmony
                if changed:
                    self._conflict(path, kind, "changed", "deleted", "as last synced", back)
                if not back:
                    return  # removed in Traktor since the last sync: it stays removed
            self._create(playlist, parent, path, keys)
            return
        node = self.node_of_playlist[playlist.id]
        self._rename(view, playlist.name, None if base is None else base.name, kind, path, node_id)
        self._move(view, parent, playlist.folder_id, node, None if base is None else base.folder_path, path, node_id)
        if isinstance(view, SmartList) and playlist.smart_query is not None:
            self._query(view, playlist, path)
        elif isinstance(view, Playlist) and playlist.smart_query is None:
            self._entries(view, playlist, keys, path)
        else:
            self.out.skipped.append(SkippedEntry("/".join(path), "a playlist on one side is a smart list on the other"))

    def _create(self, playlist: SyncPlaylist, parent: Folder, path: Path, keys: list[str]) -> None:
        """Write a playlist Traktor does not have; if its name is still taken in the folder, try again after the
        walk (a rename later in the tree may free it), then put it in its place."""
        kind, node_id = _kind(playlist), ("p", playlist.id)
        uuid = self._free_uuid(playlist)
        # As for an existing playlist (see _entries): no entry of a track that stays out of the collection.
        keys = [key for key in keys if not self._out_of_the_collection(key)]

        def create() -> NMLError | None:
            try:
                if playlist.smart_query is not None:
                    view: Node = parent.create_smartlist(playlist.name, playlist.smart_query, uuid=uuid)
                else:
                    view = parent.create_playlist(playlist.name, keys, uuid=uuid)
            except NMLError as error:
                return error
            self.playlist_view[playlist.id] = view
            self.created.add(node_id)
            self._touch(node_id)
            detail = "" if playlist.smart_query is not None else f"{len(keys)} entries"
            self._change("create", kind, path, detail)
            return None

        def create_again() -> NMLError | None:
            error = create()
            if error is None:
                self._order(playlist.folder_id, parent)  # the walk ordered the folder without it
            return error

        if create() is not None:
            self.refused.append(_Refused(create_again, None, node_id, path, f"{kind} not exported", "create"))

    def _rename(self, view: Node, name: str, base_name: str | None, kind: NodeKind, path: Path, node: NodeId) -> None:
        decision = decide_unit("name", name, view.name, base_name, base_name is not None, self.strategy)
        write, conflict = decision.writes_harmony, decision.conflict
        if conflict:
            was = None if base_name is None else repr(base_name)
            self._conflict(path, "name", repr(name), repr(view.name), was, write)
        if not write:
            return

        old = view.name  # the file's name, even once a ring of renames gave the node a passing one

        def rename() -> NMLError | None:
            try:
                view.name = name
            except NMLError as error:
                return error
            self._touch(node)
            self._change("rename", kind, path, f"from {old!r}")
            return None

        if rename() is not None:
            what = f"not renamed to {name!r}"
            self.refused.append(_Refused(rename, view, node, path, what, "rename", wanted_name=name))

    def tried_again(self) -> None:
        """The renames and moves refused in the walk, tried again while any goes through: the node that held the
        name may have been renamed, moved or deleted after it (a DJ renamed "Friday" to "Friday 2024", then
        "Warm-up" to "Friday", and the export met "Warm-up" first). Names swapped, or passed round a ring, go
        through together (see _turn). One refused to the end (a name a node of Traktor's own holds) is left out,
        and its base keeps the name or place the file holds: the change stays to export, and the next import does
        not take the old name or place back as Traktor's."""
        left = [(step, NMLError("")) for step in self.refused]
        while left:
            still = [(step, error) for step, _ in left if (error := step.attempt()) is not None]
            progress = len(still) < len(left)
            if not progress:
                tangle = _tangle([step for step, _ in still])
                if tangle is None:
                    left = still
                    break
                _turn(tangle)
                settled = {id(step) for knot in tangle for step in (knot.rename, knot.move) if step is not None}
                still = [(step, error) for step, error in still if id(step) not in settled]
            left = still
        for step, error in left:
            whole = step.step == "create"
            self.out.skipped.append(SkippedEntry("/".join(step.path), f"{step.what}: {error}", whole=whole))
            if step.step == "move":
                self.place_kept.add(step.node)
            elif step.view is not None:
                self.name_kept[step.node] = step.view.name
        self.refused = []

    def _move(
        self,
        view: Node,
        target: Folder,
        ours: int | None,
        node: PlannedNode,
        base_parent: Path | None,
        path: Path,
        node_id: NodeId,
    ) -> None:
        """Put a node that exists on both sides in Harmony's folder if Harmony moved it (see the import's
        ``_decide_parent``: a parent renamed in Traktor is no move)."""
        if view.parent == target:
            return
        theirs = self.traktor.parent_ref(node.parent_path)
        if base_parent is None:
            write = first_sync(self.strategy, False, False).writes_harmony
        else:
            was = self.harmony.base_parent(base_parent)
            traktor_moved = node.parent_path != base_parent and theirs != was
            decision = decide_changes(ours != was, traktor_moved, self.strategy)
            write = decision.writes_harmony
            if decision.conflict:
                self._conflict(
                    path,
                    "folder",
                    "/".join(self.harmony.path(ours)) or "(top)",
                    "/".join(node.parent_path) or "(top)",
                    "/".join(base_parent) or "(top)",
                    write,
                )
        if not write:
            return
        into = "/".join(target.path) or "the top level"

        def move() -> NMLError | None:
            try:
                view.move_to(target)
            except NMLError as error:
                return error
            kind: NodeKind = "folder" if isinstance(view, Folder) else _kind(view)
            self._touch(node_id)
            self._change("move", kind, path, f"into {into}")
            return None

        def move_again() -> NMLError | None:
            error = move()
            if error is None:
                self._order(ours, target)  # the walk ordered the folder without it
            return error

        if move() is not None:
            what = f"not moved into {into}"
            self.refused.append(_Refused(move_again, view, node_id, path, what, "move", target=target))

    def _query(self, view: SmartList, playlist: SyncPlaylist, path: Path) -> None:
        base = playlist.base
        ours, theirs = playlist.smart_query or "", view.query
        was = None if base is None else base.smart_query
        decision = decide_unit("query", ours, theirs, was, base is not None, self.strategy)
        write, conflict = decision.writes_harmony, decision.conflict
        if conflict:
            self._conflict(path, "query", repr(ours), repr(theirs), None if was is None else repr(was), write)
        if write:
            try:
                view.query = ours
            except NMLError as error:
                self.out.skipped.append(SkippedEntry("/".join(path), f"query not exported: {error}", whole=False))
                return
            self._touch(("p", playlist.id))
            self._change("query", "smart list", path, repr(ours))

    def _entries(self, view: Playlist, playlist: SyncPlaylist, keys: list[str], path: Path) -> None:
        theirs = view.entries
        if keys == theirs:
            return
        base = playlist.base
        # An entry this export took out of Traktor's playlists with its track (deleted in Harmony) left the base
        # too: Traktor's list lacks it because of Harmony's deletion, not because Traktor changed the playlist.
        gone = self.left_with_their_tracks
        was = None if base is None else [key for key in base.entries if key not in gone]
        decision = decide(
            keys, theirs, was, base is not None, self.strategy,
            harmony_empty=not keys, traktor_empty=not theirs, lists=True,
        )  # fmt: skip
        if decision.conflict and was is not None:
            winner: Literal["harmony", "traktor", "both"] = "both" if decision.both else decision.winner or "harmony"
            self.out.conflicts.append(
                Conflict(
                    "/".join(path),
                    "entries",
                    f"{len(keys)} entries",
                    f"{len(theirs)} entries",
                    f"{len(was)} entries",
                    winner,
                    self.strategy,
                )
            )
        if decision.both:
            assert was is not None
            merged = merge_lists([("k", k) for k in keys], [("k", k) for k in theirs], [("k", k) for k in was])
            wanted = [str(key) for _, key in merged]
        elif decision.writes_harmony:
            wanted = keys
        else:
            return
        held = set(theirs)
        wanted = [key for key in wanted if key in held or not self._out_of_the_collection(key)]
        if wanted == theirs:
            return
        view.set_entries(wanted)
        self._touch(("p", playlist.id))
        # Said against the playlist as the file held it: an entry that left with its track (a merge's copy, taken
        # out of the library) is one out, and the one that took its place one in ("+1 −1", it said "+1 −0"). The
        # file's own list is gone with those entries: the base says which the playlist held.
        left = [] if base is None else [key for key in base.entries if key in gone]
        self._change("entries", "playlist", path, entries_said(theirs + left, wanted))

    def _order(self, parent: int | None, folder: Folder) -> None:
        """Put the children of Harmony folder ``parent`` that sit in NML ``folder`` in the merged order."""
        present: list[tuple[NodeId, Node]] = []
        for node_id in self.harmony.children.get(parent, []):
            view = self._view(node_id)
            if view is not None and view.parent == folder:
                present.append((node_id, view))
        if len(present) < 2:
            return
        current = _known_children(folder)
        position = {view: index for index, view in enumerate(current)}
        ours = [node_id for node_id, _ in present]
        theirs = [node_id for node_id, view in sorted(present, key=lambda item: position[item[1]])]
        if ours == theirs:
            return
        existed = [n for n in theirs if n not in self.created]
        common = [n for n in existed if self._base_position(n, parent) is not None]
        harmony_first = True
        if common:
            was = sorted(common, key=lambda n: self._base_position(n, parent) or 0)
            ours_common = [n for n in ours if n in common]
            theirs_common = [n for n in theirs if n in common]
            decision = decide(ours_common, theirs_common, was, True, self.strategy)
            harmony_first = decision.winner != "traktor"
            if decision.conflict:
                where = self.harmony.path(parent) if parent is not None else ()
                self._conflict(where, "order", "reordered", "reordered", "as last synced", harmony_first)
        elif existed:  # the first sync of this folder's order
            ours_existed = [n for n in ours if n in set(existed)]
            harmony_first = decide(ours_existed, existed, None, False, self.strategy).winner != "traktor"
        desired = ours if harmony_first else weave(existed, [n for n in ours if n not in existed], ours)
        if desired == theirs:
            return
        view_of = dict(present)
        slots = sorted(position[view] for _, view in present)
        final = list(current)
        for slot, node_id in zip(slots, desired, strict=True):
            final[slot] = view_of[node_id]
        live = list(current)
        for index, view in enumerate(final):
            if live[index] == view:
                continue
            view.move_to(folder, self._subnode_index(folder, index))
            live.remove(view)
            live.insert(index, view)
            moved = next((n for n, v in present if v == view), None)
            if moved is None:
                continue  # a node only Traktor has, put back in its place among the others
            self._touch(moved)
            kind: NodeKind = "folder" if isinstance(view, Folder) else _kind(view)
            self._change("move", kind, (*view.path,), f"to position {index + 1}")

    @staticmethod
    def _subnode_index(folder: Folder, known_index: int) -> int:
        """The index among SUBNODES' children of the ``known_index``-th known node (unknown ones are skipped)."""
        subnodes = folder.element.find("SUBNODES")
        if subnodes is None:
            return known_index
        seen = -1
        for index, element in enumerate(subnodes):
            if element.tag == "NODE" and element.get("TYPE") in ("FOLDER", "PLAYLIST", "SMARTLIST"):
                seen += 1
                if seen == known_index:
                    return index
        return len(subnodes)

    def _view(self, node_id: NodeId) -> Node | None:
        kind, ident = node_id
        assert isinstance(ident, int)
        return self.folder_view.get(ident) if kind == "f" else self.playlist_view.get(ident)

    def _base_position(self, node_id: NodeId, parent: int | None) -> int | None:
        """The position a node had among ``parent``'s children at the last sync (None: it was not there)."""
        kind, ident = node_id
        assert isinstance(ident, int)
        if kind == "f":
            folder_base = self.harmony.folders[ident].base
            if folder_base is None or self.harmony.base_parent(folder_base.path[:-1]) != parent:
                return None
            return folder_base.position
        playlist_base = self.harmony.playlists[ident].base
        if playlist_base is None or self.harmony.base_parent(playlist_base.folder_path) != parent:
            return None
        return playlist_base.position

    # -- bases --

    def _base_path(self, folder_id: int | None) -> Path:
        """A folder's path as its base records it: Harmony's names and places, but the file's for a rename or a
        move refused to the end (see tried_again), so the base names what both sides hold."""
        if folder_id is None:
            return ()
        view = self.folder_view.get(folder_id)
        if ("f", folder_id) in self.place_kept and view is not None:
            return tuple(view.path)
        folder = self.harmony.folders[folder_id]
        return (*self._base_path(folder.parent_id), self.name_kept.get(("f", folder_id), folder.name))

    def bases(self) -> None:
        """The bases of every exported node: what both sides hold now (see the module doc)."""
        node_at = _final_places(self.root)
        positions: dict[NodeId, int] = {}
        for parent, children in self.harmony.children.items():
            folder = self.root if parent is None else self.folder_view.get(int(parent))
            # A node whose move was left out is where the file has it, and its base says so (see _base_path).
            present = [
                (index, n, v)
                for index, n in enumerate(n for n in children if n not in self.place_kept)
                if (v := self._view(n)) is not None
            ]
            in_place = folder is not None and all(v.parent == folder for _, _, v in present)
            in_order = [n for _, n, _ in present] == [
                n for _, n, v in sorted(present, key=lambda item: node_at[item[2]][1])
            ]
            for harmony_index, node_id, view in present:
                positions[node_id] = node_at[view][1] if in_place and in_order else harmony_index
        for node_id in self.place_kept:
            if (kept := self._view(node_id)) is not None:
                positions[node_id] = node_at[kept][1]
        for folder_id in self.folder_view:
            harmony_folder = self.harmony.folders[folder_id]
            base = FolderBase(self._base_path(folder_id), positions[("f", folder_id)])
            if base != harmony_folder.base:
                self.out.folder_bases.append(FolderBaseSet(base, folder_id))
        for playlist_id, view in self.playlist_view.items():
            playlist = self.harmony.playlists[playlist_id]
            base_entries = tuple(self._keys(playlist)) if playlist.smart_query is None else ()
            playlist_base = PlaylistBase(
                uuid=node_at[view][0],
                name=self.name_kept.get(("p", playlist_id), playlist.name),
                folder_path=tuple(view.parent.path)
                if ("p", playlist_id) in self.place_kept and view.parent is not None
                else self._base_path(playlist.folder_id),
                position=positions[("p", playlist_id)],
                entries=base_entries,
                smart_query=playlist.smart_query,
            )
            if playlist_base != playlist.base:
                self.out.playlist_bases.append(PlaylistBaseSet(playlist_base, playlist_id))


def export_playlists(
    collection: Collection,
    folders: Sequence[SyncFolder],
    playlists: Sequence[SyncPlaylist],
    unlinked_playlist_bases: Sequence[PlaylistBase],
    unlinked_folder_bases: Sequence[FolderBase],
    key_of_track: Mapping[int, str],
    strategy: Strategy,
    left_with_their_tracks: AbstractSet[str] = frozenset(),
) -> PlaylistExport:
    """Export the library's folders and playlists into ``collection`` (see the module doc).
    ``left_with_their_tracks``: the keys of the entries this export removed from the collection with their
    tracks (deleted in Harmony): their absence from Traktor's playlists is no change of those playlists."""
    has_tree = collection.root.find(f"PLAYLISTS/NODE[@NAME='{ROOT_NAME}']") is not None
    if not has_tree and not folders and not playlists:
        # Nothing to write, and reading ``collection.playlists`` would add an empty tree to the file.
        return PlaylistExport(
            playlist_base_deletes=[b.uuid for b in unlinked_playlist_bases],
            folder_base_deletes=[b.path for b in unlinked_folder_bases],
        )
    exporter = _TreeExporter(
        collection,
        folders,
        playlists,
        unlinked_playlist_bases,
        unlinked_folder_bases,
        key_of_track,
        strategy,
        left_with_their_tracks,
    )
    exporter.delete_playlists()
    exporter.export_children(None, exporter.root)
    exporter.delete_folders()
    exporter.tried_again()
    exporter.bases()
    return exporter.out
