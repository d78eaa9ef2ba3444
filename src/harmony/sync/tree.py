"""Traktor's playlist tree as plain values, read from the NML views, for planning without the document.

Folders have no identity in the NML but their path of names; playlists and smart lists carry a ``UUID``.
Smart lists keep their query as opaque text. Traktor's own lists (``_LOOPS``, ``_RECORDINGS``,
``Preparation``) are ordinary playlists here, as they are in the file.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from harmony.nml import Folder, Playlist, SmartList

log = logging.getLogger(__name__)

__all__ = ["TraktorFolder", "TraktorNode", "TraktorPlaylist", "tree_from_nml"]


@dataclass(frozen=True, slots=True)
class TraktorPlaylist:
    """A playlist (``smart_query`` None) or a smart list (its query text): entries are NML keys, in order."""

    name: str
    uuid: str | None
    entries: tuple[str, ...] = ()
    smart_query: str | None = None

    @property
    def is_smart(self) -> bool:
        return self.smart_query is not None


@dataclass(frozen=True, slots=True)
class TraktorFolder:
    """A folder and its children, in Traktor's order."""

    name: str
    children: tuple[TraktorNode, ...] = ()


TraktorNode = TraktorFolder | TraktorPlaylist


def tree_from_nml(folder: Folder) -> TraktorFolder:
    """The plain tree below an NML folder (usually ``collection.playlists``, the ``$ROOT`` folder).

    Nodes of a type Harmony does not know are left out (and logged): the NML keeps them untouched."""
    children: list[TraktorNode] = []
    for child in folder.children:
        if isinstance(child, Folder):
            children.append(tree_from_nml(child))
        elif isinstance(child, SmartList):
            children.append(TraktorPlaylist(child.name, child.uuid, (), child.query))
        elif isinstance(child, Playlist):
            children.append(TraktorPlaylist(child.name, child.uuid, tuple(child.entries)))
        else:
            log.info("left out playlist node %r of unknown type", child.name)
    return TraktorFolder(folder.name, tuple(children))
