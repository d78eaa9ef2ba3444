"""Salvaging a damaged library: copy what SQLite can still read, table by table, into a new file.

The damaged file is only ever read. Each table is created in the new file from its stored definition and its
rows copied in rowid order; when a read fails on a damaged page, the copy jumps ahead (further each time) and
goes on, so one bad page costs the rows on it rather than the whole table. Indexes and triggers come last (one
that cannot be rebuilt is reported, not fatal). The new file keeps the library's ``application_id`` and schema
version, so Harmony opens it as the same library; SQLite's integrity check is then run on it.
"""

from __future__ import annotations

import logging
import sqlite3
from contextlib import closing
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from harmony.errors import LibraryError
from harmony.library.health import check_integrity, reading_uri

__all__ = ["RecoveryReport", "TableRecovery", "default_recovery_path", "recover_library"]

log = logging.getLogger(__name__)

#: Rows copied per read; a failed read is retried further on, in steps that double up to this far.
_BATCH = 500
_FURTHEST_JUMP = 1 << 40


@dataclass(slots=True)
class TableRecovery:
    """One table: the rows copied, and how many reads failed on damaged pages (each losing some rows)."""

    name: str
    rows: int = 0
    damaged_reads: int = 0
    error: str | None = None  # the whole table could not be read or created

    def to_json(self) -> dict[str, object]:
        return {"name": self.name, "rows": self.rows, "damaged_reads": self.damaged_reads, "error": self.error}


@dataclass(slots=True)
class RecoveryReport:
    """What :func:`recover_library` saved into ``target``, and whether the new file passes the integrity check."""

    source: Path
    target: Path
    tables: list[TableRecovery] = field(default_factory=list)
    skipped_definitions: list[str] = field(default_factory=list)
    dangling: dict[str, int] = field(default_factory=dict)  # rows dropped per table: they named a lost row
    target_ok: bool = False

    @property
    def rows(self) -> int:
        """Rows in the new file: those copied, less the dangling ones dropped."""
        return sum(table.rows for table in self.tables) - sum(self.dangling.values())

    @property
    def complete(self) -> bool:
        """Every table read without a failure (the damage, if any, was outside the tables' rows)."""
        return all(t.error is None and t.damaged_reads == 0 for t in self.tables) and not self.skipped_definitions

    def to_json(self) -> dict[str, object]:
        return {
            "source": str(self.source),
            "target": str(self.target),
            "rows": self.rows,
            "complete": self.complete,
            "target_ok": self.target_ok,
            "tables": [table.to_json() for table in self.tables],
            "skipped_definitions": list(self.skipped_definitions),
            "dangling_rows_dropped": dict(self.dangling),
        }


def default_recovery_path(path: Path) -> Path:
    """``library.db`` → ``library.recovered-<UTC time>.db`` beside it."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    return path.with_name(f"{path.stem}.recovered-{stamp}{path.suffix or '.db'}")


def recover_library(source: Path, target: Path | None = None) -> RecoveryReport:
    """Copy every readable row of the library at ``source`` into a new library file ``target`` (which must
    not exist yet); ``source`` is opened read-only and never changed. Raises :class:`LibraryError` when
    nothing at all can be read (not even the list of tables)."""
    target = target or default_recovery_path(source)
    if not source.is_file():
        raise LibraryError(f"No library file at {source}.")
    if target.exists():
        raise LibraryError(f"{target} already exists; name a new file to recover into.")
    try:
        damaged = sqlite3.connect(reading_uri(source), uri=True)
    except sqlite3.Error as error:
        raise LibraryError(f"Cannot open {source} to recover it: {error}") from error
    with closing(damaged):
        try:
            definitions = damaged.execute(
                "SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%'"
            ).fetchall()
            header = [damaged.execute(f"PRAGMA {name}").fetchone()[0] for name in ("application_id", "user_version")]
        except sqlite3.DatabaseError as error:
            raise LibraryError(
                f"Nothing can be recovered from {source}: its list of tables is unreadable ({error})."
            ) from error
        report = RecoveryReport(source, target)
        try:
            with closing(sqlite3.connect(str(target))) as fresh:
                fresh.isolation_level = None
                fresh.execute("BEGIN")
                tables = [(name, sql) for kind, name, sql in definitions if kind == "table"]
                # A full-text index (a virtual table) is created empty and rebuilt from the copied rows; its
                # shadow tables come with it.
                virtual = [name for name, sql in tables if sql.upper().startswith("CREATE VIRTUAL TABLE")]
                for name, sql in tables:
                    if name in virtual:
                        fresh.execute(sql)
                    elif not any(name.startswith(f"{owner}_") for owner in virtual):
                        report.tables.append(_copy_table(damaged, fresh, name, sql))
                for kind, name, sql in definitions:
                    if kind == "table":
                        continue
                    try:
                        fresh.execute(sql)
                    except sqlite3.DatabaseError as error:
                        report.skipped_definitions.append(f"{kind} {name}: {error}")
                report.dangling = _drop_dangling(fresh)
                for name in virtual:
                    quoted = _quote(name)
                    try:
                        fresh.execute(f"INSERT INTO {quoted}({quoted}) VALUES ('rebuild')")
                    except sqlite3.DatabaseError as error:
                        report.skipped_definitions.append(f"rebuild of {name}: {error}")
                fresh.execute(f"PRAGMA application_id = {int(header[0])}")
                fresh.execute(f"PRAGMA user_version = {int(header[1])}")
                fresh.execute("COMMIT")
                fresh.execute("PRAGMA journal_mode = WAL")
        except BaseException:
            target.unlink(missing_ok=True)
            raise
    report.target_ok = check_integrity(target).ok
    log.info("recovered %d rows of %s into %s", report.rows, source, target)
    return report


def _copy_table(damaged: sqlite3.Connection, fresh: sqlite3.Connection, name: str, sql: str) -> TableRecovery:
    result = TableRecovery(name)
    try:
        fresh.execute(sql)
    except sqlite3.DatabaseError as error:
        result.error = f"cannot create it: {error}"
        return result
    quoted = _quote(name)
    try:
        columns = [row[1] for row in damaged.execute(f"PRAGMA table_info({quoted})")]
    except sqlite3.DatabaseError as error:
        result.error = f"cannot read its columns: {error}"
        return result
    column_list = ", ".join(map(_quote, columns))
    insert = f"INSERT OR IGNORE INTO {quoted} (rowid, {column_list}) VALUES ({', '.join('?' * (len(columns) + 1))})"
    select = f"SELECT rowid, {column_list} FROM {quoted} WHERE rowid > ? ORDER BY rowid LIMIT {_BATCH}"
    after, jump = -(1 << 63), 1
    while True:
        try:
            rows = damaged.execute(select, (after,)).fetchall()
        except sqlite3.DatabaseError:
            # A damaged page: skip ahead, further each time, until the reads work again or nothing is left.
            result.damaged_reads += 1
            if jump > _FURTHEST_JUMP:
                break
            after = max(after, 0) + jump
            jump *= 2
            continue
        if not rows:
            break
        fresh.executemany(insert, rows)
        result.rows += len(rows)
        after, jump = rows[-1][0], 1
    return result


def _drop_dangling(fresh: sqlite3.Connection) -> dict[str, int]:
    """Delete the rows that point at a row lost to the damage (a cue of a lost track, an entry of a lost
    playlist), so the recovered library keeps its foreign keys; return how many, per table."""
    dropped: dict[str, int] = {}
    while found := fresh.execute("PRAGMA foreign_key_check").fetchall():
        for table, rowid, _parent, _key in found:
            if rowid is None:
                continue
            fresh.execute(f"DELETE FROM {_quote(table)} WHERE rowid = ?", (rowid,))
            dropped[table] = dropped.get(table, 0) + 1
        if all(rowid is None for _, rowid, _, _ in found):
            break
    return dropped


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'
