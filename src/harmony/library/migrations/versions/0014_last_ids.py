"""The highest track, playlist and folder ids the library ever gave, so that no new row takes the id of one an
undo may bring back.

New rows took their ids from the highest id present. A merge of duplicates takes tracks out of the library, a
DJ deletes playlists and folders, and the undo puts them back with their ids. A row added in between by
something that is not an undo step (an import, a scan) took the id of a deleted row that had the highest one,
and the undo then wrote the old row over the new one (found by a review). New ids now start above
``last_track_id``, ``last_playlist_id`` and ``last_folder_id`` too. Each starts at the highest id present or named
by a kept undo step (the only place a row that left the library can come back from).

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

#: Each column of ``library_state``, its table, and the parts of an undo step's snapshot that name its rows.
LAST_IDS = {
    "last_track_id": ("tracks", ("rows", "tracks", "cues")),
    "last_playlist_id": ("playlists", ("playlists", "entries")),
    "last_folder_id": ("folders", ("folders",)),
}


def upgrade() -> None:
    conn = op.get_bind()
    sides = [
        json.loads(side)
        for pair in conn.exec_driver_sql("SELECT before_json, after_json FROM undo_steps")
        for side in pair
    ]
    for column, (table, parts) in LAST_IDS.items():
        op.add_column("library_state", sa.Column(column, sa.Integer(), nullable=False, server_default="0"))
        named = [int(row_id) for side in sides for part in parts for row_id in side.get(part, {})]
        highest = max([conn.exec_driver_sql(f"SELECT coalesce(max(id), 0) FROM {table}").scalar_one(), *named])
        conn.exec_driver_sql(f"UPDATE library_state SET {column} = ?", (highest,))


def downgrade() -> None:
    for column in reversed(LAST_IDS):
        op.execute(f"ALTER TABLE library_state DROP COLUMN {column}")
