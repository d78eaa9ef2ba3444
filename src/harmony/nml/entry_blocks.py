"""A playlist's entries kept as the file's bytes until an edit needs them as elements.

Traktor lists a playlist's tracks one per line, ``<ENTRY><PRIMARYKEY TYPE="TRACK" KEY="…"></PRIMARYKEY>`` and
``</ENTRY>``. A big collection's playlists hold tens of thousands of them: as lxml elements about 40 MB at
100,000 tracks, seven times their bytes, kept through an import or an export that reads their keys and changes
a few playlists at most.

So when the whole content of a ``PLAYLIST`` is such entries, in exactly the layout Traktor and Harmony's
serialiser write, the skeleton is parsed with that content replaced by a *marker* (the PLAYLIST element's text:
a private-use character, a random word and the block's number), and the entries stay a *block* of the file's bytes:

- the keys are read from the bytes: one regular expression, then the few escapes that layout holds;
- an edit *inflates* the playlist first: its block is parsed into elements, as if it had never been cut;
- writing puts each marker's block back; its bytes are already what the serialiser would write for them.

Small playlists are left to the parser too (:data:`MIN_ENTRIES`): their elements cost little. Anything else is
left to the parser as before: another layout, an escape the serialiser would not write, bytes
that are not UTF-8 or not XML characters, a comment, CDATA or processing instruction anywhere in the skeleton
(a file that declares another encoding than UTF-8 is refused before, by :mod:`harmony.nml.scan`). So a cut never
changes what is read or written, only its cost.
"""

from __future__ import annotations

import re
import secrets
from array import array
from typing import Final

from lxml import etree

from harmony.nml.limits import MAX_DEPTH, too_deep
from harmony.nml.tags import has_markup, start_tag

__all__ = ["MIN_ENTRIES", "EntryBlocks"]

_MARK: Final = "\ue001"
_PLAYLIST_START: Final = start_tag(rb"PLAYLIST")
_PLAYLIST_END: Final = b"</PLAYLIST"
_DECLARATION: Final = re.compile(rb"\s*<\?xml[^>]*>")
# A KEY value as lxml serialises it: no raw control characters (a tab, newline or carriage return is written as
# a character reference, any other is not XML), and only these escapes (``>`` and ``'`` stay raw).
_VALUE: Final = rb'[^"&<\x00-\x1f]*(?:&(?:amp|lt|quot|#9|#10|#13);[^"&<\x00-\x1f]*)*'
_LINE: Final = rb'<ENTRY><PRIMARYKEY TYPE="TRACK" KEY="%s"></PRIMARYKEY>\n</ENTRY>\n'
_BLOCK: Final = re.compile(rb"(?:" + _LINE % _VALUE + rb")+")
_KEY: Final = re.compile(_LINE % rb'([^"]*)')
# U+FFFE and U+FFFF are valid UTF-8 but not XML characters.
_NOT_XML: Final = (b"\xef\xbf\xbe", b"\xef\xbf\xbf")
# The depth of a PRIMARYKEY below its PLAYLIST.
_ENTRY_LEVELS: Final = 2
# A cut costs a Python step per playlist and saves about 600 bytes per entry: worth it for a playlist of this
# many entries, and for a file whose playlists hold this many on average (100,000 playlists of one entry each
# would cost 0.4 s to cut and save nothing).
MIN_ENTRIES: Final = 16
_SHORTEST_LINE: Final = len(_LINE % b"")  # an entry with an empty key: the average is judged by bytes, one count


def _unescape(text: str) -> str:
    if "&" not in text:
        return text
    for escape, character in (("&lt;", "<"), ("&quot;", '"'), ("&#9;", "\t"), ("&#10;", "\n"), ("&#13;", "\r")):
        text = text.replace(escape, character)
    return text.replace("&amp;", "&")  # last: "&amp;lt;" is the text "&lt;"


def _plain(data: bytes, start: int, end: int) -> bool:
    """Whether ``data[start:end]`` is only plain entries in the serialiser's layout, in valid UTF-8 XML text."""
    if _BLOCK.fullmatch(data, start, end) is None:
        return False
    if any(data.find(bad, start, end) >= 0 for bad in _NOT_XML):
        return False
    try:
        str(memoryview(data)[start:end], "utf-8")
    except UnicodeDecodeError:
        return False
    return True


class EntryBlocks:
    """The playlists' entry blocks of one skeleton, as spans of ``data``.

    A marker holds a random word drawn for this skeleton, so no text can pass for one: not a file's (read before
    the word was drawn, and which may spell the marker character with a reference), nor a name set later."""

    __slots__ = ("_counts", "_data", "_ends", "_prefix", "_starts")

    def __init__(self, data: bytes) -> None:
        self._data = data
        self._starts = array("q")
        self._ends = array("q")
        self._counts = array("q")
        self._prefix = _MARK + secrets.token_hex(8)  # then the block's number, then _MARK

    def __len__(self) -> int:
        return len(self._starts)

    @classmethod
    def cut(cls, data: bytes, head_end: int, tail_start: int) -> tuple[bytes, EntryBlocks]:
        """The skeleton's bytes (``data`` without ``data[head_end:tail_start]``, the collection's entries), with
        each plain playlist's entries replaced by a marker, and the blocks they were cut into."""
        blocks = cls(data)
        end = len(data)
        # Where a "<PLAYLIST" could be a comment's, CDATA's or instruction's text (one may open in the head and
        # run on into the tail), no cut.
        declaration = _DECLARATION.match(data)
        if (
            end - tail_start < MIN_ENTRIES * _SHORTEST_LINE * data.count(b"<PLAYLIST ", tail_start, end)
            or has_markup(data, tail_start, end)
            or has_markup(data, 0 if declaration is None else declaration.end(), head_end)
        ):
            return data[:head_end] + data[tail_start:], blocks
        pieces = [data[:head_end]]
        position = tail_start
        for match in _PLAYLIST_START.finditer(data, tail_start, end):
            if match.group(1):  # <PLAYLIST …/>: nothing in it
                continue
            content_start = match.end()
            content_end = data.find(_PLAYLIST_END, content_start, end)
            if content_end < 0:
                break  # cut off: the parser reports it
            count = data.count(b"<ENTRY>", content_start, content_end)
            if count < MIN_ENTRIES or not _plain(data, content_start, content_end):
                continue
            pieces += (data[position:content_start], blocks._add(content_start, content_end, count))
            position = content_end
        pieces.append(data[position:end])
        return b"".join(pieces), blocks

    def _add(self, start: int, end: int, count: int) -> bytes:
        number = len(self._starts)
        self._starts.append(start)
        self._ends.append(end)
        self._counts.append(count)
        return f"{self._prefix}{number}{_MARK}".encode()

    def _block(self, playlist: etree._Element) -> int | None:
        """The number of the block ``playlist`` (a PLAYLIST element) holds, or None when it holds elements."""
        text = playlist.text
        if not self._starts or not text or not text.startswith(self._prefix) or text[-1] != _MARK or len(playlist):
            return None
        return int(text[len(self._prefix) : -1])  # only this skeleton's markers start with its random word

    def is_cut(self, playlist: etree._Element) -> bool:
        """Whether ``playlist`` holds its entries as bytes."""
        return self._block(playlist) is not None

    def keys(self, playlist: etree._Element) -> list[str] | None:
        """The KEY of each entry of a cut ``playlist``, in order; None when its entries are elements."""
        number = self._block(playlist)
        if number is None:
            return None
        found = _KEY.findall(self._data, self._starts[number], self._ends[number])
        return [_unescape(key.decode("utf-8")) for key in found]

    def count(self, playlist: etree._Element) -> int:
        """How many entries ``playlist`` holds, cut or not."""
        number = self._block(playlist)
        return len(playlist.findall("ENTRY")) if number is None else self._counts[number]

    def inflate(self, playlist: etree._Element, parser: etree.XMLParser) -> None:
        """Give a cut ``playlist`` its entries as elements (before an edit); nothing for one that has them."""
        number = self._block(playlist)
        if number is None:
            return
        content = self._data[self._starts[number] : self._ends[number]]
        holder = etree.fromstring(b"<PLAYLIST>" + content + b"</PLAYLIST>", parser)
        playlist.text = None
        playlist.extend(list(holder))

    def check_depth(self, root: etree._Element) -> None:
        """Refuse the file, as a whole parse would, when a cut playlist's entries lie deeper than
        :data:`~harmony.nml.limits.MAX_DEPTH` (``root`` is ``NML``, at depth 1)."""
        if not self._starts:
            return
        for playlist in root.iter("PLAYLIST"):
            if self._block(playlist) is not None:
                depth = 1 + sum(1 for _ in playlist.iterancestors())
                if depth + _ENTRY_LEVELS > MAX_DEPTH:
                    raise too_deep()

    def restore(self, text: bytes) -> bytes:
        """Serialised skeleton ``text`` with every marker replaced by its block's bytes."""
        if not self._starts:
            return text
        # Every occurrence of the prefix is a marker: no other text can hold its random word.
        prefix, mark = self._prefix.encode(), _MARK.encode()
        first, *rest = text.split(prefix)
        pieces = [first]
        for piece in rest:
            number_end = piece.index(mark)
            number = int(piece[:number_end])
            pieces += (self._data[self._starts[number] : self._ends[number]], piece[number_end + len(mark) :])
        return b"".join(pieces)
