"""Harmony: a DJ music library kept in two-way sync with Traktor's collection.nml."""

from harmony.errors import HarmonyError

__version__ = "0.1.0"
__all__ = ["HarmonyError", "__version__"]
