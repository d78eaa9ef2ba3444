"""Reading every track of a collection fast, as plain values, without building a tree per entry.

A full read is what an import does: every field and cue of every track. Building an lxml tree per entry and
then reading it costs about twice what it takes expat to hand over each element's attributes as a dict, so
untouched entries are streamed through expat straight from the file's bytes. Entries edited in memory are read
from their elements. Both paths turn attributes into values with the same functions
(:func:`~harmony.nml.track.track_data`, :func:`~harmony.nml.cue.cue_data`).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING
from xml.parsers import expat

from harmony.errors import NMLError
from harmony.nml.cue import CueData, cue_data
from harmony.nml.scan import position
from harmony.nml.track import PART_TAGS, TrackData, track_data

if TYPE_CHECKING:
    from harmony.nml.collection import Collection


class _EntryReader:
    """expat handlers that collect one ENTRY's attributes (depth 1 = ENTRY, 2 = its children, 3 = GRID)."""

    def __init__(self) -> None:
        self.depth = 0
        self.parts: dict[str | None, dict[str, str]] = {}
        self.cues: list[tuple[dict[str, str], str | None]] = []
        self.in_cue = False
        self.complete = False

    def start(self, name: str, attributes: dict[str, str]) -> None:
        self.depth += 1
        depth = self.depth
        if depth == 1:
            self.parts = {None: attributes}
            self.cues = []
        elif depth == 2:
            self.in_cue = name == "CUE_V2"
            if self.in_cue:
                self.cues.append((attributes, None))
            elif name in PART_TAGS and name not in self.parts:
                self.parts[name] = attributes
        elif depth == 3 and self.in_cue and name == "GRID":
            cue_attributes, _ = self.cues[-1]
            self.cues[-1] = (cue_attributes, attributes.get("BPM"))

    def end(self, name: str) -> None:
        self.depth -= 1
        if self.depth == 0:
            self.complete = True

    def take(self) -> TrackData:
        """The entry just read, as values."""
        self.complete = False
        cues: tuple[CueData, ...] = tuple(cue_data(a, grid) for a, grid in self.cues)
        return track_data(self.parts, cues)


def iter_track_data(collection: Collection) -> Iterator[TrackData]:
    """Every track's fields and cues, in document order, reflecting any edits made in memory."""
    data = collection._data
    view = memoryview(data)
    reader = _EntryReader()
    parser = expat.ParserCreate()
    parser.StartElementHandler = reader.start
    parser.EndElementHandler = reader.end
    parser.buffer_text = True
    parser.Parse(b"<C>", False)
    reader.depth = 0  # the wrapper does not count
    items = collection._items
    changed = collection._changed
    for slot in collection._track_slots:
        element = changed.get(slot)
        item = items[slot]
        if element is not None or item is None:
            yield collection._track(slot).to_data()
            continue
        try:
            parser.Parse(view[item.start : item.end], False)
        except expat.ExpatError as error:  # checked at load; only a changed file in memory could get here
            line, _ = position(data, item.start)
            raise NMLError(f"the collection file is not valid XML near line {line}: {error}") from None
        if reader.complete:
            yield reader.take()
