"""What a job sends back that grows with the collection, handed from the worker to the service through a file:
an import's report (it lists every new track), an export's report and new sync bases.

The file is private to this user (``mkstemp`` makes it ``0600``) and is removed once the service has read it.
Earlier Harmony versions spooled import plans (``.plan``) here too; :func:`remove_stale_spools` still clears
any such file a killed app left behind."""

from __future__ import annotations

import contextlib
import dataclasses
import gc
import os
import pickle
import tempfile
import time
from pathlib import Path
from typing import Any, BinaryIO

from harmony.errors import SyncError
from harmony.library import BaseUpdates
from harmony.sync import ExportReport, ImportReport

__all__ = [
    "read_export_details",
    "read_report",
    "remove_spool",
    "remove_stale_spools",
    "write_export_details",
    "write_report",
]

_PREFIX = "harmony-import-"
_SUFFIX = ".plan"  # an import plan, as earlier versions spooled it: now only ever removed
# The report of an import (it lists every new track) goes through a file too: unpickled in the app's process
# on the event loop, as the pool's answer would be, a 100,000-track report stalls it for tens of milliseconds.
_REPORT_SUFFIX = ".report"
#: A long tuple in a report (100,000 removed tracks, 100,000 missing files) is written after the rest in pieces of
#: this many items. Its reading thread holds the GIL for the whole of one ``pickle.load``, so the event loop waits
#: for it: in one piece, 100,000 removed tracks paused it for about 100 ms; pieces of 2,000 took 4-5 ms each, and
#: the loop, let in only now and then between them, still waited up to 200 ms on a busy machine. A piece of 500
#: is about a millisecond, and the reader gives way before each (:func:`_give_way`).
_PIECE = 500

#: Where a long tuple sits in a value: the names of the dataclass fields leading to it.
_FieldPath = tuple[str, ...]


def _write_one(value: object, folder: str | None) -> Path:
    handle, name = tempfile.mkstemp(prefix=_PREFIX, suffix=_REPORT_SUFFIX, dir=folder)
    path = Path(name)
    try:
        with os.fdopen(handle, "wb") as out:
            long_tuples: list[tuple[_FieldPath, tuple[Any, ...]]] = []
            head = _without_long_tuples(value, (), long_tuples)
            layout = [(where, len(items)) for where, items in long_tuples]
            pickle.dump((head, layout), out, protocol=pickle.HIGHEST_PROTOCOL)
            for _, items in long_tuples:
                for start in range(0, len(items), _PIECE):
                    pickle.dump(items[start : start + _PIECE], out, protocol=pickle.HIGHEST_PROTOCOL)
    except BaseException:
        remove_spool(path)
        raise
    return path


def _without_long_tuples(value: Any, where: _FieldPath, found: list[tuple[_FieldPath, tuple[Any, ...]]]) -> Any:
    """``value`` with each tuple longer than a piece in its dataclass fields (nested ones too) emptied; the
    tuples and where they were are added to ``found``."""
    if not dataclasses.is_dataclass(value) or isinstance(value, type):
        return value
    changes: dict[str, Any] = {}
    for field in dataclasses.fields(value):
        item = getattr(value, field.name)
        if isinstance(item, tuple) and len(item) > _PIECE:
            found.append(((*where, field.name), item))
            changes[field.name] = ()
        else:
            inner = _without_long_tuples(item, (*where, field.name), found)
            if inner is not item:
                changes[field.name] = inner
    return dataclasses.replace(value, **changes) if changes else value


def _with_tuple(value: Any, where: _FieldPath, items: tuple[Any, ...]) -> Any:
    """``value`` with the field at ``where`` set to ``items``."""
    name, rest = where[0], where[1:]
    inner = _with_tuple(getattr(value, name), rest, items) if rest else items
    return dataclasses.replace(value, **{name: inner})


def _load_in_pieces(source: BinaryIO) -> object:
    """What :func:`_write_one` wrote: the value, then its long tuples piece by piece."""
    head, layout = pickle.load(source)
    for where, count in layout:
        items: list[Any] = []
        while len(items) < count:
            _give_way()
            items.extend(pickle.load(source))
        head = _with_tuple(head, tuple(where), tuple(items))
    return head


def _give_way() -> None:
    """Let a thread waiting for the GIL (the app's event loop) have it before the next piece is unpickled.

    Sleeping releases the GIL at once. Without it the reading thread kept the GIL until the interpreter's switch
    interval had passed and the waiting loop had asked for it, and on a busy machine the loop then waited across
    several pieces."""
    time.sleep(0)


def _read_one(path: Path, what: str) -> object:
    try:
        with path.open("rb") as source:
            return _unpickle_frozen(source)
    except (OSError, EOFError, pickle.UnpicklingError) as error:
        raise SyncError(f"The {what} could not be read back ({error}); run it again.") from None
    finally:
        remove_spool(path)


def _unpickle_frozen(source: BinaryIO) -> object:
    """Unpickle a big value (a report lists every new track) out of the garbage collector's reach.

    Read on a thread, it still grows the collector's generations as it is built, and the full collections it
    sets off walk all of it while every thread waits, the app's event loop included (pauses of hundreds of
    milliseconds at 100,000 tracks). Built with the collector off and then frozen, it is never walked; it is
    freed by reference counting as usual."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _load_in_pieces(source)
    finally:
        gc.freeze()
        if enabled:
            gc.enable()


def write_report(report: ImportReport, folder: str | None = None) -> Path:
    """Write an import's report to a new private file in ``folder``; return its path."""
    return _write_one(report, folder)


def read_report(path: Path) -> ImportReport:
    """The report in the file at ``path`` (call it on a thread, never on the event loop); the file is removed."""
    report = _read_one(path, "import's report")
    if not isinstance(report, ImportReport):
        raise SyncError("The import's report file holds something else than a report; run the import again.")
    return report


@dataclasses.dataclass(frozen=True, slots=True)
class _ExportDetails:
    """An export's report and bases, spooled as one dataclass so that their long tuples (every changed entry,
    every new track base) are written and read in pieces, as an import report's are: as a plain pair they were
    one ``pickle.load`` of 1.7 MB for 1,000 edited tracks, an event-loop gap of up to 39 ms in the web app."""

    report: ExportReport
    bases: BaseUpdates


def write_export_details(report: ExportReport, bases: BaseUpdates, folder: str | None = None) -> Path:
    """Write an export's report and new sync bases (both grow with the tracks it wrote) to a private file."""
    return _write_one(_ExportDetails(report, bases), folder)


def read_export_details(path: Path) -> tuple[ExportReport, BaseUpdates]:
    """The report and bases in the file at ``path`` (on a thread, never on the event loop); the file is removed."""
    found = _read_one(path, "export's report")
    if not (
        isinstance(found, _ExportDetails)
        and isinstance(found.report, ExportReport)
        and isinstance(found.bases, BaseUpdates)
    ):
        raise SyncError("The export's report file holds something else than a report; run the export again.")
    return found.report, found.bases


def remove_spool(path: Path) -> None:
    """Remove a spool file (already gone is fine)."""
    with contextlib.suppress(FileNotFoundError):
        path.unlink()


def remove_stale_spools(folder: str | None = None, older_than: float = 24 * 3600) -> int:
    """Remove spool files left behind in ``folder`` (default: the temporary folder) by an app that was killed
    before it read them; only files older than ``older_than`` seconds, so a running import's file is
    never touched. Returns how many were removed."""
    cutoff = time.time() - older_than
    removed = 0
    for suffix in (_SUFFIX, _REPORT_SUFFIX):
        for path in Path(folder or tempfile.gettempdir()).glob(f"{_PREFIX}*{suffix}"):
            with contextlib.suppress(OSError):
                if path.stat().st_mtime < cutoff:
                    path.unlink()
                    removed += 1
    return removed
