"""Search finds a name typed in plain letters: "lindstrom" finds "Lindstrøm", "royksopp" "Røyksopp", "strasse"
"Straße", "agaetis" "Ágætis".

The search index's tokenizer (``unicode61 remove_diacritics 2``) takes the accent marks off letters that have
one ("Björk" is found as "bjork"), but ø, æ, œ, ß, ð, þ, ł, đ and ı carry no separate mark, so it keeps them as
they are and a DJ typing the plain spelling found nothing. The search index gains one column,
``search_spellings``: for a track whose text holds one of those letters, the text spelled plain (its sort
forms, see :func:`spellings_sql`); NULL for every other track (nearly all of them), which the index skips at
no cost.

It is a generated column of ``tracks`` (VIRTUAL: computed when read, never stored), so no code writes it and
it can never disagree with the text: the index's triggers, its bulk fill at a first import and its rebuild all
read it like the other columns. The search index is made again with the extra column and filled from the
tracks already there.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-05
"""

from __future__ import annotations

from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

#: The search index's columns before this revision (0002), and the one it adds.
SEARCH_COLUMNS = ("title", "artist", "album", "genre", "label", "comment", "remixer", "mix", "key_text")
SPELLINGS = "search_spellings"
#: The fields spelled plain: those with a sort form (0010), whose sort form is that spelling.
SPELLED_FIELDS = ("title", "artist", "album", "genre", "label", "comment", "remixer")

#: Letters the tokenizer keeps as they are, with their plain spelling (both cases: the tokenizer folds case
#: after the index reads the column). The same letters as the sort forms' (``harmony.library.sort_forms``),
#: and ß, which casefolding spells "ss" there; a test holds the two lists together.
PLAIN_SPELLINGS = {
    "ø": "o",
    "Ø": "o",
    "æ": "ae",
    "Æ": "ae",
    "œ": "oe",
    "Œ": "oe",
    "ß": "ss",
    "ẞ": "ss",
    "ð": "d",
    "Ð": "d",
    "þ": "th",
    "Þ": "th",
    "ł": "l",
    "Ł": "l",
    "đ": "d",
    "Đ": "d",
    "ı": "i",
}

_FTS_OPTIONS = "content='tracks', content_rowid='id', tokenize='unicode61 remove_diacritics 2', prefix='1 2 3'"
_TRIGGERS = ("tracks_fts_insert", "tracks_fts_delete", "tracks_fts_update")


def spellings_sql() -> str:
    """The generated column's expression. The plain spelling of a text is already stored: it is the text's sort
    form (0010), NULL for an ASCII text. So a row whose sort forms are all NULL (most of a real collection) is
    done at once; another gets the sort forms of its texts where one of the texts holds such a letter. (A GLOB
    over every row's joined text instead cost 0.8 s more at a first import of 100,000 tracks.)"""
    spelled = " || ' ' || ".join(f"coalesce({name}_sort, '')" for name in SPELLED_FIELDS)
    holds = " OR ".join(
        f"({name}_sort IS NOT NULL AND {name} GLOB '*[{''.join(PLAIN_SPELLINGS)}]*')" for name in SPELLED_FIELDS
    )
    sorts = ", ".join(f"{name}_sort" for name in SPELLED_FIELDS)
    return f"CASE WHEN coalesce({sorts}) IS NULL THEN NULL WHEN {holds} THEN {spelled} END"


def _search_index(columns: tuple[str, ...]) -> None:
    """The search index over ``columns`` with its triggers, filled from the tracks (as 0002 made it)."""
    names = ", ".join(columns)
    new_values = ", ".join(f"new.{c}" for c in columns)
    old_values = ", ".join(f"old.{c}" for c in columns)
    op.execute(f"CREATE VIRTUAL TABLE tracks_fts USING fts5({names}, {_FTS_OPTIONS})")
    op.execute(
        f"CREATE TRIGGER tracks_fts_insert AFTER INSERT ON tracks BEGIN "
        f"INSERT INTO tracks_fts(rowid, {names}) VALUES (new.id, {new_values}); END"
    )
    op.execute(
        f"CREATE TRIGGER tracks_fts_delete AFTER DELETE ON tracks BEGIN "
        f"INSERT INTO tracks_fts(tracks_fts, rowid, {names}) VALUES ('delete', old.id, {old_values}); END"
    )
    # Only a change to a searched field re-indexes the row; and to a sort form, which the spellings are made of,
    # or to the id, the row's key in the index (a delete must name exactly the row and tokens the insert indexed).
    spelled = (*(f"{f}_sort" for f in SPELLED_FIELDS), "id")
    watched = SEARCH_COLUMNS if SPELLINGS not in columns else (*SEARCH_COLUMNS, *spelled)
    op.execute(
        f"CREATE TRIGGER tracks_fts_update AFTER UPDATE OF {', '.join(watched)} ON tracks BEGIN "
        f"INSERT INTO tracks_fts(tracks_fts, rowid, {names}) VALUES ('delete', old.id, {old_values}); "
        f"INSERT INTO tracks_fts(rowid, {names}) VALUES (new.id, {new_values}); END"
    )
    op.execute("INSERT INTO tracks_fts(tracks_fts) VALUES ('rebuild')")


def _drop_search_index() -> None:
    for trigger in _TRIGGERS:
        op.execute(f"DROP TRIGGER {trigger}")
    op.execute("DROP TABLE tracks_fts")


def upgrade() -> None:
    op.execute(f"ALTER TABLE tracks ADD COLUMN {SPELLINGS} TEXT GENERATED ALWAYS AS ({spellings_sql()}) VIRTUAL")
    _drop_search_index()
    _search_index((*SEARCH_COLUMNS, SPELLINGS))


def downgrade() -> None:
    _drop_search_index()
    op.execute(f"ALTER TABLE tracks DROP COLUMN {SPELLINGS}")
    _search_index(SEARCH_COLUMNS)
