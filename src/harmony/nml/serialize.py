"""Serialising elements exactly the way Traktor writes them.

Traktor's layout: its own prolog, no indentation, the first child on the parent's start-tag line, ``<X></X>``
for an empty element, one newline after every closing tag, double quotes, and only ``&``, ``<`` and ``"``
escaped (``>`` and ``'`` stay raw). lxml's C serialiser does nearly all of it once whitespace is normalised;
the one difference, ``&gt;``, is undone afterwards. That replacement is exact: lxml escapes every ``&`` of the
data as ``&amp;``, so an ``&gt;`` in its output can only come from a ``>``.
"""

from __future__ import annotations

from lxml import etree

from harmony.xml_text import XML_SPACE

PROLOG = b'<?xml version="1.0" encoding="UTF-8" standalone="no" ?>\n'


def normalise_layout(element: etree._Element) -> None:
    """Give ``element`` and its descendants Traktor's whitespace, in place.

    Text of XML whitespace only (indentation written by other tools) is dropped, an empty element gets empty
    text so that it is written ``<X></X>``, and every element is followed by one newline. Real text is kept as
    it is, a no-break or ideographic space too.
    """
    for node in element.iter():
        if not isinstance(node.tag, str):  # comments and processing instructions keep their text
            node.tail = "\n"
            continue
        text = node.text
        if len(node):
            if text is not None and not text.strip(XML_SPACE):
                node.text = None
        elif text is None or not text.strip(XML_SPACE):
            node.text = ""
        node.tail = "\n"


def serialize(element: etree._Element) -> bytes:
    """``element`` in Traktor's layout, followed by its newline. Normalises the element's whitespace first."""
    normalise_layout(element)
    data: bytes = etree.tostring(element, encoding="UTF-8", xml_declaration=False, with_tail=True)
    return data.replace(b"&gt;", b">")
