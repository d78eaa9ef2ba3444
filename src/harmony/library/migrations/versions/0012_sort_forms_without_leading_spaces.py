"""Text sorts by its first letter, not by spaces before it: " - Track01" among the dashes, not before every
title, and a comment of one space alone (799 of them in a real collection) with the empty comments, not before
every comment (see :func:`harmony.library.sort_forms.sort_form`).

No column changes: the sort forms of the tracks already there are derived again, and the rows whose form
differs are written (their sort indexes and search index entries follow by themselves). At 0011 a plain ASCII
text never had a form, so only the rows with a text starting with a space, or with a text that is not ASCII,
are read into Python.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-05
"""

from __future__ import annotations

from alembic import op

from harmony.library.sort_forms import sort_form

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

#: The text fields with a sort form (0010), frozen with the revision.
TEXT_FIELDS = ("title", "artist", "album", "genre", "label", "comment", "remixer")


def _text(value: object) -> str | None:
    return value if isinstance(value, str) else None


def upgrade() -> None:
    conn = op.get_bind()
    columns = ", ".join(TEXT_FIELDS)
    stored = ", ".join(f"{name}_sort" for name in TEXT_FIELDS)
    # A row may need a new form only if one of its texts starts with a space of any kind or is not plain ASCII:
    # SQLite cannot tell Unicode's spaces apart, so every row not plain ASCII is left to Python.
    plain = " AND ".join(
        f"({name} IS NULL OR ({name} NOT GLOB '*[^ -~]*' AND {name} NOT GLOB '[ ]*'))" for name in TEXT_FIELDS
    )
    rows = conn.exec_driver_sql(f"SELECT id, {columns}, {stored} FROM tracks WHERE NOT ({plain})").all()
    updates = []
    for track_id, *values in rows:
        texts, forms = values[: len(TEXT_FIELDS)], tuple(values[len(TEXT_FIELDS) :])
        # Only text has a form: another tool may have stored something else, which must not stop the upgrade.
        derived = tuple(sort_form(_text(value)) for value in texts)
        if derived != forms:
            updates.append((*derived, track_id))
    if updates:
        assignments = ", ".join(f"{name}_sort = ?" for name in TEXT_FIELDS)
        conn.exec_driver_sql(f"UPDATE tracks SET {assignments} WHERE id = ?", updates)


def downgrade() -> None:
    # The forms stay: Harmony at 0011 only sorts by them, and writes its own when a track's text next changes.
    pass
