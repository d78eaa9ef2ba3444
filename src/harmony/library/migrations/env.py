"""Alembic environment: runs the migrations on the connection :mod:`harmony.library.database` hands over.

There is no URL and no ini file: Harmony runs migrations programmatically, inside its own transaction, so the
connection arrives in ``config.attributes["connection"]``.
"""

from __future__ import annotations

from alembic import context

from harmony.library.models import Base

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("Harmony migrations run through harmony.library.database, which passes a connection")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    # SQLite cannot ALTER most things; batch mode rebuilds a table when a migration needs it.
    render_as_batch=True,
    # The caller owns the transaction, so an upgrade and its backup check commit or roll back together.
    transaction_per_migration=False,
)
with context.begin_transaction():
    context.run_migrations()
