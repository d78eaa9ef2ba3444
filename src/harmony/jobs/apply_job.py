"""The apply job: the service's import plan, read part by part from its spool, applied in one transaction.

It runs on the sync pool so that the app's process does none of the work of a big import: no unpickling of
plan parts, no building of rows, no competing for the interpreter with the event loop. Cancelling it (through
the pool's ``cancelled`` check) rolls the transaction back; a worker killed half-way leaves no trace either,
as SQLite never shows an uncommitted transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Final

from harmony.jobs.phases import Reporter
from harmony.jobs.spool import read_parts
from harmony.library import ImportPlan, Library

__all__ = ["SAVING", "apply_import_job"]

#: The share of the whole import's progress the apply covers.
SAVING: Final = (95.0, 100.0)


def apply_import_job(
    library_path: str,
    spool: str,
    parts: int,
    *,
    progress: Reporter | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> int:
    """Apply the ``parts`` plan parts in ``spool`` to the library at ``library_path``; return the new version."""
    start, end = SAVING
    total = max(1, parts)

    def report(done: int) -> None:
        if progress is not None:
            percent = round(start + (end - start) * done / total, 2)
            progress("saving", percent, f"Saving to database... ({done}/{total})")

    def counted() -> Iterator[ImportPlan]:
        for done, part in enumerate(read_parts(Path(spool), parts), 1):
            yield part
            report(done)

    with Library.open(library_path) as library:
        return library.apply_import_parts(counted(), cancelled=cancelled).version
