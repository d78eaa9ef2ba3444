"""Text sorted by its letters: "Âme" among the A's, not after Z.

Adds a sort column beside each text field the track list sorts by an index (``title_sort`` … ``remixer_sort``:
the text without accents and case where that differs from the text, see :mod:`harmony.library.sort_text`),
fills it for the tracks already there, and builds those fields' sort indexes again on
``coalesce(<field>_sort, <field>) COLLATE NOCASE``. A library of ASCII titles gains only empty columns.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from harmony.library.sort_text import sort_form

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

#: The fields and the names of their sort indexes, frozen with the revision (the track list's
#: ``sort_expression`` repeats the index text exactly, so SQLite sorts by reading the index).
FIELDS = ("title", "artist", "album", "genre", "label", "comment", "remixer")


def _index(name: str) -> str:
    return f"ix_tracks_sort_{name}"


def upgrade() -> None:
    for name in FIELDS:
        op.add_column("tracks", sa.Column(f"{name}_sort", sa.Text(), nullable=True))
    conn = op.get_bind()
    columns = ", ".join(FIELDS)
    updates = []
    for track_id, *texts in conn.exec_driver_sql(f"SELECT id, {columns} FROM tracks").all():
        forms = [sort_form(text) for text in texts]
        if any(form is not None for form in forms):
            updates.append((*forms, track_id))
    if updates:
        assignments = ", ".join(f"{name}_sort = ?" for name in FIELDS)
        conn.exec_driver_sql(f"UPDATE tracks SET {assignments} WHERE id = ?", updates)
    for name in FIELDS:
        op.execute(f"DROP INDEX {_index(name)}")
        op.execute(f"CREATE INDEX {_index(name)} ON tracks (coalesce({name}_sort, {name}) COLLATE NOCASE)")


def downgrade() -> None:
    for name in FIELDS:
        op.execute(f"DROP INDEX {_index(name)}")
        op.execute(f"CREATE INDEX {_index(name)} ON tracks ({name} COLLATE NOCASE)")
    for name in FIELDS:
        op.execute(f"ALTER TABLE tracks DROP COLUMN {name}_sort")
