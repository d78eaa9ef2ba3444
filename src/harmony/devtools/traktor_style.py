"""Write XML the way Traktor 3 writes ``collection.nml``, one element at a time.

The generator streams a whole collection to disk, so it cannot build a DOM and serialise it; instead it
formats each element as text with these helpers. They reproduce Traktor's on-disk style (reference B.1): no
indentation, the first child on its parent's start-tag line, ``<X></X>`` for empty elements, one ``\\n``
after every closing tag, double quotes, and only ``&``, ``<`` and ``"`` escaped. Attributes are always
written in Traktor's canonical order (reference B.4); :func:`element` refuses an attribute the table does
not know, so a typo or an unplanned attribute fails loudly instead of landing in a non-canonical position.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

PROLOG = '<?xml version="1.0" encoding="UTF-8" standalone="no" ?>\n'

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
    "LOCATION": ("DIR", "FILE", "VOLUME", "VOLUMEID"),
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

_KNOWN_ATTRIBUTES: dict[str, frozenset[str]] = {name: frozenset(order) for name, order in ATTRIBUTE_ORDER.items()}


def escape(value: str) -> str:
    """Escape an attribute value as Traktor does: ``&``, ``<`` and ``"`` only; ``>`` and ``'`` stay raw."""
    if "&" in value:
        value = value.replace("&", "&amp;")
    if "<" in value:
        value = value.replace("<", "&lt;")
    if '"' in value:
        value = value.replace('"', "&quot;")
    return value


def start_tag(name: str, attributes: Mapping[str, str | None]) -> str:
    """``<NAME a="…" …>`` with the attributes in canonical order; ``None`` values are left out.

    Values must already be text; they are escaped here. Raises ``ValueError`` for an attribute that has no
    canonical place on this element.
    """
    order = ATTRIBUTE_ORDER[name]
    unknown = attributes.keys() - _KNOWN_ATTRIBUTES[name]
    if unknown:
        raise ValueError(f"{name} has no canonical place for attribute(s) {sorted(unknown)}")
    parts = [
        f'{attribute}="{escape(value)}"' for attribute in order if (value := attributes.get(attribute)) is not None
    ]
    return f"<{name} {' '.join(parts)}>" if parts else f"<{name}>"


def element(name: str, attributes: Mapping[str, str | None] | None = None, children: Iterable[str] = ()) -> str:
    """A whole element in Traktor's layout: children inline after the start tag, ``\\n`` after the end tag.

    Each child is a string produced by :func:`element` (so it already ends with ``\\n``).
    """
    return f"{start_tag(name, attributes or {})}{''.join(children)}</{name}>\n"


def fmt_float(value: float) -> str:
    """Traktor 3's float style: six decimals (``%.6f``)."""
    return f"{value:.6f}"
