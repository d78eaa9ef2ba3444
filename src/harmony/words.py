"""Counts in a DJ's words, shared by every layer that writes a sentence (the sync's report, edit labels, the
auto-sync's messages)."""

from __future__ import annotations

__all__ = ["listed", "plural"]


def plural(count: int, noun: str, many: str | None = None) -> str:
    """``1 track``, ``2 tracks``, ``20,000 tracks``; ``many`` where the noun's plural is not ``noun + "s"``
    (``plural(2, "entry", "entries")``)."""
    return f"{count:,} {noun}" if count == 1 else f"{count:,} {many or noun + 's'}"


def listed(items: list[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``: several names in one sentence."""
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"
