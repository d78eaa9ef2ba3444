"""The shapes Harmony reads, and the ones it refuses because Traktor never writes them.

Reading a collection must cost time linear in its size whatever the file holds, and memory bounded by its
size. Most of the reading is linear by construction (expat and libxml2 are), but a few steps are not for
shapes no real collection has: lxml reads an element's attributes by looking each one up by name, so one element
with 200,000 attributes takes minutes; a playlist tree nested thousands deep would exhaust Python's stack. Such
files are refused up front, each with one line that says which limit they broke, rather than read slowly.

The limits are far above what Traktor writes (measured on real collections: at most 19 attributes on an
element, entries of 1–3 KB with 2 KB of lyrics at most, a dozen levels of nesting, 150 MB for 100,000 tracks):

- :data:`MAX_COLLECTION_BYTES`: the whole file;
- :data:`MAX_ENTRY_BYTES`: one track (``ENTRY``), so also any attribute value, text or run of cues in it;
- :data:`MAX_ATTRIBUTES`: attributes on one element;
- :data:`MAX_DEPTH`: nesting of elements, counted from ``NML`` (playlist folders nest two levels each).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Final

from lxml import etree

from harmony.errors import NMLError

__all__ = [
    "ENTRY_DEPTH",
    "MAX_ATTRIBUTES",
    "MAX_COLLECTION_BYTES",
    "MAX_DEPTH",
    "MAX_ENTRY_BYTES",
    "check_attribute_count",
    "check_collection_size",
    "check_entry_size",
    "check_tree",
    "check_written_entry_size",
    "too_deep",
]

MAX_COLLECTION_BYTES: Final = 1 << 30  # 1 GiB: room for about 700,000 tracks
MAX_ENTRY_BYTES: Final = 1 << 20  # 1 MiB: about 8,000 cue points on one track
MAX_ATTRIBUTES: Final = 100
MAX_DEPTH: Final = 256

#: The depth of a track's ``ENTRY`` (``NML`` → ``COLLECTION`` → ``ENTRY``).
ENTRY_DEPTH: Final = 3


def _size(count: int) -> str:
    return f"{count / (1 << 20):,.1f} MB" if count >= 1 << 20 else f"{count:,} bytes"


def check_collection_size(size: int) -> None:
    """Refuse a file larger than :data:`MAX_COLLECTION_BYTES`."""
    if size > MAX_COLLECTION_BYTES:
        raise NMLError(
            f"the collection file is {_size(size)}, more than the {_size(MAX_COLLECTION_BYTES)} Harmony reads "
            "(a 100,000-track collection is about 150 MB); it is not a Traktor collection or it is damaged"
        )


def check_entry_size(size: int, line: int) -> None:
    """Refuse a track (``ENTRY``) larger than :data:`MAX_ENTRY_BYTES`; ``line`` is where it starts."""
    if size > MAX_ENTRY_BYTES:
        raise NMLError(
            f"the track at line {line} of the collection file is {_size(size)}, more than the "
            f"{_size(MAX_ENTRY_BYTES)} Harmony allows one track (Traktor writes 1 to 3 KB); the file is damaged"
        )


def check_written_entry_size(size: int, track: str) -> None:
    """Refuse to write a track (``ENTRY``) that :func:`check_entry_size` would refuse to read back: a collection
    written with it would be taken for damaged at the next import. ``track`` names it for the DJ."""
    if size > MAX_ENTRY_BYTES:
        raise NMLError(
            f"{track} would take {_size(size)} in the collection file, more than the {_size(MAX_ENTRY_BYTES)} "
            "Harmony reads back for one track (Traktor writes 1 to 3 KB): shorten its longest text or remove "
            "cue points, then export again. Nothing was written."
        )


def check_attribute_count(tag: str, count: int) -> None:
    """Refuse an element with more than :data:`MAX_ATTRIBUTES` attributes."""
    if count > MAX_ATTRIBUTES:
        raise NMLError(
            f"a <{tag}> element in the collection file has {count:,} attributes, more than the "
            f"{MAX_ATTRIBUTES} Harmony allows (Traktor writes about 20); the file is damaged"
        )


def too_deep() -> NMLError:
    """The error for elements nested more than :data:`MAX_DEPTH` levels."""
    return NMLError(
        f"the collection file nests elements more than {MAX_DEPTH} levels deep (Traktor's go about a dozen "
        "levels); the file is damaged"
    )


def check_tree(element: etree._Element, depth: int = 1) -> None:
    """Check ``element`` and its descendants against the attribute and depth limits; ``depth`` is the
    element's own depth in the document (1 for ``NML``, 3 for an ``ENTRY``). Linear in the number of
    elements: counting an element's attributes walks its list once, where reading them through lxml would
    look each one up by name."""
    if _has_descendant_at(MAX_DEPTH - depth + 1)(element):
        raise too_deep()
    for node in element.iter(etree.Element):  # elements only: comments have no attributes
        count = len(node.attrib)
        if count > MAX_ATTRIBUTES:
            check_attribute_count(str(node.tag), count)


@lru_cache(maxsize=4)
def _has_descendant_at(levels: int) -> etree.XPath:
    """An XPath that is true when the element has a descendant ``levels`` below it, found at C speed: each
    step visits the children of the previous step's nodes, so every element is visited at most once."""
    return etree.XPath("boolean(" + "/".join(["*"] * levels) + ")")
