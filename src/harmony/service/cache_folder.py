"""Where Harmony keeps what it can always work out again: the player's audio and waveforms, the counts of a
collection's backup copies."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

__all__ = ["default_cache_dir"]


def default_cache_dir() -> Path:
    """The user's cache folder for Harmony (``HARMONY_CACHE_DIR`` overrides it)."""
    override = os.environ.get("HARMONY_CACHE_DIR")
    return Path(override) if override else Path(platformdirs.user_cache_dir("harmony"))
