"""Opening the library file: SQLite settings, recognising a Harmony library, backups and schema upgrades.

- WAL mode, so a worker process can read a consistent snapshot while the app writes.
- ``synchronous=FULL``: a committed import or export record survives a power cut, not just a crash.
- Foreign keys on, and a busy timeout, so two writers wait for each other instead of failing.
- Transactions are begun explicitly (``BEGIN`` for reads, ``BEGIN IMMEDIATE`` for writes). Python's sqlite3
  module would otherwise start a transaction only at the first write, so a read spanning several statements
  would not see one snapshot, and a read that turns into a write could fail with "database is locked".

A file is a Harmony library when its SQLite ``application_id`` is :data:`APPLICATION_ID`. An older schema is
copied to a timestamped backup next to the file, then upgraded in one transaction; a schema from a newer
Harmony is refused."""

from __future__ import annotations

import functools
import logging
import sqlite3
import time
from collections.abc import Iterator
from contextlib import closing, contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Final

from sqlalchemy import Connection, Engine, ExceptionContext, create_engine, event
from sqlalchemy.exc import OperationalError
from sqlalchemy.pool import NullPool, QueuePool

from harmony.errors import LibraryError
from harmony.library.errors import NewerLibraryError, NotALibraryError
from harmony.library.fresh_schema import HeadSchema, read_back
from harmony.library.health import explain_sqlite_error, is_read_only, read_only_error, reading_uri
from harmony.library.identity import APPLICATION_ID, HEAD_REVISION, default_library_path
from harmony.library.statement_cache import SHARED_STATEMENTS, SQLITE_URL

if TYPE_CHECKING:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

log = logging.getLogger(__name__)

#: Milliseconds a connection waits for another writer before giving up.
BUSY_TIMEOUT_MS = 30_000
MIGRATIONS = "harmony.library:migrations"


def alembic_config(connection: Connection | None = None) -> Config:
    """An Alembic configuration for the packaged migrations, optionally bound to ``connection``."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", MIGRATIONS)
    if connection is not None:
        config.attributes["connection"] = connection
    return config


@functools.cache
def _migrations() -> ScriptDirectory:
    """The packaged migrations, loaded once per process: loading them runs every migration module (tens of
    milliseconds of CPU), and every opening of the library asks for them, in the web app on its event loop too
    (an operation's start reads its settings and known counts there)."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config())


def head_revision() -> str:
    """The newest schema revision of the packaged migrations, as Alembic sees them (:data:`HEAD_REVISION`
    names it without loading them)."""
    head = _migrations().get_current_head()
    assert head is not None
    return head


def _known_revision(revision: str) -> bool:
    if revision == HEAD_REVISION:
        return True
    from alembic.util.exc import CommandError

    try:
        return _migrations().get_revision(revision) is not None
    except CommandError:
        return False


def _connect(path: Path, read_only: bool) -> sqlite3.Connection:
    if read_only:
        raw = sqlite3.connect(
            reading_uri(path),
            uri=True,
            timeout=BUSY_TIMEOUT_MS / 1000,
            check_same_thread=False,
        )
    else:
        raw = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False)
    raw.isolation_level = None  # we issue BEGIN ourselves (see the module docstring)
    raw.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    raw.execute("PRAGMA foreign_keys = ON")
    raw.execute("PRAGMA synchronous = FULL")
    raw.execute("PRAGMA cache_size = -65536")  # 64 MiB: bulk imports of 100,000 tracks stay in memory
    raw.execute("PRAGMA temp_store = MEMORY")
    return raw


MIGRATIONS_UNCACHED: Final = None
"""The ``compiled_cache`` of a schema upgrade's connection: Alembic builds its statements anew on every run, so
kept they would only push the everyday statements out of the shared cache."""


def make_engine(path: Path, *, read_only: bool = False) -> Engine:
    """An engine on ``path`` whose connections carry Harmony's pragmas and explicit transactions.

    ``conn.execution_options(harmony_begin="IMMEDIATE")`` makes the next transaction on ``conn`` take the
    write lock at once; every write in the library does so."""
    engine = create_engine(
        SQLITE_URL,
        # Compiled once per process, not once per engine (harmony.library.statement_cache).
        execution_options={"compiled_cache": SHARED_STATEMENTS},
        creator=lambda: _connect(path, read_only),
        # A read-only worker keeps one connection; the app's pool is small because SQLite has one writer. The pool
        # is named: with a creator and no file in the URL, SQLAlchemy would take the file for ":memory:" and pick
        # SingletonThreadPool, which closes other threads' connections under them once more than five threads
        # read at once (the web app's reads run on a thread pool) - errors at best, a crash of the process at worst.
        poolclass=NullPool if read_only else QueuePool,
    )

    @event.listens_for(engine, "begin")
    def _begin(conn: Connection) -> None:
        mode = conn.get_execution_options().get("harmony_begin", "DEFERRED")
        conn.exec_driver_sql(f"BEGIN {mode}")

    @event.listens_for(engine, "handle_error")
    def _explain(context: ExceptionContext) -> None:
        # Every query, in the app and in workers: a damaged or read-only file becomes its own one-line error.
        problem = explain_sqlite_error(path, context.original_exception)
        if problem is not None:
            raise problem from context.original_exception

    return engine


def _inspect(path: Path) -> tuple[int, bool, str | None]:
    """(application_id, has tables, alembic revision) of an existing file; refuse a non-SQLite file."""
    try:
        with closing(sqlite3.connect(reading_uri(path), uri=True, timeout=BUSY_TIMEOUT_MS / 1000)) as raw:
            # One read transaction: another opener may be creating the library, and the id read before its
            # commit with the tables read after would call a new Harmony library a stranger's.
            raw.execute("BEGIN")
            app_id = raw.execute("PRAGMA application_id").fetchone()[0]
            names = {row[0] for row in raw.execute("SELECT name FROM sqlite_master WHERE type='table'")}
            revision = None
            if "alembic_version" in names:
                row = raw.execute("SELECT version_num FROM alembic_version").fetchone()
                revision = row[0] if row else None
    except sqlite3.DatabaseError as error:
        problem = explain_sqlite_error(path, error)
        if problem is not None:
            raise problem from error
        if getattr(error, "sqlite_errorname", "") == "SQLITE_CANTOPEN":
            raise LibraryError(f"Cannot open the library {path} ({error}); check its permissions.") from error
        raise NotALibraryError(
            f"{path} is not a Harmony library (not an SQLite database: {error}). Choose another file."
        ) from error
    return app_id, bool(names), revision


def backup_file(path: Path, label: str) -> Path:
    """Copy the library to ``<name>.backup-<UTC timestamp>-<label>.db`` beside it, consistently even while
    other connections use it (SQLite's online backup), and return the copy's path."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    target = path.with_name(f"{path.name}.backup-{stamp}-{label}.db")
    with closing(sqlite3.connect(str(path))) as source, closing(sqlite3.connect(str(target))) as copy:
        source.backup(copy)
    log.info("backed up %s to %s", path, target)
    return target


def open_database(path: Path | str | None = None, *, read_only: bool = False) -> tuple[Path, Engine]:
    """Open (creating or upgrading as needed) the library at ``path``; return its resolved path and an engine.

    Read-only opening never creates or upgrades: it is for workers reading a library the app already opened,
    and for reading a library on a read-only disk. Opening such a library for writing raises
    :class:`ReadOnlyLibraryError`; a damaged one raises :class:`DamagedLibraryError` (here or at the first
    query that meets the damage).
    """
    target = Path(path).expanduser() if path is not None else default_library_path()
    exists = target.exists()
    revision: str | None = None
    if exists and target.is_dir():
        raise LibraryError(f"{target} is a folder; give the path of a library file (e.g. library.db).")
    if exists and target.stat().st_size > 0:
        app_id, has_tables, revision = _inspect(target)
        if has_tables and app_id != APPLICATION_ID:
            raise NotALibraryError(
                f"{target} is not a Harmony library (it is another SQLite database). Choose another file."
            )
        if revision is not None and not _known_revision(revision):
            raise NewerLibraryError(
                f"{target} was written by a newer Harmony (schema {revision}); update Harmony to open it."
            )
    elif read_only:
        raise LibraryError(f"No Harmony library at {target}; open it once with Harmony to create it.")
    if exists and not read_only and is_read_only(target):
        raise read_only_error(target)

    if read_only:
        # The revision read just above serves: a reader (every job in a worker opens one) connects once less.
        if revision != HEAD_REVISION:
            raise LibraryError(f"The library {target} needs an upgrade; open it with Harmony first.")
        return target, make_engine(target, read_only=True)

    if not exists:
        target.parent.mkdir(parents=True, exist_ok=True)
        log.info("creating a new library at %s", target)
    try:
        mode = _journal_mode_wal(target)
    except sqlite3.DatabaseError as error:
        problem = explain_sqlite_error(target, error)
        if problem is None:
            raise
        raise problem from error
    if mode.lower() != "wal":
        raise LibraryError(f"Cannot use {target}: its folder does not allow SQLite's WAL mode ({mode}).")
    engine = make_engine(target)
    try:
        with _explained_errors():
            _upgrade(target, engine)
    except BaseException:
        engine.dispose()
        raise
    return target, engine


def _journal_mode_wal(target: Path) -> str:
    """Switch the library's file to WAL (a property of the file, which cannot be switched inside a transaction,
    so it is set here) and return the journal mode it has.

    SQLite answers "database is locked" at once, without waiting, to a connection switching a file another one
    is creating (it would deadlock otherwise): the first pages of a fresh app open the new library together.
    So a locked answer is asked again, until the same timeout any writer waits."""
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            with closing(sqlite3.connect(str(target), timeout=BUSY_TIMEOUT_MS / 1000)) as raw:
                return str(raw.execute("PRAGMA journal_mode = WAL").fetchone()[0])
        except sqlite3.OperationalError as error:
            # The primary code: SQLite may answer with an extended one (SQLITE_BUSY_RECOVERY, …).
            busy = getattr(error, "sqlite_errorcode", 0) & 0xFF == sqlite3.SQLITE_BUSY
            if not busy or time.monotonic() > deadline:
                raise
        time.sleep(0.02)


def _upgrade(path: Path, engine: Engine) -> None:
    """Bring the schema to head inside one write transaction, after a backup when data already exists.

    The revision is read again under the write lock, so two processes opening an old library at once upgrade
    it only once."""
    with engine.connect() as conn, conn.begin():
        # The usual case, checked without the write lock so opening never waits for another writer.
        if _stored_revision(conn) == HEAD_REVISION:
            return
    from alembic import command

    with engine.connect() as conn:
        conn.execution_options(harmony_begin="IMMEDIATE", compiled_cache=MIGRATIONS_UNCACHED)
        with conn.begin():
            current = _stored_revision(conn)
            if current == HEAD_REVISION:
                return
            if current is not None:
                if not _known_revision(current):
                    raise NewerLibraryError(
                        f"{path} was written by a newer Harmony (schema {current}); update Harmony to open it."
                    )
                backup_file(path, f"schema-{current}")
                log.info("upgrading library %s from schema %s to %s", path, current, HEAD_REVISION)
            else:
                conn.exec_driver_sql(f"PRAGMA application_id = {APPLICATION_ID}")
                if _is_empty(conn):
                    _head_schema().create(conn)
                    return
            command.upgrade(alembic_config(conn), "head")


def _is_empty(conn: Connection) -> bool:
    return conn.exec_driver_sql("SELECT 1 FROM sqlite_master LIMIT 1").first() is None


@functools.cache
def _head_schema() -> HeadSchema:
    """The schema (and first rows) the migrations make in a new library, made once per process in memory and
    then copied into each new library file (:mod:`harmony.library.fresh_schema`)."""
    from alembic import command

    engine = make_engine(Path(":memory:"))
    try:
        with engine.connect() as conn:
            conn.execution_options(compiled_cache=MIGRATIONS_UNCACHED)
            with conn.begin():
                conn.exec_driver_sql(f"PRAGMA application_id = {APPLICATION_ID}")
                command.upgrade(alembic_config(conn), "head")
                return read_back(conn)
    finally:
        engine.dispose()


def migrate(path: Path | str, revision: str) -> None:
    """Move an existing library's schema to ``revision`` (up or down) in one transaction.

    For developers and tests: the app itself only ever upgrades, through :func:`open_database`.
    """
    from alembic import command
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    engine = make_engine(Path(path))
    try:
        with engine.connect() as conn:
            conn.execution_options(harmony_begin="IMMEDIATE", compiled_cache=MIGRATIONS_UNCACHED)
            with conn.begin():
                current = MigrationContext.configure(conn).get_current_revision()
                config = alembic_config(conn)
                script = ScriptDirectory.from_config(config)
                below = set() if current is None else _ancestors(script, current)
                if revision == "base" or revision in below:
                    command.downgrade(config, revision)
                else:
                    command.upgrade(config, revision)
    finally:
        engine.dispose()


def _stored_revision(conn: Connection) -> str | None:
    """The schema revision recorded in the library (None before the first upgrade): the row Alembic keeps, read
    with one query."""
    if conn.exec_driver_sql("SELECT 1 FROM sqlite_master WHERE type='table' AND name='alembic_version'").first():
        row = conn.exec_driver_sql("SELECT version_num FROM alembic_version").first()
        return None if row is None else str(row[0])
    return None


def _ancestors(script: ScriptDirectory, current: str) -> set[str]:
    """The revisions strictly below ``current`` (reaching one of them is a downgrade)."""
    return {rev.revision for rev in script.iterate_revisions(current, "base") if rev.revision != current}


@contextmanager
def write_connection(engine: Engine) -> Iterator[Connection]:
    """A connection in a ``BEGIN IMMEDIATE`` transaction: commits on success, rolls back on error."""
    with _explained_errors(), engine.connect() as conn:
        conn.execution_options(harmony_begin="IMMEDIATE")
        with conn.begin():
            yield conn


@contextmanager
def read_connection(engine: Engine) -> Iterator[Connection]:
    """A connection inside a read transaction: every statement in it sees the same snapshot."""
    with _explained_errors(), engine.connect() as conn, conn.begin():
        yield conn


_SQLITE_PROBLEMS = {
    "database is locked": "The library is busy: another Harmony is writing to it. Try again in a moment.",
    "disk is full": "The disk holding the library is full; free some space and try again.",
    "disk i/o error": "The library file could not be read or written (disk error); check the disk.",
}


@contextmanager
def _explained_errors() -> Iterator[None]:
    """Turn the SQLite failures a DJ can meet into a :class:`LibraryError` saying what to do."""
    try:
        yield
    except OperationalError as error:
        text = str(error.orig).lower()
        for needle, message in _SQLITE_PROBLEMS.items():
            if needle in text:
                raise LibraryError(message) from error
        raise
