"""Opening a library: creation, pragmas, refusing foreign files, the default path, models vs migrations."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from harmony.library import Library, NewerLibraryError, NotALibraryError, database
from harmony.library.database import APPLICATION_ID, head_revision, make_engine
from harmony.library.errors import LibraryError
from harmony.library.models import Base, include_in_autogenerate

from .helpers import track


def test_open_creates_a_library_at_head_with_wal(library_path: Path) -> None:
    with Library.open(library_path) as library:
        assert library.stats().tracks == 0
        assert library.version == 0
        assert not library.pending_export
    raw = sqlite3.connect(library_path)
    assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert raw.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    assert raw.execute("SELECT version_num FROM alembic_version").fetchone()[0] == head_revision()


def test_connections_enforce_foreign_keys_and_wait_for_writers(library_path: Path) -> None:
    Library.open(library_path).close()
    engine = make_engine(library_path)  # the engine every Library uses
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 1000
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
    engine.dispose()


def test_default_path_is_the_user_data_folder(tmp_path: Path) -> None:
    # conftest points platformdirs into tmp_path, so this creates the "default" library there.
    with Library.open() as library:
        assert library.path == tmp_path / "user-data" / "harmony" / "library.db"
        assert library.path.exists()


def test_reopening_keeps_data(library_path: Path) -> None:
    with Library.open(library_path) as library:
        track_id = library.add_track(track(1))
    with Library.open(library_path) as library:
        assert library.get_track(track_id).track.values.title == "Title 1"


def test_refuses_a_file_that_is_not_sqlite(tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    path.write_text("These are my notes, not a database. " * 100)
    with pytest.raises(NotALibraryError, match="not a Harmony library"):
        Library.open(path)
    assert path.read_text().startswith("These are my notes")


def test_refuses_another_sqlite_database(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    raw = sqlite3.connect(path)
    raw.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY, amount REAL)")
    raw.commit()
    raw.close()
    with pytest.raises(NotALibraryError, match="another SQLite database"):
        Library.open(path)
    assert sqlite3.connect(path).execute("SELECT name FROM sqlite_master").fetchall() == [("invoices",)]


def test_refuses_a_library_from_a_newer_harmony(library_path: Path) -> None:
    Library.open(library_path).close()
    raw = sqlite3.connect(library_path)
    raw.execute("UPDATE alembic_version SET version_num = '9999_future'")
    raw.commit()
    raw.close()
    with pytest.raises(NewerLibraryError, match="newer Harmony"):
        Library.open(library_path)


def test_refuses_a_folder(tmp_path: Path) -> None:
    with pytest.raises(LibraryError, match="is a folder"):
        Library.open(tmp_path)


def test_read_only_open_never_creates(tmp_path: Path) -> None:
    with pytest.raises(LibraryError, match="No Harmony library"):
        Library.open(tmp_path / "missing.db", read_only=True)
    assert not (tmp_path / "missing.db").exists()


def test_read_only_library_cannot_write(library_path: Path) -> None:
    Library.open(library_path).close()
    with Library.open(library_path, read_only=True) as library:
        assert library.stats().tracks == 0
        with pytest.raises(LibraryError, match="opened read-only"):
            library.add_track(track(1))


def test_a_busy_library_gives_a_clear_error(library_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(database, "BUSY_TIMEOUT_MS", 100)
    Library.open(library_path).close()
    blocker = sqlite3.connect(library_path, isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")  # another process holds the write lock
    try:
        with Library.open(library_path) as library:  # opening a library at head needs no write lock
            assert library.stats().tracks == 0  # reading goes on
            with pytest.raises(LibraryError, match="busy"):
                library.add_track(track(1))
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()


def test_models_match_the_migrations(library_path: Path) -> None:
    """The ORM models describe exactly the schema the migrations build (apart from the search index)."""
    Library.open(library_path).close()
    engine = make_engine(library_path)

    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"include_object": include_in_autogenerate})
        differences = compare_metadata(context, Base.metadata)
    engine.dispose()
    assert differences == []


def test_many_threads_read_at_once_on_their_own_connections(library_path: Path) -> None:
    """The web app reads on a pool of threads: each read keeps its connection to the end (a pool that closed other
    threads' connections under them gave "Cannot operate on a closed database" and could crash the process)."""
    import threading

    from sqlalchemy.pool import SingletonThreadPool

    with Library.open(library_path) as library:
        library.add_tracks([(track(i), ()) for i in range(300)])
        assert not isinstance(library._engine.pool, SingletonThreadPool)
        errors: list[str] = []
        totals: list[int] = []

        def read() -> None:
            try:
                for offset in range(0, 300, 20):
                    totals.append(library.search_tracks(None, sort="title", limit=20, offset=offset).total)
                    library.playlist_tree()
            except Exception as error:  # every failure is collected and reported below
                errors.append(repr(error))

        threads = [threading.Thread(target=read) for _ in range(12)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
    assert errors == []
    assert totals == [300] * (12 * 15)


def test_threads_opening_a_new_library_at_once_all_get_it(tmp_path: Path) -> None:
    """The first pages of a fresh app ask at once, each opening the library that does not exist yet: none may
    fail with "database is locked" while another creates it."""
    from concurrent.futures import ThreadPoolExecutor

    def open_and_count(path: Path) -> int:
        with Library.open(path) as library:
            return library.missing_count()

    for attempt in range(12):
        path = tmp_path / f"library-{attempt}.db"
        with ThreadPoolExecutor(max_workers=4) as pool:
            assert list(pool.map(open_and_count, [path] * 4)) == [0, 0, 0, 0]
