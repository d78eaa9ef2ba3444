"""Text sorts by its letters: accents and case aside ("Âme" among the A's), through every write of a track and
off the sort indexes."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import func, select, true
from sqlalchemy.dialects import sqlite

from harmony.library import Library, TrackValues, key_display, track_list
from harmony.library.database import migrate
from harmony.library.models import TRACKS
from harmony.library.sort_forms import SORTED_TEXT_FIELDS, sort_form

ARTISTS = ["Zomby", "Âme", "aphex twin", "Édith Piaf", "Burial", "Ólafur Arnalds", "Øostil", "Ezra", None]
#: What a DJ expects, empty last: accents and case do not move a name out of its letter.
EXPECTED = ["Âme", "aphex twin", "Burial", "Édith Piaf", "Ezra", "Ólafur Arnalds", "Øostil", "Zomby", None]


def _artists(library: Library, **options: object) -> list[str | None]:
    return [row.track.values.artist for row in library.list_tracks(sort="artist", **options).rows]  # type: ignore[arg-type]


@pytest.fixture
def artists(library: Library) -> list[int]:
    return library.add_tracks(
        [(TrackValues(path=f"/m/{n}.mp3", title=f"T{n}", artist=artist), ()) for n, artist in enumerate(ARTISTS)]
    )


def test_the_sort_form_takes_off_accents_and_case_and_is_empty_where_nocase_suffices() -> None:
    assert sort_form("Âme") == "ame"
    assert sort_form("Édith Piaf") == "edith piaf"
    assert sort_form("Straße") == "strasse"
    assert sort_form("Øostil") == "oostil"
    assert sort_form("Ｆｕｌｌ") == "full"  # full-width letters, as some tags hold them
    assert sort_form("Daft Punk") is None  # ASCII: NOCASE orders it
    assert sort_form("שלום") is None  # no case, no accent: the text itself
    assert sort_form("דניאל Orchestra") is None  # NOCASE folds the rest
    assert sort_form("דניאל Orchéstra") == "דניאל orchestra"
    assert sort_form(None) is None
    assert sort_form("\u0301") is None  # nothing left: the text itself, which is not empty


def test_accented_names_sort_among_their_letters_both_ways(library: Library, artists: list[int]) -> None:
    assert _artists(library) == EXPECTED
    assert _artists(library, descending=True) == [*reversed(EXPECTED[:-1]), None]  # empty last both ways


def test_edits_bulk_edits_undo_and_redo_keep_the_sort_forms(library: Library, artists: list[int]) -> None:
    zomby = artists[0]
    library.update_track(zomby, {"artist": "Ämir Zomby"})
    assert _artists(library)[:2] == ["Âme", "Ämir Zomby"]
    library.edit_tracks([artists[4], artists[7]], {"artist": "Çava"})  # Burial and Ezra: a bulk edit
    assert _artists(library)[:5] == ["Âme", "Ämir Zomby", "aphex twin", "Çava", "Çava"]
    library.undo()
    assert _artists(library)[:4] == ["Âme", "Ämir Zomby", "aphex twin", "Burial"]
    library.undo()
    assert _artists(library) == EXPECTED
    library.redo()
    assert _artists(library)[:2] == ["Âme", "Ämir Zomby"]
    library.update_track(zomby, {"artist": "Zomby"})  # back to ASCII: the sort form goes
    assert _artists(library) == EXPECTED
    library.merge_tracks(artists[2], [artists[1], artists[3]])  # Âme and Édith Piaf merged away…
    assert "Âme" not in _artists(library)
    library.undo()  # … and brought back whole by the undo
    assert _artists(library) == EXPECTED
    raw = sqlite3.connect(library.path)
    assert raw.execute("SELECT artist_sort FROM tracks WHERE id = ?", (zomby,)).fetchone() == (None,)


def test_an_import_of_many_tracks_writes_the_sort_forms(library: Library) -> None:
    """Every sorted text field, through the bulk insert (one test in C per row, then each field)."""
    values = {name: "Éa" for name in SORTED_TEXT_FIELDS}
    ids = library.add_tracks([(TrackValues(path=f"/m/{n}.mp3", **(values if n % 2 else {})), ()) for n in range(1200)])
    raw = sqlite3.connect(library.path)
    columns = ", ".join(f"{name}_sort" for name in SORTED_TEXT_FIELDS)
    rows = raw.execute(f"SELECT id, {columns} FROM tracks ORDER BY id").fetchall()
    assert [row[0] for row in rows] == ids
    for n, (_, *forms) in enumerate(rows):
        assert forms == (["ea"] * len(SORTED_TEXT_FIELDS) if n % 2 else [None] * len(SORTED_TEXT_FIELDS))


@pytest.mark.parametrize("name", [*SORTED_TEXT_FIELDS, "added"])
def test_each_sorted_text_field_is_read_off_its_index(library: Library, name: str) -> None:
    """The list's order expression is the index's, word for word, so SQLite walks the index instead of sorting
    the whole library for a page; the filled rows are a range of it, so their count does not read the table
    ("Added" as well: its count took 20 ms of a 23 ms page at 100,000 tracks)."""
    filled, _ = track_list._tiers(name, "open_key", true(), in_playlist=False)
    assert filled.condition is not None
    page = select(TRACKS.c.id).where(filled.condition).order_by(*filled.expressions, TRACKS.c.id).limit(100)
    count = select(func.count()).select_from(TRACKS).where(filled.condition)
    for statement in (page, count):
        sql = str(statement.compile(dialect=sqlite.dialect(), compile_kwargs={"literal_binds": True}))
        plan = " ".join(row[3] for row in sqlite3.connect(library.path).execute(f"EXPLAIN QUERY PLAN {sql}"))
        assert f"USING INDEX ix_tracks_sort_{name}" in plan, plan
        assert "TEMP B-TREE" not in plan and "SCAN tracks" not in plan, plan


def test_an_older_library_gets_its_sort_forms_when_upgraded(tmp_path: Path) -> None:
    path = tmp_path / "library.db"
    Library.open(path).close()
    migrate(path, "0009")
    raw = sqlite3.connect(path)
    key_texts = ["off", "e", None, "8A", None, None, None, "C", None]  # beside the musical keys of some tracks
    musical_keys = [None, None, 7, None, None, 0, None, 21, None]
    for n, (artist, key_text, musical_key) in enumerate(zip(ARTISTS, key_texts, musical_keys, strict=True)):
        raw.execute(
            "INSERT INTO tracks (id, path, path_key, artist, key_text, musical_key, changed_version) "
            "VALUES (?, ?, ?, ?, ?, ?, 0)",
            (n + 1, f"/m/{n}.mp3", f"/m/{n}.mp3", artist, key_text, musical_key),
        )
    raw.commit()
    raw.close()
    with Library.open(path) as library:
        assert _artists(library) == EXPECTED
        assert _keys(library, "camelot") == ["8A", "C", "8B", "e", "9B", "off", None, None, None]
    migrate(path, "0009")  # and down again: the columns go, the old indexes come back
    raw = sqlite3.connect(path)
    assert "artist_sort" not in {row[1] for row in raw.execute("PRAGMA table_info(tracks)")}
    index = raw.execute("SELECT sql FROM sqlite_master WHERE name = 'ix_tracks_sort_artist'").fetchone()[0]
    assert index.endswith("(artist COLLATE NOCASE)")
    key_index = raw.execute("SELECT sql FROM sqlite_master WHERE name = 'ix_tracks_sort_key_musical'").fetchone()[0]
    assert key_index.endswith("((musical_key % 12) * 2 + (musical_key >= 12))")


def _keys(library: Library, notation: str, descending: bool = False) -> list[str | None]:
    rows = library.list_tracks(sort="key", limit=50, key_notation=notation, descending=descending).rows
    # A track's key text where it has one (to tell them apart), else its musical key as the column shows it.
    return [r.track.values.key_text or key_display(r.track.values.musical_key, None, notation) for r in rows]


def test_keys_known_only_as_text_sort_among_the_keys(library: Library) -> None:
    """A Traktor 2 collection's ``INFO KEY="e"`` without a ``MUSICAL_KEY`` (2,451 tracks of a real one) sorts as
    the key it names (E minor), shown as its text; text naming no key ("off") comes after every key."""
    keys = [0, 21, 7, 16, 12]  # C, Am, G, Em, Cm
    library.add_tracks([(TrackValues(path=f"/k/{n}.mp3", musical_key=k), ()) for n, k in enumerate(keys)])
    texts = ["off", "e", "8A", "weird", "Db/f"]  # Db/f: the first of the alternatives
    library.add_tracks([(TrackValues(path=f"/t/{n}.mp3", key_text=t), ()) for n, t in enumerate(texts)])
    library.add_tracks([(TrackValues(path="/k/none.mp3"), ())])
    assert _keys(library, "camelot") == ["Db/f", "5A", "8A", "8A", "8B", "9A", "e", "9B", "off", "weird", None]
    assert _keys(library, "musical") == ["C", "Cm", "Db/f", "Em", "e", "G", "Am", "8A", "off", "weird", None]
    assert _keys(library, "camelot", descending=True) == [
        "9B", "e", "9A", "8B", "8A", "8A", "5A", "Db/f", "weird", "off", None
    ]  # fmt: skip
    # The key text follows an edit, as a change of the text in an import does.
    library.update_track(library.list_tracks(search="off").rows[0].track.id, {"key_text": "1A"})
    assert _keys(library, "camelot")[0] == "1A"


@pytest.mark.parametrize("notation", ["open_key", "camelot", "musical"])
def test_the_key_column_is_read_off_its_index(library: Library, notation: str) -> None:
    tiers = track_list._tiers("key", notation, true(), in_playlist=False)
    for tier in tiers[:2]:
        assert tier.condition is not None
        page = select(TRACKS.c.id).where(tier.condition).order_by(*tier.expressions, TRACKS.c.id).limit(100)
        count = select(func.count()).select_from(TRACKS).where(tier.condition)
        for statement in (page, count) if tier is tiers[0] else (count,):
            sql = str(statement.compile(dialect=sqlite.dialect(), compile_kwargs={"literal_binds": True}))
            plan = " ".join(row[3] for row in sqlite3.connect(library.path).execute(f"EXPLAIN QUERY PLAN {sql}"))
            assert f"USING INDEX ix_tracks_sort_key_{notation}" in plan, plan
            assert "TEMP B-TREE" not in plan and "SCAN tracks" not in plan, plan


def test_an_upgrade_passes_over_values_that_are_not_text(tmp_path: Path) -> None:
    """Another tool may have stored bytes or a number in a text column: the upgrade leaves them without a sort
    form instead of failing (and then failing again at every opening)."""
    path = tmp_path / "library.db"
    Library.open(path).close()
    migrate(path, "0009")
    raw = sqlite3.connect(path)
    rows = [(1, "Âme", b"8A"), (2, b"\xc3\x82me", 8), (3, "Burial", "8A")]
    for track_id, artist, key_text in rows:
        raw.execute(
            "INSERT INTO tracks (id, path, path_key, artist, key_text, changed_version) VALUES (?, ?, ?, ?, ?, 0)",
            (track_id, f"/m/{track_id}.mp3", f"/m/{track_id}.mp3", artist, key_text),
        )
    raw.commit()
    raw.close()
    Library.open(path).close()
    raw = sqlite3.connect(path)
    forms = raw.execute("SELECT id, artist_sort, key_text_sort FROM tracks ORDER BY id").fetchall()
    assert forms == [(1, "ame", None), (2, None, None), (3, None, 21)]


def test_a_stale_sort_form_written_by_another_tool_never_repeats_or_drops_a_row(library: Library) -> None:
    """The tiers are exact complements: a row whose sort form no longer matches its text (only a write from
    outside Harmony can do that) is still listed once, and the list still ends with its last row."""
    ids = library.add_tracks([(TrackValues(path=f"/m/{n}.mp3", artist=a), ()) for n, a in enumerate(ARTISTS)])
    raw = sqlite3.connect(library.path)
    raw.execute("UPDATE tracks SET artist = NULL WHERE id = ?", (ids[1],))  # Âme's text gone, its form kept
    raw.execute("UPDATE tracks SET key_text_sort = -5 WHERE id = ?", (ids[2],))
    raw.commit()
    raw.close()
    for sort in ("artist", "key"):
        for descending in (False, True):
            listed = [row.track.id for row in library.list_tracks(sort=sort, descending=descending).rows]
            assert sorted(listed) == sorted(ids), (sort, descending, listed)


#: Titles as tags hold them: spaces before a name (a real collection has 24), spaces alone (799 comments there).
SPACED = [" - Track01", "Alpha", " ", "\u3000Âme", "beta", None, "\tZulu", ""]
#: What a DJ sees, empty last by id: the spaces before a name do not count, spaces alone are no text.
SPACED_ORDER = [" - Track01", "Alpha", "\u3000Âme", "beta", "\tZulu", " ", None, ""]


def _titles(library: Library, **options: object) -> list[str | None]:
    return [row.track.values.title for row in library.list_tracks(sort="title", **options).rows]  # type: ignore[arg-type]


def test_spaces_before_a_text_do_not_count_and_spaces_alone_are_no_text() -> None:
    assert sort_form(" - Track01") == "- Track01"  # NOCASE does the rest
    assert sort_form("  Daft Punk") == "Daft Punk"
    assert sort_form("\u3000Âme") == "ame"  # an ideographic space, then an accent
    assert sort_form(" ") == "" and sort_form("\t\n") == "" and sort_form("\u00a0") == ""
    assert sort_form("Daft Punk ") is None  # spaces after the text change nothing


def test_spaced_texts_sort_by_their_first_letter_through_every_write(library: Library) -> None:
    ids = library.add_tracks([(TrackValues(path=f"/m/{n}.mp3", title=t), ()) for n, t in enumerate(SPACED)])
    assert _titles(library) == SPACED_ORDER
    assert _titles(library, descending=True) == [*reversed(SPACED_ORDER[:5]), " ", None, ""]
    many = library.add_tracks([(TrackValues(path=f"/b/{n}.mp3", title=" Aaa"), ()) for n in range(1200)])
    assert _titles(library, limit=2) == [" - Track01", " Aaa"]  # the bulk insert's test in C lets no spaced row through
    library.delete_tracks(many)
    library.update_track(ids[1], {"title": "  zz"})
    library.edit_tracks([ids[4]], {"title": " "})
    assert _titles(library) == [" - Track01", "\u3000Âme", "\tZulu", "  zz", " ", " ", None, ""]
    library.undo()
    library.undo()
    assert _titles(library) == SPACED_ORDER


def test_an_older_library_sorts_spaced_texts_once_upgraded(tmp_path: Path) -> None:
    path = tmp_path / "library.db"
    Library.open(path).close()
    migrate(path, "0011")
    raw = sqlite3.connect(path)
    for n, title in enumerate(SPACED):  # as Harmony wrote them at 0011: a form for the accented one only
        form = "ame" if title == "\u3000Âme" else None
        raw.execute(
            "INSERT INTO tracks (id, path, path_key, title, title_sort, comment, changed_version) "
            "VALUES (?, ?, ?, ?, ?, ?, 0)",
            (n + 1, f"/m/{n}.mp3", f"/m/{n}.mp3", title, form, " " if n % 2 else "Warm up"),
        )
    raw.commit()
    raw.close()
    with Library.open(path) as library:
        assert _titles(library) == SPACED_ORDER
        comments = [row.track.values.comment for row in library.list_tracks(sort="comment").rows]
        assert comments == ["Warm up"] * 4 + [" "] * 4
    raw = sqlite3.connect(path)
    forms = dict(raw.execute("SELECT title, title_sort FROM tracks WHERE title IS NOT NULL").fetchall())
    assert forms == {" - Track01": "- Track01", "Alpha": None, " ": "", "\u3000Âme": "ame", "beta": None,
                     "\tZulu": "Zulu", "": None}  # fmt: skip
    raw.execute("INSERT INTO tracks_fts (tracks_fts) VALUES ('integrity-check')")  # raises if unsound
    raw.close()
    migrate(path, "0011")  # and down again: nothing to undo but the revision
    with Library.open(path) as library:
        assert _titles(library) == SPACED_ORDER
