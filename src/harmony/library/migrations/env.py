"""Alembic environment: runs the migrations on the connection :mod:`harmony.library.database` hands over.

Harmony runs migrations programmatically, inside its own transaction, so the connection arrives in
``config.attributes["connection"]``. For a developer writing a new revision with
``alembic revision --autogenerate``, an ini file may instead give ``sqlalchemy.url`` (a scratch library).
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection, create_engine

from harmony.library.models import Base, include_in_autogenerate


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        include_object=include_in_autogenerate,
        # SQLite cannot ALTER most things; batch mode rebuilds a table when a migration needs it.
        render_as_batch=True,
        # The caller owns the transaction, so an upgrade and its backup commit or roll back together.
        transaction_per_migration=False,
    )
    with context.begin_transaction():
        context.run_migrations()


_given = context.config.attributes.get("connection")
if _given is not None:
    _run(_given)
else:
    url = context.config.get_main_option("sqlalchemy.url")
    if not url:
        raise RuntimeError("Run the migrations through harmony.library.database, or give sqlalchemy.url")
    with create_engine(url).begin() as _connection:
        _run(_connection)
