"""An entry's playlist key (VOLUME + DIR + FILE of its LOCATION) read straight from its bytes.

Finding one track by key (:meth:`~harmony.nml.Collection.track_by_key`, which an export calls for every track
it edits) needs an index of every entry's key. Parsing every entry with lxml to build it costs about as much as
a full read of the collection; the key is three attributes of one start tag, so a regular expression over the
entry's bytes finds it at a fraction of that.

Only the plain case is read this way: exactly one ``<LOCATION`` in the entry, no comment or CDATA section, and
attribute values with no entity reference and no tab, newline or carriage return (which XML would normalise).
Anything else answers :data:`UNSURE`, and the caller parses the entry with lxml as before, so the key is always
the one an XML parser gives.
"""

from __future__ import annotations

import re
from typing import Final

__all__ = ["UNSURE", "location_key"]

UNSURE: Final = object()
"""Returned when the entry is not in the plain form this module reads: parse it with an XML parser."""

# A LOCATION start tag; attribute values may hold a raw ">" (Traktor leaves it unescaped).
_LOCATION = re.compile(rb"""<LOCATION((?:\s+[^\s=/>]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*/?>""")
_ATTRIBUTE = re.compile(rb"""([^\s=/>]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_KEY_PARTS: Final = (b"VOLUME", b"DIR", b"FILE")
_UNPLAIN: Final = (b"&", b"\t", b"\n", b"\r")


def location_key(data: bytes, start: int, end: int) -> str | object | None:
    """The key of the entry ``data[start:end]``: a string, None when it has no LOCATION, or :data:`UNSURE`."""
    if data.count(b"<LOCATION", start, end) != 1:
        return None if data.find(b"<LOCATION", start, end) < 0 and not _has_markup(data, start, end) else UNSURE
    if _has_markup(data, start, end):
        return UNSURE
    match = _LOCATION.search(data, start, end)
    if match is None:
        return UNSURE  # "<LOCATION" inside an attribute value, or a tag this pattern does not read
    values: dict[bytes, bytes] = {}
    for name, double, single in _ATTRIBUTE.findall(match.group(1)):
        if name in values:
            return UNSURE  # a duplicate attribute: malformed, let the parser say so
        values[name] = double if double or not single else single
    parts = [values.get(name, b"") for name in _KEY_PARTS]
    if any(mark in part for part in parts for mark in _UNPLAIN):
        return UNSURE
    try:
        return b"".join(parts).decode("utf-8")
    except UnicodeDecodeError:
        return UNSURE


def _has_markup(data: bytes, start: int, end: int) -> bool:
    """Whether the entry holds a comment, CDATA section or processing instruction (where tags are not tags)."""
    return data.find(b"<!", start, end) >= 0 or data.find(b"<?", start, end) >= 0
