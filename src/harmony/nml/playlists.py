"""Playlists, folders and smart lists: typed views over the ``PLAYLISTS`` tree.

The tree is ``PLAYLISTS > NODE TYPE="FOLDER" NAME="$ROOT" > SUBNODES > NODE…``. A playlist node holds
``PLAYLIST TYPE="LIST" UUID`` with one ``ENTRY > PRIMARYKEY TYPE="TRACK" KEY=VOLUME+DIR+FILE`` per entry
(duplicates allowed, order kept); a smart list holds ``SMARTLIST UUID > SEARCH_EXPRESSION QUERY``, whose query
is kept as opaque text. Entries whose key matches no track are kept: an offline drive must never cost a DJ
their playlists. Views edit the tree in place; ``ENTRIES`` and ``COUNT`` are made true when the file is written.
"""

from __future__ import annotations

import uuid as uuid_module
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import TYPE_CHECKING

from lxml import etree

from harmony.errors import NMLError
from harmony.nml.canonical import check_xml_text, set_attribute

if TYPE_CHECKING:
    from harmony.nml.collection import Collection

ROOT_NAME = "$ROOT"


def new_uuid() -> str:
    """A playlist UUID the way Traktor writes it: 32 lower-case hex digits, no dashes."""
    return uuid_module.uuid4().hex


class Node:
    """A node of the playlist tree: a :class:`Folder`, :class:`Playlist` or :class:`SmartList`."""

    __slots__ = ("_collection", "_element")

    def __init__(self, collection: Collection, element: etree._Element) -> None:
        self._collection = collection
        self._element = element

    @property
    def element(self) -> etree._Element:
        return self._element

    @property
    def name(self) -> str:
        return self._element.get("NAME", "")

    @name.setter
    def name(self, value: str) -> None:
        if self.parent is None:
            raise NMLError("the root folder cannot be renamed")
        if value == self.name:
            return
        check_name(value)
        self.parent._check_free(value)
        self._element.set("NAME", value)
        self._collection.skeleton_changed()

    @property
    def parent(self) -> Folder | None:
        """The folder this node is in; None for the root."""
        subnodes = self._element.getparent()
        if subnodes is None or subnodes.tag != "SUBNODES":
            return None
        folder = subnodes.getparent()
        return None if folder is None else Folder(self._collection, folder)

    @property
    def path(self) -> tuple[str, ...]:
        """Names from the root (excluded) down to this node."""
        names: list[str] = []
        node: Node | None = self
        while node is not None and node.parent is not None:
            names.append(node.name)
            node = node.parent
        return tuple(reversed(names))

    def delete(self) -> None:
        """Remove this node (and, for a folder, everything in it)."""
        parent = self._element.getparent()
        if self.parent is None or parent is None:
            raise NMLError("the root folder cannot be deleted")
        parent.remove(self._element)
        self._collection.skeleton_changed()

    def move_to(self, folder: Folder, index: int | None = None) -> None:
        """Move this node into ``folder`` at ``index`` (default: last)."""
        if self.parent is None:
            raise NMLError("the root folder cannot be moved")
        if folder._collection is not self._collection:
            # Its entries may still be the bytes of this collection's file: add it to the other one anew instead.
            raise NMLError("a playlist or folder can only be moved within its own collection")
        if isinstance(self, Folder) and (folder == self or self._element in folder._element.iterancestors()):
            raise NMLError(f"cannot move folder {self.name!r} into itself")
        if folder != self.parent:
            folder._check_free(self.name)
        subnodes = folder._subnodes(create=True)
        assert subnodes is not None
        position = len(subnodes) if index is None else index
        subnodes.insert(position, self._element)  # lxml moves the element out of its old parent
        self._collection.skeleton_changed()

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Node) and other._element is self._element

    def __hash__(self) -> int:
        return id(self._element)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({'/'.join(self.path) or ROOT_NAME!r})"


class Folder(Node):
    """A folder of playlists, smart lists and folders."""

    __slots__ = ()

    def _subnodes(self, create: bool = False) -> etree._Element | None:
        subnodes = self._element.find("SUBNODES")
        if subnodes is None and create:
            subnodes = etree.SubElement(self._element, "SUBNODES")
            subnodes.set("COUNT", "0")
        return subnodes

    @property
    def children(self) -> list[Node]:
        subnodes = self._subnodes()
        if subnodes is None:
            return []
        return [node_view(self._collection, element) for element in subnodes.iterfind("NODE")]

    def __iter__(self) -> Iterator[Node]:
        return iter(self.children)

    def __len__(self) -> int:
        subnodes = self._subnodes()
        return 0 if subnodes is None else len(subnodes.findall("NODE"))

    def get(self, name: str) -> Node | None:
        """The child called ``name``, or None."""
        for child in self.children:
            if child.name == name:
                return child
        return None

    def __getitem__(self, name: str) -> Node:
        child = self.get(name)
        if child is None:
            raise KeyError(name)
        return child

    def find(self, path: Sequence[str]) -> Node | None:
        """The node at ``path`` (a sequence of names) below this folder, or None."""
        node: Node | None = self
        for name in path:
            if not isinstance(node, Folder):
                return None
            node = node.get(name)
        return node

    def walk(self) -> Iterator[Node]:
        """Every node below this folder, depth first, in document order."""
        for child in self.children:
            yield child
            if isinstance(child, Folder):
                yield from child.walk()

    def _check_free(self, name: str) -> None:
        if self.get(name) is not None:
            where = "/".join(self.path) or "the root folder"
            raise NMLError(f"{where} already holds a playlist or folder named {name!r}")

    def _add(self, node_type: str, name: str, index: int | None) -> etree._Element:
        check_name(name)
        self._check_free(name)
        subnodes = self._subnodes(create=True)
        assert subnodes is not None
        element = etree.Element("NODE")
        element.set("TYPE", node_type)
        element.set("NAME", name)
        subnodes.insert(len(subnodes) if index is None else index, element)
        self._collection.skeleton_changed()
        return element

    def create_folder(self, name: str, index: int | None = None) -> Folder:
        element = self._add("FOLDER", name, index)
        etree.SubElement(element, "SUBNODES").set("COUNT", "0")
        return Folder(self._collection, element)

    def create_playlist(
        self, name: str, keys: Iterable[str] = (), index: int | None = None, uuid: str | None = None
    ) -> Playlist:
        element = self._add("PLAYLIST", name, index)
        playlist = etree.SubElement(element, "PLAYLIST")
        playlist.set("ENTRIES", "0")
        playlist.set("TYPE", "LIST")
        playlist.set("UUID", uuid or new_uuid())
        view = Playlist(self._collection, element)
        view.set_entries(keys)
        return view

    def create_smartlist(self, name: str, query: str, index: int | None = None, uuid: str | None = None) -> SmartList:
        check_xml_text("QUERY", query)
        element = self._add("SMARTLIST", name, index)
        smartlist = etree.SubElement(element, "SMARTLIST")
        smartlist.set("UUID", uuid or new_uuid())
        expression = etree.SubElement(smartlist, "SEARCH_EXPRESSION")
        expression.set("VERSION", "1")
        expression.set("QUERY", query)
        return SmartList(self._collection, element)


class Playlist(Node):
    """A plain playlist: an ordered list of track keys (duplicates allowed)."""

    __slots__ = ()

    def _playlist(self) -> etree._Element:
        playlist = self._element.find("PLAYLIST")
        if playlist is None:
            playlist = etree.SubElement(self._element, "PLAYLIST")
            playlist.set("TYPE", "LIST")
        return playlist

    @property
    def uuid(self) -> str | None:
        playlist = self._element.find("PLAYLIST")
        return None if playlist is None else playlist.get("UUID")

    @property
    def entries(self) -> list[str]:
        """The keys (VOLUME + DIR + FILE) of the playlist's entries, in order."""
        playlist = self._element.find("PLAYLIST")
        if playlist is None:
            return []
        kept = self._collection.entry_blocks.keys(playlist)
        if kept is not None:
            return kept
        keys: list[str] = []
        for entry in playlist.iterfind("ENTRY"):
            primary = entry.find("PRIMARYKEY")
            if primary is not None and primary.get("KEY") is not None:
                keys.append(primary.get("KEY", ""))
        return keys

    def __len__(self) -> int:
        playlist = self._element.find("PLAYLIST")
        if playlist is None:
            return 0
        blocks = self._collection.entry_blocks
        return blocks.count(playlist) if blocks.is_cut(playlist) else len(self.entries)

    def set_entries(self, keys: Iterable[str]) -> None:
        """Make the playlist hold exactly ``keys``, in order. Entries that stay keep their elements."""
        wanted = list(keys)
        if wanted == self.entries:
            return
        playlist = self._playlist()
        self._collection.inflate_playlist(playlist)
        reusable: dict[str, list[etree._Element]] = {}
        for entry in playlist.findall("ENTRY"):
            primary = entry.find("PRIMARYKEY")
            if primary is not None:
                reusable.setdefault(primary.get("KEY", ""), []).append(entry)
            playlist.remove(entry)
        for key in wanted:
            pool = reusable.get(key)
            if pool:
                playlist.append(pool.pop(0))
                continue
            entry = etree.SubElement(playlist, "ENTRY")
            primary = etree.SubElement(entry, "PRIMARYKEY")
            primary.set("TYPE", "TRACK")
            primary.set("KEY", key)
        self._collection.skeleton_changed()


class SmartList(Node):
    """A smart list: Traktor fills it from a query, kept here as opaque text."""

    __slots__ = ()

    @property
    def uuid(self) -> str | None:
        smartlist = self._element.find("SMARTLIST")
        return None if smartlist is None else smartlist.get("UUID")

    @property
    def query(self) -> str:
        expression = self._element.find("SMARTLIST/SEARCH_EXPRESSION")
        return "" if expression is None else expression.get("QUERY", "")

    @query.setter
    def query(self, value: str) -> None:
        if value == self.query:
            return
        expression = self._element.find("SMARTLIST/SEARCH_EXPRESSION")
        if expression is None:
            raise NMLError(f"smart list {self.name!r} has no search expression to change")
        check_xml_text("QUERY", value)
        expression.set("QUERY", value)
        self._collection.skeleton_changed()


def node_view(collection: Collection, element: etree._Element) -> Node:
    """The right view for a ``NODE`` element, by its TYPE (unknown types are shown as plain nodes)."""
    node_type = element.get("TYPE")
    if node_type == "FOLDER":
        return Folder(collection, element)
    if node_type == "PLAYLIST":
        return Playlist(collection, element)
    if node_type == "SMARTLIST":
        return SmartList(collection, element)
    return Node(collection, element)


def check_name(name: str) -> None:
    """Raise NMLError unless ``name`` can name a playlist or folder in Traktor's file."""
    if not isinstance(name, str) or not name.strip():
        raise NMLError("a playlist or folder needs a name")
    if name == ROOT_NAME:
        raise NMLError(f"{ROOT_NAME!r} is reserved for Traktor's root folder")
    check_xml_text("NAME", name)


def fix_counts(root: etree._Element, count_entries: Callable[[etree._Element], int]) -> bool:
    """Make every ``SUBNODES COUNT`` and ``PLAYLIST ENTRIES`` under ``root`` equal its real number of children
    (``count_entries(playlist)`` counts a PLAYLIST's entries, whether elements or bytes).

    Returns True if any count was wrong (Traktor's own files often carry stale ones)."""
    changed = False
    for subnodes in root.iter("SUBNODES"):
        changed |= set_attribute(subnodes, "COUNT", str(len(subnodes.findall("NODE"))))
    for playlist in root.iter("PLAYLIST"):
        changed |= set_attribute(playlist, "ENTRIES", str(count_entries(playlist)))
    return changed
