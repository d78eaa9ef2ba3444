"""The collection document: load, typed access, edits and Traktor-style writing.

The file stays in memory as bytes (see :mod:`harmony.nml.scan`): the small skeleton (head, sets, playlists,
indexing) is one lxml tree, and each track is parsed from its byte span when it is read. Untouched tracks are
copied back verbatim, so a Traktor-written file with no edits comes back byte for byte and a few edits to a
100,000-track collection cost little more than copying the file. A file written by another tool (BOM, CRLF,
indentation, self-closing tags, another prolog) is written back in Traktor's own layout.
"""

from __future__ import annotations

import os
import weakref
from array import array
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import UTC, datetime
from typing import Any, overload

from lxml import etree

from harmony.errors import NMLError
from harmony.nml.atomic import write_atomically
from harmony.nml.canonical import set_attribute
from harmony.nml.entry_blocks import EntryBlocks
from harmony.nml.keyindex import KeyIndex
from harmony.nml.keyscan import UNSURE, location_keys
from harmony.nml.limits import ENTRY_DEPTH, MAX_ENTRY_BYTES, check_tree, check_written_entry_size
from harmony.nml.paths import Location, playlist_key
from harmony.nml.playlists import ROOT_NAME, Folder, Playlist, fix_counts
from harmony.nml.scan import (
    Item,
    Items,
    ScannedFile,
    check_well_formed,
    hardened_parser,
    parse_skeleton,
    scan,
    xml_error,
)
from harmony.nml.serialize import PROLOG, serialize
from harmony.nml.source import read_collection_file
from harmony.nml.track import Track, TrackData
from harmony.nml.values import modified_stamp

# Put in COLLECTION's text while the skeleton is serialised, to find where the tracks go. Private-use
# characters, so no real collection can contain it by accident.
_MARKER = "\ue000harmony-collection-items\ue000"
_MARKER_BYTES = _MARKER.encode("utf-8")

# Entries whose keys the index reads from the bytes at a time.
_KEY_BATCH = 4096

# NML children in Traktor's document order, to place a COLLECTION or PLAYLISTS that an edit creates.
_NML_CHILD_ORDER = ("HEAD", "MUSICFOLDERS", "COLLECTION", "SETS", "PLAYLISTS", "SORTING_ORDER", "INDEXING")

Source = str | os.PathLike[str] | bytes | bytearray | memoryview


def _utc_now() -> datetime:
    return datetime.now(UTC)


def _entry_name(entry: etree._Element) -> str:
    """A track as a DJ knows it, for a message: its title and file ("The track “Intro” (intro.mp3)")."""
    location = entry.find("LOCATION")
    file = location.get("FILE") if location is not None else None
    title = entry.get("TITLE") or "without a title"
    return f"The track “{title}”" + (f" ({file})" if file else "")


def _check_written(element: etree._Element, written: bytes) -> None:
    """Refuse a track written larger than the reader takes one (harmony.nml.limits). The reader measures an
    entry without the newline that follows every element."""
    size = len(written) - written.endswith(b"\n")
    if element.tag == "ENTRY" and size > MAX_ENTRY_BYTES:
        check_written_entry_size(size, _entry_name(element))


def load(source: Source, *, read_only: bool = False) -> Collection:
    """Read a collection.nml from a path or from bytes. Raises :class:`NMLError` for anything that is not a
    readable Traktor collection, with a one-line reason (and line and column for malformed XML).

    ``read_only`` skips what only writing needs (checking whether the file is in Traktor's exact layout, about
    a tenth of a second per 100,000 tracks): such a collection can be read but not written."""
    if isinstance(source, bytes | bytearray | memoryview):
        raw = bytes(source)
    else:
        raw, _ = read_collection_file(source)
    return Collection(scan(raw), read_only=read_only)


class _Spans(Sequence[tuple[int, int]]):
    """``(start, end)`` of the file's children at ``slots``, made as they are read: a list of 100,000 pairs
    would cost 12 MB for the moment the key index is built."""

    __slots__ = ("_ends", "_slots", "_starts")

    def __init__(self, items: Items, slots: array[int]) -> None:
        self._starts, self._ends, self._slots = items.starts, items.ends, slots

    def __len__(self) -> int:
        return len(self._slots)

    @overload
    def __getitem__(self, index: int) -> tuple[int, int]: ...

    @overload
    def __getitem__(self, index: slice) -> list[tuple[int, int]]: ...

    def __getitem__(self, index: int | slice) -> tuple[int, int] | list[tuple[int, int]]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        slot = self._slots[index]
        return self._starts[slot], self._ends[slot]

    def __iter__(self) -> Iterator[tuple[int, int]]:
        starts, ends = self._starts, self._ends
        for slot in self._slots:
            yield starts[slot], ends[slot]


class TrackList(Sequence[Track]):
    """The collection's tracks in document order. Each is parsed when it is read; read them one by one rather
    than keeping them all, and a 100,000-track collection stays small in memory."""

    __slots__ = ("_collection",)

    def __init__(self, collection: Collection) -> None:
        self._collection = collection

    def __len__(self) -> int:
        return len(self._collection._track_slots)

    @overload
    def __getitem__(self, index: int) -> Track: ...

    @overload
    def __getitem__(self, index: slice) -> list[Track]: ...

    def __getitem__(self, index: int | slice) -> Track | list[Track]:
        slots = self._collection._track_slots
        if isinstance(index, slice):
            return [self._collection._track(slot) for slot in slots[index]]
        return self._collection._track(slots[index])

    def __iter__(self) -> Iterator[Track]:
        track = self._collection._track
        for slot in self._collection._track_slots[:]:  # a copy: the caller may remove tracks meanwhile
            yield track(slot)


class Collection:
    """A Traktor collection.nml in memory. Create one with :func:`load` or :meth:`Collection.new`."""

    def __init__(
        self, scanned: ScannedFile, *, clock: Callable[[], datetime] = _utc_now, read_only: bool = False
    ) -> None:
        self.clock = clock
        self.read_only = read_only
        self._data = scanned.data
        self._parser = hardened_parser()
        self._head_end = scanned.head_end
        self._tail_start = scanned.tail_start
        self._tree, self._blocks = parse_skeleton(scanned)
        self._root = self._tree.getroot()
        self._blocks.check_depth(self._root)  # first, as a whole parse's check of depth comes first
        check_tree(self._root)
        self._check_root(scanned.has_collection)
        # Every child of COLLECTION has a slot id: the file's children are 0…n-1 (their byte spans in _spans),
        # entries added in memory come after. Slot lists are arrays: a list of 100,000 ints costs ten times more.
        self._spans = scanned.items
        self._next_slot = len(self._spans)
        self._order = array("q", range(self._next_slot))
        tags = self._spans.tags
        if tags.count("ENTRY") == len(tags):
            self._track_slots = array("q", self._order)
        else:
            self._track_slots = array("q", [slot for slot, tag in enumerate(tags) if tag == "ENTRY"])
        self._changed: dict[int, etree._Element] = {}
        self._shape_checked: set[int] = set()
        self._views: weakref.WeakValueDictionary[int, Track] = weakref.WeakValueDictionary()
        self._key_index: KeyIndex | None = None
        self._duplicates: dict[str, list[int]] = {}
        self._skeleton_dirty = False
        self._dirty = False
        self.six_decimals = self._detect_six_decimals()
        self._verbatim = False if read_only else self._detect_traktor_layout(scanned)

    # -- construction --

    @classmethod
    def new(cls, version: int = 19) -> Collection:
        """An empty collection in Traktor's layout (VERSION 19 for Traktor 3, 20 for Traktor 4)."""
        program = "Traktor Pro 4" if version >= 20 else "Traktor"
        text = (
            f'<NML VERSION="{version}"><HEAD COMPANY="www.native-instruments.com" PROGRAM="{program}"></HEAD>\n'
            "<MUSICFOLDERS></MUSICFOLDERS>\n"
            '<COLLECTION ENTRIES="0"></COLLECTION>\n'
            '<SETS ENTRIES="0"></SETS>\n'
            f'<PLAYLISTS><NODE TYPE="FOLDER" NAME="{ROOT_NAME}"><SUBNODES COUNT="0"></SUBNODES>\n</NODE>\n'
            "</PLAYLISTS>\n"
            "</NML>\n"
        )
        return cls(scan(PROLOG + text.encode("utf-8")))

    def _check_root(self, has_collection: bool) -> None:
        root = self._root
        if root.tag != "NML":
            raise NMLError(f"this XML file is not a Traktor collection (its root element is <{root.tag}>, not <NML>)")
        if root.find(".//PLAYLIST[@TYPE='PROTOCOL']") is not None:
            raise NMLError(
                "this is a Traktor history file (a recorded mix session), not a collection; open collection.nml instead"
            )
        if has_collection and root.find("COLLECTION") is None:
            raise NMLError("the collection file is not valid: <COLLECTION> is not a child of <NML>")

    def check(self) -> None:
        """Check that every entry is well-formed XML, at C speed, raising :class:`NMLError` with the line and
        column of the first fault.

        :func:`load` checks the file's outer shape (prolog, DTD, root, truncation) and the skeleton; entries
        are checked when they are read, so that a full read does not pay for parsing everything twice. Call
        this to know up front."""
        if self._head_end < self._tail_start:
            check_well_formed(self._data, self._head_end, self._tail_start)

    @property
    def _by_key(self) -> KeyIndex:
        """Track slot by playlist key, built on first use: each untouched entry's key is read from its bytes
        (:mod:`harmony.nml.keyscan`), an entry in an unusual form is parsed."""
        if self._key_index is None:
            index = KeyIndex(self._key_of)
            for key, slot in index.build(self._entry_keys()):
                self._duplicates.setdefault(key, []).append(slot)
            self._key_index = index
        return self._key_index

    def _entry_keys(self) -> Iterator[tuple[str, int]]:
        """``(key, slot)`` of every track that has a key, in document order. Read in batches, so that only a
        batch's keys are strings at a time."""
        known = len(self._spans)
        changed = self._changed
        for offset in range(0, len(self._track_slots), _KEY_BATCH):
            slots = self._track_slots[offset : offset + _KEY_BATCH]
            read = array("q", [slot for slot in slots if slot < known and slot not in changed])
            from_bytes = iter(location_keys(self._data, _Spans(self._spans, read)))
            for slot in slots:
                key = next(from_bytes) if slot < known and slot not in changed else UNSURE
                if key is UNSURE:
                    key = self._key_of(slot)
                if isinstance(key, str):
                    yield key, slot

    def _key_of(self, slot: int) -> str | None:
        """The playlist key the entry at ``slot`` holds now (None when it has no LOCATION)."""
        element = self._changed.get(slot)
        if element is None:
            if slot >= len(self._spans):
                return None
            key = location_keys(self._data, [(self._spans.starts[slot], self._spans.ends[slot])])[0]
            if key is not UNSURE:
                return key if isinstance(key, str) else None
            element = self._parse_item(slot)
        location = element.find("LOCATION")
        if location is None:
            return None
        return location.get("VOLUME", "") + location.get("DIR", "") + location.get("FILE", "")

    def _item(self, slot: int) -> Item | None:
        """The byte span of the file's child at ``slot``; None for an entry added in memory."""
        return self._spans[slot] if slot < len(self._spans) else None

    def _parse_item(self, slot: int) -> etree._Element:
        start, end = self._spans.starts[slot], self._spans.ends[slot]
        try:
            element = etree.fromstring(self._data[start:end], self._parser)
        except etree.XMLSyntaxError as error:
            raise xml_error(self._data, error, start) from None
        if slot not in self._shape_checked:  # the same entry may be parsed again (it is not kept unless edited)
            check_tree(element, ENTRY_DEPTH)
            self._shape_checked.add(slot)
        return element

    def _detect_six_decimals(self) -> bool:
        """Traktor 3/4 write numbers ``%.6f``; Traktor 2 wrote them short. Follow what the file does."""
        version = self.version or 0
        for track in self.tracks[:20]:
            for text in (track.bpm_text, *(cue.element.get("START") for cue in track.cues)):
                if text and "." in text:
                    return len(text.rsplit(".", 1)[1]) == 6
                if text:
                    return False
        return version >= 19

    def _detect_traktor_layout(self, scanned: ScannedFile) -> bool:
        """True if the file is already in Traktor's exact layout, so untouched parts can be copied verbatim.

        Checks the prolog, that the skeleton re-serialises to its own bytes, that items are separated by one
        newline, and that a few entries re-serialise to their own bytes. Anything else is re-written.
        """
        data = self._data
        if scanned.had_bom or not data.startswith(PROLOG) or not scanned.has_collection:
            return False
        head, tail = self._serialize_skeleton()
        if head != data[: scanned.head_end] or tail != data[scanned.tail_start :]:
            return False
        items = scanned.items
        if (items.starts[0] if items else scanned.tail_start) != scanned.head_end:
            return False
        ends = items.ends
        starts = items.starts[1:] + array("q", [scanned.tail_start] if items else [])
        if any(start != end + 1 or data[end] != 0x0A for start, end in zip(starts, ends, strict=True)):
            return False
        samples = {0, len(items) // 2, len(items) - 1} if items else set()
        for slot in samples:
            item = items[slot]
            if item.tag == "#markup":
                continue
            if serialize(self._parse_item(slot)) != data[item.start : item.end + 1]:
                return False
        return True

    # -- reading --

    @property
    def version(self) -> int | None:
        """The NML VERSION (14, 15, 19, 20…), or None if the file has none."""
        text = self._root.get("VERSION")
        try:
            return int(text) if text is not None else None
        except ValueError:
            return None

    @property
    def tracks(self) -> TrackList:
        return TrackList(self)

    @property
    def root(self) -> etree._Element:
        """The skeleton's ``NML`` element (everything but the tracks), for what the views do not model."""
        return self._root

    def _track(self, slot: int) -> Track:
        view = self._views.get(slot)
        if view is None:
            element = self._changed.get(slot)
            if element is None:
                element = self._parse_item(slot)
            view = Track(self, slot, element)
            self._views[slot] = view
        return view

    def iter_data(self, positions: Iterable[int] | None = None) -> Iterator[TrackData]:
        """Every track's fields and cues as plain values, in document order: the fast whole-collection read
        (about half the cost of reading the same through the track views). With ``positions`` (ascending
        indices into :attr:`tracks`) only those tracks are read; the others are not even parsed."""
        from harmony.nml.stream import iter_track_data

        return iter_track_data(self, positions)

    def raw_entries(self) -> Iterator[memoryview | None]:
        """Each track's ``<ENTRY>…</ENTRY>`` bytes exactly as in the file, in document order, without parsing
        them; None for a track edited or added in memory (its bytes are no longer the file's)."""
        view = memoryview(self._data)
        starts, ends = self._spans.starts, self._spans.ends
        known = len(starts)
        changed = self._changed
        for slot in self._track_slots:
            yield None if slot >= known or slot in changed else view[starts[slot] : ends[slot]]

    def entry_bytes(self, key: str) -> bytes | None:
        """The ``<ENTRY>…</ENTRY>`` bytes of the track whose playlist key is ``key`` exactly as :meth:`chunks`
        writes them (without the newline after them), or None if no track has that key."""
        slot = self._by_key.get(key)
        return None if slot is None else self._written_entry(slot)

    def _written_entry(self, slot: int) -> bytes:
        """The entry at ``slot`` as :meth:`chunks` writes it, without the newline after it."""
        element = self._changed.get(slot)
        item = self._item(slot)
        if element is None and item is not None and self._verbatim:
            return bytes(self._data[item.start : item.end])
        written = serialize(element if element is not None else self._parse_item(slot))
        return written[:-1] if written.endswith(b"\n") else written

    def keyed_entries(self) -> Iterator[tuple[str, bytes | memoryview]]:
        """``(key, entry)`` of every track that has a playlist key, in document order: the key as
        :meth:`track_by_key` reads it; the entry's ``<ENTRY>…</ENTRY>`` bytes as they are in the file for an
        untouched track (not copied), as :meth:`chunks` writes them for one edited or added in memory. A key held
        by several entries comes once for each. No entry in the usual form is parsed."""
        view = memoryview(self._data)
        starts, ends = self._spans.starts, self._spans.ends
        known = len(starts)
        changed = self._changed
        for key, slot in self._entry_keys():
            if slot < known and slot not in changed:
                yield key, view[starts[slot] : ends[slot]]
            else:
                yield key, self._written_entry(slot)  # by its slot: a key held twice names the first entry

    @property
    def in_traktor_layout(self) -> bool:
        """Whether the file was in Traktor's exact layout (what Traktor and Harmony write), so that two such
        files hold the same entry in the same bytes. Always False for a collection loaded ``read_only``."""
        return self._verbatim

    def position_of(self, key: str) -> int | None:
        """The index in :attr:`tracks` of the track whose playlist key is ``key``, or None. The same index
        finds the track in the bytes this collection writes (``to_bytes`` keeps the entries' order)."""
        slot = self._by_key.get(key)
        if slot is None:
            return None
        return self._track_slots.index(slot)

    def track_by_key(self, key: str) -> Track | None:
        """The track whose playlist key (VOLUME + DIR + FILE, exactly as stored) is ``key``, or None."""
        slot = self._by_key.get(key)
        return None if slot is None else self._track(slot)

    @property
    def duplicate_keys(self) -> dict[str, int]:
        """Keys held by more than one entry, with how many entries hold each (Traktor itself allows it)."""
        return {key: len(slots) + 1 for key, slots in self._duplicates.items()}

    @property
    def playlists(self) -> Folder:
        """The ``$ROOT`` folder of the playlist tree (created, empty, if the file has none)."""
        node = self._root.find(f"PLAYLISTS/NODE[@NAME='{ROOT_NAME}']")
        if node is None:
            playlists = self._root.find("PLAYLISTS")
            if playlists is None:
                playlists = self._insert_top_level("PLAYLISTS")
            node = etree.SubElement(playlists, "NODE")
            node.set("TYPE", "FOLDER")
            node.set("NAME", ROOT_NAME)
            etree.SubElement(node, "SUBNODES").set("COUNT", "0")
        return Folder(self, node)

    # -- edits --

    def entry_changed(self, track: Track) -> None:
        """Called by a track whose content changed: it will be written anew."""
        self._changed[track.slot] = track.element
        self._dirty = True

    def key_changed(self, track: Track, old_key: str) -> None:
        """Called by a track whose location changed: keep the key index true."""
        if self._by_key.holds(old_key, track.slot):
            self._by_key.remove(old_key, track.slot)
        self._by_key.add(track.key, track.slot)

    @property
    def entry_blocks(self) -> EntryBlocks:
        """The playlists' entries still kept as the file's bytes (for the playlist views)."""
        return self._blocks

    def inflate_playlist(self, playlist: etree._Element) -> None:
        """Give a ``PLAYLIST`` element whose entries are still bytes its entries as elements, before an edit."""
        self._blocks.inflate(playlist, self._parser)

    def skeleton_changed(self) -> None:
        """Called by the playlist views after an edit of the tree."""
        self._skeleton_dirty = True
        self._dirty = True

    def add_track(self, location: Location, **fields: Any) -> Track:
        """Add an entry for a file Traktor does not know yet, with ``fields`` set (e.g. ``title="…"``).

        Only what is given is written: no ``AUDIO_ID`` (Traktor computes it when it analyses the file)."""
        key = playlist_key(location)
        if not location.file:
            raise NMLError("a new track needs a file name")
        probe = Track(self, -1, etree.Element("ENTRY"))  # checks the values before anything is added
        probe.check_value("location", location)
        for name, value in fields.items():
            probe.check_value(name, value)
        if self._by_key.get(key) is not None:
            raise NMLError(f"the collection already has an entry for {key!r}")
        element = etree.Element("ENTRY")
        stamp_date, stamp_time = modified_stamp(self.clock())
        element.set("MODIFIED_DATE", stamp_date)
        element.set("MODIFIED_TIME", stamp_time)
        loc = etree.SubElement(element, "LOCATION")
        for name, value in (
            ("DIR", location.dir),
            ("FILE", location.file),
            ("VOLUME", location.volume),
            ("VOLUMEID", location.volume_id),
        ):
            loc.set(name, value)
        slot = self._next_slot
        self._next_slot += 1
        self._order.append(slot)
        self._track_slots.append(slot)
        self._changed[slot] = element
        self._by_key.add(key, slot)
        self._dirty = True
        if self._root.find("COLLECTION") is None:
            self._insert_top_level("COLLECTION")
        track = self._track(slot)
        track.set(**fields)
        return track

    def remove_track(self, track: Track, *, from_playlists: bool = True) -> None:
        """Remove a track's entry (and, by default, its entries in every playlist, as Traktor does)."""
        slot = track.slot
        if self._views.get(slot) is not track:
            raise NMLError("that track is not part of this collection")
        key = track.key
        by_key = self._by_key
        if by_key.holds(key, slot):  # before the entry goes: the index confirms keys by reading the entries
            by_key.remove(key, slot)
            others = self._duplicates.pop(key, [])
            if others:
                by_key.add(key, others[0])
                if others[1:]:
                    self._duplicates[key] = others[1:]
        self._order.remove(slot)
        self._track_slots.remove(slot)
        self._changed.pop(slot, None)
        del self._views[slot]
        self._dirty = True
        if from_playlists and self._by_key.get(key) is None:
            for node in self.playlists.walk():
                if isinstance(node, Playlist) and key in (entries := node.entries):
                    node.set_entries([k for k in entries if k != key])

    def _insert_top_level(self, tag: str) -> etree._Element:
        element = etree.Element(tag)
        rank = _NML_CHILD_ORDER.index(tag)
        position = 0
        for index, child in enumerate(self._root):
            if child.tag in _NML_CHILD_ORDER and _NML_CHILD_ORDER.index(str(child.tag)) < rank:
                position = index + 1
        self._root.insert(position, element)
        self._skeleton_dirty = True
        return element

    # -- writing --

    @property
    def changed(self) -> bool:
        """Whether anything was edited since the file was read."""
        return self._dirty

    def to_bytes(self) -> bytes:
        """The whole file as Traktor would write it."""
        return b"".join(self.chunks())

    def write_unchecked(self, path: str | os.PathLike[str]) -> None:
        """Write the file atomically (temporary file in the same folder, fsync, ``os.replace``) and nothing more.

        A low-level writer for tests, benchmarks and developer tools. It does none of the checks a DJ's
        collection needs (Traktor not running, the file unchanged since it was read, a lock, a backup, the new
        file read back): write a real collection with :func:`harmony.nmlfile.write_collection`."""
        write_atomically(path, self.chunks())

    def chunks(self) -> Iterator[bytes | memoryview]:
        """The file's bytes in pieces, without joining them (untouched runs are views of the original)."""
        if self.read_only:
            raise NMLError("This collection was read read-only; load it again to write it.")
        if self._dirty:
            self._fix_counts()
        if self._verbatim and not self._skeleton_dirty:
            whole = memoryview(self._data)
            yield whole[: self._head_end]
            yield from self._item_chunks()
            yield whole[self._tail_start :]
            return
        head, tail = self._serialize_skeleton()
        yield head
        yield from self._item_chunks()
        yield tail

    def check_entry_sizes(self) -> None:
        """Refuse, as writing would (:class:`NMLError` naming the track), a changed track larger than the reader
        takes one: what an export's dry run asks, so that its preview never promises a write the export then
        refuses. Writing checks each entry as it goes, without this."""
        for element in self._changed.values():
            if element.tag == "ENTRY":
                _check_written(element, serialize(element))

    def _item_chunks(self) -> Iterator[bytes | memoryview]:
        """Every COLLECTION child in order: runs of untouched ones copied (verbatim layout), the rest written."""
        data = self._data
        view = memoryview(data)
        starts, ends = self._spans.starts, self._spans.ends
        known = len(starts)
        verbatim = self._verbatim
        run_start = run_end = -1
        for slot in self._order:
            element = self._changed.get(slot)
            if element is None and verbatim and slot < known:
                start = starts[slot]
                if start != run_end:
                    if run_end > run_start:
                        yield view[run_start:run_end]
                    run_start = start
                run_end = ends[slot] + 1  # its newline
                continue
            item = self._item(slot)
            if run_end > run_start:
                yield view[run_start:run_end]
                run_start = run_end = -1
            if element is not None:
                written = serialize(element)
                _check_written(element, written)
                yield written
            elif item is not None and item.tag == "#markup":
                yield data[item.start : item.end] + b"\n"
            else:
                yield serialize(self._parse_item(slot))
        if run_end > run_start:
            yield view[run_start:run_end]

    def _serialize_skeleton(self) -> tuple[bytes, bytes]:
        """The skeleton in Traktor's layout, split where the collection's items go."""
        collection = self._root.find("COLLECTION")
        if collection is None:
            return PROLOG + self._blocks.restore(serialize(self._root)), b""
        collection.text = _MARKER
        try:
            text = self._blocks.restore(serialize(self._root))
        finally:
            collection.text = None
        cut = text.index(_MARKER_BYTES)
        return PROLOG + text[:cut], text[cut + len(_MARKER_BYTES) :]

    def _fix_counts(self) -> None:
        collection = self._root.find("COLLECTION")
        changed = False
        if collection is not None:
            changed |= set_attribute(collection, "ENTRIES", str(len(self._track_slots)))
        changed |= fix_counts(self._root, self._blocks.count)
        if changed:
            self._skeleton_dirty = True
