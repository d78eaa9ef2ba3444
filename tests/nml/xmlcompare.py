"""Comparing two NML documents element by element, for round-trip tests."""

from __future__ import annotations

from typing import Any

from lxml import etree


def outline(element: etree._Element) -> Any:
    """Tag, attributes (names, order, values), non-whitespace text and tails, and children, recursively.

    Whitespace-only text is layout (indentation, Traktor's newlines), not content."""
    text = element.text if element.text and element.text.strip() else None
    tail = element.tail if element.tail and element.tail.strip() else None
    return (
        element.tag,
        list(element.attrib.items()),
        text,
        tail,
        [outline(child) for child in element if isinstance(child.tag, str)],
    )


def document_outline(data: bytes) -> Any:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
    return outline(etree.fromstring(data.removeprefix(b"\xef\xbb\xbf"), parser))
