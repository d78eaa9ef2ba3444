"""Three-way merge of the playlist tree: folders, playlists and smart lists, their names, places, order and
entries, against the bases of the last sync.

Which Traktor node is which Harmony node is decided first (:mod:`harmony.sync.links`: playlists by UUID,
folders by path or by the playlists they hold).

For each part of a node (name, parent folder, entries, smart query, order among its siblings): changed only in
Traktor → Traktor's; changed only in Harmony → Harmony's; changed on both sides → a conflict settled by the
strategy and reported. Entries are compared by the track they name, duplicates and order included; an entry
whose track is unknown stays as a dangling reference to its NML key. A playlist deleted in Traktor is deleted in
Harmony unless Harmony changed it since; one deleted in Harmony is not brought back unless Traktor changed it and
the strategy is ``traktor_wins``. A folder deleted in Traktor goes only if nothing Harmony keeps is left in it.

Order: folders and playlists share one order among the children of a folder. Traktor's order is followed when
Traktor reordered and Harmony did not; nodes only one side placed go right after their predecessor on that side.
:mod:`harmony.sync.order` then gives each create and move the position that leaves every folder in that order.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal, Protocol

from harmony.library import (
    EntryRef,
    FolderBase,
    FolderBaseSet,
    FolderCreate,
    FolderMove,
    FolderUpdate,
    PlaylistBase,
    PlaylistBaseSet,
    PlaylistCreate,
    PlaylistMove,
    PlaylistUpdate,
    Ref,
    StoredEntry,
    SyncFolder,
    SyncPlaylist,
)
from harmony.sync.links import HarmonyTree, PlannedNode, TraktorTree, link
from harmony.sync.options import Strategy
from harmony.sync.order import NodeId, place, weave
from harmony.sync.report import Conflict, PlaylistChange, entries_said
from harmony.sync.three_way import Side, decide, decide_changes, decide_deletion, first_sync
from harmony.sync.tree import TraktorFolder, TraktorPlaylist

log = logging.getLogger(__name__)

__all__ = ["EntryResolver", "Ident", "PlaylistPlan", "merge_lists", "plan_playlists"]

#: What an entry points at, for comparing lists: ("t", track id), ("n", new-track ref) or ("k", file key).
Ident = tuple[str, object]
Path = tuple[str, ...]


class EntryResolver(Protocol):
    """Turns playlist entries into plan entries and comparable identities (given by the planner, which knows
    the tracks)."""

    def for_key(self, nml_key: str) -> tuple[EntryRef, Ident]: ...

    def for_stored(self, entry: StoredEntry) -> tuple[EntryRef, Ident]: ...

    def gone(self, nml_key: str) -> bool:
        """Whether the track an entry names was deleted in Harmony since the last sync and stays deleted: the
        export takes it out of Traktor's playlists, so the import does not bring the entry in."""
        ...


@dataclass(slots=True)
class PlaylistPlan:
    """The playlist and folder part of an import plan, with its report lines."""

    folder_creates: list[FolderCreate] = field(default_factory=list)
    folder_updates: list[FolderUpdate] = field(default_factory=list)
    folder_moves: list[FolderMove] = field(default_factory=list)
    folder_deletes: list[int] = field(default_factory=list)
    playlist_creates: list[PlaylistCreate] = field(default_factory=list)
    playlist_updates: list[PlaylistUpdate] = field(default_factory=list)
    playlist_moves: list[PlaylistMove] = field(default_factory=list)
    playlist_deletes: list[int] = field(default_factory=list)
    playlist_bases: list[PlaylistBaseSet] = field(default_factory=list)
    playlist_base_deletes: list[str] = field(default_factory=list)
    folder_bases: list[FolderBaseSet] = field(default_factory=list)
    folder_base_deletes: list[Path] = field(default_factory=list)
    changes: list[PlaylistChange] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    updated_playlists: set[int] = field(default_factory=set)
    harmony_ahead: bool = False

    @property
    def imported(self) -> int:
        """Playlists and smart lists created."""
        return len(self.playlist_creates)

    @property
    def updated(self) -> int:
        """Existing playlists and smart lists renamed, moved, refilled or deleted."""
        return len(self.updated_playlists)


def merge_lists(ours: Sequence[Ident], theirs: Sequence[Ident], was: Sequence[Ident]) -> list[Ident]:
    """Apply Traktor's additions and removals since ``was`` to Harmony's list, keeping Harmony's order.

    Counted per track, so duplicates merge too: each track ends up ``ours + theirs - was`` times (at least 0);
    surplus copies go from the end, missing ones are appended in Traktor's order."""
    target = Counter(ours)
    target.update(theirs)
    target.subtract(was)
    kept: Counter[Ident] = Counter()
    result: list[Ident] = []
    for item in (*ours, *theirs):
        if kept[item] < target[item]:
            result.append(item)
            kept[item] += 1
    return result


def _three_way(
    ours: object,
    theirs: object,
    was: object,
    has_base: bool,
    strategy: Strategy,
    ours_empty: bool = False,
    theirs_empty: bool = False,
) -> tuple[Side | None, bool]:
    """The import's decision of one value (:func:`harmony.sync.three_way.decide`), as (winner, conflict)."""
    decision = decide(ours, theirs, was, has_base, strategy, harmony_empty=ours_empty, traktor_empty=theirs_empty)
    return decision.winner, decision.conflict


def _surviving(base: list[Ident], ours: list[Ident]) -> list[Ident]:
    """The base's entries without those whose track Harmony no longer has (an entry that names no library
    track and that Harmony does not keep as a dangling one): an entry that left a playlist with its track is
    no change of the playlist (the track's deletion travels on its own)."""
    kept = set(ours)
    return [ident for ident in base if ident[0] != "k" or ident in kept]


class _Planner:
    def __init__(
        self,
        tree: TraktorFolder,
        folders: Sequence[SyncFolder],
        playlists: Sequence[SyncPlaylist],
        unlinked_playlist_bases: Sequence[PlaylistBase],
        unlinked_folder_bases: Sequence[FolderBase],
        resolver: EntryResolver,
        strategy: Strategy,
    ) -> None:
        self.resolver = resolver
        self.strategy = strategy
        self.out = PlaylistPlan()
        self._create_index: dict[Ref, int] | None = None  # playlist ref → its index in out.playlist_creates
        self.traktor = TraktorTree(tree)
        self.harmony = HarmonyTree(folders, playlists)
        self.links = link(self.traktor, self.harmony, unlinked_playlist_bases, unlinked_folder_bases)
        for node in self.traktor.nodes:
            if node.linked_by_name and node.playlist is not None and node.playlist.uuid:
                # the Harmony playlist takes Traktor's UUID from now on
                self._change("link", _node_kind(node.playlist), node.path, "same name, first sync")

    def _change(self, kind: str, node: str, path: Path, detail: str = "") -> None:
        self.out.changes.append(PlaylistChange(kind, node, path, detail))  # type: ignore[arg-type]

    def _conflict(
        self, path: Path, item: str, harmony: str, traktor: str, base: str | None, winner: Side | Literal["both"]
    ) -> None:
        self.out.conflicts.append(Conflict("/".join(path), item, harmony, traktor, base, winner, self.strategy))

    # -- decisions --

    def decide(self) -> None:
        for node in self.traktor.nodes:
            if node.kind == "p":
                self._decide_playlist(node)
        for node in reversed([n for n in self.traktor.nodes if n.kind == "f"]):
            self._decide_folder(node)
        self._deleted_in_traktor()

    def _decide_parent(self, node: PlannedNode, ours: Ref | None, has_base: bool, base_parent_path: Path) -> None:
        """Where a node that exists on both sides ends up. Traktor moved it if its parent's path changed and
        that path now leads to another Harmony folder (a renamed parent is no move); Harmony moved it if its
        folder is no longer the one that held it at the last sync."""
        theirs = self.traktor.parent_ref(node.parent_path)
        winner: Side = "harmony"
        if ours != theirs:
            if not has_base:
                decision = first_sync(self.strategy, False, False)
            else:
                was = self.harmony.base_parent(base_parent_path)
                traktor_moved = node.parent_path != base_parent_path and theirs != was
                decision = decide_changes(ours != was, traktor_moved, self.strategy)
                if decision.conflict and decision.winner is not None:
                    self._conflict(
                        node.path, "folder", "/".join(self.harmony.path(_int(ours))) or "(top)",
                        "/".join(node.parent_path) or "(top)", "/".join(base_parent_path) or "(top)", decision.winner,
                    )  # fmt: skip
            if decision.takes_traktor:
                winner = "traktor"
        kind = "folder" if node.kind == "f" else _node_kind(node.playlist)
        if winner == "traktor":
            assert not isinstance(theirs, tuple)
            node.final_parent = theirs
            node.traktor_placed = True
            self._change("move", kind, node.path, f"into {'/'.join(node.parent_path) or 'the top level'}")
            if node.harmony_playlist is not None:
                self.out.updated_playlists.add(node.harmony_playlist.id)
        else:
            node.final_parent = ours
            node.traktor_placed = ours == theirs
            if ours != theirs:
                self.out.harmony_ahead = True

    def _decide_name(self, node: PlannedNode, ours: str, base_name: str | None, kind: str) -> str | None:
        winner, conflict = _three_way(ours, node.name, base_name, base_name is not None, self.strategy)
        if conflict and winner is not None:
            was = None if base_name is None else repr(base_name)
            self._conflict(node.path, "name", repr(ours), repr(node.name), was, winner)
        if winner == "traktor":
            self._change("rename", kind, node.path, f"from {ours!r}")
            return node.name
        if ours != node.name:
            self.out.harmony_ahead = True
        return None

    def _decide_playlist(self, node: PlannedNode) -> None:
        t = node.playlist
        assert t is not None and node.node is not None
        kind = _node_kind(t)
        h = node.harmony_playlist
        traktor_entries = [self.resolver.for_key(key) for key in t.entries if not self.resolver.gone(key)]
        if h is None:
            deleted = node.deleted_in_harmony
            if isinstance(deleted, PlaylistBase):
                unchanged = (
                    deleted.name == node.name
                    and deleted.smart_query == t.smart_query
                    and deleted.folder_path == node.parent_path
                    and [i for _, i in traktor_entries] == [self.resolver.for_key(k)[1] for k in deleted.entries]
                )
                self.out.harmony_ahead = True
                decision = decide_deletion("harmony", not unchanged, self.strategy)
                if decision.conflict:
                    assert decision.winner is not None
                    self._conflict(node.path, "playlist", "deleted", "changed", "as last synced", decision.winner)
                if not decision.takes_traktor:
                    self._base(node, None)
                    return
            node.survives = True
            parent = self.traktor.parent_ref(node.parent_path)
            assert not isinstance(parent, tuple)
            node.final_parent = parent
            node.traktor_placed = True
            self._change("create", kind, node.path, "" if t.is_smart else f"{len(t.entries)} entries")
            self.out.playlist_creates.append(
                PlaylistCreate(
                    ref=str(node.node[1]),
                    name=node.name,
                    uuid=t.uuid if t.uuid not in self.harmony.uuid_holders else None,
                    smart_query=t.smart_query,
                    entries=tuple(ref for ref, _ in traktor_entries),
                )
            )
            self._base(node, node.node[1])
            return
        node.survives = True
        base = h.base
        changes: dict[str, str | None] = {}
        if t.uuid and h.uuid != t.uuid and self.harmony.uuid_holders.get(t.uuid, h.id) == h.id:
            changes["uuid"] = t.uuid  # unless another playlist holds it: the library keeps UUIDs unique
        name = self._decide_name(node, h.name, base.name if base else None, kind)
        if name is not None:
            changes["name"] = name
        self._decide_parent(node, h.folder_id, base is not None, base.folder_path if base else ())
        entries: tuple[EntryRef, ...] | None = None
        if t.is_smart or h.smart_query is not None:
            winner, conflict = _three_way(
                h.smart_query, t.smart_query, base.smart_query if base else None, base is not None, self.strategy,
                not h.smart_query, not t.smart_query,
            )  # fmt: skip
            if conflict and winner is not None:
                was = None if base is None else repr(base.smart_query)
                self._conflict(node.path, "query", repr(h.smart_query), repr(t.smart_query), was, winner)
            if winner == "traktor":
                changes["smart_query"] = t.smart_query
                self._change("query", kind, node.path, f"{t.smart_query!r}")
            elif h.smart_query != t.smart_query:
                self.out.harmony_ahead = True
        if not t.is_smart:
            entries = self._decide_entries(node, h, traktor_entries)
        if changes or entries is not None:
            self.out.playlist_updates.append(PlaylistUpdate(h.id, changes, entries))
            self.out.updated_playlists.add(h.id)
        self._base(node, h.id)

    def _decide_entries(
        self, node: PlannedNode, h: SyncPlaylist, traktor_entries: list[tuple[EntryRef, Ident]]
    ) -> tuple[EntryRef, ...] | None:
        ours_pairs = [self.resolver.for_stored(entry) for entry in h.entries]
        ours = [i for _, i in ours_pairs]
        theirs = [i for _, i in traktor_entries]
        base = h.base
        was = None if base is None else [self.resolver.for_key(key)[1] for key in base.entries]
        refs: dict[Ident, EntryRef] = {}
        for ref, ident in (*traktor_entries, *ours_pairs):
            refs.setdefault(ident, ref)
        decision = decide(
            ours, theirs, was, base is not None, self.strategy,
            harmony_empty=not ours, traktor_empty=not theirs, lists=True,
        )  # fmt: skip
        winner, both = decision.winner, decision.both
        result: list[Ident] = ours
        if winner == "traktor":
            result = theirs
        if decision.conflict and winner is not None:
            if both:
                assert was is not None
                result = merge_lists(ours, theirs, was)  # Traktor's additions and removals, Harmony's order
            was_text = None if was is None else f"{len(was)} entries"
            ours_text, theirs_text = f"{len(ours)} entries", f"{len(theirs)} entries"
            self._conflict(node.path, "entries", ours_text, theirs_text, was_text, "both" if both else winner)
        if result != theirs:
            self.out.harmony_ahead = True
        relinked = [ref for ref, _ in ours_pairs] != [entry_ref(e) for e in h.entries]
        if result == ours and not relinked:
            return None
        # Nothing added, removed or moved: the same entries now name other tracks (their links).
        self._change("entries", "playlist", node.path, entries_said(ours, result) or "links of entries")
        ours_refs = {ident: ref for ref, ident in ours_pairs}
        return tuple(ours_refs.get(ident) or refs[ident] for ident in result)

    def _decide_folder(self, node: PlannedNode) -> None:
        assert node.node is not None
        h = node.harmony_folder
        if h is None:
            needed = any(n.survives and n.final_parent == node.node[1] for n in self.traktor.nodes)
            if node.deleted_in_harmony is not None and not needed:
                self.out.harmony_ahead = True
                return
            node.survives = True
            parent = self.traktor.parent_ref(node.parent_path)
            assert not isinstance(parent, tuple)
            node.final_parent = parent
            node.traktor_placed = True
            self._change("create", "folder", node.path)
            self._folder_base(node, node.node[1])
            return
        node.survives = True
        base = h.base
        name = self._decide_name(node, h.name, base.path[-1] if base else None, "folder")
        if name is not None:
            self.out.folder_updates.append(FolderUpdate(h.id, name))
        self._decide_parent(node, h.parent_id, base is not None, base.path[:-1] if base else ())
        self._folder_base(node, h.id)

    def _deleted_in_traktor(self) -> None:
        """Harmony nodes exchanged before that Traktor no longer has. Those never exchanged (made in Harmony
        since the last sync) wait for the export, which creates them: Harmony is ahead."""
        for playlist in self.harmony.playlists.values():
            if playlist.id in self.links.playlists:
                continue
            if playlist.base is None:
                self.out.harmony_ahead = True
                continue
            base = playlist.base
            ours = [self.resolver.for_stored(e)[1] for e in playlist.entries]
            unchanged = (
                playlist.name == base.name
                and playlist.smart_query == base.smart_query
                and ours == _surviving([self.resolver.for_key(k)[1] for k in base.entries], ours)
            )
            path = (*self.harmony.path(playlist.folder_id), playlist.name)
            kind: str = "smart list" if playlist.smart_query is not None else "playlist"
            decision = decide_deletion("traktor", not unchanged, self.strategy)
            if decision.conflict:
                assert decision.winner is not None
                self._conflict(path, kind, "changed", "deleted", "as last synced", decision.winner)
            if decision.takes_traktor:
                self.out.playlist_deletes.append(playlist.id)
                self.out.updated_playlists.add(playlist.id)
                self._change("delete", kind, path)
            else:
                self.out.harmony_ahead = True
            self.out.playlist_base_deletes.append(base.uuid)
        deleted_playlists = set(self.out.playlist_deletes)
        # Deepest first, so a folder emptied by the deletion of its sub-folders can go too.
        unlinked = [f for f in self.harmony.folders.values() if f.id not in self.links.folders]
        if any(f.base is None for f in unlinked):
            self.out.harmony_ahead = True
        gone = [f for f in unlinked if f.base is not None]
        gone.sort(key=lambda f: len(self.harmony.path(f.id)), reverse=True)
        deleted_folders: set[int] = set()
        for folder in gone:
            assert folder.base is not None
            keeps = self._keeps_something(folder.id, deleted_playlists, deleted_folders)
            path = self.harmony.path(folder.id)
            if keeps:
                self._conflict(path, "folder", "holds playlists", "deleted", "as last synced", "harmony")
                self.out.harmony_ahead = True
            else:
                self.out.folder_deletes.append(folder.id)
                deleted_folders.add(folder.id)
                self._change("delete", "folder", path)
            self.out.folder_base_deletes.append(folder.base.path)

    def _keeps_something(self, folder_id: int, deleted_playlists: set[int], deleted_folders: set[int]) -> bool:
        """Whether anything that stays ends up in ``folder_id`` after the plan."""
        for n in self.traktor.nodes:
            if n.survives and n.final_parent == folder_id:
                return True
        for kind, ident in self.harmony.children.get(folder_id, []):
            linked = self.links.folders.get(int(ident)) if kind == "f" else self.links.playlists.get(int(ident))
            if linked is not None:
                continue  # placed by the decisions above
            if kind == "p" and int(ident) not in deleted_playlists:
                return True
            if kind == "f" and int(ident) not in deleted_folders:
                return True
        return False

    # -- bases --

    def _base(self, node: PlannedNode, target: Ref | None) -> None:
        t = node.playlist
        assert t is not None
        base = PlaylistBase(
            uuid=node.identity,
            name=node.name,
            folder_path=node.parent_path,
            position=node.index,
            entries=t.entries,
            smart_query=t.smart_query,
        )
        old = node.harmony_playlist.base if node.harmony_playlist is not None else node.deleted_in_harmony
        if base != old:
            self.out.playlist_bases.append(PlaylistBaseSet(base, target))

    def _folder_base(self, node: PlannedNode, target: Ref) -> None:
        base = FolderBase(node.path, node.index)
        old = node.harmony_folder.base if node.harmony_folder is not None else None
        if base != old:
            self.out.folder_bases.append(FolderBaseSet(base, target))

    # -- order and positions --

    def place(self) -> None:
        """Give every create and move its position (see the module doc)."""
        final: set[Ref | None] = set()
        t_placed: dict[Ref | None, list[PlannedNode]] = {}
        for n in self.traktor.nodes:
            if n.survives:
                final.add(n.final_parent)
                if n.traktor_placed:
                    t_placed.setdefault(n.final_parent, []).append(n)
        deleted = {("p", i) for i in self.out.playlist_deletes} | {("f", i) for i in self.out.folder_deletes}
        current_of: dict[Ref | None, list[NodeId]] = {}  # what stays where it is, in Harmony's order
        for parent, nodes in self.harmony.children.items():
            for node in nodes:
                linked = self.links.of(node)
                if node in deleted or (linked is not None and linked.final_parent != parent):
                    continue
                current_of.setdefault(parent, []).append(node)
                final.add(parent)
        desired = {
            parent: self._desired(parent, current_of.get(parent, []), t_placed.get(parent, [])) for parent in final
        }
        creates = [
            (n.node, n.final_parent)
            for n in self.traktor.nodes
            if n.survives and n.node is not None and not (n.harmony_folder or n.harmony_playlist)
        ]
        by_node = {n.node: n for n in self.traktor.nodes if n.node is not None}
        placement = place(self.harmony.children, desired, creates)
        for node, parent, position in placement.creates:
            self._emit_create(by_node[node], parent, position)
        for node, parent, position, moved in placement.moves:
            self._emit_move(node, parent, position, moved=moved)

    def _desired(self, parent: Ref | None, current: list[NodeId], t_placed: list[PlannedNode]) -> list[NodeId]:
        """The merged order of ``parent``'s children after the plan."""
        in_traktor = sorted(t_placed, key=lambda n: n.index)
        traktor_order = [n.node for n in in_traktor if n.node is not None]
        # Nodes in their place on both sides, with a base there: their order tells who reordered them.
        common = [
            n
            for n in in_traktor
            if n.node in current and self._base_parent_matches(n, parent) and self._base_position(n) is not None
        ]
        if common:
            was = [n.node for n in sorted(common, key=lambda n: self._base_position(n) or 0)]
            theirs = [n.node for n in common]
            ours = [node for node in current if node in set(theirs)]
            decision = decide(ours, theirs, was, True, self.strategy)
        else:  # no node of this folder has a base here: the first sync of its order
            shared = set(traktor_order) & set(current)
            ours = [node for node in current if node in shared]
            theirs = [node for node in traktor_order if node in shared]
            decision = decide(ours, theirs, None, False, self.strategy)
        if decision.conflict and decision.winner is not None and common:
            path = self.harmony.path(parent) if isinstance(parent, int) else ()
            self._conflict(path, "order", "reordered", "reordered", "as last synced", decision.winner)
        if decision.takes_traktor:
            primary = traktor_order
            rest = [node for node in current if node not in set(primary)]
            return weave(primary, rest, current)
        in_both = set(traktor_order) & set(current)
        if [n for n in traktor_order if n in in_both] != [n for n in current if n in in_both]:
            self.out.harmony_ahead = True  # Harmony's order differs from Traktor's: an export will carry it
        rest = [node for node in traktor_order if node not in set(current)]
        return weave(list(current), rest, traktor_order)

    def _base_parent_matches(self, n: PlannedNode, parent: Ref | None) -> bool:
        """Whether ``n`` was in ``parent`` at the last sync (compared by folder, so a renamed folder is the
        same folder)."""
        if n.harmony_playlist is not None and n.harmony_playlist.base is not None:
            return self.harmony.base_parent(n.harmony_playlist.base.folder_path) == parent
        if n.harmony_folder is not None and n.harmony_folder.base is not None:
            return self.harmony.base_parent(n.harmony_folder.base.path[:-1]) == parent
        return False

    def _base_position(self, n: PlannedNode) -> int | None:
        if n.harmony_playlist is not None and n.harmony_playlist.base is not None:
            return n.harmony_playlist.base.position
        if n.harmony_folder is not None and n.harmony_folder.base is not None:
            return n.harmony_folder.base.position
        return None

    def _emit_create(self, t: PlannedNode, parent: Ref | None, position: int) -> None:
        assert t.node is not None
        if t.kind == "f":
            self.out.folder_creates.append(FolderCreate(str(t.node[1]), t.name, parent, position))
            return
        creates = self.out.playlist_creates
        if self._create_index is None or len(self._create_index) != len(creates):
            # Built once per plan: a scan per create would make many playlists cost quadratic time.
            self._create_index = {create.ref: index for index, create in enumerate(creates)}
        index = self._create_index.get(t.node[1])
        if index is not None:
            create = creates[index]
            creates[index] = PlaylistCreate(
                create.ref, create.name, parent, position, create.uuid, create.smart_query, create.entries
            )

    def _emit_move(self, node: NodeId, parent: Ref | None, position: int, *, moved: bool) -> None:
        kind, ident = node
        assert isinstance(ident, int)
        if kind == "f":
            self.out.folder_moves.append(FolderMove(ident, parent, position))
        else:
            self.out.playlist_moves.append(PlaylistMove(ident, parent, position))
            self.out.updated_playlists.add(ident)
        if not moved:
            name = self.harmony.folders[ident].name if kind == "f" else self.harmony.playlists[ident].name
            self._change("move", "folder" if kind == "f" else "playlist", (name,), f"to position {position + 1}")


def _int(ref: Ref | None) -> int | None:
    return ref if isinstance(ref, int) else None


def _node_kind(playlist: TraktorPlaylist | None) -> str:
    return "smart list" if playlist is not None and playlist.is_smart else "playlist"


def entry_ref(entry: StoredEntry) -> EntryRef:
    """A stored entry as a plan entry, unchanged."""
    return EntryRef(track=entry.track_id, nml_key=entry.nml_key)


def plan_playlists(
    tree: TraktorFolder,
    folders: Sequence[SyncFolder],
    playlists: Sequence[SyncPlaylist],
    unlinked_playlist_bases: Sequence[PlaylistBase],
    unlinked_folder_bases: Sequence[FolderBase],
    resolver: EntryResolver,
    strategy: Strategy,
) -> PlaylistPlan:
    """Plan the folder and playlist part of an import (see the module doc)."""
    planner = _Planner(tree, folders, playlists, unlinked_playlist_bases, unlinked_folder_bases, resolver, strategy)
    planner.decide()
    planner.place()
    return planner.out
