"""The position planner on its own: simulated creates and moves end in the desired order."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from harmony.sync.order import NodeId, Parent, place, weave


def _apply(children: dict[Parent, list[NodeId]], desired: dict[Parent, list[NodeId]], new: list[tuple[NodeId, Parent]]):  # type: ignore[no-untyped-def]
    """Apply the placement the way the library does (folder creates, folder moves, playlist creates and moves)
    and return each parent's children without the nodes left out of ``desired`` (deleted afterwards)."""
    placement = place(children, desired, new)
    live = {parent: list(nodes) for parent, nodes in children.items()}
    where = {node: parent for parent, nodes in children.items() for node in nodes}
    creates = {node: (parent, position) for node, parent, position in placement.creates}
    moves = [(node, parent, position) for node, parent, position, _ in placement.moves]
    for kind in ("f", "p"):
        for node, _ in new:
            if node[0] == kind:
                parent, position = creates[node]
                siblings = live.setdefault(parent, [])
                siblings.insert(min(position, len(siblings)), node)
                live.setdefault(node[1], [])
        for node, parent, position in moves:
            if node[0] == kind:
                live[where[node]].remove(node)
                siblings = live.setdefault(parent, [])
                siblings.insert(min(position, len(siblings)), node)
                where[node] = parent
    kept = {node for order in desired.values() for node in order}
    return {parent: [n for n in nodes if n in kept] for parent, nodes in live.items() if parent in desired}, placement


def test_an_ordered_tree_needs_no_move() -> None:
    children: dict[Parent, list[NodeId]] = {None: [("p", 1), ("f", 2), ("p", 3)], 2: []}
    _, placement = _apply(children, {None: [("p", 1), ("f", 2), ("p", 3)]}, [])
    assert not placement.moves and not placement.creates


def test_new_playlist_before_a_new_folder_lands_before_it() -> None:
    desired: dict[Parent, list[NodeId]] = {None: [("p", "p1"), ("f", "f1"), ("p", "p2")]}
    result, _ = _apply({None: []}, desired, [(("p", "p1"), None), (("f", "f1"), None), (("p", "p2"), None)])
    assert result[None] == desired[None]


@given(st.permutations(list(range(6))), st.sets(st.integers(0, 5)), st.sets(st.integers(0, 5)))
def test_any_reorder_with_creates_and_deletes_ends_in_order(
    order: list[int], new_ids: set[int], deleted: set[int]
) -> None:
    kinds = {n: "f" if n % 2 else "p" for n in range(6)}
    existing = [(kinds[n], n) for n in range(6) if n not in new_ids]
    desired_nodes = [
        (kinds[n], n if n not in new_ids else f"new{n}") for n in order if n not in deleted or n in new_ids
    ]
    new = [((kinds[n], f"new{n}"), None) for n in order if n in new_ids]
    children: dict[Parent, list[NodeId]] = {None: existing}  # type: ignore[dict-item]
    desired: dict[Parent, list[NodeId]] = {None: desired_nodes}  # type: ignore[dict-item]
    result, _ = _apply(children, desired, new)  # type: ignore[arg-type]
    assert result[None] == desired_nodes


def test_weave_keeps_each_node_after_its_predecessor() -> None:
    a, b, c, d = ("p", 1), ("p", 2), ("p", 3), ("p", 4)
    assert weave([a, c], [b, d], [a, b, c, d]) == [a, b, c, d]
    assert weave([c], [a], [a, b, c]) == [a, c]


@pytest.mark.timeout(30)
def test_many_playlists_in_one_folder_are_placed_in_linear_time() -> None:
    # 60,000 new playlists in one folder: a scan of the order per node would take minutes here.
    nodes: list[NodeId] = [("p", f"new{i}") for i in range(60_000)]
    placement = place({None: []}, {None: nodes}, [(node, None) for node in nodes])
    assert [node for node, _, _ in placement.creates] == nodes
    assert [position for _, _, position in placement.creates] == list(range(len(nodes)))
    existing: list[NodeId] = [("p", i) for i in range(30_000)]
    assert weave(existing, nodes, nodes) == nodes + existing  # no predecessor placed: the first goes first
    assert weave([], nodes, nodes) == nodes
