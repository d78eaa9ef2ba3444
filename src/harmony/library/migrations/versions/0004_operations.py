"""The operations journal: what each import, preview and export did and how long each phase took.

One row per finished operation (``harmony stats`` shows the recent ones). It is a record of the app's work,
not of the library's content: writing it bumps no library version and never makes an export pending.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "operations",
        sa.Column("seq", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("operation_id", sa.Text(), nullable=False),
        sa.Column("operation", sa.Text(), nullable=False),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("nml_path", sa.Text(), nullable=False, server_default=""),
        sa.Column("started_at", sa.DateTime(), nullable=True),
        sa.Column("finished_at", sa.DateTime(), nullable=False),
        sa.Column("seconds", sa.Float(), nullable=True),
        sa.Column("summary", sa.Text(), nullable=False, server_default=""),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("seconds_per_phase_json", sa.Text(), nullable=False, server_default="{}"),
        sa.Column("counts_json", sa.Text(), nullable=False, server_default="{}"),
        sa.Column("pools_json", sa.Text(), nullable=False, server_default="{}"),
    )
    op.create_index("ix_operations_finished_at", "operations", ["finished_at"])


def downgrade() -> None:
    op.drop_index("ix_operations_finished_at", table_name="operations")
    op.drop_table("operations")
