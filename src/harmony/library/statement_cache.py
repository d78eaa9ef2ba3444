"""One cache of compiled SQL for every library engine of the process.

SQLAlchemy compiles a statement once per engine: its cache of compiled SQL belongs to the engine and is keyed by
the engine's own dialect object. A worker opens an engine for every job (the jobs read the library by its path),
so each job compiled the same statements again; with many small operations (auto-sync, the tests' thousands of
libraries) that compiling was a third of the time. Engines made on :data:`SQLITE_URL` with
:data:`SHARED_STATEMENTS` compile each statement once per process.
"""

from __future__ import annotations

from typing import Any, Final

from sqlalchemy.dialects import registry
from sqlalchemy.dialects.sqlite.pysqlite import SQLiteDialect_pysqlite
from sqlalchemy.util import LRUCache

__all__ = ["SHARED_STATEMENTS", "SQLITE_URL", "HarmonySQLiteDialect"]

SQLITE_URL: Final = "sqlite+harmony://"
"""The URL of a library engine: SQLite through the standard ``sqlite3`` module, as ``sqlite+pysqlite``."""

SHARED_STATEMENTS: Final[LRUCache[Any, Any]] = LRUCache(2000)
"""Compiled statements of every library engine (the ``compiled_cache`` execution option); SQLAlchemy's own
cache is 500 per engine."""


class HarmonySQLiteDialect(SQLiteDialect_pysqlite):
    """SQLite through ``sqlite3``, every instance standing for the same SQL.

    The engines are all made alike (one module, one set of options), so a statement compiled for one is right
    for all: equal dialects let them find each other's compiled statements in the shared cache."""

    supports_statement_cache = True

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self)

    def __hash__(self) -> int:
        return hash(type(self))


registry.register("sqlite.harmony", __name__, "HarmonySQLiteDialect")
