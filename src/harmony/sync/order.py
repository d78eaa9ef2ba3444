"""Positions for the creates and moves of an import, so that every folder's children end in the merged order.

Folders and playlists share one order among the children of a folder, positions are gapless, and the library
applies a plan in a fixed sequence: folder creates, folder moves, playlist creates, playlist moves, deletes
(:mod:`harmony.library.apply`). Each insert at position *p* shifts the later siblings. Rather than reason about
those shifts, :func:`place` simulates them: it walks the four phases in the library's order, and in each phase
puts every node right after its nearest predecessor (in the desired order) among the nodes already in their final
relative order. A node already there is left alone, so a tree that is in order plans no move at all.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from harmony.library import Ref

__all__ = ["NodeId", "Parent", "Placement", "place", "weave"]

#: A node of Harmony's tree: ("f", folder id or ref) or ("p", playlist id or ref).
NodeId = tuple[str, Ref]
#: A folder id or ref, or None for the top level.
Parent = Ref | None


def weave(primary: Sequence[NodeId], rest: Sequence[NodeId], rest_order: Sequence[NodeId]) -> list[NodeId]:
    """``primary`` with each node of ``rest`` (taken in order) inserted right after its nearest predecessor in
    ``rest_order`` that is already placed, or first when none is."""
    result = list(primary)
    placed = set(result)
    for node in rest:
        index = list(rest_order).index(node)
        anchor = next((m for m in reversed(rest_order[:index]) if m in placed), None)
        result.insert(0 if anchor is None else result.index(anchor) + 1, node)
        placed.add(node)
    return result


@dataclass(slots=True)
class Placement:
    """Where each new node is created, and the moves of existing nodes, in the order to apply them."""

    creates: list[tuple[NodeId, Parent, int]] = field(default_factory=list)
    moves: list[tuple[NodeId, Parent, int, bool]] = field(default_factory=list)  # node, parent, position, new parent


class _Simulation:
    def __init__(self, children: Mapping[Parent, Sequence[NodeId]], desired: Mapping[Parent, Sequence[NodeId]]):
        self.live: dict[Parent, list[NodeId]] = {parent: list(nodes) for parent, nodes in children.items()}
        self.where: dict[NodeId, Parent] = {node: parent for parent, nodes in children.items() for node in nodes}
        self.desired = desired
        self.result = Placement()

    def _predecessor(self, parent: Parent, node: NodeId, placed: set[NodeId]) -> NodeId | None:
        order = self.desired[parent]
        index = order.index(node)
        return next((m for m in reversed(order[:index]) if m in placed), None)

    def _position_after(self, parent: Parent, node: NodeId, placed: set[NodeId]) -> int:
        pred = self._predecessor(parent, node, placed)
        return 0 if pred is None else self.live.setdefault(parent, []).index(pred) + 1

    def _in_place(self, parent: Parent, node: NodeId, placed: set[NodeId]) -> bool:
        if node not in self.where or self.where[node] != parent:
            return False
        siblings = self.live[parent]
        before = [m for m in siblings[: siblings.index(node)] if m in placed]
        return (before[-1] if before else None) == self._predecessor(parent, node, placed)

    def create(self, node: NodeId, parent: Parent, placed: set[NodeId]) -> None:
        position = self._position_after(parent, node, placed)
        self.live.setdefault(parent, []).insert(position, node)
        self.live.setdefault(node[1], [])
        self.where[node] = parent
        placed.add(node)
        self.result.creates.append((node, parent, position))

    def settle(self, kind: str, new: set[NodeId], placed_of: dict[Parent, set[NodeId]]) -> None:
        """Move the existing nodes of ``kind`` that are not yet in their final relative order."""
        for parent, order in self.desired.items():
            placed = placed_of.setdefault(parent, set())
            for node in order:
                if node[0] != kind or node in new:
                    continue
                if not self._in_place(parent, node, placed):
                    old_parent = self.where[node]
                    self.live[old_parent].remove(node)
                    position = self._position_after(parent, node, placed)
                    self.live.setdefault(parent, []).insert(position, node)
                    self.where[node] = parent
                    self.result.moves.append((node, parent, position, old_parent != parent))
                placed.add(node)


def place(
    children: Mapping[Parent, Sequence[NodeId]],
    desired: Mapping[Parent, Sequence[NodeId]],
    new_nodes: Sequence[tuple[NodeId, Parent]],
) -> Placement:
    """Plan the positions that turn Harmony's tree ``children`` (each folder's children in position order) into
    ``desired`` (each final parent's children in the merged order; a node left out of every list is deleted
    after the moves). ``new_nodes`` are created, parents before their children."""
    simulation = _Simulation(children, desired)
    new = {node for node, _ in new_nodes}
    folders: dict[Parent, set[NodeId]] = {}
    for node, parent in new_nodes:
        if node[0] == "f":
            simulation.create(node, parent, folders.setdefault(parent, set()))
    simulation.settle("f", new, folders)
    # Every folder is now in its final relative order: playlists are placed among them.
    everything: dict[Parent, set[NodeId]] = {
        parent: {node for node in order if node[0] == "f"} for parent, order in desired.items()
    }
    for node, parent in new_nodes:
        if node[0] == "p":
            simulation.create(node, parent, everything.setdefault(parent, set()))
    simulation.settle("p", new, everything)
    return simulation.result
