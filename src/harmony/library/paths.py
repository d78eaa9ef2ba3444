"""The normalised comparison key of a file path (``path_key``), stored beside each track's path.

Two spellings of one file must give one key, the way the platform's file system compares names: the NML
layer's :func:`~harmony.nml.paths.comparison_key` (Unicode NFC; case-folded on Windows and macOS), with
Windows' backslashes made forward slashes. The original spelling stays in ``path`` for writing back.
"""

from __future__ import annotations

from harmony.nml import Platform, comparison_key, current_platform


def path_key(path: str, platform: Platform | None = None) -> str:
    """The key of ``path`` on ``platform`` (default: this machine's)."""
    platform = platform or current_platform()
    if platform == "windows":
        path = path.replace("\\", "/")
    return comparison_key(path, platform)
