"""Which node of Traktor's playlist tree is which folder or playlist of Harmony's: the identity part of the
playlist merge.

- A playlist or smart list is its ``UUID`` (the one Harmony holds, or the one of its base). A playlist without
  one (Traktor 2 files) or with one another playlist already took is known by its path instead.
- A folder has no identity but its path: it is the Harmony folder whose base had that path; failing that, a
  folder whose place Traktor no longer has and whose name (or whose base's name, when its parent was renamed)
  matches under the same parent; failing that, the one holding the most of the same playlists (a folder renamed
  or moved in Traktor).
- On a first sync, a Harmony playlist with no base, the same name and kind in the same folder is taken to be the
  same playlist (it takes Traktor's UUID).
- A node Traktor has that Harmony deleted since the last sync is marked so; anything else is new.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Final, Literal

from harmony.library import FolderBase, PlaylistBase, Ref, SyncFolder, SyncPlaylist
from harmony.sync.order import NodeId
from harmony.sync.tree import TraktorFolder, TraktorPlaylist

log = logging.getLogger(__name__)

__all__ = ["UNKNOWN", "HarmonyTree", "PlannedNode", "TraktorTree", "link"]

Path = tuple[str, ...]
#: Stands for a folder that no longer exists in Harmony (the parent of a base, say).
UNKNOWN: Final = ("?", "unknown")


@dataclass(slots=True)
class PlannedNode:
    """A node of Traktor's tree, the Harmony node it is (or will be), and what the merge decided for it."""

    kind: Literal["f", "p"]
    path: Path
    index: int
    folder: TraktorFolder | None = None
    playlist: TraktorPlaylist | None = None
    identity: str = ""  # the UUID, or for a playlist without one (Traktor 2) a key made from its path
    harmony_folder: SyncFolder | None = None
    harmony_playlist: SyncPlaylist | None = None
    deleted_in_harmony: PlaylistBase | FolderBase | None = None
    node: NodeId | None = None
    linked_by_name: bool = False
    survives: bool = False
    final_parent: Ref | None = None
    traktor_placed: bool = False

    @property
    def parent_path(self) -> Path:
        return self.path[:-1]

    @property
    def name(self) -> str:
        return self.path[-1]

    @property
    def linked(self) -> bool:
        return self.harmony_folder is not None or self.harmony_playlist is not None


class TraktorTree:
    """Traktor's tree flattened depth first (parents before children), with an identity per playlist."""

    def __init__(self, root: TraktorFolder) -> None:
        self.nodes: list[PlannedNode] = []
        self._seen: set[str] = set()
        self._flatten(root, ())
        self.folders = {n.path: n for n in self.nodes if n.kind == "f"}
        self.uuids = {n.playlist.uuid for n in self.nodes if n.playlist is not None and n.playlist.uuid}

    def _flatten(self, folder: TraktorFolder, path: Path) -> None:
        for index, child in enumerate(folder.children):
            child_path = (*path, child.name)
            if isinstance(child, TraktorFolder):
                self.nodes.append(PlannedNode("f", child_path, index, folder=child))
                self._flatten(child, child_path)
                continue
            identity = child.uuid or ""
            if not identity or identity in self._seen:
                # No UUID (Traktor 2), or one already taken: known by its path, created without a UUID.
                identity = "nml-path:" + json.dumps(child_path, ensure_ascii=False)
                child = replace(child, uuid=None)
            self._seen.add(identity)
            self.nodes.append(PlannedNode("p", child_path, index, playlist=child, identity=identity))

    def parent_ref(self, parent_path: Path) -> Ref | tuple[str, str] | None:
        """Harmony's id or ref for Traktor's folder at ``parent_path`` (None: the top level)."""
        if not parent_path:
            return None
        node = self.folders[parent_path].node
        return UNKNOWN if node is None else node[1]

    def identities_below(self, path: Path) -> set[str]:
        return {n.identity for n in self.nodes if n.kind == "p" and n.path[: len(path)] == path}


class HarmonyTree:
    """Harmony's folders and playlists as they are now."""

    def __init__(self, folders: Sequence[SyncFolder], playlists: Sequence[SyncPlaylist]) -> None:
        self.folders = {f.id: f for f in folders}
        self.playlists = {p.id: p for p in playlists}
        # The children of each folder (None: the top level) in position order.
        self.children: dict[Ref | None, list[NodeId]] = {None: []}
        for f in folders:
            self.children.setdefault(f.id, [])
        placed: list[tuple[Ref | None, int, NodeId]] = [(f.parent_id, f.position, ("f", f.id)) for f in folders]
        placed += [(p.folder_id, p.position, ("p", p.id)) for p in playlists]
        for parent, _, node in sorted(placed, key=lambda item: (str(item[0]), item[1], item[2][0], str(item[2][1]))):
            self.children.setdefault(parent, []).append(node)
        self.folder_by_base_path = {f.base.path: f for f in folders if f.base is not None}
        self.uuid_holders = {p.uuid: p.id for p in playlists if p.uuid}

    def path(self, folder_id: int | None) -> Path:
        """The names from the top level down to ``folder_id``."""
        names: list[str] = []
        while folder_id is not None:
            folder = self.folders[folder_id]
            names.append(folder.name)
            folder_id = folder.parent_id
        return tuple(reversed(names))

    def base_parent(self, base_parent_path: Path) -> Ref | tuple[str, str] | None:
        """The Harmony folder that was at ``base_parent_path`` at the last sync (None: the top level)."""
        if not base_parent_path:
            return None
        folder = self.folder_by_base_path.get(base_parent_path)
        return UNKNOWN if folder is None else folder.id

    def identities_below(self, folder_id: int) -> set[str]:
        found: set[str] = set()
        for kind, ident in self.children.get(folder_id, []):
            if kind == "f":
                found |= self.identities_below(int(ident))
            else:
                playlist = self.playlists[int(ident)]
                found |= {u for u in (playlist.uuid, playlist.base.uuid if playlist.base else None) if u}
        return found


@dataclass(slots=True)
class Links:
    """The Traktor node each Harmony folder and playlist is."""

    folders: dict[int, PlannedNode] = field(default_factory=dict)
    playlists: dict[int, PlannedNode] = field(default_factory=dict)

    def of(self, node: NodeId) -> PlannedNode | None:
        kind, ident = node
        if not isinstance(ident, int):
            return None
        return (self.folders if kind == "f" else self.playlists).get(ident)


class _Linker:
    def __init__(
        self,
        traktor: TraktorTree,
        harmony: HarmonyTree,
        deleted_playlists: dict[str, PlaylistBase],
        deleted_folders: dict[Path, FolderBase],
    ) -> None:
        self.traktor = traktor
        self.harmony = harmony
        self.deleted_playlists = deleted_playlists
        self.deleted_folders = deleted_folders
        self.links = Links()
        self._refs = 0

    def _ref(self, kind: str) -> str:
        self._refs += 1
        return f"{kind}:{self._refs}"

    def run(self) -> Links:
        for node in self.traktor.nodes:
            if node.kind == "f":
                self._folder(node)
        by_identity: dict[str, SyncPlaylist] = {}
        for playlist in self.harmony.playlists.values():
            for identity in (playlist.base.uuid if playlist.base else None, playlist.uuid):
                if identity:
                    by_identity.setdefault(identity, playlist)
        for node in self.traktor.nodes:
            if node.kind == "p":
                self._playlist(node, by_identity)
        return self.links

    def _take_folder(self, node: PlannedNode, folder: SyncFolder) -> None:
        node.harmony_folder = folder
        node.node = ("f", folder.id)
        self.links.folders[folder.id] = node

    def _folder(self, node: PlannedNode) -> None:
        linked = self.links.folders
        folder = self.harmony.folder_by_base_path.get(node.path)
        if folder is not None and folder.id not in linked:
            self._take_folder(node, folder)
            return
        gone = [  # folders exchanged before whose place Traktor no longer has: renamed or moved there
            f
            for f in self.harmony.folders.values()
            if f.id not in linked and f.base is not None and f.base.path not in self.traktor.folders
        ]
        parent = self.traktor.parent_ref(node.parent_path)
        if not isinstance(parent, tuple):
            siblings = [f for f in self.harmony.folders.values() if f.parent_id == parent and f.id not in linked]
            for candidate in siblings:
                if candidate in gone and candidate.base is not None and candidate.base.path[-1] == node.name:
                    self._take_folder(node, candidate)  # its parent was renamed in Traktor
                    return
            for candidate in siblings:
                if candidate.name == node.name and (candidate.base is None or candidate in gone):
                    self._take_folder(node, candidate)
                    return
        inside = self.traktor.identities_below(node.path)
        best = max(gone, key=lambda f: len(inside & self.harmony.identities_below(f.id)), default=None)
        if best is not None and inside & self.harmony.identities_below(best.id):
            self._take_folder(node, best)
            return
        node.deleted_in_harmony = self.deleted_folders.get(node.path)
        node.node = ("f", self._ref("folder"))

    def _playlist(self, node: PlannedNode, by_identity: dict[str, SyncPlaylist]) -> None:
        assert node.playlist is not None
        linked = self.links.playlists
        found = by_identity.get(node.identity)
        if found is not None and found.id not in linked:
            self._take_playlist(node, found)
            return
        if node.identity in self.deleted_playlists:
            node.deleted_in_harmony = self.deleted_playlists[node.identity]
        else:
            parent = self.traktor.parent_ref(node.parent_path)
            for candidate in self.harmony.playlists.values():
                if (
                    candidate.id not in linked
                    and candidate.base is None
                    and candidate.folder_id == parent
                    and candidate.name == node.name
                    and (candidate.smart_query is not None) == node.playlist.is_smart
                    and (candidate.uuid is None or candidate.uuid not in self.traktor.uuids)
                ):
                    self._take_playlist(node, candidate)
                    node.linked_by_name = True
                    return
        node.node = ("p", self._ref("playlist"))

    def _take_playlist(self, node: PlannedNode, playlist: SyncPlaylist) -> None:
        node.harmony_playlist = playlist
        node.node = ("p", playlist.id)
        self.links.playlists[playlist.id] = node


def link(
    traktor: TraktorTree,
    harmony: HarmonyTree,
    unlinked_playlist_bases: Sequence[PlaylistBase],
    unlinked_folder_bases: Sequence[FolderBase],
) -> Links:
    """Link every node of ``traktor`` to a Harmony node, mark it deleted in Harmony, or give it a new ref."""
    deleted_playlists = {b.uuid: b for b in unlinked_playlist_bases}
    deleted_folders = {b.path: b for b in unlinked_folder_bases}
    return _Linker(traktor, harmony, deleted_playlists, deleted_folders).run()
