"""The highest track id the library ever gave, so that no new track takes the id of one an undo may bring back.

New tracks took their ids from the highest id present. A merge of duplicates takes tracks out of the library,
and its undo puts them back with their ids; a track added in between (an import, a scan) took the id of a
merged-away track that had the highest one, and the undo then wrote the old track over the new one (found by a
review). New ids now start above ``last_track_id`` too. It starts at the highest id present or named by a kept
undo step (the only place a track that left the library can come back from).

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-05
"""

from __future__ import annotations

import json

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("library_state", sa.Column("last_track_id", sa.Integer(), nullable=False, server_default="0"))
    conn = op.get_bind()
    highest = conn.exec_driver_sql("SELECT coalesce(max(id), 0) FROM tracks").scalar_one()
    for before, after in conn.exec_driver_sql("SELECT before_json, after_json FROM undo_steps"):
        for side in (before, after):
            rows = json.loads(side).get("rows", {})
            highest = max([highest, *(int(track_id) for track_id in rows)])
    conn.exec_driver_sql("UPDATE library_state SET last_track_id = ?", (highest,))


def downgrade() -> None:
    op.execute("ALTER TABLE library_state DROP COLUMN last_track_id")
