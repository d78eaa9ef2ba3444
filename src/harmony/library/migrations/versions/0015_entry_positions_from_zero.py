"""Every playlist's entries stand at positions 0, 1, 2… in their order.

A track deleted took its playlist entries with it and left their positions empty: a playlist read 0, 1, 3, 4.
The page sends back the positions its rows carry, and the library took them as places in the list, so Delete
on the row at position 3 removed the entry at position 4 (found by a review). Deleting tracks now numbers the
playlists that held them again (:func:`harmony.library.writes.delete_tracks`); this numbers again the playlists
of a library written before. No column changes; only the rows whose position differs are written.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-07
"""

from __future__ import annotations

from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.get_bind().exec_driver_sql(
        "UPDATE playlist_entries SET position = numbered.place FROM (SELECT id, row_number() OVER "
        "(PARTITION BY playlist_id ORDER BY position, id) - 1 AS place FROM playlist_entries) AS numbered "
        "WHERE playlist_entries.id = numbered.id AND playlist_entries.position != numbered.place"
    )


def downgrade() -> None:
    # Positions from 0 are positions 0014 reads as well.
    pass
