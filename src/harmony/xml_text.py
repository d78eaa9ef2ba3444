"""What text a collection.nml can hold: XML 1.0 allows no control character but tab, LF and CR, no lone
surrogate, and neither U+FFFE nor U+FFFF; and what XML counts as whitespace.

One rule for the NML codec (which refuses such text before lxml sees it) and the library (which refuses it in
an edit, so nothing is stored that no export could write). It lives apart from both, with nothing but ``re``:
the library's light commands must not load the codec (and lxml) to check a name.
"""

from __future__ import annotations

import re
from typing import Final

__all__ = ["NOT_XML_CLASS", "XML_SPACE", "xml_can_hold", "xml_holdable"]

#: XML's whitespace: space, tab, CR and LF. Not Python's: ``str.strip()`` also takes form feed, vertical tab and
#: Unicode's spaces (U+00A0, U+3000, …), which in XML are a character (or, for the first two, not allowed).
XML_SPACE: Final = " \t\r\n"

#: The characters as the body of a regular expression's class, in ``\uXXXX`` escapes that Python's, Rust's and
#: JSON Schema's engines all read: the web API's patterns use it, so its schema says what the library refuses.
#: (Lone surrogates are left out here: no engine but Python's takes them in a class. The check below adds them.)
NOT_XML_CLASS: Final = "\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f\\ufffe\\uffff"
_NOT_XML: Final = re.compile(f"[{NOT_XML_CLASS}\\ud800-\\udfff]")


def xml_can_hold(text: str) -> bool:
    """Whether a collection.nml can hold ``text``."""
    return _NOT_XML.search(text) is None


def xml_holdable(text: str) -> str:
    """``text`` with a space for each character a collection.nml cannot hold (for text read from elsewhere: a
    file's tags, where such a character most often separates two words)."""
    return _NOT_XML.sub(" ", text)
