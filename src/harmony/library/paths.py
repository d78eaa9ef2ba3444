"""The normalised comparison key of a file path (``path_key``).

Two spellings of one file must give one key, the way the file system compares names: Unicode NFC (macOS hands
out decomposed names, Traktor and tag editors often composed ones), and on Windows and macOS, whose usual file
systems ignore case, case-folded. The original spelling stays in ``path`` for writing back.
"""

from __future__ import annotations

import sys
import unicodedata

#: Whether this platform's usual file systems compare names without regard to case.
CASE_INSENSITIVE_FS = sys.platform in ("win32", "darwin")


def path_key(path: str, *, case_insensitive: bool | None = None) -> str:
    """The key of ``path``: NFC, forward slashes on Windows, case-folded where names ignore case."""
    fold = CASE_INSENSITIVE_FS if case_insensitive is None else case_insensitive
    key = unicodedata.normalize("NFC", path)
    if sys.platform == "win32":
        key = key.replace("\\", "/")
    return key.casefold() if fold else key
