"""Fast search and sort: an FTS5 index of the track text fields, kept in step by triggers, and sort indexes.

A 100,000-track library must answer a page of a text search in well under 50 ms. A LIKE scan over every row
cannot, so the text fields are indexed with FTS5 (external content: the text lives only in ``tracks``), with
prefix indexes so that typing "daf pun" finds "Daft Punk". The sort indexes serve an unfiltered, sorted page.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28
"""

from __future__ import annotations

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

#: The text fields a search looks in. Kept here, frozen with the revision; the query code reads it back from
#: the FTS table itself, so a later revision may change the list.
SEARCH_COLUMNS = ("title", "artist", "album", "genre", "label", "comment", "remixer", "mix", "key_text")

SORT_INDEXES = {
    "ix_tracks_sort_title": "title COLLATE NOCASE",
    "ix_tracks_sort_artist": "artist COLLATE NOCASE",
    "ix_tracks_sort_album": "album COLLATE NOCASE",
    "ix_tracks_sort_genre": "genre COLLATE NOCASE",
    "ix_tracks_sort_bpm": "bpm",
    "ix_tracks_sort_musical_key": "musical_key",
    "ix_tracks_sort_rating": "rating",
    "ix_tracks_sort_date_added": "date_added",
    "ix_tracks_sort_year": "year",
}


def upgrade() -> None:
    columns = ", ".join(SEARCH_COLUMNS)
    new_values = ", ".join(f"new.{c}" for c in SEARCH_COLUMNS)
    old_values = ", ".join(f"old.{c}" for c in SEARCH_COLUMNS)
    op.execute(
        f"CREATE VIRTUAL TABLE tracks_fts USING fts5({columns}, content='tracks', content_rowid='id', "
        "tokenize='unicode61 remove_diacritics 2', prefix='1 2 3')"
    )
    op.execute(
        f"CREATE TRIGGER tracks_fts_insert AFTER INSERT ON tracks BEGIN "
        f"INSERT INTO tracks_fts(rowid, {columns}) VALUES (new.id, {new_values}); END"
    )
    op.execute(
        f"CREATE TRIGGER tracks_fts_delete AFTER DELETE ON tracks BEGIN "
        f"INSERT INTO tracks_fts(tracks_fts, rowid, {columns}) VALUES ('delete', old.id, {old_values}); END"
    )
    # Only a change to an indexed column re-indexes the row: a rating or play-count edit costs nothing here.
    op.execute(
        f"CREATE TRIGGER tracks_fts_update AFTER UPDATE OF {columns} ON tracks BEGIN "
        f"INSERT INTO tracks_fts(tracks_fts, rowid, {columns}) VALUES ('delete', old.id, {old_values}); "
        f"INSERT INTO tracks_fts(rowid, {columns}) VALUES (new.id, {new_values}); END"
    )
    # Index the rows an older library already holds.
    op.execute("INSERT INTO tracks_fts(tracks_fts) VALUES ('rebuild')")
    for name, expression in SORT_INDEXES.items():
        op.execute(f"CREATE INDEX {name} ON tracks ({expression})")


def downgrade() -> None:
    for name in SORT_INDEXES:
        op.execute(f"DROP INDEX {name}")
    for trigger in ("tracks_fts_insert", "tracks_fts_delete", "tracks_fts_update"):
        op.execute(f"DROP TRIGGER {trigger}")
    op.execute("DROP TABLE tracks_fts")
