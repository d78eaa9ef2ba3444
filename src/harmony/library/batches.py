"""Ids in batches small enough for one SQL ``IN (...)`` list.

SQLite caps the number of bound values in one statement (999 before 3.32). A query that looks up or changes
rows by a list of ids that can be long (a bulk edit, an undo, an import's deletions) cuts it with
:func:`in_batches`, and so does a merge (a group of duplicates can be thousands of copies).
"""

from collections.abc import Iterable, Iterator, Sequence
from typing import Final, TypeVar

__all__ = ["BATCH", "in_batches"]

BATCH: Final = 500

T = TypeVar("T")


def in_batches(items: Sequence[T] | Iterable[T], size: int = BATCH) -> Iterator[list[T]]:
    """``items`` as lists of at most ``size``, in the order given (an iterable is read once)."""
    ordered = items if isinstance(items, Sequence) else list(items)
    for start in range(0, len(ordered), size):
        yield list(ordered[start : start + size])
