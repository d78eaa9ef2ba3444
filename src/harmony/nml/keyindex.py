"""The collection's index of tracks by playlist key, small enough for 100,000 entries.

A dict from every key to its entry holds a string per entry beside the file's own bytes (about 25 MB for
100,000 tracks, for an export that looks up a few hundred). This index keeps the key's hash instead and,
on each look-up, reads the key of the one entry it points at to confirm it (``key_of``: from the entry's
bytes, or its element once edited). Two different keys with the same hash are vanishingly rare but handled:
the second is kept whole, by its string.
"""

from __future__ import annotations

from collections.abc import Callable

__all__ = ["KeyIndex"]

_hash = hash  # one name, so a test can make every key collide


class KeyIndex:
    """Entry slot by key. ``key_of(slot)`` answers the key an entry holds now (None for none)."""

    __slots__ = ("_by_hash", "_exact", "_key_of")

    def __init__(self, key_of: Callable[[int], str | None]) -> None:
        self._key_of = key_of
        self._by_hash: dict[int, int] = {}
        self._exact: dict[str, int] = {}  # keys whose hash another key already holds

    def get(self, key: str) -> int | None:
        """The slot that holds ``key``, or None."""
        slot = self._exact.get(key)
        if slot is not None:
            return slot
        slot = self._by_hash.get(_hash(key))
        return slot if slot is not None and self._key_of(slot) == key else None

    def add(self, key: str, slot: int) -> bool:
        """Index ``slot`` under ``key`` unless another slot holds that key already (then False)."""
        if key in self._exact:
            return False
        code = _hash(key)
        other = self._by_hash.get(code)
        if other is None:
            self._by_hash[code] = slot
            return True
        if self._key_of(other) == key:
            return False
        self._exact[key] = slot
        return True

    def holds(self, key: str, slot: int) -> bool:
        """Whether ``slot`` is indexed under ``key`` (asked after the entry's key changed: no confirmation)."""
        if key in self._exact:
            return self._exact[key] == slot
        return self._by_hash.get(_hash(key)) == slot

    def remove(self, key: str) -> None:
        """Drop ``key`` (which :meth:`holds`)."""
        if self._exact.pop(key, None) is None:
            del self._by_hash[_hash(key)]
