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

from harmony.nml import ATTRIBUTE_ORDER
from harmony.nml import PROLOG as PROLOG_BYTES

PROLOG = PROLOG_BYTES.decode("ascii")

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
