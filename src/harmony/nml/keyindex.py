"""The collection's index of tracks by playlist key, small enough for 100,000 entries.

A dict from every key to its entry holds a string per entry beside the file's own bytes (about 25 MB for
100,000 tracks, for an export that looks up a few hundred). This index keeps each key's hash instead, in two
sorted arrays (hash, slot) built once (16 bytes an entry), plus a small dict for what is indexed after; on each
look-up it reads the key of the entry a hash points at to confirm it (``key_of``: from the entry's bytes, or its
element once edited). Two different keys with one hash are vanishingly rare but handled: the second is kept
whole, by its string.
"""

from __future__ import annotations

from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Iterator
from itertools import pairwise

__all__ = ["KeyIndex"]

_hash = hash  # one name, so a test can make every key collide
_GONE = -1  # a slot in the arrays that left the index
_POSITION_BITS = 40  # more entries than a collection file could hold (build packs a position beside a hash)
_POSITION_MASK = (1 << _POSITION_BITS) - 1


class KeyIndex:
    """Entry slot by key. ``key_of(slot)`` answers the key an entry holds now (None for none)."""

    __slots__ = ("_added", "_exact", "_hashes", "_key_of", "_slots")

    def __init__(self, key_of: Callable[[int], str | None]) -> None:
        self._key_of = key_of
        self._hashes = array("q")  # sorted; filled once by build()
        self._slots = array("q")  # the slot of each hash, or _GONE
        self._added: dict[int, int] = {}  # hash -> slot, for what is indexed after the build
        self._exact: dict[str, int] = {}  # keys whose hash another key already holds

    def build(self, keys: Iterable[tuple[str, int]]) -> list[tuple[str, int]]:
        """Index every ``(key, slot)`` at once, in document order (an empty index only). Returns the
        ``(key, slot)`` of each entry whose key an earlier entry holds, in document order."""
        hashes, slots = array("q"), array("q")
        for key, slot in keys:
            hashes.append(_hash(key))
            slots.append(slot)
        # Sorted by hash, then by the order given (document order): one int per entry, the hash shifted past
        # the entry's position, sorts as fast as plain ints do, about twice as fast as a sort with a key.
        count = len(hashes)
        order = sorted([(code << _POSITION_BITS) | at for at, code in enumerate(hashes)])
        self._hashes = array("q", [packed >> _POSITION_BITS for packed in order])
        self._slots = array("q", [slots[packed & _POSITION_MASK] for packed in order])
        del hashes, slots, order
        duplicates: list[tuple[str, int]] = []
        sorted_hashes = self._hashes
        if len(set(sorted_hashes)) < count:  # some hash is held twice (a duplicate key, or a collision)
            shared = sorted({code for previous, code in pairwise(sorted_hashes) if code == previous})
            for code in shared:
                start = bisect_left(sorted_hashes, code)
                duplicates.extend(self._settle(start, bisect_right(sorted_hashes, code, start)))
        return sorted(duplicates, key=lambda pair: pair[1])

    def _settle(self, start: int, end: int) -> Iterator[tuple[str, int]]:
        """Entries ``start:end`` of the arrays share one hash: the first keeps it; a later one with the same key
        is a duplicate, one with another key is kept by its string."""
        holders: set[str] = set()
        for at in range(start, end):
            slot = self._slots[at]
            key = self._key_of(slot)
            if key is None:
                continue
            if key in holders:
                self._slots[at] = _GONE
                yield key, slot
            elif holders:
                self._slots[at] = _GONE
                self._exact[key] = slot
                holders.add(key)
            else:
                holders.add(key)

    def _built(self, code: int) -> Iterator[int]:
        """The slots the arrays hold under hash ``code``."""
        hashes = self._hashes
        for at in range(bisect_left(hashes, code), bisect_right(hashes, code)):
            if self._slots[at] != _GONE:
                yield self._slots[at]

    def get(self, key: str) -> int | None:
        """The slot that holds ``key``, or None."""
        slot = self._exact.get(key)
        if slot is not None:
            return slot
        code = _hash(key)
        slot = self._added.get(code)
        if slot is not None and self._key_of(slot) == key:
            return slot
        return next((slot for slot in self._built(code) if self._key_of(slot) == key), None)

    def add(self, key: str, slot: int) -> bool:
        """Index ``slot`` under ``key`` unless another slot holds that key already (then False)."""
        if self.get(key) is not None:
            return False
        code = _hash(key)
        if code in self._added or next(self._built(code), None) is not None:
            self._exact[key] = slot  # another key has this hash
        else:
            self._added[code] = slot
        return True

    def holds(self, key: str, slot: int) -> bool:
        """Whether ``slot`` is indexed under ``key`` (asked after the entry's key changed: no confirmation)."""
        if key in self._exact:
            return self._exact[key] == slot
        code = _hash(key)
        return self._added.get(code) == slot or slot in self._built(code)

    def remove(self, key: str, slot: int) -> None:
        """Drop ``key`` from ``slot`` (which :meth:`holds` it)."""
        if self._exact.get(key) == slot:
            del self._exact[key]
            return
        code = _hash(key)
        if self._added.get(code) == slot:
            del self._added[code]
            return
        hashes = self._hashes
        for at in range(bisect_left(hashes, code), bisect_right(hashes, code)):
            if self._slots[at] == slot:
                self._slots[at] = _GONE
                return
