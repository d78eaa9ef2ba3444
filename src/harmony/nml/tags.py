"""Finding an element's start tag, or markup that is not an element, in a collection's bytes without parsing them.

Traktor leaves ``>`` unescaped in attribute values, so a start tag does not end at the first ``>`` after it: the
pattern steps over each quoted value. Group 1 is ``/`` for a self-closing tag.
"""

from __future__ import annotations

import re

__all__ = ["MARKUP", "START_TAG", "has_markup", "start_tag"]

START_TAG = rb"""<%s(?:\s+[^\s=/>]+\s*=\s*(?:"[^"]*"|'[^']*'))*\s*(/?)>"""

#: The start of a comment, CDATA section, DOCTYPE or processing instruction: where a tag's name may be only text.
MARKUP = re.compile(rb"<[!?]")


def has_markup(data: bytes, start: int, end: int) -> bool:
    """Whether :data:`MARKUP` is found in ``data[start:end]`` (offsets of 0 or more, as every caller's are: a
    negative one would count from the end here, unlike the pattern's).

    Searched from its rare second byte: a one-byte search runs at memory speed, while ``<``, in every tag, would
    stop a search at each one (the pattern takes about three times as long over a whole collection)."""
    for mark in (b"!", b"?"):
        at = data.find(mark, start + 1, end)
        while at >= 0:
            if data[at - 1] == 0x3C:  # "<"
                return True
            at = data.find(mark, at + 1, end)
    return False


def start_tag(name: bytes) -> re.Pattern[bytes]:
    """The start tag of element ``name`` (a regular expression's text: ``rb"([A-Za-z_][\\w.\\-]*)"`` for any)."""
    return re.compile(START_TAG % name)
