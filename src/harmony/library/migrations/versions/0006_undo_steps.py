"""The undo history: one row per edit the DJ can undo or redo, kept in the library so it survives a restart.

Each step stores only the values its edit changed, before and after (``before_json``, ``after_json``), never
whole rows of untouched tracks. ``state`` is ``done`` (can be undone) or ``undone`` (can be redone).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "undo_steps",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("operation", sa.Text(), nullable=False),
        sa.Column("label", sa.Text(), nullable=False),
        sa.Column("state", sa.Text(), nullable=False, server_default="done"),
        sa.Column("before_json", sa.Text(), nullable=False),
        sa.Column("after_json", sa.Text(), nullable=False),
        sa.CheckConstraint("state IN ('done', 'undone')", name="undo_state"),
    )
    op.create_index("ix_undo_steps_state", "undo_steps", ["state", "id"])


def downgrade() -> None:
    op.drop_index("ix_undo_steps_state", table_name="undo_steps")
    op.drop_table("undo_steps")
