"""Tracks whose file is not on this machine stay in the library, marked missing.

``missing_since`` is when Harmony first found the track's file gone (NULL: the file was there at the last
check); ``last_seen`` is the last check that found the file (NULL: never seen by this library, as for a track
imported from a collection whose drive is not attached). The index serves the "Missing (N)" filter and count.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ALTER TABLE: a batch copy of ``tracks`` would drop the search index's triggers on it.
    op.add_column("tracks", sa.Column("missing_since", sa.DateTime(), nullable=True))
    op.add_column("tracks", sa.Column("last_seen", sa.DateTime(), nullable=True))
    op.create_index("ix_tracks_missing_since", "tracks", ["missing_since"])


def downgrade() -> None:
    op.drop_index("ix_tracks_missing_since", table_name="tracks")
    op.execute("ALTER TABLE tracks DROP COLUMN last_seen")
    op.execute("ALTER TABLE tracks DROP COLUMN missing_since")
