"""Reading every track of a collection fast, as plain values, without building a tree per entry.

A full read is what an import does: every field and cue of every track. Building an lxml tree per entry and
then reading it costs about twice what it takes expat to hand over each element's attributes as a dict, so
untouched entries are streamed through expat straight from the file's bytes. Entries edited in memory are read
from their elements. Both paths turn attributes into values with the same functions
(:func:`~harmony.nml.track.track_data`, :func:`~harmony.nml.cue.cue_data`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any, Protocol, TypeVar
from xml.parsers import expat

from harmony.errors import NMLError
from harmony.nml.cue import cue_data, cue_type
from harmony.nml.limits import ENTRY_DEPTH, MAX_ATTRIBUTES, MAX_DEPTH, check_attribute_count, too_deep
from harmony.nml.scan import check_well_formed, position
from harmony.nml.track import PART_TAGS, TrackData, track_data

if TYPE_CHECKING:
    from harmony.nml.collection import Collection
    from harmony.nml.track import Track

T = TypeVar("T")


class _EntryReader:
    """expat handlers that collect one ENTRY's attributes (depth 1 = ENTRY, 2 = its children, 3 = GRID).

    They run once per element of the file (over a million times for 100,000 tracks), hence the plain
    closures over local state rather than methods and attributes."""

    def __init__(self, parser: expat.XMLParserType) -> None:
        parts: dict[str | None, dict[str, str]] = {}
        cues: list[list[Any]] = []
        depth = 0
        in_cue = False
        part_tags = PART_TAGS
        max_attributes = MAX_ATTRIBUTES
        max_depth = MAX_DEPTH - ENTRY_DEPTH + 1  # depth 1 here is an ENTRY
        done: list[TrackData] = []

        def start(name: str, attributes: dict[str, str]) -> None:
            nonlocal depth, in_cue
            depth += 1
            # The shape limits, as the lxml path checks them (expat itself reads any shape in linear time,
            # but what it reads must be readable by every other path too).
            if len(attributes) > max_attributes:
                check_attribute_count(name, len(attributes))
            if depth > max_depth:
                raise too_deep()
            if depth == 2:
                in_cue = name == "CUE_V2"
                if in_cue:
                    cues.append([attributes, None])
                elif name in part_tags and name not in parts:
                    parts[name] = attributes
            elif depth == 1:
                parts.clear()
                cues.clear()
                parts[None] = attributes
            elif depth == 3 and in_cue and name == "GRID":
                cues[-1][1] = attributes.get("BPM")

        def end(name: str) -> None:
            nonlocal depth
            depth -= 1
            if depth == 0:  # an ENTRY just closed
                done.append(track_data(parts, tuple([cue_data(a, grid) for a, grid in cues])))

        parser.StartElementHandler = start
        parser.EndElementHandler = end
        self._done = done

    def take_all(self) -> list[TrackData]:
        """The entries completed since the last call, in order."""
        done = list(self._done)
        self._done.clear()
        return done


# Untouched entries that follow each other in the file are fed to expat together, up to this many bytes at a
# time: one call per few hundred entries instead of one per entry.
_RUN_BYTES = 1 << 18


def iter_track_data(collection: Collection, positions: Iterable[int] | None = None) -> Iterator[TrackData]:
    """Every track's fields and cues, in document order, reflecting any edits made in memory; with
    ``positions`` (ascending indices into the track list) only those tracks, the others unread."""
    return _stream(collection, positions, _EntryReader, lambda track: track.to_data())


def iter_cue_types(collection: Collection) -> Iterator[tuple[int, ...]]:
    """Every track's cue types (Traktor's numbers, as :attr:`CueData.type` reads them), in document order: what
    a count of the collection needs, at about a third of the cost of :func:`iter_track_data`. The same file is
    refused the same way (not valid XML, past the shape limits)."""
    return _stream(collection, None, _CueTypeReader, lambda track: tuple(cue.type for cue in track.to_data().cues))


class _CueTypeReader:
    """expat handlers that keep only each ENTRY's cue types (depth 1 = ENTRY, 2 = its children), checking the
    shape limits as :class:`_EntryReader` does."""

    def __init__(self, parser: expat.XMLParserType) -> None:
        types: list[int] = []
        depth = 0
        max_attributes = MAX_ATTRIBUTES
        max_depth = MAX_DEPTH - ENTRY_DEPTH + 1  # depth 1 here is an ENTRY
        done: list[tuple[int, ...]] = []

        def start(name: str, attributes: dict[str, str]) -> None:
            nonlocal depth
            depth += 1
            if len(attributes) > max_attributes:
                check_attribute_count(name, len(attributes))
            if depth > max_depth:
                raise too_deep()
            if depth == 2 and name == "CUE_V2":
                types.append(cue_type(attributes.get("TYPE")))

        def end(name: str) -> None:
            nonlocal depth
            depth -= 1
            if depth == 0:  # an ENTRY just closed
                done.append(tuple(types))
                types.clear()

        parser.StartElementHandler = start
        parser.EndElementHandler = end
        self._done = done

    def take_all(self) -> list[tuple[int, ...]]:
        """The entries completed since the last call, in order."""
        done = list(self._done)
        self._done.clear()
        return done


class _Reader(Protocol[T]):
    def take_all(self) -> list[T]: ...


def _stream(
    collection: Collection,
    positions: Iterable[int] | None,
    reader_for: Callable[[expat.XMLParserType], _Reader[T]],
    from_track: Callable[[Track], T],
) -> Iterator[T]:
    """What ``reader_for``'s handlers make of each untouched entry, streamed through expat straight from the
    file's bytes in runs, and what ``from_track`` makes of each entry edited in memory, in document order."""
    data = collection._data
    view = memoryview(data)
    parser = expat.ParserCreate()
    parser.Parse(b"<C>", False)  # one wrapper root for all entries, before the handlers count depth
    reader = reader_for(parser)
    starts, ends = collection._spans.starts, collection._spans.ends
    known = len(starts)
    changed = collection._changed

    def read_run(start: int, end: int) -> list[T]:
        try:
            parser.Parse(view[start:end], False)
        except expat.ExpatError:
            check_well_formed(data, start, end)  # raises with the file's own line and column
            raise NMLError(f"the collection file is not valid XML near line {position(data, start)[0]}") from None
        return reader.take_all()

    run_start = run_end = -1
    previous = -2
    slots = collection._track_slots
    for slot in slots if positions is None else (slots[index] for index in positions):
        untouched = slot < known and slot not in changed
        if untouched and slot == previous + 1 and run_end - run_start < _RUN_BYTES:
            run_end = ends[slot]  # the next item in the file: extend the run (with the newline between)
            previous = slot
            continue
        if run_end > run_start:
            yield from read_run(run_start, run_end)
            run_start = run_end = -1
        if untouched:
            run_start, run_end, previous = starts[slot], ends[slot], slot
        else:
            previous = -2
            yield from_track(collection._track(slot))
    if run_end > run_start:
        yield from read_run(run_start, run_end)
