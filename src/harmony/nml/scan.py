"""Reading a collection.nml safely and cutting it into the pieces the rest of the NML layer works on.

A whole lxml tree of a 100,000-track collection costs about nine times the file size in memory. Instead the
file is kept as bytes and cut into three regions:

- the *head*: the prolog, ``<NML>``, ``HEAD``, ``MUSICFOLDERS`` and the ``<COLLECTION>`` start tag;
- the *collection items*: one byte span per child of ``COLLECTION`` (the ``ENTRY`` elements, the tracks);
- the *tail*: ``</COLLECTION>``, ``SETS``, ``PLAYLISTS``, ``INDEXING``… and ``</NML>``.

Head and tail together form a small *skeleton* document, parsed once. Each item is parsed on its own when it is
read; untouched items are copied back verbatim. Every parse uses one hardened parser: no DTD, no entity
expansion, no network, no file access.
"""

from __future__ import annotations

import re
from array import array
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Final, overload
from xml.parsers import expat as pyexpat

from lxml import etree

from harmony.errors import NMLError
from harmony.nml.entry_blocks import EntryBlocks
from harmony.nml.limits import MAX_ENTRY_BYTES, check_collection_size, check_entry_size, too_deep
from harmony.nml.tags import start_tag
from harmony.xml_text import XML_SPACE

UTF8_BOM = b"\xef\xbb\xbf"

_COLLECTION_START = start_tag(rb"COLLECTION")
_ANY_START = start_tag(rb"([A-Za-z_][\w.\-]*)")
_ENCODING = re.compile(rb"""^\s*<\?xml[^>]*?encoding\s*=\s*["']([^"']+)["']""")
_DOCTYPE = re.compile(rb"<!DOCTYPE|<!ENTITY")
_XML_SPACE: Final = XML_SPACE.encode()
_WHITESPACE = re.compile(rb"[%s]*" % _XML_SPACE)
# The three tags the fast cut of the collection looks for, in one pattern (see _cut_traktor_items).
_ITEM_TAG = re.compile(rb"<(?:/ENTRY>|/COLLECTION|ENTRY)")
_SLASH, _E = ord("/"), ord("E")
_AFTER_TAG_NAME = (b" ", b">", b"\t", b"\n", b"\r")
# lxml appends its own positions (relative to the piece it parsed): ours replace them.
# libxml2's own depth limit (2048 levels, above Harmony's): its message names a parser option, not the file.
_LIBXML_TOO_DEEP = "Excessive depth in document"
_LXML_POSITION = re.compile(r",? line \d+, column \d+\)?$| \(line \d+\)$| line \d+(?= and )")


def xml_message(error: etree.XMLSyntaxError) -> str:
    """libxml2's words for a syntax error, without the position lxml writes into them (the callers give the
    file's own line and column once, after the words)."""
    return _LXML_POSITION.sub("", str(error.msg or error)).strip()


def hardened_parser() -> etree.XMLParser:
    """A parser that never expands entities, loads a DTD, touches the network or another file."""
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=True,
        remove_comments=False,
        strip_cdata=False,
    )


@dataclass(slots=True)
class Item:
    """One child of COLLECTION, as a byte span ``[start, end)``; ``tag`` is ``ENTRY`` for a track."""

    tag: str
    start: int
    end: int


class Items(Sequence[Item]):
    """The children of COLLECTION as byte spans, in document order, held in flat arrays: an :class:`Item` per
    child would cost about 120 bytes each (12 MB for 100,000 tracks), and most are never looked at one by one.
    Indexing gives an :class:`Item`, made on the spot."""

    __slots__ = ("ends", "starts", "tags")

    def __init__(self) -> None:
        self.tags: list[str] = []
        self.starts = array("q")
        self.ends = array("q")

    def append(self, tag: str, start: int, end: int) -> None:
        self.tags.append(tag)
        self.starts.append(start)
        self.ends.append(end)

    def __len__(self) -> int:
        return len(self.tags)

    @overload
    def __getitem__(self, index: int) -> Item: ...

    @overload
    def __getitem__(self, index: slice) -> list[Item]: ...

    def __getitem__(self, index: int | slice) -> Item | list[Item]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        return Item(self.tags[index], self.starts[index], self.ends[index])


@dataclass(slots=True)
class ScannedFile:
    """The regions of a collection file. Offsets index into ``data`` (which excludes any byte-order mark)."""

    data: bytes
    had_bom: bool
    head_end: int  # end of the <COLLECTION …> start tag (0 when the file has no COLLECTION)
    tail_start: int  # start of </COLLECTION> (0 when the file has no COLLECTION)
    items: Items = field(default_factory=Items)
    has_collection: bool = True


def position(data: bytes, offset: int) -> tuple[int, int]:
    """1-based line and column of byte ``offset``."""
    line = data.count(b"\n", 0, offset) + 1
    line_start = data.rfind(b"\n", 0, offset) + 1
    return line, offset - line_start + 1


def xml_error(data: bytes, error: etree.XMLSyntaxError, base: int = 0) -> NMLError:
    """Turn an lxml syntax error in a piece starting at ``base`` into an NMLError with the file's line and column."""
    message = xml_message(error)
    if message.startswith(_LIBXML_TOO_DEEP):
        return too_deep()
    frag_line, frag_column = error.position if error.position else (1, 1)
    base_line, base_column = position(data, base)
    line = base_line + frag_line - 1
    column = frag_column + (base_column - 1 if frag_line == 1 else 0)
    return NMLError(f"the collection file is not valid XML: {message} (line {line}, column {column})")


def parse_piece(data: bytes | bytearray, start: int, end: int, whole: bytes | None = None) -> etree._Element:
    """Parse ``data[start:end]`` as one element with the hardened parser; errors name the file's line/column."""
    try:
        return etree.fromstring(bytes(data[start:end]), hardened_parser())
    except etree.XMLSyntaxError as error:
        raise xml_error(whole if whole is not None else bytes(data), error, start) from None


def check_xml_start(data: bytes) -> None:
    """The first bytes (after any byte-order mark) must be those of a UTF-8 XML file: ``<`` after whitespace.
    Enough of a file to decide, so a huge file that is not XML is refused before the rest is read."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise NMLError("the collection file is UTF-16 encoded; Traktor collections are UTF-8")
    first = _WHITESPACE.match(data).end()  # type: ignore[union-attr]
    if first < len(data) and data[first : first + 1] != b"<":
        raise NMLError("the collection file is not an XML file (it does not start with '<')")


def _check_prolog(data: bytes) -> None:
    # Only the start is looked at: stripping the whole file would copy it (100+ MB for a big collection).
    if _WHITESPACE.match(data).end() == len(data):  # type: ignore[union-attr]
        raise NMLError("the collection file is empty")
    check_xml_start(data)
    declaration_end = data.find(b">")  # the declaration ends at its first ">", however much space it holds
    encoding = _ENCODING.match(data, 0, declaration_end + 1 if declaration_end >= 0 else 200)
    if encoding and encoding.group(1).decode("ascii", "replace").lower().replace("_", "-") not in {
        "utf-8",
        "utf8",
    }:
        raise NMLError(
            f"the collection file declares the encoding {encoding.group(1).decode('ascii', 'replace')!r}; "
            "Traktor collections are UTF-8"
        )
    doctype = _DOCTYPE.search(data, 0, _root_start(data))
    if doctype:
        raise NMLError(
            "the collection file contains a DTD (<!DOCTYPE> or <!ENTITY>), which Traktor never writes; "
            "it is refused for safety"
        )


def _root_start(data: bytes) -> int:
    """Offset of the root element's start tag (after the prolog, comments and any DOCTYPE)."""
    match = _ANY_START.search(data)
    return match.start() if match else len(data)


def _skip_markup(data: bytes, at: int, end: int) -> int:
    """End of the comment, processing instruction or CDATA section that starts at ``at``."""
    for opener, closer in ((b"<!--", b"-->"), (b"<?", b"?>"), (b"<![CDATA[", b"]]>")):
        if data.startswith(opener, at):
            close = data.find(closer, at + len(opener), end)
            if close < 0:
                raise NMLError(f"the collection file is cut off inside a {opener.decode()}… section")
            return close + len(closer)
    return -1


def _cut_traktor_items(data: bytes, start: int) -> tuple[int, Items] | None:
    """The fast cut for what Traktor writes: nothing but ``<ENTRY …>…</ENTRY>`` items with whitespace between
    them. Returns where ``</COLLECTION`` (its first occurrence after ``start``) is and the items, or None when the
    content is anything else: then the general cut takes over.

    One pass finds every ``<ENTRY``, ``</ENTRY>`` and the ``</COLLECTION``, in order (a search that looks at
    each ``<`` once; none of the three holds a second ``<``, so the first ``</COLLECTION`` is never skipped over).
    They must alternate, start tag then end tag, with only whitespace between an end and the next start: so no
    entry is self-closing or holds another."""
    starts, ends = array("q"), array("q")
    after_last = start  # where the previous item ended: only whitespace may come before the next
    open_at = -1  # where the entry being read starts; -1 between entries
    for match in _ITEM_TAG.finditer(data, start):
        at = match.start()
        if data[at + 1] != _SLASH:  # <ENTRY
            if open_at >= 0 or data[at + 6 : at + 7] not in _AFTER_TAG_NAME or data[after_last:at].strip(_XML_SPACE):
                return None
            open_at = at
        elif data[at + 2] == _E:  # </ENTRY>
            if open_at < 0:
                return None
            starts.append(open_at)
            after_last = match.end()
            ends.append(after_last)
            open_at = -1
        else:  # </COLLECTION
            if open_at >= 0 or data[after_last:at].strip(_XML_SPACE):
                return None
            items = Items()
            items.tags = ["ENTRY"] * len(ends)
            items.starts, items.ends = starts, ends
            return at, items
    return None


def _scan_items(data: bytes, start: int, end: int) -> Items:
    """Cut the content of COLLECTION into one span per child element, comment or processing instruction.

    Between items only whitespace is allowed (NML has no text there). An item ends at the first matching end
    tag; NML elements never nest an element inside one of the same name. Each span is fully parsed later, so a
    wrong cut cannot go unnoticed.
    """
    items = Items()
    pos = start
    find = data.find
    while True:
        lt = find(b"<", pos, end)
        if lt < 0:
            if data[pos:end].strip(_XML_SPACE):
                raise NMLError(_located(data, pos, "unexpected text inside <COLLECTION>"))
            return items
        if data[pos:lt].strip(_XML_SPACE):
            raise NMLError(_located(data, pos, "unexpected text inside <COLLECTION>"))
        skipped = _skip_markup(data, lt, end) if data[lt + 1 : lt + 2] in (b"!", b"?") else -1
        if skipped >= 0:
            items.append("#markup", lt, skipped)
            pos = skipped
            continue
        match = _ANY_START.match(data, lt, end)
        if match is None:
            raise NMLError(_located(data, lt, "malformed start tag inside <COLLECTION>"))
        tag = match.group(1).decode("utf-8")
        if match.group(2):  # self-closing, e.g. <ENTRY …/>
            items.append(tag, lt, match.end())
            pos = match.end()
            continue
        closing = b"</" + match.group(1)
        close = find(closing, match.end(), end)
        while close >= 0 and data[close + len(closing) : close + len(closing) + 1] not in (
            b">",
            b" ",
            b"\t",
            b"\n",
            b"\r",
        ):
            close = find(closing, close + 1, end)
        if close < 0:
            raise NMLError(_located(data, lt, f"<{tag}> is never closed; the file may be cut off"))
        gt = find(b">", close, end)
        if gt < 0:
            raise NMLError(_located(data, close, f"</{tag}> is not complete; the file may be cut off"))
        items.append(tag, lt, gt + 1)
        pos = gt + 1


def _located(data: bytes, offset: int, message: str) -> str:
    line, column = position(data, offset)
    return f"the collection file is not valid: {message} (line {line}, column {column})"


def scan(raw: bytes) -> ScannedFile:
    """Check the file's outer shape and cut it into head, collection items and tail."""
    check_collection_size(len(raw))
    had_bom = raw.startswith(UTF8_BOM)
    data = raw[len(UTF8_BOM) :] if had_bom else raw
    _check_prolog(data)
    match = _COLLECTION_START.search(data)
    if match is None or match.group(1):
        # No COLLECTION, or an empty self-closing one: the whole file is the skeleton.
        return ScannedFile(data, had_bom, head_end=0, tail_start=0, has_collection=False)
    cut = _cut_traktor_items(data, match.end())
    if cut is not None:
        closing, items = cut
    else:
        closing = data.find(b"</COLLECTION", match.end())
        if closing < 0:
            raise NMLError(_located(data, match.start(), "<COLLECTION> is never closed; the file may be cut off"))
        items = _scan_items(data, match.end(), closing)
    for item_start, item_end in zip(items.starts, items.ends, strict=True):
        if item_end - item_start > MAX_ENTRY_BYTES:
            check_entry_size(item_end - item_start, position(data, item_start)[0])
    return ScannedFile(data, had_bom, head_end=match.end(), tail_start=closing, items=items)


def check_well_formed(data: bytes, start: int, end: int) -> None:
    """Check that ``data[start:end]`` (the content of COLLECTION) is well-formed XML, at C speed.

    expat with no handlers builds nothing, so this costs about a quarter of building the trees. Inside an
    element there can be no DTD, so no entity can be declared, let alone expanded: an unknown ``&name;`` is
    an error, as it should be.
    """
    parser = pyexpat.ParserCreate()
    wrapper = b"<C>"
    view = memoryview(data)
    step = 1 << 22
    try:
        parser.Parse(wrapper, False)
        for offset in range(start, end, step):
            parser.Parse(view[offset : min(end, offset + step)], False)
        parser.Parse(b"</C>", True)
    except pyexpat.ExpatError as error:
        line, column = position(data, start)
        if error.lineno == 1:
            column += error.offset - len(wrapper)
        else:
            column = error.offset + 1
        line += error.lineno - 1
        reason = pyexpat.ErrorString(error.code) if error.code is not None else str(error)
        raise NMLError(f"the collection file is not valid XML: {reason} (line {line}, column {column})") from None


def parse_skeleton(scanned: ScannedFile) -> tuple[etree._ElementTree, EntryBlocks]:
    """Parse head + tail (the file without its collection items) into a small tree, with plain playlists'
    entries left as bytes (:mod:`harmony.nml.entry_blocks`).

    An error is reported at its position in the real file: the skeleton's bytes are the file's bytes with the
    items left out, so positions after the head are shifted back by the items' length. (Cut entries would
    shift them too: a skeleton that does not parse is parsed again whole, for the error's true position.)
    """
    data = scanned.data
    if not scanned.has_collection:
        return _parse_whole_skeleton(scanned, data), EntryBlocks(data)
    skeleton, blocks = EntryBlocks.cut(data, scanned.head_end, scanned.tail_start)
    if blocks:
        try:
            return etree.ElementTree(etree.fromstring(skeleton, hardened_parser())), blocks
        except (etree.XMLSyntaxError, ValueError):
            skeleton, blocks = data[: scanned.head_end] + data[scanned.tail_start :], EntryBlocks(data)
    return _parse_whole_skeleton(scanned, skeleton), blocks


def _parse_whole_skeleton(scanned: ScannedFile, skeleton: bytes) -> etree._ElementTree:
    data = scanned.data
    try:
        return etree.ElementTree(etree.fromstring(skeleton, hardened_parser()))
    except etree.XMLSyntaxError as error:
        line, column = error.position if error.position else (1, 1)
        if scanned.has_collection and line > data.count(b"\n", 0, scanned.head_end) + 1:
            line += data.count(b"\n", scanned.head_end, scanned.tail_start)
        message = xml_message(error)
        if message.startswith(_LIBXML_TOO_DEEP):
            raise too_deep() from None
        raise NMLError(f"the collection file is not valid XML: {message} (line {line}, column {column})") from None
    except ValueError as error:  # e.g. an encoding declaration lxml refuses on bytes input
        raise NMLError(f"the collection file cannot be read: {error}") from None
