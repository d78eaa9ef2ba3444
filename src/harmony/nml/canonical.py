"""Traktor's canonical order of attributes and child elements.

Traktor always writes an element's attributes, and an ENTRY's children, in one fixed order (observed in every
Traktor-written file; see the format notes, section B.4). An edited attribute keeps its place; an attribute or a
child that an edit adds goes where Traktor itself would have put it, so the entry looks as if Traktor wrote it.
Attributes and children Traktor's order does not know stay where they are.
"""

from __future__ import annotations

from lxml import etree

from harmony.errors import NMLError
from harmony.xml_text import xml_can_hold

# Traktor's attribute order per element. The B.4 rows come from Traktor-written files; the rows for HEAD,
# NODE, PRIMARYKEY, SMARTLIST, SEARCH_EXPRESSION, SORTING_INFO and CRITERIA are the order real files show.
ATTRIBUTE_ORDER: dict[str, tuple[str, ...]] = {
    "NML": ("VERSION",),
    "HEAD": ("COMPANY", "PROGRAM"),
    "MUSICFOLDERS": (),
    "COLLECTION": ("ENTRIES",),
    "ENTRY": (
        "MODIFIED_DATE",
        "MODIFIED_TIME",
        "LOCK",
        "LOCK_MODIFICATION_TIME",
        "AUDIO_ID",
        "TITLE",
        "ARTIST",
    ),
    "LOCATION": ("DIR", "FILE", "VOLUME", "VOLUMEID", "WEBADDRESS"),
    "ALBUM": ("OF_TRACKS", "TRACK", "TITLE"),
    "MODIFICATION_INFO": ("AUTHOR_TYPE",),
    "INFO": (
        "BITRATE",
        "GENRE",
        "LABEL",
        "COMMENT",
        "KEY_LYRICS",
        "RATING",
        "REMIXER",
        "PRODUCER",
        "COVERARTID",
        "MIX",
        "CATALOG_NO",
        "KEY",
        "PLAYCOUNT",
        "PLAYTIME",
        "PLAYTIME_FLOAT",
        "RANKING",
        "IMPORT_DATE",
        "LAST_PLAYED",
        "RELEASE_DATE",
        "FLAGS",
        "FILESIZE",
        "COLOR",
    ),
    "TEMPO": ("BPM_TRANSIENTCOHERENCE", "BPM", "BPM_QUALITY"),
    "LOUDNESS": ("PEAK_DB", "PERCEIVED_DB", "ANALYZED_DB"),
    "MUSICAL_KEY": ("VALUE",),
    "LOOPINFO": (
        "ORIGINAL_TITLE",
        "ORIGINAL_TRACKID",
        "ORIGINAL_LOOP_SIZE",
        "ORIGINAL_LOOP_START",
        "SAMPLE_TYPE_INFO",
    ),
    "CUE_V2": ("NAME", "DISPL_ORDER", "TYPE", "START", "LEN", "REPEATS", "HOTCUE", "COLOR"),
    "GRID": ("BPM",),
    "SETS": ("ENTRIES",),
    "PLAYLISTS": (),
    "NODE": ("TYPE", "NAME"),
    "SUBNODES": ("COUNT",),
    "PLAYLIST": ("ENTRIES", "TYPE", "UUID"),
    "PRIMARYKEY": ("TYPE", "KEY"),
    "SMARTLIST": ("UUID",),
    "SEARCH_EXPRESSION": ("VERSION", "QUERY"),
    "INDEXING": (),
    "SORTING_INFO": ("PATH",),
    "CRITERIA": ("ATTRIBUTE", "DIRECTION"),
}

ENTRY_CHILD_ORDER: tuple[str, ...] = (
    "LOCATION",
    "ALBUM",
    "MODIFICATION_INFO",
    "INFO",
    "TEMPO",
    "LOUDNESS",
    "MUSICAL_KEY",
    "LOOPINFO",
    "CUE_V2",
    "STEMS",
)


def _rank(order: tuple[str, ...], name: str) -> int | None:
    try:
        return order.index(name)
    except ValueError:
        return None


def attributes_of(element: etree._Element) -> dict[str, str]:
    """A plain dict of ``element``'s attributes, copied in one C call (lxml reads them as ``str``)."""
    return dict(element.attrib)  # type: ignore[arg-type]


def set_attribute(element: etree._Element, name: str, value: str) -> bool:
    """Set ``name`` to ``value``; return True if the element changed.

    An existing attribute keeps its position. A new one is placed after the last attribute that Traktor writes
    before it (or first, if there is none), which lxml can only do by re-inserting the attributes that follow.
    """
    attrib = element.attrib
    current = attrib.get(name)
    if current == value:
        return False
    check_xml_text(name, value)
    if current is not None:
        attrib[name] = value
        return True
    order = ATTRIBUTE_ORDER.get(str(element.tag), ())
    rank = _rank(order, name)
    names = [str(key) for key in attrib]
    if rank is None or not names:
        attrib[name] = value
        return True
    insert_at = 0
    for index, existing in enumerate(names):
        existing_rank = _rank(order, str(existing))
        if existing_rank is not None and existing_rank < rank:
            insert_at = index + 1
    if insert_at == len(names):
        attrib[name] = value
        return True
    moved = [(key, attrib[key]) for key in names[insert_at:]]
    for key, _ in moved:
        del attrib[key]
    attrib[name] = value
    for key, moved_value in moved:
        attrib[key] = moved_value
    return True


def check_xml_text(name: str, value: str) -> None:
    # Refused before lxml is asked, so that a bad value never half-applies an edit.
    if not xml_can_hold(value):
        raise NMLError(f"the value for {name} contains characters a collection.nml cannot hold: {value!r}")


def remove_attribute(element: etree._Element, name: str) -> bool:
    """Remove ``name`` if present; return True if the element changed."""
    if name in element.attrib:
        del element.attrib[name]
        return True
    return False


def insert_child(parent: etree._Element, child: etree._Element, order: tuple[str, ...]) -> None:
    """Insert ``child`` at Traktor's position for its tag among ``parent``'s children.

    It goes after the last existing child whose tag Traktor writes before or together with it (so a new cue
    lands after the existing cues), else before the first child.
    """
    rank = _rank(order, str(child.tag))
    if rank is None:
        parent.append(child)
        return
    position = 0
    for index, existing in enumerate(parent):
        existing_rank = _rank(order, str(existing.tag))
        if existing_rank is not None and existing_rank <= rank:
            position = index + 1
    parent.insert(position, child)
