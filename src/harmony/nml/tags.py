"""Finding an element's start tag, or markup that is not an element, in a collection's bytes without parsing them.

Traktor leaves ``>`` unescaped in attribute values, so a start tag does not end at the first ``>`` after it: the
pattern steps over each quoted value. Group 1 is ``/`` for a self-closing tag.
"""

from __future__ import annotations

import re

__all__ = ["MARKUP", "START_TAG", "start_tag"]

START_TAG = rb"""<%s(?:\s+[^\s=/>]+\s*=\s*(?:"[^"]*"|'[^']*'))*\s*(/?)>"""

#: The start of a comment, CDATA section, DOCTYPE or processing instruction: where a tag's name may be only text.
MARKUP = re.compile(rb"<[!?]")


def start_tag(name: bytes) -> re.Pattern[bytes]:
    """The start tag of element ``name`` (a regular expression's text: ``rb"([A-Za-z_][\\w.\\-]*)"`` for any)."""
    return re.compile(START_TAG % name)
