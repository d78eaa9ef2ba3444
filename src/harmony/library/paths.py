"""The normalised comparison key of a file path (``path_key``), stored beside each track's path.

Two spellings of one file must give one key, the way the platform's file system compares names. The key is the
NML layer's :func:`harmony.nml.path_key`, the one the sync layer matches files with too; it is named here
because the library stores it (the ``path_key`` column). The original spelling stays in ``path``.
"""

from __future__ import annotations

from harmony.nml import path_key

__all__ = ["path_key"]
