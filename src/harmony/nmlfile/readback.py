"""Reading a just-written collection back from disk, to prove it before it replaces the DJ's file.

:func:`read_back` streams the file once, in pieces, and never holds it whole (at 100,000 tracks it is 150 MB,
and the export still holds the collection it wrote from):

- every byte goes through libxml2 (lxml's parser, hardened as the codec's) with a target that takes no events:
  no tree and no Python call per element, about three times faster than expat with no handlers; the whole file
  must be well-formed XML. libxml2 reads the file by its name, on a thread of its own: lxml lets go of the
  interpreter while it parses a file it opened itself, so this check (the longest part: 0.6 s of 1.1 s at
  100,000 tracks) runs on a second core beside the rest. If libxml2 cannot open the name (lxml then only logs
  it), the file is read again and fed to it in pieces;
- every byte is hashed as it is read here: the fingerprint the export records is of the bytes on disk (libxml2's
  own read of the same file, closed and Harmony's own, sees the same bytes);
- the *skeleton* (everything but the collection's entries: prolog, head, playlists…) is kept and loaded with
  :func:`harmony.nml.load`, which checks it is a Traktor collection and counts its playlists;
- the entries are counted as the codec cuts them: the ``<ENTRY`` start tags between ``<COLLECTION>`` and
  ``</COLLECTION>``.

A collection whose entries hold comments, CDATA sections or processing instructions (where ``<ENTRY`` need not
be a tag) is loaded whole instead, as is a file without a COLLECTION.
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

from lxml import etree

from harmony import nml
from harmony.background import Background, started
from harmony.errors import NMLError
from harmony.nml import MARKUP, count_tracks_and_playlists

__all__ = ["ReadBack", "UnreadableFileError", "read_back"]

_PIECE = 1 << 20
_COLLECTION_START = re.compile(rb"""<COLLECTION(?:\s+[^\s=/>]+\s*=\s*(?:"[^"]*"|'[^']*'))*\s*>""")
_COLLECTION_END = b"</COLLECTION"
_ENTRY = re.compile(rb"<ENTRY[\s>/]")
# How far back from a piece's end the COLLECTION start tag may begin (Traktor writes ``<COLLECTION ENTRIES="n">``).
_TAG_SPAN = 4096
# A match may start this many bytes before a piece's end and still be cut by it: those bytes wait for the next.
_OVERLAP = max(7, len(_COLLECTION_END)) - 1


class UnreadableFileError(NMLError):
    """The system would not let the file be read (a lock, a permission, a drive gone): nothing is known of its
    bytes, and a later read may succeed."""


@dataclass(frozen=True, slots=True)
class ReadBack:
    """What the file on disk holds: its size and SHA-256, and ``(tracks, playlists)`` as ``summarize`` counts."""

    size: int
    sha256: str
    counts: tuple[int, int]


class _NoEvents:
    """A parser target that takes no events: libxml2 then only checks the XML, building nothing."""

    def close(self) -> None:
        return None


def _checker() -> etree.XMLParser:
    return etree.XMLParser(
        target=cast(Any, _NoEvents()),  # the stubs' ParserTarget wants the event methods it must not have
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=True,
    )


class _Entries:
    """Counts ``<ENTRY`` tags in the collection's content as it streams past, and watches for markup."""

    def __init__(self) -> None:
        self.count = 0
        self.markup = False
        self.carry = b""

    def feed(self, text: bytes, final: bool) -> None:
        buffer = self.carry + text
        limit = len(buffer) if final else max(0, len(buffer) - _OVERLAP)
        self.count += sum(1 for match in _ENTRY.finditer(buffer) if match.start() < limit)
        self.markup = self.markup or any(match.start() < limit for match in MARKUP.finditer(buffer))
        self.carry = buffer[limit:]


def read_back(path: Path) -> ReadBack:
    """Read ``path`` as described in the module doc; raise :class:`NMLError` if it is not a sound collection."""
    checking = started("harmony-readback", _check_well_formed, path)
    try:
        found = _streamed(path, checking)
    finally:
        checking.exception()  # never left running, whatever the streamed read raised
    _raise_if_malformed(checking)
    if found is None:
        return _read_whole(path)
    return found


def _check_well_formed(path: Path) -> None:
    """libxml2 reads the whole file and checks it, by its name (its parser made on the thread that uses it, as
    lxml asks); raises :class:`etree.XMLSyntaxError` for a file that is not well-formed.

    If libxml2 cannot open the name (an unusual path on some systems), lxml raises nothing when the parser has a
    target: it only logs it. The file's pieces, read here, are then fed to libxml2 instead."""
    parser = _checker()
    try:
        etree.parse(_name_for_libxml2(path), parser)
    except etree.XMLSyntaxError:
        raise
    except (OSError, etree.LxmlError):
        pass  # not the XML's fault: the pieces decide
    else:
        if len(parser.error_log) == 0:
            return
    _fed(path)


def _name_for_libxml2(path: Path) -> str:
    """The name libxml2 opens the file by: the absolute path (a relative one would be read against libxml2's idea
    of a base URI)."""
    return os.fspath(path.absolute())


def _fed(path: Path) -> None:
    """Feed the file to libxml2 in pieces; raises :class:`etree.XMLSyntaxError` for a file that is not
    well-formed."""
    parser = _checker()
    try:
        with open(path, "rb") as handle:
            while piece := handle.read(_PIECE):
                parser.feed(piece)
    except OSError as error:
        raise UnreadableFileError(f"cannot read {path}: {error.strerror or error}") from None
    parser.close()


def _raise_if_malformed(checking: Background[None]) -> None:
    """Wait for libxml2's check; raise :class:`NMLError` if the file is not well-formed XML."""
    error = checking.exception()
    if isinstance(error, etree.XMLSyntaxError):
        raise NMLError(f"the collection file is not valid XML: {_message(error)}") from None
    if error is not None:
        raise error


def _message(error: etree.XMLSyntaxError) -> str:
    """libxml2's message and position, without the file name lxml adds (a temporary file's name means
    nothing to a DJ)."""
    line, column = error.position if error.position else (1, 1)
    return f"{nml.xml_message(error)} (line {line}, column {column})"


def _streamed(path: Path, checking: Background[None]) -> ReadBack | None:
    """The streamed read of :func:`read_back` (besides libxml2's check): None for a file to load whole."""
    digest = hashlib.sha256()
    head = bytearray()
    tail: list[bytes] = []  # joined once, with the head, into the skeleton
    collection_start = -1  # in head: where the content of COLLECTION starts
    entries = _Entries()
    size = 0
    pending = b""  # content bytes that may hold the start of "</COLLECTION"
    try:
        with open(path, "rb") as handle:
            while piece := handle.read(_PIECE):
                size += len(piece)
                digest.update(piece)
                if collection_start < 0:
                    # Only the new bytes (and a start tag cut by the previous piece) are searched again.
                    searched_from = max(0, len(head) - _TAG_SPAN)
                    head += piece
                    match = _COLLECTION_START.search(head, searched_from)
                    if match is None:
                        continue
                    collection_start = match.end()
                    piece = bytes(head[collection_start:])
                    del head[collection_start:]
                if tail:
                    tail.append(piece)
                    continue
                buffer = pending + piece
                end = buffer.find(_COLLECTION_END)
                if end >= 0:
                    entries.feed(buffer[:end], True)
                    tail.append(buffer[end:])
                    pending = b""
                else:
                    keep = min(len(buffer), len(_COLLECTION_END) - 1)
                    entries.feed(buffer[: len(buffer) - keep], False)
                    pending = buffer[len(buffer) - keep :]
        if size == 0:
            raise NMLError("the collection file is empty")
    except OSError as error:
        raise UnreadableFileError(f"cannot read {path}: {error.strerror or error}") from None
    if collection_start < 0 or not tail or entries.markup:
        return None
    _raise_if_malformed(checking)  # the skeleton below is only read from a well-formed file
    data = b"".join([head, *tail])  # one copy of the tail (6 MB at 100,000 tracks) beside its pieces
    del head, tail
    skeleton = nml.load(data, read_only=True)  # only counted: no layout check
    _, playlists = count_tracks_and_playlists(skeleton)
    return ReadBack(size, digest.hexdigest(), (entries.count, playlists))


def _read_whole(path: Path) -> ReadBack:
    """The unusual file: loaded whole, every entry checked well-formed, counted from the codec's cut."""
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise UnreadableFileError(f"cannot read {path}: {error.strerror or error}") from None
    collection = nml.load(raw)
    collection.check()
    return ReadBack(len(raw), hashlib.sha256(raw).hexdigest(), count_tracks_and_playlists(collection))
