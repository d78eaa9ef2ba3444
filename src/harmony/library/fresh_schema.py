"""A new library's schema: made by the migrations once per process, then replayed into each new library file.

Running the migrations builds every table in Alembic and SQLAlchemy anew and compiles it, about 20 ms a
library; replaying the SQL they left behind takes about one. That adds up where libraries are made often (the
test suite makes hundreds). The migrations stay the one definition of the schema: the script is read back from
an in-memory database they brought to head, in this process, from this code.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection

__all__ = ["HeadSchema", "read_back"]

#: The tables an FTS5 table keeps its index in (``<name>_data`` …): its own CREATE makes them.
_SHADOW_SUFFIXES = ("_data", "_idx", "_content", "_docsize", "_config")


@dataclass(frozen=True)
class HeadSchema:
    """What a library at the newest revision holds when new: its schema's SQL, in the order it was made, and
    the rows the migrations wrote (the revision, the library's state)."""

    statements: tuple[str, ...]
    rows: tuple[tuple[str, tuple[str, ...], tuple[object, ...]], ...]

    def create(self, conn: Connection) -> None:
        """Make this schema and its rows in the empty database of ``conn`` (inside the caller's transaction)."""
        for statement in self.statements:
            conn.exec_driver_sql(statement)
        for table, columns, values in self.rows:
            names = ", ".join(f'"{column}"' for column in columns)
            marks = ", ".join("?" for _ in columns)
            conn.exec_driver_sql(f'INSERT INTO "{table}" ({names}) VALUES ({marks})', values)


def read_back(conn: Connection) -> HeadSchema:
    """The schema and rows of the database of ``conn``, as :meth:`HeadSchema.create` makes them again."""
    objects = conn.exec_driver_sql("SELECT type, name, sql FROM sqlite_master ORDER BY rowid").all()
    virtual = [name for kind, name, sql in objects if kind == "table" and sql.startswith("CREATE VIRTUAL TABLE")]

    def made_by_sqlite(kind: str, name: str, sql: str | None) -> bool:
        # Automatic indexes have no SQL; a virtual table's shadow tables come with it.
        shadow = kind == "table" and any(name == v + suffix for v in virtual for suffix in _SHADOW_SUFFIXES)
        return sql is None or shadow or name.startswith("sqlite_")

    statements = tuple(sql for kind, name, sql in objects if not made_by_sqlite(kind, name, sql))
    rows: list[tuple[str, tuple[str, ...], tuple[object, ...]]] = []
    for kind, name, sql in objects:
        if kind != "table" or made_by_sqlite(kind, name, sql) or name in virtual:
            continue
        # The stored columns only: PRAGMA table_info leaves out generated ones, which SQLite refuses to be given.
        stored = [row[1] for row in conn.exec_driver_sql(f'PRAGMA table_info("{name}")')]
        names = ", ".join(f'"{column}"' for column in stored)
        result = conn.exec_driver_sql(f'SELECT {names} FROM "{name}"')
        columns = tuple(result.keys())
        rows.extend((name, columns, tuple(row)) for row in result)
    return HeadSchema(statements, tuple(rows))
