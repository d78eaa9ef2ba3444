"""The PLAYLISTS tree of a synthetic collection, and the INDEXING block that refers to it.

The tree has the shape a working DJ's has: a ``$ROOT`` folder with nested folders (up to three levels),
about one playlist per 200 tracks, a few smart lists, and Traktor's own ``Preparation``, ``_LOOPS`` and
``_RECORDINGS`` lists. Playlists hold track indices until they are written, so the tree costs little memory
even at 500 lists.
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from harmony.devtools import word_lists
from harmony.devtools.traktor_style import element, start_tag


@dataclass(slots=True)
class PlaylistNode:
    name: str
    uuid: str
    track_indices: list[int]


@dataclass(slots=True)
class SmartListNode:
    name: str
    uuid: str
    query: str


@dataclass(slots=True)
class FolderNode:
    name: str
    children: list[FolderNode | PlaylistNode | SmartListNode] = field(default_factory=list)

    def child_names(self) -> set[str]:
        return {child.name.casefold() for child in self.children}


@dataclass(frozen=True, slots=True)
class PlaylistTree:
    root: FolderNode
    sorted_paths: tuple[tuple[str, ...], ...]
    """Playlist paths (folder names then the playlist's name) that get a SORTING_INFO in INDEXING."""

    def walk(self) -> Iterator[FolderNode | PlaylistNode | SmartListNode]:
        """Every node below ``$ROOT``, depth first."""
        stack: list[FolderNode | PlaylistNode | SmartListNode] = list(reversed(self.root.children))
        while stack:
            node = stack.pop()
            yield node
            if isinstance(node, FolderNode):
                stack.extend(reversed(node.children))


def build_tree(
    rng: random.Random,
    *,
    tracks: int,
    genres: Sequence[str | None],
    loop_indices: Sequence[int],
    recording_indices: Sequence[int],
) -> PlaylistTree:
    """Draw the folder/playlist tree for a collection of ``tracks`` entries.

    ``genres`` (one per track) lets a few playlists be genre crates, as DJs' are; ``loop_indices`` and
    ``recording_indices`` fill ``_LOOPS`` and ``_RECORDINGS``.
    """
    root = FolderNode("$ROOT")
    folders = [root]
    for number in range(max(2, tracks // 1600) if tracks else 0):
        # The second folder always goes inside the first, so even a small collection has nested folders.
        if number < 2:
            parent = folders[number]
        else:
            parent = rng.choice([folder for folder in folders if _depth(folder, root) < 3])
        folder = FolderNode(_unique_name(parent, _folder_name(rng)))
        parent.children.append(folder)
        folders.append(folder)

    sorted_paths: list[tuple[str, ...]] = []
    for _ in range(max(2, tracks // 200) if tracks else 0):
        parent = root if rng.random() < 0.2 else rng.choice(folders)
        playlist = PlaylistNode(
            _unique_name(parent, _playlist_name(rng)), _uuid(rng), _pick_tracks(rng, tracks, genres)
        )
        parent.children.append(playlist)
        if rng.random() < 0.1:
            sorted_paths.append((*_path_to(parent, root), playlist.name))

    for _ in range(min(6, 2 + tracks // 20000)):
        parent = root if rng.random() < 0.6 else rng.choice(folders)
        name, query = _smart_list(rng)
        parent.children.append(SmartListNode(_unique_name(parent, name), _uuid(rng), query))

    preparation = rng.sample(range(tracks), min(tracks, rng.randint(5, 40)))
    if len(preparation) > 1:
        preparation.append(preparation[0])  # a track added twice while preparing a set: Traktor allows it
    root.children.append(PlaylistNode(_unique_name(root, "Preparation"), _uuid(rng), preparation))
    root.children.append(PlaylistNode(_unique_name(root, "_LOOPS"), _uuid(rng), list(loop_indices)))
    root.children.append(PlaylistNode(_unique_name(root, "_RECORDINGS"), _uuid(rng), list(recording_indices)))
    return PlaylistTree(root, tuple(sorted_paths))


def render_node(node: FolderNode | PlaylistNode | SmartListNode, keys: Sequence[str]) -> Iterator[str]:
    """The XML of ``node`` and everything under it, in pieces (a large playlist is one piece)."""
    if isinstance(node, FolderNode):
        yield start_tag("NODE", {"TYPE": "FOLDER", "NAME": node.name})
        yield start_tag("SUBNODES", {"COUNT": str(len(node.children))})
        for child in node.children:
            yield from render_node(child, keys)
        yield "</SUBNODES>\n</NODE>\n"
    elif isinstance(node, PlaylistNode):
        entries = [
            element("ENTRY", None, [element("PRIMARYKEY", {"TYPE": "TRACK", "KEY": keys[index]})])
            for index in node.track_indices
        ]
        playlist = element("PLAYLIST", {"ENTRIES": str(len(entries)), "TYPE": "LIST", "UUID": node.uuid}, entries)
        yield element("NODE", {"TYPE": "PLAYLIST", "NAME": node.name}, [playlist])
    else:
        expression = element("SEARCH_EXPRESSION", {"VERSION": "1", "QUERY": node.query})
        smart_list = element("SMARTLIST", {"UUID": node.uuid}, [expression])
        yield element("NODE", {"TYPE": "SMARTLIST", "NAME": node.name}, [smart_list])


def render_indexing(tree: PlaylistTree, rng: random.Random) -> str:
    """INDEXING as Traktor 3.4+ writes it: the collection's sort, ``$HASH``, then per-playlist sorts."""
    infos = [
        element(
            "SORTING_INFO",
            {"PATH": "$COLLECTION"},
            [element("CRITERIA", {"ATTRIBUTE": "33", "DIRECTION": "0"})],
        ),
        element("SORTING_INFO", {"PATH": "$HASH"}),
    ]
    for path in tree.sorted_paths:
        criteria = (
            [
                element(
                    "CRITERIA",
                    {"ATTRIBUTE": str(rng.choice((2, 5, 12, 33))), "DIRECTION": str(rng.randint(0, 1))},
                )
            ]
            if rng.random() < 0.5
            else []
        )
        infos.append(element("SORTING_INFO", {"PATH": "\\".join(path)}, criteria))
    return element("INDEXING", None, infos)


# -- drawing names and contents ------------------------------------------------------------------


def _pick_tracks(rng: random.Random, tracks: int, genres: Sequence[str | None]) -> list[int]:
    """A playlist's entries: usually 5–120 tracks, now and then a long one; a few hold a track twice."""
    size = rng.randint(200, 600) if rng.random() < 0.05 else rng.randint(5, 120)
    size = min(size, tracks)
    if rng.random() < 0.3:
        # A genre crate: tracks of one genre, in collection order.
        genre = genres[rng.randrange(tracks)]
        start = rng.randrange(tracks)
        picked = [i for i in range(start, min(tracks, start + size * 40)) if genres[i] == genre][:size]
    else:
        picked = rng.sample(range(tracks), size)
    if picked and rng.random() < 0.05:
        picked.insert(rng.randrange(len(picked) + 1), rng.choice(picked))  # Traktor allows duplicates
    return picked


def _smart_list(rng: random.Random) -> tuple[str, str]:
    genre = rng.choice(word_lists.GENRES)
    label = rng.choice(word_lists.LABELS)
    word = rng.choice(word_lists.TITLE_WORDS)  # one word, named and searched (two draws named one, searched another)
    choices = (
        (f"{genre} Finder", f'$GENRE % "{genre}"'),
        (f"{genre} or {label}", f'$GENRE % "{genre}" | $LABEL % "{label}"'),
        ("Played", "$PLAYED == TRUE"),
        ("New This Month", "$IMPORTDATE >= MONTHS_AGO(1)"),
        ("Five Stars", "$RATING == 5"),
        (f"Title has {word}", f'$TITLE % "{word}"'),
    )
    return rng.choice(choices)


def _folder_name(rng: random.Random) -> str:
    name = rng.choice(word_lists.FOLDER_NAMES)
    return f"{name} {rng.randint(2015, 2026)}" if rng.random() < 0.3 else name


def _playlist_name(rng: random.Random) -> str:
    first, second = rng.choice(word_lists.PLAYLIST_WORDS), rng.choice(word_lists.PLAYLIST_WORDS)
    pattern = rng.random()
    if pattern < 0.4:
        return f"{first} {second}"
    if pattern < 0.7:
        return f"{first} {rng.randint(2015, 2026)}-{rng.randint(1, 12):02d}"
    if pattern < 0.85:
        return f"{first} & {second}"
    return first


def _unique_name(parent: FolderNode, name: str) -> str:
    """Sibling names are unique (INDEXING addresses playlists by their path of names)."""
    taken = parent.child_names()
    candidate, number = name, 1
    while candidate.casefold() in taken:
        number += 1
        candidate = f"{name} ({number})"
    return candidate


def _uuid(rng: random.Random) -> str:
    return f"{rng.getrandbits(128):032x}"


def _depth(folder: FolderNode, root: FolderNode) -> int:
    return len(_path_to(folder, root))


def _path_to(target: FolderNode, root: FolderNode) -> tuple[str, ...]:
    """Folder names from below ``$ROOT`` down to ``target`` (empty for the root itself)."""

    def search(node: FolderNode, trail: tuple[str, ...]) -> tuple[str, ...] | None:
        if node is target:
            return trail
        for child in node.children:
            if isinstance(child, FolderNode) and (found := search(child, (*trail, child.name))) is not None:
                return found
        return None

    found = search(root, ())
    if found is None:
        raise ValueError("folder is not in the tree")
    return found
