"""Search finds a name typed in plain letters where the tokenizer keeps a letter as it is: "lindstrom" finds
"Lindstrøm", "strasse" finds "Straße" (migration 0011: the search index's generated ``search_spellings``)."""

from __future__ import annotations

import importlib
import sqlite3
from pathlib import Path

import pytest

from harmony.library import Library, TrackValues
from harmony.library.database import migrate
from harmony.library.sort_forms import sort_form

spellings_migration = importlib.import_module("harmony.library.migrations.versions.0011_search_spellings")

#: (what the library holds, what a DJ types), one per letter the tokenizer keeps.
NAMES = [
    ("Lindstrøm", "lindstrom"),
    ("MØ", "mo"),
    ("Ágætis byrjun", "agaetis"),
    ("ÆGIR", "aegir"),
    ("Cœur de pirate", "coeur"),
    ("Straße", "strasse"),
    ("Þórir", "thorir"),
    ("Guðmundsson", "gudmundsson"),
    ("Łukasz", "lukasz"),
    ("Đorđe", "dorde"),
    ("Kırmızı", "kirmizi"),
]


def _titles(library: Library, search: str) -> list[str | None]:
    return sorted(t.values.title or "" for t in library.search_tracks(search, limit=500).tracks)


def _index_is_sound(path: Path) -> None:
    """FTS5's own check of the index against the tracks (it fails when a delete missed a token)."""
    raw = sqlite3.connect(path)
    try:
        raw.execute("INSERT INTO tracks_fts(tracks_fts, rank) VALUES ('integrity-check', 1)")
    finally:
        raw.close()


def _write_raw(path: Path, sql: str) -> None:
    """A write by another tool: straight SQL on the library file, past Harmony."""
    raw = sqlite3.connect(path)
    try:
        raw.execute(sql)
        raw.commit()
    finally:
        raw.close()


@pytest.fixture
def named(library: Library) -> Library:
    library.add_tracks(
        [(TrackValues(path=f"/m/{n}.mp3", title=name, artist="Someone"), ()) for n, (name, _) in enumerate(NAMES)]
    )
    library.add_tracks([(TrackValues(path="/m/plain.mp3", title="Modern Times", artist="Plain"), ())])
    return library


@pytest.mark.parametrize(("name", "typed"), NAMES)
def test_a_name_is_found_typed_plainly_and_as_written(named: Library, name: str, typed: str) -> None:
    assert name in _titles(named, typed)
    assert name in _titles(named, name)  # as written, as before
    assert name in _titles(named, typed.upper())


def test_only_the_tracks_with_such_a_letter_gain_spellings(named: Library, library_path: Path) -> None:
    raw = sqlite3.connect(library_path)
    spelled = dict(raw.execute("SELECT title, search_spellings FROM tracks").fetchall())
    raw.close()
    assert spelled["Modern Times"] is None
    assert spelled["Lindstrøm"].split() == ["lindstrom"]  # the sort forms of its texts (none for "Someone")
    assert _titles(named, "mo") == ["Modern Times", "MØ"]  # the plain word still found as it is


def test_edits_and_deletes_keep_the_index_sound(named: Library, library_path: Path) -> None:
    track = named.search_tracks("lindstrom").tracks[0].id
    named.update_track(track, {"title": "Prins Thomas"})
    assert _titles(named, "lindstrom") == []
    assert _titles(named, "prins") == ["Prins Thomas"]
    named.update_track(track, {"artist": "Bjørn Torske"})
    assert _titles(named, "bjorn torske") == ["Prins Thomas"]
    strasse = named.search_tracks("strasse").tracks[0].id
    named.delete_tracks([strasse])
    assert _titles(named, "strasse") == []
    _index_is_sound(library_path)


def test_bulk_edits_undo_redo_and_merge_keep_the_index_sound(named: Library, library_path: Path) -> None:
    ids = {t.values.title: t.id for t in named.search_tracks("someone", limit=50).tracks}
    named.edit_tracks([ids["Straße"], ids["Þórir"]], {"artist": "Bjørn Torske"})  # a bulk edit
    assert _titles(named, "bjorn") == ["Straße", "Þórir"]
    named.undo()
    assert _titles(named, "bjorn") == []
    named.redo()
    assert _titles(named, "bjorn") == ["Straße", "Þórir"]
    named.merge_tracks(ids["Łukasz"], [ids["Lindstrøm"]])  # Lindstrøm merged away…
    assert _titles(named, "lindstrom") == []
    named.undo()  # … and brought back whole
    assert _titles(named, "lindstrom") == ["Lindstrøm"]
    _index_is_sound(library_path)


def test_a_sort_form_rewritten_alone_keeps_the_index_sound(named: Library, library_path: Path) -> None:
    # Another tool (or a later migration) rewriting a sort form without its text: the index follows it, so
    # a later delete names exactly what it indexed.
    _write_raw(library_path, "UPDATE tracks SET title_sort = 'lindstroem' WHERE title = 'Lindstrøm'")
    assert _titles(named, "lindstroem") == ["Lindstrøm"]
    _index_is_sound(library_path)
    named.delete_tracks([named.search_tracks("lindstroem").tracks[0].id])
    _index_is_sound(library_path)


def test_a_track_given_another_id_keeps_the_index_sound(named: Library, library_path: Path) -> None:
    # The id is the row's key in the index: a raw renumbering (another tool, a repair) moves its tokens along.
    _write_raw(library_path, "UPDATE tracks SET id = 100000 WHERE title = 'Lindstrøm'")
    _index_is_sound(library_path)
    assert [t.id for t in named.search_tracks("lindstrom").tracks] == [100000]


def test_a_recovered_library_is_searchable_by_plain_spellings(named: Library, library_path: Path) -> None:
    from harmony.library.recover import recover_library

    target = library_path.with_name("recovered.db")
    report = recover_library(library_path, target)
    assert report.complete, report.to_json()
    _index_is_sound(target)
    with Library.open(target) as recovered:
        assert _titles(recovered, "lindstrom") == ["Lindstrøm"]


def test_a_big_insert_fills_the_spellings_in_bulk(library: Library, library_path: Path) -> None:
    # From 1,000 tracks on, the search index is filled in one statement, not by its trigger.
    library.add_tracks(
        [(TrackValues(path=f"/m/{n}.mp3", title=f"Lindstrøm {n}", artist="Ørjan"), ()) for n in range(1200)]
    )
    assert library.search_tracks("lindstrom orjan").total == 1200
    _index_is_sound(library_path)


def test_an_older_library_is_searchable_by_plain_spellings_once_upgraded(tmp_path: Path) -> None:
    path = tmp_path / "library.db"
    Library.open(path).close()
    migrate(path, "0010")
    raw = sqlite3.connect(path)
    for n, (name, _) in enumerate(NAMES):  # as Harmony wrote them at 0010: with their sort forms
        raw.execute(
            "INSERT INTO tracks (id, path, path_key, title, title_sort, changed_version) VALUES (?, ?, ?, ?, ?, 0)",
            (n + 1, f"/m/{n}.mp3", f"/m/{n}.mp3", name, sort_form(name)),
        )
    raw.commit()
    raw.close()
    with Library.open(path) as library:
        for name, typed in NAMES:
            assert name in _titles(library, typed)
    _index_is_sound(path)
    migrate(path, "0010")  # and down again: the column goes, the index is as 0002 made it
    raw = sqlite3.connect(path)
    assert "search_spellings" not in {row[1] for row in raw.execute("PRAGMA table_xinfo(tracks)")}
    found = raw.execute("SELECT rowid FROM tracks_fts WHERE tracks_fts MATCH '\"lindstrom\"*'").fetchall()
    written = raw.execute("SELECT rowid FROM tracks_fts WHERE tracks_fts MATCH '\"lindstrøm\"*'").fetchall()
    raw.close()
    assert found == [] and written == [(1,)]
    _index_is_sound(path)


def test_the_letters_are_those_the_sort_forms_spell_plain() -> None:
    # One list of such letters in spirit: the migration freezes its own, this holds the two together.
    plain = spellings_migration.PLAIN_SPELLINGS
    for letter, spelled in plain.items():
        assert sort_form(letter) == spelled, letter
    for letter in "øæœłđðþ":  # each in both cases
        assert letter in plain and letter.upper() in plain, letter
    assert "ı" in plain and "ß" in plain


def test_undoing_a_bulk_edit_of_many_tracks_gives_each_its_own_values_back(library_path: Path) -> None:
    """Many tracks' own values go back by one statement from a temporary table (a statement per track made the
    search index flush its words at each): each track gets its own, its dates as dates, the index follows."""
    from datetime import date

    from harmony.library.database import write_connection
    from harmony.library.errors import TrackNotFoundError
    from harmony.library.writes import update_tracks

    with Library.open(library_path) as library:
        ids = library.add_tracks(
            [
                (TrackValues(f"/m/{n}.mp3", title=f"Song {n}", comment=f"note{n}" if n % 3 else None), [])
                for n in range(250)
            ]
        )
        library.edit_tracks(ids, {"comment": "everyone"})
        assert library.search_tracks("everyone").total == 250
        library.undo()
        assert library.search_tracks("everyone").total == 0
        back = {t.id: t.values.comment for t in library.search_tracks("song", limit=300).tracks}
        assert back == {track: (f"note{n}" if n % 3 else None) for n, track in enumerate(ids)}
        assert [t.values.title for t in library.search_tracks("note248").tracks] == ["Song 248"]
        library.redo()
        assert library.search_tracks("everyone").total == 250

        # Values of other types, and a track that is not there: refused whole.
        dated = [(track, {"date_added": date(2020, 1, 1 + n % 28)}) for n, track in enumerate(ids)]
        with write_connection(library._engine) as conn:
            assert update_tracks(conn, library.version + 1, dated) == 250
        assert library.get_track(ids[30]).track.values.date_added == date(2020, 1, 3)
        with pytest.raises(TrackNotFoundError), write_connection(library._engine) as conn:
            update_tracks(
                conn, library.version + 1, [*[(t, {"comment": "gone"}) for t in ids], (99_999, {"comment": "x"})]
            )
        assert library.search_tracks("gone").total == 0
    _index_is_sound(library_path)
