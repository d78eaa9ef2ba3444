"""Track search, sort and pagination."""

from __future__ import annotations

import pytest

from harmony.library import InvalidFieldError, Library, TrackValues, queries, track_list

from .helpers import track

ROWS = [
    ("Daft Punk", "Around the World", 121.0, "House"),
    ("Daft Punk", "Da Funk", 111.0, "House"),
    ("Röyksopp", "Eple", 100.0, "Downtempo"),
    ("Björk", "Hyperballad", 134.0, "Electronic"),
    ("Deep Dish", "Flashdance", 128.0, "Deep House"),
    (None, "Untitled", None, None),
    ("daft punk", "One More Time", 123.0, "house"),
]


@pytest.fixture
def filled(library: Library) -> Library:
    library.add_tracks(
        [
            (TrackValues(path=f"/m/{i}.mp3", artist=a, title=t, bpm=b, genre=g), [])
            for i, (a, t, b, g) in enumerate(ROWS)
        ]
    )
    return library


def _titles(page: queries.TrackPage) -> list[str | None]:
    return [t.values.title for t in page.tracks]


def test_every_word_must_match_the_start_of_a_word(filled: Library) -> None:
    assert sorted(_titles(filled.search_tracks("daft"))) == ["Around the World", "Da Funk", "One More Time"]
    assert _titles(filled.search_tracks("daf wor")) == ["Around the World"]
    assert _titles(filled.search_tracks("fla")) == ["Flashdance"]  # a word start: "dance" inside it is not asked
    assert filled.search_tracks("daft").total == 3


def test_when_no_word_starts_so_the_words_are_found_inside_words(filled: Library) -> None:
    """A search for "bibi" finds "Habibi", though no word of it starts so; "תקווה" found nothing of "התקווה6" on
    the walk-through's real collection (the joined forms find it now too). A search the index finds nothing for
    looks for its words inside the fields."""
    filled.add_tracks([(TrackValues(path="/m/he.mp3", title="התקווה6 - שימי לי עוד רום", artist="Habibi"), [])])
    assert _titles(filled.search_tracks("תקווה")) == ["התקווה6 - שימי לי עוד רום"]
    assert _titles(filled.search_tracks("bibi")) == ["התקווה6 - שימי לי עוד רום"]
    assert _titles(filled.search_tracks("ABIB")) == ["התקווה6 - שימי לי עוד רום"]  # case ignored inside too
    # "unk" starts no word; it is inside "Funk" and "Punk": every Daft Punk track and Da Funk.
    assert sorted(_titles(filled.search_tracks("unk"))) == ["Around the World", "Da Funk", "One More Time"]
    assert _titles(filled.search_tracks("ash unk")) == []  # every word must be inside some field of the track
    assert _titles(filled.search_tracks("ash ouse")) == ["Flashdance"]
    assert filled.search_tracks("100%").total == 0  # % and _ are letters here, not wildcards
    # Whether a word starts so is asked of the list searched: a "Bibi" elsewhere does not hide "Habibi" here.
    habibi = filled.search_tracks("bibi").tracks[0].id
    playlist = filled.create_playlist("Hers", track_ids=[habibi])
    filled.add_tracks([(TrackValues(path="/m/bibi.mp3", title="Bibi Blocksberg"), [])])
    assert [row.track.id for row in filled.list_tracks("bibi", playlist_id=playlist).rows] == [habibi]
    assert filled.search_tracks("a_b").total == 0
    # Inside words, accents and the letters without a mark are folded as the sort forms fold them.
    filled.add_tracks([(TrackValues(path="/m/b.mp3", artist="Beyoncé", title="Hauptstraße"), [])])
    assert _titles(filled.search_tracks("yonce")) == ["Hauptstraße"]
    assert _titles(filled.search_tracks("YONCÉ")) == ["Hauptstraße"]
    assert _titles(filled.search_tracks("strasse")) == ["Hauptstraße"]


def test_a_hebrew_or_arabic_word_is_found_behind_the_letters_joined_to_it(filled: Library) -> None:
    """A search for "מלך" (king) finds "המלך" (the king) and "ומלך" (and a king), even where another track has
    a word starting "מלך": the inside-word fallback only looks when nothing starts so. "حب" finds "الحب" too."""
    titles = ["מלך העולם", "המלך הוא", "שיר ומלך", "מלכה", "בית", "הבית שלי", "מים לך", "ים", "الحب", "حبيبي", "كتاب"]
    filled.add_tracks([(TrackValues(path=f"/m/rtl{i}.mp3", title=t), []) for i, t in enumerate(titles)])
    assert sorted(_titles(filled.search_tracks("מלך"))) == sorted(["מלך העולם", "המלך הוא", "שיר ומלך"])
    assert _titles(filled.search_tracks("מלך הוא")) == ["המלך הוא"]  # every word still has to be there
    assert sorted(_titles(filled.search_tracks("حب"))) == sorted(["الحب", "حبيبي"])
    assert filled.search_tracks("daft").total == 3  # a Latin word has no joined forms
    # Typed with its vowel points, the word is the same word (the points split it into three letters, which were
    # found inside "מים לך").
    assert sorted(_titles(filled.search_tracks("מֶלֶךְ"))) == sorted(["מלך העולם", "המלך הוא", "שיר ומלך"])
    # A word shorter than three letters gets no joined forms: "ב" is the words starting with it, not every word
    # after a ה or a ש; "ים" (sea) is not "מים" (water).
    assert _titles(filled.search_tracks("ב")) == ["בית"]
    assert _titles(filled.search_tracks("ים")) == ["ים"]


def test_a_word_is_found_typed_without_its_apostrophe(filled: Library) -> None:
    """ "dont stop" found nothing of "Don't Stop" (the apostrophe cuts the word in two in the index) while
    "don't stop" found it: DJs type titles without their apostrophes."""
    filled.add_tracks(
        [
            (TrackValues(path="/m/dont.mp3", title="Don't Stop 'Til You Get Enough", artist="Michael Jackson"), []),
            (TrackValues(path="/m/its.mp3", title="It's Alright", artist="Deee-Lite"), []),
            (TrackValues(path="/m/amour.mp3", title="L'Amour Toujours", artist="Gigi D'Agostino"), []),
            (TrackValues(path="/m/tango.mp3", title="Don Tango", artist="Hear The Drums"), []),
        ]
    )
    assert _titles(filled.search_tracks("dont stop")) == ["Don't Stop 'Til You Get Enough"]
    assert _titles(filled.search_tracks("don't stop")) == ["Don't Stop 'Til You Get Enough"]
    assert _titles(filled.search_tracks("its alright")) == ["It's Alright"]
    assert _titles(filled.search_tracks("lamour")) == ["L'Amour Toujours"]
    assert _titles(filled.search_tracks("dagostino lamo")) == ["L'Amour Toujours"]
    # A phrase of the two parts, and a whole joined end: no "Don" beside a "Tango", no "Hear" before a "The".
    assert _titles(filled.search_tracks("dont")) == ["Don't Stop 'Til You Get Enough"]
    assert _titles(filled.search_tracks("heart")) == []


def test_search_ignores_case_and_accents(filled: Library) -> None:
    assert _titles(filled.search_tracks("ROYKSOPP")) == ["Eple"]
    assert _titles(filled.search_tracks("bjork")) == ["Hyperballad"]


def test_search_treats_operators_as_text(filled: Library) -> None:
    assert _titles(filled.search_tracks('deep "house" - *')) == ["Flashdance"]
    assert filled.search_tracks("deep AND house").total == 0  # AND is a word to find, not an operator
    assert filled.search_tracks("NOT").total == 0
    assert _titles(filled.search_tracks("***")) == []  # no word at all: a plain substring search
    assert filled.search_tracks("%").total == 0  # ... of the text as typed: % is no wildcard (it matched all)


def test_search_follows_edits(filled: Library) -> None:
    eple = filled.search_tracks("eple").tracks[0].id
    filled.update_track(eple, {"title": "Poor Leno"})
    assert filled.search_tracks("eple").total == 0
    assert _titles(filled.search_tracks("leno")) == ["Poor Leno"]
    filled.delete_tracks([eple])
    assert filled.search_tracks("leno").total == 0


def test_sort_orders_and_ties(filled: Library) -> None:
    by_bpm = filled.search_tracks(sort="bpm", descending=True)
    assert [t.values.bpm for t in by_bpm.tracks] == [134.0, 128.0, 123.0, 121.0, 111.0, 100.0, None]
    by_artist = filled.search_tracks(sort="artist")
    artists = [t.values.artist for t in by_artist.tracks]
    # Empty values sort last in both directions; case is ignored, and equal artists keep id order.
    assert artists[-1] is None
    assert artists[:5] == ["Björk", "Daft Punk", "Daft Punk", "daft punk", "Deep Dish"]
    assert [t.values.bpm for t in filled.search_tracks(sort="bpm").tracks][-1] is None
    with pytest.raises(InvalidFieldError, match="Cannot sort by"):
        filled.search_tracks(sort="colour")


def test_pages_cover_everything_once(filled: Library) -> None:
    seen = []
    for offset in range(0, 7, 3):
        page = filled.search_tracks(sort="title", limit=3, offset=offset)
        assert page.total == 7
        seen.extend(t.id for t in page.tracks)
    assert sorted(seen) == sorted(set(seen)) and len(seen) == 7


@pytest.mark.parametrize("many", [True, False])
def test_both_page_strategies_agree(library: Library, monkeypatch: pytest.MonkeyPatch, many: bool) -> None:
    """Large result sets are read off the sort index, small ones sorted: both give the same pages."""
    library.add_tracks(
        [
            (track(i, genre="House" if i % 3 else "Techno", bpm=float(100 + i % 17), artist=f"A{i % 5}"), [])
            for i in range(300)
        ]
    )
    monkeypatch.setattr(track_list, "_MANY_MATCHES", 1 if many else 10**9)
    expected = sorted(
        (t for t in (library.get_track(i).track for i in range(1, 301)) if t.values.genre == "House"),
        key=lambda t: (-(t.values.bpm or 0), -t.id),
    )
    got = []
    for offset in range(0, 250, 40):
        page = library.search_tracks("house", sort="bpm", descending=True, limit=40, offset=offset)
        assert page.total == len(expected)
        got.extend(page.tracks)
    assert [t.id for t in got] == [t.id for t in expected]
