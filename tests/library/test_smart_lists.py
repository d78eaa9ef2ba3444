"""Smart lists: Traktor's query language read into a tree (table and property tests), and evaluated over the
library where Harmony can (the tracks it finds, or the part it cannot evaluate, named as written)."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from harmony import nml
from harmony.library import Library, SmartListError, TrackValues
from harmony.library.smart_query import (
    Combined,
    Comparison,
    Negated,
    RelativeDate,
    SmartQuery,
    format_smart_query,
    parse_smart_query,
)

# --- reading the query --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "tree"),
    [
        ('$GENRE % "Hora"', Comparison("GENRE", "%", "Hora")),
        ('$ARTIST % "התקווה"', Comparison("ARTIST", "%", "התקווה")),
        (
            '$GENRE % "FUNK" | $LABEL % "FUNK"',
            Combined("or", (Comparison("GENRE", "%", "FUNK"), Comparison("LABEL", "%", "FUNK"))),
        ),
        ("$IMPORTDATE >= MONTHS_AGO(1)", Comparison("IMPORTDATE", ">=", RelativeDate("MONTHS_AGO", 1))),
        ("$PLAYED == TRUE", Comparison("PLAYED", "==", True)),
        ("$RATING == 5", Comparison("RATING", "==", 5.0)),
        (
            '$IMPORTDATE >= MONTHS_AGO(1) & $GENRE % "House"',
            Combined(
                "and",
                (Comparison("IMPORTDATE", ">=", RelativeDate("MONTHS_AGO", 1)), Comparison("GENRE", "%", "House")),
            ),
        ),
        # & binds tighter than |; parentheses and ! (not) group.
        (
            '$BPM>120 | $BPM<90 & $GENRE !% "Pop"',
            Combined(
                "or",
                (
                    Comparison("BPM", ">", 120.0),
                    Combined("and", (Comparison("BPM", "<", 90.0), Comparison("GENRE", "!%", "Pop"))),
                ),
            ),
        ),
        (
            '!($KEY == "8A" || $bpm <= 99.5) && $TITLE == "a \\"b\\""',
            Combined(
                "and",
                (
                    Negated(Combined("or", (Comparison("KEY", "==", "8A"), Comparison("BPM", "<=", 99.5)))),
                    Comparison("TITLE", "==", 'a "b"'),
                ),
            ),
        ),
    ],
)
def test_queries_read_into_trees(query: str, tree: SmartQuery) -> None:
    parsed = parse_smart_query(query)
    assert parsed == tree
    assert parse_smart_query(format_smart_query(parsed)) == tree


def test_each_part_keeps_the_text_it_was_read_from() -> None:
    tree = parse_smart_query('$GENRE  %  "Funk" | $LABEL % "Funk"')
    assert isinstance(tree, Combined)
    assert [part.text for part in tree.parts] == ['$GENRE  %  "Funk"', '$LABEL % "Funk"']


@pytest.mark.parametrize(
    ("query", "says"),
    [
        ("", "empty"),
        ("$GENRE %", "ends too soon"),
        ('$GENRE % "House', "no closing quote"),
        ('GENRE % "House"', "Expected a field"),
        ('$GENRE ~ "House"', 'cannot read “~ "House"”'),
        ('$GENRE ( "House"', "Expected a comparison"),
        ('$GENRE % "House" "Techno"', "at the end"),
        ('($GENRE % "House"', "ends too soon"),
        ("$RATING == FIVE", "Expected a value"),
        ('$IMPORTDATE >= MONTHS_AGO("x")', "whole number"),
        ("$BPM > 120 #", "cannot read"),
    ],
)
def test_a_query_that_cannot_be_read_says_where(query: str, says: str) -> None:
    with pytest.raises(SmartListError, match=says):
        parse_smart_query(query)


_FIELDS = st.sampled_from(["TITLE", "ARTIST", "GENRE", "BPM", "RATING", "IMPORTDATE", "PLAYED", "KEY", "X_1"])
_VALUES = st.one_of(
    st.text(st.characters(blacklist_categories=("Cs",)), max_size=12),
    st.integers(-500, 500).map(float),
    st.floats(0, 999, allow_nan=False).map(lambda x: round(x, 3)),
    st.booleans(),
    st.builds(RelativeDate, st.sampled_from(["MONTHS_AGO", "DAYS_AGO"]), st.integers(0, 99)),
)
_COMPARISONS = st.builds(Comparison, _FIELDS, st.sampled_from(["%", "!%", "==", "!=", ">=", "<=", ">", "<"]), _VALUES)


def _combined(children: st.SearchStrategy[SmartQuery]) -> st.SearchStrategy[SmartQuery]:
    def flat(op: str, parts: list[SmartQuery]) -> SmartQuery:
        # "a | (b | c)" reads back as one "or" of three: the tree generated is the one text can say.
        out: list[SmartQuery] = []
        for part in parts:
            out.extend(part.parts if isinstance(part, Combined) and part.op == op else (part,))
        return Combined("and" if op == "and" else "or", tuple(out))

    return st.one_of(
        st.builds(flat, st.sampled_from(["and", "or"]), st.lists(children, min_size=2, max_size=3)),
        st.builds(Negated, children),
    )


@given(st.recursive(_COMPARISONS, _combined, max_leaves=8))
def test_any_tree_written_as_text_reads_back_the_same(tree: SmartQuery) -> None:
    assert parse_smart_query(format_smart_query(tree)) == tree


def test_every_smart_list_of_the_real_collection_is_read(real_fixtures: Path) -> None:
    collection = nml.load((real_fixtures / "shishoi__MusicAnalyzer__collection_2025-11.nml").read_bytes())
    queries = [node.query for node in collection.playlists.walk() if isinstance(node, nml.SmartList)]
    assert len(queries) == 7
    for query in queries:
        assert parse_smart_query(query) is not None


# --- evaluating it over the library ---------------------------------------------------------------------------

TODAY = date.today()


@pytest.fixture
def smart_library(library: Library, tmp_path: Path) -> Library:
    def track(title: str, **values: object) -> tuple[TrackValues, tuple[()]]:
        return TrackValues(path=str(tmp_path / "music" / f"{title}.mp3"), title=title, **values), ()  # type: ignore[arg-type]

    library.add_tracks(
        [
            track("Hora Lunga", genre="Hora", label="Folk Rec", rating=5, play_count=3, bpm=128.0, musical_key=21),
            track("Funky Town", genre="Funk", label="Disco Inc", rating=3, import_date=TODAY - timedelta(days=3)),
            track("Label Funk", genre="House", label="FUNK Records", rating=0, bpm=122.5, musical_key=9),
            track("Old Hit", genre="Pop", artist="התקווה", import_date=TODAY - timedelta(days=400), play_count=0),
            track("Bare", last_played=TODAY - timedelta(days=9)),
        ]
    )
    return library


def found(library: Library, query: str) -> set[str]:
    playlist = library.create_playlist(f"q{abs(hash(query))}", None, None, smart_query=query)
    answer = library.smart_list(playlist, TODAY)
    assert answer["evaluable"] is True, answer["reason"]
    listed = library.list_tracks(None, playlist_id=playlist, limit=100)
    titles = {row.track.values.title or "" for row in listed.rows}
    assert listed.total == answer["track_count"] == len(answer["tracks"])
    assert {row.track.id for row in listed.rows} == set(answer["tracks"])
    return titles


@pytest.mark.parametrize(
    ("query", "titles"),
    [
        ('$GENRE % "Hora"', {"Hora Lunga"}),
        ('$GENRE % "funk"', {"Funky Town"}),  # contains, ignoring case
        ('$GENRE % "FUNK" | $LABEL % "FUNK"', {"Funky Town", "Label Funk"}),
        ('$ARTIST % "התקווה"', {"Old Hit"}),
        ("$IMPORTDATE >= MONTHS_AGO(1)", {"Funky Town"}),
        ("$PLAYED == TRUE", {"Hora Lunga", "Bare"}),
        ("$PLAYED == FALSE", {"Funky Town", "Label Funk", "Old Hit"}),
        ("$RATING == 5", {"Hora Lunga"}),
        ("$RATING >= 3 & $BPM > 125", {"Hora Lunga"}),
        ('!($GENRE % "o")', {"Funky Town", "Bare"}),  # no genre counts as empty text: "not" keeps it
        ('$GENRE !% "o"', {"Funky Town", "Bare"}),
        ('$GENRE == "hora"', {"Hora Lunga"}),
        ('$KEY == "1m"', {"Hora Lunga"}),  # musical key 21 is A minor: 1m in Open Key
        ('$KEY == "Am"', {"Hora Lunga"}),
        ('$FILENAME % "Funk"', {"Funky Town", "Label Funk"}),
        ("$LASTPLAYED >= DAYS_AGO(10)", {"Bare"}),
        ('$GENRE % "100%"', set()),  # % and _ in the text are letters, not wildcards
    ],
)
def test_a_smart_list_lists_the_tracks_its_query_finds(smart_library: Library, query: str, titles: set[str]) -> None:
    assert found(smart_library, query) == titles


@pytest.mark.parametrize(
    ("query", "part", "says"),
    [
        ('$FILEPATH % "Music"', '$FILEPATH % "Music"', "as Traktor sees it"),
        ('$GENRE % "House" & $MOOD == "Dark"', '$MOOD == "Dark"', "does not know the field $MOOD"),
        ("$IMPORTDATE >= CENTURIES_AGO(1)", "$IMPORTDATE >= CENTURIES_AGO(1)", "CENTURIES_AGO"),
        ('$BPM > "fast"', '$BPM > "fast"', "is a number"),
        ("$GENRE > 3", "$GENRE > 3", "is text"),
        ('$KEY == "H#"', '$KEY == "H#"', "a key such as"),
        ("$GENRE %", None, "ends too soon"),
    ],
)
def test_what_cannot_be_evaluated_is_named(smart_library: Library, query: str, part: str | None, says: str) -> None:
    playlist = smart_library.create_playlist("Cannot", None, None, smart_query=query)
    answer = smart_library.smart_list(playlist, TODAY)
    assert answer["evaluable"] is False and answer["tracks"] is None and answer["track_count"] is None
    assert answer["unsupported"] == part
    assert says in answer["reason"]
    with pytest.raises(SmartListError, match=r"cannot|ends too soon") as raised:
        smart_library.list_tracks(None, playlist_id=playlist)
    assert raised.value.part == part


def test_months_ago_counts_calendar_months(library: Library, tmp_path: Path) -> None:
    library.add_tracks(
        [
            (TrackValues(path=str(tmp_path / "a.mp3"), title="Just in", import_date=date(2024, 2, 29)), ()),
            (TrackValues(path=str(tmp_path / "b.mp3"), title="Too old", import_date=date(2024, 2, 28)), ()),
        ]
    )
    playlist = library.create_playlist("New", None, None, smart_query="$IMPORTDATE >= MONTHS_AGO(1)")
    answer = library.smart_list(playlist, date(2024, 3, 31))  # one month back: 29 February (clamped)
    titles = {library.get_track(track_id).track.values.title for track_id in answer["tracks"]}
    assert titles == {"Just in"}
