"""Applying an import's plan to the library, part by part, in one transaction, from the import job itself.

The plan never leaves the worker that made it: the app's process does none of the work of a big import (no
plan to unpickle, no rows to build, no competing for the interpreter with the event loop), and no second
process pays for receiving it. Cancelling (through the pool's ``cancelled`` check, asked before each part)
rolls the transaction back; a worker killed half-way leaves no trace either, as SQLite never shows an
uncommitted transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Final

from harmony.library import ImportPlan, Library
from harmony.progress import ProgressReporter, counted

__all__ = ["SAVING", "apply_parts"]

#: The share of the whole import's progress the apply covers.
SAVING: Final = (95.0, 100.0)


def apply_parts(
    library_path: str,
    parts: Sequence[ImportPlan],
    *,
    known_counts: tuple[str, int, int] | None = None,
    progress: ProgressReporter | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> int:
    """Apply ``parts`` (see :meth:`ImportPlan.split`) to the library at ``library_path`` in one transaction,
    telling ``progress`` after each; return the new library version. ``known_counts`` (``nml_path, tracks,
    playlists``) are remembered in the same transaction, for the next import's damage check."""
    start, end = SAVING
    count = max(1, len(parts))

    def reported() -> Iterator[ImportPlan]:
        for done, part in enumerate(parts, 1):
            yield part
            if progress is not None:
                percent = round(start + (end - start) * done / count, 2)
                progress("saving", percent, counted("Saving to database...", done, count))

    if progress is not None:
        progress("saving", start, "Saving to database...")
    with Library.open(library_path) as library:
        return library.apply_import_parts(reported(), cancelled=cancelled, known_counts=known_counts).version
