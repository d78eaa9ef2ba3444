"""The round of the library's file check: which share of the present tracks the next import looks for.

A library of many thousands of tracks is not asked of the disk in full on every import (that alone cost more
than the rest of an unchanged re-import): each import checks every missing track and one of several shares
of the others, and this counter, moved on by every applied import, says which share comes next (see
:mod:`harmony.sync.file_rounds`).

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("library_state", sa.Column("file_check_round", sa.Integer(), nullable=False, server_default="0"))


def downgrade() -> None:
    op.execute("ALTER TABLE library_state DROP COLUMN file_check_round")
