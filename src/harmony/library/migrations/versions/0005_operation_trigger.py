"""The operations journal says what started each operation: ``manual`` (the DJ) or ``auto-sync``.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("operations") as batch:
        batch.add_column(sa.Column("trigger", sa.Text(), nullable=False, server_default="manual"))


def downgrade() -> None:
    with op.batch_alter_table("operations") as batch:
        batch.drop_column("trigger")
