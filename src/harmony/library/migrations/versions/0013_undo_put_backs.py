"""The rows an undo marked as no longer pending export, kept until no export that was running can need them.

An undo of an edit no export has carried puts back the versions its rows had before the edit (see
``harmony.library.undo_stamps``). An export already running may have read the library with the edit in it and
will record that version when it has written the file: the rows must then be pending again, since the file
holds the edit. Each row an undo marked is kept here (the undo's version, the version of the change it undid),
so that recording an export can mark them again; rows older than the version an export records are dropped then.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "undo_put_backs",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("undo_version", sa.Integer(), nullable=False),
        sa.Column("applied_version", sa.Integer(), nullable=False),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("row_id", sa.Integer(), nullable=False),
        sa.Column("settled_version", sa.Integer(), nullable=True),
        sa.CheckConstraint("kind IN ('tracks', 'playlists', 'folders')", name="undo_put_back_kind"),
    )
    op.create_index("ix_undo_put_backs_undo_version", "undo_put_backs", ["undo_version"])


def downgrade() -> None:
    op.drop_index("ix_undo_put_backs_undo_version", table_name="undo_put_backs")
    op.drop_table("undo_put_backs")
