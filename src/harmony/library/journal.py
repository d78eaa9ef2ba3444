"""The change journal: a library version that every edit bumps, in the edit's own transaction.

Tracks, cues, playlists and folders are edited only through functions that first call :func:`bump_version` on
the same connection, so the new version and the edit commit together or not at all. Each version also gets one
row in ``changes`` (which operation, what it touched). "Pending export" is derived, never stored as a flag:
``version > last_exported_version``. An export records the version it exported, not the version current when
it finishes, so an edit made while an export runs stays pending."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Connection, insert, select, update

from harmony.errors import LibraryError
from harmony.library.models import CHANGES, STATE
from harmony.nmlfile import NmlFingerprint

log = logging.getLogger(__name__)

_STATE = STATE
_CHANGES = CHANGES


@dataclass(frozen=True, slots=True)
class LibraryStatus:
    """Library-wide state: the version counter, what was last exported, and the NML file last seen."""

    version: int
    last_exported_version: int
    last_import_at: datetime | None
    last_export_at: datetime | None
    nml_fingerprint: NmlFingerprint | None
    #: Applied imports so far (see :mod:`harmony.sync.file_rounds`).
    file_check_round: int = 0

    @property
    def pending_export(self) -> bool:
        """Whether the library holds edits that no export has written to Traktor yet."""
        return self.version > self.last_exported_version


@dataclass(frozen=True, slots=True)
class ChangeRecord:
    """One journal row: the version an operation produced."""

    version: int
    at: datetime
    operation: str
    summary: str


def now() -> datetime:
    """The current time in UTC without tzinfo (SQLite stores naive timestamps; Harmony's are always UTC)."""
    return datetime.now(UTC).replace(tzinfo=None)


def bump_version(conn: Connection, operation: str, summary: str = "") -> int:
    """Increase the library version by one, journal it, and return the new version. Call inside the write."""
    new_version = conn.execute(
        update(_STATE).where(_STATE.c.id == 1).values(version=_STATE.c.version + 1).returning(_STATE.c.version)
    ).scalar_one()
    conn.execute(insert(_CHANGES).values(version=new_version, at=now(), operation=operation, summary=summary))
    log.debug("library version %d: %s %s", new_version, operation, summary)
    return int(new_version)


def set_summary(conn: Connection, version: int, summary: str) -> None:
    """Replace the journal summary of ``version`` (an edit that learns its totals only once it is done)."""
    conn.execute(update(_CHANGES).where(_CHANGES.c.version == version).values(summary=summary))


def read_status(conn: Connection) -> LibraryStatus:
    """The library-wide state as of the connection's snapshot."""
    row = conn.execute(select(_STATE).where(_STATE.c.id == 1)).one()
    fingerprint = None
    if row.nml_path is not None:
        fingerprint = NmlFingerprint(row.nml_path, row.nml_size, row.nml_mtime_ns, row.nml_sha256)
    return LibraryStatus(
        version=row.version,
        last_exported_version=row.last_exported_version,
        last_import_at=row.last_import_at,
        last_export_at=row.last_export_at,
        nml_fingerprint=fingerprint,
        file_check_round=row.file_check_round,
    )


def current_version(conn: Connection) -> int:
    """The library version as of the connection's snapshot."""
    return int(conn.execute(select(_STATE.c.version).where(_STATE.c.id == 1)).scalar_one())


def record_nml_state(
    conn: Connection,
    fingerprint: NmlFingerprint | None,
    *,
    exported_version: int | None = None,
    imported: bool = False,
) -> None:
    """Remember the NML file last read or written and, after an export, the version it holds."""
    values: dict[str, object] = {}
    if fingerprint is not None:
        values.update(
            nml_path=fingerprint.path,
            nml_size=fingerprint.size,
            nml_mtime_ns=fingerprint.mtime_ns,
            nml_sha256=fingerprint.sha256,
        )
    if imported:
        values["last_import_at"] = now()
        values["file_check_round"] = _STATE.c.file_check_round + 1
    if exported_version is not None:
        status = read_status(conn)
        if exported_version > status.version:
            raise LibraryError(
                f"Cannot record an export of library version {exported_version}: the library is at "
                f"version {status.version}."
            )
        values["last_export_at"] = now()
        # Never move backwards: an older export finishing late must not make newer edits look exported.
        values["last_exported_version"] = max(exported_version, status.last_exported_version)
    if values:
        conn.execute(update(_STATE).where(_STATE.c.id == 1).values(**values))


def changes_since(conn: Connection, version: int, limit: int = 1000) -> list[ChangeRecord]:
    """Journal rows after ``version``, oldest first."""
    rows = conn.execute(select(_CHANGES).where(_CHANGES.c.version > version).order_by(_CHANGES.c.version).limit(limit))
    return [ChangeRecord(r.version, r.at, r.operation, r.summary) for r in rows]
