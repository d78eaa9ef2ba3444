"""Fast re-imports: each track sync base remembers the exact NML entry it was taken from.

``entry_digest`` is a salted SHA-256 digest (128 bits) of the raw bytes of the collection's ``<ENTRY>`` the
base holds (salted with what else shapes the mapping: platform, path mappings, start-up volume, mapping
rules), stored only when Harmony's track agreed with that entry after the import. ``synced_version`` is the
library version the base was written at. An entry whose digest equals its base's, on a track not edited
since ``synced_version``, is unchanged on both sides: the next import skips it without parsing it (see
:mod:`harmony.sync.import_plan`). Both columns are NULL for bases written before this revision, or by anything
but an import: such a base goes through the full three-way merge, exactly as before.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("track_sync_bases") as batch:
        batch.add_column(sa.Column("entry_digest", sa.Text(), nullable=True))
        batch.add_column(sa.Column("synced_version", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("track_sync_bases") as batch:
        batch.drop_column("synced_version")
        batch.drop_column("entry_digest")
