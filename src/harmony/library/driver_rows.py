"""Big reads through the driver's own cursor.

SQLAlchemy builds a row object for every row it hands back and compiles an expanding ``IN`` list for every
batch of ids; on a read of 100,000 rows that costs several times the query itself (a 100,000-entry
playlist: 0.4 s through SQLAlchemy, 0.12 s through the cursor). The reads that can be that big (a playlist's
entries, whether many tracks exist) run here, on the same connection and so in the same transaction.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Connection

from harmony.library.batches import in_batches

__all__ = ["all_driver_rows", "driver_rows", "rows_with_ids"]


@contextmanager
def _cursor(conn: Connection) -> Iterator[sqlite3.Cursor]:
    """A cursor of the driver's connection under ``conn`` (its transaction), closed after use."""
    driver = conn.connection.driver_connection
    assert isinstance(driver, sqlite3.Connection)
    cursor = driver.cursor()
    try:
        yield cursor
    finally:
        cursor.close()


def driver_rows(conn: Connection, sql: str, params: Sequence[Any] = ()) -> Iterator[tuple[Any, ...]]:
    """The rows of ``sql`` as plain tuples, one at a time."""
    with _cursor(conn) as cursor:
        yield from cursor.execute(sql, params)


def all_driver_rows(conn: Connection, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
    """The rows of ``sql`` as plain tuples, in one list (built by the driver, faster than row by row)."""
    with _cursor(conn) as cursor:
        rows: list[tuple[Any, ...]] = cursor.execute(sql, params).fetchall()
        return rows


def rows_with_ids(conn: Connection, sql: str, ids: Sequence[int]) -> Iterator[tuple[Any, ...]]:
    """The rows of ``sql``, whose one ``{ids}`` placeholder stands for an ``IN`` list, for every id of ``ids``
    (in batches SQLite's limit on bound values allows)."""
    for chunk in in_batches(ids):
        yield from all_driver_rows(conn, sql.format(ids=", ".join("?" * len(chunk))), chunk)
