"""An entry's playlist key (VOLUME + DIR + FILE of its LOCATION) read straight from its bytes.

Finding one track by key (:meth:`~harmony.nml.Collection.track_by_key`, which an export calls for every track
it edits) needs an index of every entry's key. Parsing every entry with lxml to build it costs about as much as
a full read of the collection; the key is three attributes of one start tag, so a regular expression over the
entry's bytes finds it at a fraction of that.

The whole collection is searched in one pass (C speed), the matches then assigned to their entries. Only the
plain case is read this way: exactly one ``<LOCATION`` in the entry, no comment, CDATA section or processing
instruction in it, and attribute values whose only references are XML's five named entities and character
references to characters XML allows, with no raw tab, newline or carriage return (which XML would normalise).
Anything else answers :data:`UNSURE`, and the caller parses that entry with lxml as before, so the key is
always the one an XML parser gives.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence
from typing import Final

from harmony.nml.tags import MARKUP, has_markup

__all__ = ["UNSURE", "location_keys"]

UNSURE: Final = object()
"""Answered for an entry not in the plain form this module reads: parse it with an XML parser."""

_LOCATION_MARK = re.compile(rb"<LOCATION")
# Traktor's own attribute order, read at once; any other order goes through the general pattern.
_TRAKTOR_LOCATION = re.compile(rb"""<LOCATION DIR="([^"]*)" FILE="([^"]*)" VOLUME="([^"]*)" VOLUMEID="[^"]*">""")
# A LOCATION start tag; attribute values may hold a raw ">" (Traktor leaves it unescaped).
_LOCATION = re.compile(rb"""<LOCATION((?:\s+[^\s=/>]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*/?>""")
_ATTRIBUTE = re.compile(rb"""([^\s=/>]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_KEY_PARTS: Final = (b"VOLUME", b"DIR", b"FILE")
_NORMALISED = re.compile(rb"[\t\n\r]")
_REFERENCE = re.compile(r"&(?:#x([0-9a-fA-F]+)|#([0-9]+)|(amp|lt|gt|quot|apos));")
_NAMED = {"amp": "&", "lt": "<", "gt": ">", "quot": '"', "apos": "'"}


def location_keys(data: bytes, spans: Sequence[tuple[int, int]]) -> list[str | object | None]:
    """The key of each entry ``data[start:end]`` of ``spans`` (in document order, not overlapping): a string,
    None when the entry has no LOCATION, or :data:`UNSURE`."""
    keys: list[str | object | None] = [None] * len(spans)
    if not spans:
        return keys
    first, last = spans[0][0], spans[-1][1]
    if not has_markup(data, first, last):
        traktor = _traktor_keys(data, spans)
        if traktor is not None:
            return traktor
    starts = [start for start, _ in spans]

    def owner(position: int) -> int | None:
        index = bisect_right(starts, position) - 1
        return index if index >= 0 and position < spans[index][1] else None

    seen = [False] * len(spans)
    for match in _LOCATION_MARK.finditer(data, first, last):
        index = owner(match.start())
        if index is None:
            continue
        keys[index] = UNSURE if seen[index] else _key_at(data, match.start(), spans[index][1])
        seen[index] = True
    for match in MARKUP.finditer(data, first, last):
        index = owner(match.start())
        if index is not None:
            keys[index] = UNSURE
    return keys


def _traktor_keys(data: bytes, spans: Sequence[tuple[int, int]]) -> list[str | object | None] | None:
    """The common case at once: every entry has exactly one LOCATION, in Traktor's attribute order. None when
    that is not so: then each match is looked at on its own.

    Each entry is searched from its own start: Traktor writes LOCATION first, so the search for it is short, and
    the search for a second one runs at the speed of a byte search (faster than one pattern over everything)."""
    keys: list[str | object | None] = []
    append = keys.append
    find = data.find
    traktor_at = _TRAKTOR_LOCATION.match
    for start, end in spans:
        at = find(b"<LOCATION", start, end)
        if at < 0 or find(b"<LOCATION", at + 1, end) >= 0:
            return None
        match = traktor_at(data, at, end)
        if match is None:
            return None
        folder, file, volume = match.groups()
        try:
            text = (volume + folder + file).decode("utf-8")
        except UnicodeDecodeError:
            append(UNSURE)
            continue
        # The plain case needs no more than these four searches; anything else takes the careful way.
        if "&" in text or "\t" in text or "\n" in text or "\r" in text:
            append(_key_of(volume, folder, file))
        else:
            append(text)
    return keys


def _key_at(data: bytes, position: int, end: int) -> str | object:
    """The key of the LOCATION tag at ``position`` (before ``end``), or :data:`UNSURE`."""
    match = _TRAKTOR_LOCATION.match(data, position, end)
    if match is not None:
        folder, file, volume = match.groups()
        parts: tuple[bytes, ...] = (volume, folder, file)
    else:
        match = _LOCATION.match(data, position, end)
        if match is None:
            return UNSURE  # "<LOCATION" inside an attribute value, or a tag this pattern does not read
        values: dict[bytes, bytes] = {}
        for name, double, single in _ATTRIBUTE.findall(match.group(1)):
            if name in values:
                return UNSURE  # a duplicate attribute: malformed, let the parser say so
            values[name] = double or single
        parts = tuple(values.get(name, b"") for name in _KEY_PARTS)
    return _key_of(*parts)


def _key_of(volume: bytes, folder: bytes, file: bytes) -> str | object:
    """VOLUME + DIR + FILE as XML reads them, or :data:`UNSURE`."""
    raw = volume + folder + file
    if _NORMALISED.search(raw):
        return UNSURE
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return UNSURE
    if "&" in text:
        return _resolve(text)
    return text


def _resolve(text: str) -> str | object:
    """``text`` with its references replaced, or :data:`UNSURE` for a bare "&" or an unknown reference."""
    if text.count("&") != len(_REFERENCE.findall(text)):
        return UNSURE
    try:
        return _REFERENCE.sub(_replacement, text)
    except ValueError:
        return UNSURE


def _replacement(match: re.Match[str]) -> str:
    hexadecimal, decimal, name = match.groups()
    if name:
        return _NAMED[name]
    code = int(hexadecimal, 16) if hexadecimal else int(decimal)
    if not (
        code in (0x9, 0xA, 0xD) or 0x20 <= code <= 0xD7FF or 0xE000 <= code <= 0xFFFD or 0x10000 <= code <= 0x10FFFF
    ):
        raise ValueError(f"character reference to U+{code:04X}, which XML does not allow")
    return chr(code)
