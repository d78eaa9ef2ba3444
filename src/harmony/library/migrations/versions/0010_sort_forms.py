"""What the track list sorts by where a stored value alone sorted wrong (see :mod:`harmony.library.sort_forms`).

- Text by its letters: "Âme" among the A's, not after Z. A sort column beside each text field the list sorts
  by an index (``title_sort`` … ``remixer_sort``: the text without accents and case, where ``NOCASE`` would
  order the text itself differently), and those fields' sort indexes built again on
  ``coalesce(<field>_sort, <field>) COLLATE NOCASE``. A library of ASCII titles gains only empty columns.
- Keys known only as text (``INFO KEY="e♭"`` without ``MUSICAL_KEY``) in the Key column's order:
  ``key_text_sort``, the key the text names, and the Key column's three sort indexes built again on the key
  value ``coalesce(musical_key, key_text_sort)``.

Both are filled here for the tracks already there.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from harmony.library.sort_forms import key_sort_form, sort_form

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

#: The text fields with a sort form (their indexes are ``ix_tracks_sort_<field>``), frozen with the revision.
TEXT_FIELDS = ("title", "artist", "album", "genre", "label", "comment", "remixer")
#: The Key column's indexes, on the key value here and on ``musical_key`` in 0008 (the track list's
#: ``KEY_RANKS`` repeat this text exactly, so SQLite sorts by reading the index).
_KEY_RANKS = {
    "open_key": "((({k} % 12 + 3 * ({k} >= 12)) * 7) % 12) * 2 + ({k} >= 12)",
    "camelot": "((({k} % 12 + 3 * ({k} >= 12)) * 7 + 7) % 12) * 2 + ({k} < 12)",
    "musical": "({k} % 12) * 2 + ({k} >= 12)",
}
_KEY_VALUE = "coalesce(musical_key, key_text_sort)"


def _key_indexes(key: str) -> None:
    for notation, rank in _KEY_RANKS.items():
        name = f"ix_tracks_sort_key_{notation}"
        op.execute(f"DROP INDEX {name}")
        op.execute(f"CREATE INDEX {name} ON tracks ({rank.format(k=key)})")


def _text(value: object) -> str | None:
    return value if isinstance(value, str) else None


def upgrade() -> None:
    for name in TEXT_FIELDS:
        op.add_column("tracks", sa.Column(f"{name}_sort", sa.Text(), nullable=True))
    op.add_column("tracks", sa.Column("key_text_sort", sa.Integer(), nullable=True))
    conn = op.get_bind()
    columns = ", ".join((*TEXT_FIELDS, "key_text"))
    updates = []
    for track_id, *texts, key_text in conn.exec_driver_sql(f"SELECT id, {columns} FROM tracks").all():
        # Only text has a form: another tool may have stored something else, which must not stop the upgrade.
        forms = (*(sort_form(_text(value)) for value in texts), key_sort_form(_text(key_text)))
        if any(form is not None for form in forms):
            updates.append((*forms, track_id))
    if updates:
        assignments = ", ".join(f"{name}_sort = ?" for name in (*TEXT_FIELDS, "key_text"))
        conn.exec_driver_sql(f"UPDATE tracks SET {assignments} WHERE id = ?", updates)
    for name in TEXT_FIELDS:
        op.execute(f"DROP INDEX ix_tracks_sort_{name}")
        op.execute(f"CREATE INDEX ix_tracks_sort_{name} ON tracks (coalesce({name}_sort, {name}) COLLATE NOCASE)")
    _key_indexes(_KEY_VALUE)


def downgrade() -> None:
    _key_indexes("musical_key")
    for name in TEXT_FIELDS:
        op.execute(f"DROP INDEX ix_tracks_sort_{name}")
        op.execute(f"CREATE INDEX ix_tracks_sort_{name} ON tracks ({name} COLLATE NOCASE)")
    for name in (*TEXT_FIELDS, "key_text"):
        op.execute(f"ALTER TABLE tracks DROP COLUMN {name}_sort")
