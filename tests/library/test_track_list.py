"""The track list: every column sorts with empty values last in both directions, keys in the chosen notation,
"Added", pending edits and their filter, a playlist's tracks in its order."""

from __future__ import annotations

import random
import time
from datetime import date

import pytest

from harmony.library import (
    LIST_SORT_KEYS,
    InvalidFieldError,
    Library,
    NotFoundError,
    TrackValues,
    key_display,
)
from harmony.library.fields import TRACK_FIELDS
from harmony.library.track_list import ListedTrack
from harmony.nmlfile import NmlFingerprint

FINGERPRINT = NmlFingerprint(path="/nml/collection.nml", size=1, mtime_ns=1, sha256="ab" * 32)


def _value(name: str, rng: random.Random) -> object:
    spec = TRACK_FIELDS[name]
    if spec.kind == "text":
        return rng.choice(["alpha", "Beta", "gamma", "Delta", "", None])
    if spec.kind == "int":
        low = int(spec.minimum or 0)
        high = int(min(spec.maximum if spec.maximum is not None else 100, 100))
        return rng.choice([rng.randint(low, high), None])
    if spec.kind == "float":
        return rng.choice([round(rng.uniform(60, 180), 3), None])
    if spec.kind == "date":
        return rng.choice([date(2020, rng.randint(1, 12), rng.randint(1, 28)), None])
    return rng.choice([True, False, None])


@pytest.fixture
def mixed(library: Library) -> Library:
    """40 tracks whose every field is sometimes empty (None, or '' for text)."""
    rng = random.Random(12)
    items = []
    for n in range(40):
        fields = {name: _value(name, rng) for name in TRACK_FIELDS if name not in ("path", "path_key", "musical_key")}
        fields["musical_key"] = rng.choice([rng.randint(0, 23), None])
        items.append((TrackValues(path=f"/music/{n}.mp3", **fields), ()))  # type: ignore[arg-type]
    library.add_tracks(items)
    return library


def _empty(row: ListedTrack, sort: str) -> bool:
    values = row.track.values
    if sort == "key":
        return values.musical_key is None and not values.key_text
    if sort == "added":
        return values.import_date is None and values.date_added is None
    if sort == "pending":
        return not row.pending
    if sort == "missing":
        return not row.track.missing
    if sort == "id":
        return False
    if sort == "rating":
        return not values.rating  # no stars is no rating
    value = getattr(values, sort)
    return value is None or value == ""


def test_every_column_sorts_empty_values_last(mixed: Library) -> None:
    mixed.record_export(mixed.version, FINGERPRINT)
    mixed.update_track(3, {"title": "edited"})  # one pending track, so 'pending' has both kinds
    mixed.check_files(lambda path: not path.endswith(("1.mp3", "6.mp3")))  # and eight missing files
    for sort in (key for key in LIST_SORT_KEYS if key != "position"):
        for descending in (False, True):
            rows = mixed.list_tracks(sort=sort, descending=descending, limit=500).rows
            assert len(rows) == 40
            flags = [_empty(row, sort) for row in rows]
            assert flags == sorted(flags), f"an empty {sort} comes before a filled one"
            if sort not in ("id", "path"):
                assert 0 < flags.count(True) < 40, f"{sort}: the test data needs both kinds"
            # Pages of 7 see every track exactly once, in the same order, across the filled/empty boundary.
            paged = [
                row.track.id
                for offset in range(0, 40, 7)
                for row in mixed.list_tracks(sort=sort, descending=descending, limit=7, offset=offset).rows
            ]
            assert paged == [row.track.id for row in rows], sort


def test_filled_values_follow_the_direction(mixed: Library) -> None:
    ups = [row.track.values.bpm for row in mixed.list_tracks(sort="bpm", limit=500).rows]
    downs = [row.track.values.bpm for row in mixed.list_tracks(sort="bpm", descending=True, limit=500).rows]
    filled = [bpm for bpm in ups if bpm is not None]
    assert filled and filled == sorted(filled)
    assert [bpm for bpm in downs if bpm is not None] == sorted(filled, reverse=True)
    assert ups[-1] is None and downs[-1] is None
    titles = [r.track.values.title for r in mixed.list_tracks(sort="title", limit=500).rows]
    texts = [t for t in titles if t]
    assert texts == sorted(texts, key=str.casefold)  # case is ignored


def test_no_stars_sorts_with_no_rating_after_one_star(library: Library) -> None:
    ratings = [0, 3, None, 1, 5, 0]
    library.add_tracks([(TrackValues(path=f"/music/{n}.mp3", rating=r), ()) for n, r in enumerate(ratings)])
    ups = [row.track.values.rating for row in library.list_tracks(sort="rating").rows]
    downs = [row.track.values.rating for row in library.list_tracks(sort="rating", descending=True).rows]
    assert ups == [1, 3, 5, 0, None, 0]  # the unrated by id, whichever the direction
    assert downs == [5, 3, 1, 0, None, 0]
    assert library.list_tracks(sort="rating", limit=2, offset=3).rows[0].track.values.rating == 0
    assert library.list_tracks(sort="rating", limit=1).total == 6


@pytest.mark.parametrize(
    ("notation", "expected", "from_text"), [("open_key", "1m", "7m"), ("camelot", "8A", "2A"), ("musical", "Am", "Ebm")]
)
def test_key_display_uses_the_notation_and_falls_back_to_the_key_text(
    notation: str, expected: str, from_text: str
) -> None:
    assert key_display(21, "Cm", notation) == expected  # the musical key wins over the text
    assert key_display(None, "e♭", notation) == from_text  # no musical key: the key the text names (E♭ minor)
    assert key_display(None, "off", notation) == "off"  # a text that names no key: as it is
    assert key_display(None, "", notation) is None
    assert key_display(None, None, notation) is None


def test_key_sorts_in_the_notations_order(library: Library) -> None:
    keys = [0, 21, 7, 16, 12]  # C, Am, G, Em, Cm
    library.add_tracks([(TrackValues(path=f"/k/{n}.mp3", musical_key=k), ()) for n, k in enumerate(keys)])
    library.add_tracks([(TrackValues(path="/k/text.mp3", key_text="weird"), ())])
    library.add_tracks([(TrackValues(path="/k/none.mp3"), ())])

    def shown(notation: str) -> list[str | None]:
        rows = library.list_tracks(sort="key", limit=50, key_notation=notation).rows
        return [key_display(r.track.values.musical_key, r.track.values.key_text, notation) for r in rows]

    assert shown("camelot") == ["5A", "8A", "8B", "9A", "9B", "weird", None]
    assert shown("open_key") == ["1d", "1m", "2d", "2m", "10m", "weird", None]
    assert shown("musical") == ["C", "Cm", "Em", "G", "Am", "weird", None]


def test_the_settings_choose_the_notation(library: Library) -> None:
    assert library.settings().key_notation == "open_key"
    library.save_settings(library.settings().updated(key_notation="camelot"))
    assert library.settings().key_notation == "camelot"
    with pytest.raises(Exception, match="key_notation"):
        library.settings().updated(key_notation="german")


def test_added_is_the_import_date_else_the_date_added(library: Library) -> None:
    library.add_tracks(
        [
            (TrackValues(path="/a/1.mp3", import_date=date(2019, 5, 1), date_added=date(2026, 1, 1)), ()),
            (TrackValues(path="/a/2.mp3", date_added=date(2020, 1, 1)), ()),
            (TrackValues(path="/a/3.mp3"), ()),
        ]
    )
    rows = library.list_tracks(sort="added", limit=10).rows
    assert [r.track.values.path for r in rows] == ["/a/1.mp3", "/a/2.mp3", "/a/3.mp3"]
    rows = library.list_tracks(sort="added", descending=True, limit=10).rows
    assert [r.track.values.path for r in rows] == ["/a/2.mp3", "/a/1.mp3", "/a/3.mp3"]


def test_pending_marks_and_filters_the_tracks_not_yet_exported(library: Library) -> None:
    ids = library.add_tracks([(TrackValues(path=f"/p/{n}.mp3", title=f"t{n}"), ()) for n in range(5)])
    library.record_export(library.version, FINGERPRINT)
    assert library.list_tracks(filters=("pending",)).total == 0
    library.update_track(ids[1], {"title": "new"})
    library.update_track(ids[3], {"rating": 4})
    everything = library.list_tracks(sort="id")
    assert [row.pending for row in everything.rows] == [False, True, False, True, False]
    waiting = library.list_tracks(filters=("pending",), sort="id")
    assert [row.track.id for row in waiting.rows] == [ids[1], ids[3]] and waiting.total == 2
    assert library.list_tracks("new", filters=("pending",)).total == 1
    with pytest.raises(InvalidFieldError, match="Unknown filter 'lost'"):
        library.list_tracks(filters=("lost",))


def test_a_playlist_lists_its_entries_in_order_with_positions(library: Library) -> None:
    ids = library.add_tracks(
        [(TrackValues(path=f"/pl/{n}.mp3", title=title), ()) for n, title in enumerate(["Cc", "Aa", "Bb", None])]
    )
    order = [ids[2], ids[0], ids[3], ids[1], ids[2]]  # a track may appear twice
    playlist = library.create_playlist("Set", track_ids=order)
    rows = library.list_tracks(playlist_id=playlist).rows
    assert [row.track.id for row in rows] == order
    positions = [row.position for row in rows]
    assert positions == sorted(positions) and len(set(positions)) == 5
    assert len({row.entry_id for row in rows}) == 5
    by_title = library.list_tracks(playlist_id=playlist, sort="title").rows
    assert [row.track.values.title for row in by_title] == ["Aa", "Bb", "Bb", "Cc", None]
    back = library.list_tracks(playlist_id=playlist, sort="position", descending=True).rows
    assert [row.track.id for row in back] == order[::-1]
    assert library.list_tracks("bb", playlist_id=playlist).total == 2
    page = library.list_tracks(playlist_id=playlist, limit=2, offset=2).rows
    assert [row.track.id for row in page] == order[2:4]


def test_a_playlist_that_does_not_exist_and_a_position_sort_outside_one(library: Library) -> None:
    with pytest.raises(NotFoundError, match="No playlist with id 99"):
        library.list_tracks(playlist_id=99)
    with pytest.raises(InvalidFieldError, match="position"):
        library.list_tracks(sort="position")


def test_a_key_typed_as_djs_write_keys_finds_the_tracks_in_that_key(library: Library) -> None:
    # A minor stored three ways (a musical key; a text in Camelot; Traktor 2's text), one E-flat minor, and a
    # title that holds the typed word.
    library.add_tracks(
        [
            (TrackValues(path="/m/1.mp3", title="One", musical_key=21), ()),
            (TrackValues(path="/m/2.mp3", title="Two", key_text="8A"), ()),
            (TrackValues(path="/m/3.mp3", title="Three", key_text="am"), ()),
            (TrackValues(path="/m/4.mp3", title="Four", key_text="e♭"), ()),
            (TrackValues(path="/m/5.mp3", title="Dub 1m version"), ()),
        ]
    )

    def titles(search: str, **options: object) -> list[str | None]:
        rows = library.list_tracks(search, sort="title", **options).rows  # type: ignore[arg-type]
        return [row.track.values.title for row in rows]

    assert titles("1m") == ["Dub 1m version", "One", "Three", "Two"]  # Open Key, and the text that says 1m
    assert titles("8A") == titles(" 8a ") == titles("08A") == ["One", "Three", "Two"]  # Camelot, any case
    assert titles("7m") == ["Four"]  # the key the Key column shows for "e♭"
    assert titles("am") == ["Three"]  # a musical name is a word's start as well: searched as text only
    assert library.list_tracks("8A", sort="title", limit=2, offset=2).total == 3
    assert titles("8A", descending=True) == ["Two", "Three", "One"]
    playlist = library.create_playlist("Keys", track_ids=[1, 4, 5])
    assert titles("1m", playlist_id=playlist) == ["Dub 1m version", "One"]


def test_missing_files_sort_first_by_when_they_went(library: Library) -> None:
    ids = library.add_tracks([(TrackValues(path=f"/music/{n}.mp3"), ()) for n in range(5)])
    library.check_files(lambda path: path != "/music/3.mp3")  # 3 goes first
    time.sleep(0.01)
    library.check_files(lambda path: path not in ("/music/3.mp3", "/music/1.mp3"))  # then 1
    ups = [row.track.id for row in library.list_tracks(sort="missing").rows]
    downs = [row.track.id for row in library.list_tracks(sort="missing", descending=True).rows]
    assert ups == [ids[3], ids[1], ids[0], ids[2], ids[4]]
    assert downs == [ids[1], ids[3], ids[0], ids[2], ids[4]]  # the files found stay after, by id
