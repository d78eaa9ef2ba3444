"""A library that SQLite cannot use as usual: a read-only file or disk, or a damaged (corrupted) file.

Each case gets its own error and words, because the advice differs: a read-only library is fine and can still
be read (``library stats``, ``tracks``, ``show``, previews); a damaged one needs its backup or a salvage
(``harmony library check`` and ``harmony library recover``, :mod:`harmony.library.recover`). Neither may be
called "not a Harmony library": that would push a DJ to throw away a good library.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Sequence
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from harmony.errors import LibraryError
from harmony.library.errors import DamagedLibraryError, ReadOnlyLibraryError

__all__ = [
    "IntegrityReport",
    "check_integrity",
    "damaged_error",
    "explain_sqlite_error",
    "is_read_only",
    "read_only_error",
    "reading_uri",
    "schema_backups",
]

#: SQLite's result codes for a damaged file (``sqlite3.Error.sqlite_errorname``; the extended ones start so).
_DAMAGED = ("SQLITE_CORRUPT",)
_READ_ONLY = ("SQLITE_READONLY",)


def is_read_only(path: Path) -> bool:
    """Whether the existing library at ``path`` cannot be written: a read-only disk, or a file or folder
    without write permission (SQLite's WAL mode writes files beside the library, so the folder counts)."""
    if not path.exists():
        return False
    try:
        if os.statvfs(path).f_flag & os.ST_RDONLY:
            return True
    except (AttributeError, OSError):  # no statvfs (Windows): the permission checks below decide
        pass
    return not (os.access(path, os.W_OK) and os.access(path.parent, os.W_OK))


def reading_uri(path: Path) -> str:
    """The SQLite URI that opens ``path`` for reading only. On a read-only disk it is also ``immutable``:
    SQLite cannot create the shared-memory file WAL mode reads through there, and nobody can write the file."""
    uri = f"{path.resolve().as_uri()}?mode=ro"
    try:
        if os.statvfs(path).f_flag & os.ST_RDONLY:
            uri += "&immutable=1"
    except (AttributeError, OSError):
        pass
    return uri


def schema_backups(path: Path) -> list[Path]:
    """The copies Harmony made of the library before upgrading its schema, newest first
    (``library.db.backup-<UTC time>-schema-<revision>.db``, see :func:`harmony.library.database.backup_file`)."""
    try:
        found = list(path.parent.glob(f"{path.name}.backup-*-schema-*.db"))
    except OSError:
        return []
    return sorted(found, key=lambda backup: backup.name, reverse=True)


def read_only_error(path: Path) -> ReadOnlyLibraryError:
    return ReadOnlyLibraryError(
        f"The library {path} is read-only (opened read-only, or its file, folder or disk cannot be written), so "
        "nothing was changed; `harmony library stats`, `tracks` and `show` and previews still read it. To change "
        "it, make it writable, or copy it to a writable folder and use --library."
    )


def damaged_error(path: Path, detail: str) -> DamagedLibraryError:
    backups = schema_backups(path)
    backup = (
        f"the newest copy Harmony made before an upgrade is {backups[0]}"
        if backups
        else f"Harmony keeps a copy beside it before each upgrade ({path.name}.backup-…-schema-….db), none yet"
    )
    return DamagedLibraryError(
        f"The library {path} is damaged ({detail}); {backup}. Run `harmony library check` to see the damage and "
        "`harmony library recover` to save what can still be read into a new file."
    )


def explain_sqlite_error(path: Path, error: BaseException) -> ReadOnlyLibraryError | DamagedLibraryError | None:
    """The library error a raw SQLite error stands for, or None when it is neither damage nor a read-only file."""
    if not isinstance(error, sqlite3.DatabaseError):
        return None
    name = getattr(error, "sqlite_errorname", "") or ""
    text = str(error)
    if name.startswith(_DAMAGED) or "malformed" in text.lower():
        return damaged_error(path, text)
    if name.startswith(_READ_ONLY) or "readonly database" in text.lower():
        return read_only_error(path)
    return None


@dataclass(frozen=True, slots=True)
class IntegrityReport:
    """What SQLite's ``PRAGMA integrity_check`` found: nothing (``ok``) or its list of problems."""

    path: Path
    problems: Sequence[str]

    @property
    def ok(self) -> bool:
        return not self.problems

    def to_json(self) -> dict[str, object]:
        return {"path": str(self.path), "ok": self.ok, "problems": list(self.problems)}


#: At most this many problems are listed: a badly damaged file has thousands, the first ones tell the story.
MAX_PROBLEMS = 100


def check_integrity(path: Path) -> IntegrityReport:
    """Run SQLite's integrity check on the library at ``path``, read-only (a damaged file is not touched).

    A file SQLite cannot read at all is reported as one problem rather than raised: that is the answer."""
    if not path.is_file():
        raise LibraryError(f"No library file at {path}.")
    try:
        with closing(sqlite3.connect(reading_uri(path), uri=True)) as raw:
            rows = raw.execute(f"PRAGMA integrity_check({MAX_PROBLEMS})").fetchall()
    except sqlite3.DatabaseError as error:
        return IntegrityReport(path, (f"SQLite cannot read the file: {error}",))
    problems = [line for row in rows for line in str(row[0]).splitlines() if line != "ok"]
    return IntegrityReport(path, tuple(problems))
