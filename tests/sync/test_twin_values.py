"""A value Traktor stores twice (rating and RANKING, BPM and its text, key and key text) is one value on
Harmony's side: an edit in Harmony, exported, then changed in Traktor, comes back on import; the library never
shows a stale half. Through a real library and a real collection file."""

from __future__ import annotations

from pathlib import Path

import pytest

from harmony.library import Library
from harmony.library.errors import InvalidFieldError

from .exchange import Exchange, new_exchange
from .helpers import local_path


def _track_id(exchange: Exchange, file: str) -> int:
    key = local_path(file)
    with exchange.library.reader() as reader:
        for track in reader.iter_tracks():
            if track.track.values.path == key:
                return track.track.id
    raise AssertionError(f"{file} is not in the library")


def _assert_in_step(exchange: Exchange) -> None:
    """Neither direction has anything left to do."""
    planned = exchange.plan_import()
    assert not planned.plan.changes_library(), planned.report.lines()
    assert not planned.stats.conflicts, planned.stats.conflicts
    assert not exchange.export(dry_run=True).changed


@pytest.fixture
def exchange(tmp_path: Path, library: Library) -> Exchange:
    tracks = {"a.mp3": {"title": "A", "rating": 4, "bpm": 128.0, "musical_key": 21, "key_text": "1m"}}
    return new_exchange(tmp_path, library, tracks)


def test_a_rating_edited_in_harmony_then_in_traktor_comes_back(exchange: Exchange) -> None:
    track_id = _track_id(exchange, "a.mp3")
    exchange.library.update_track(track_id, {"rating": 5})
    shown = exchange.library.get_track(track_id).track.values
    assert (shown.rating, shown.ranking) == (5, 255)  # `library show` keeps no stale ranking

    exchange.export()
    assert exchange.entry(exchange.collection(), "a.mp3").ranking == 255

    exchange.edit_in_traktor(lambda c: exchange.entry(c, "a.mp3").set(ranking=204))
    planned = exchange.import_()
    assert not planned.stats.conflicts, planned.stats.conflicts
    values = exchange.library.get_track(track_id).track.values
    assert (values.rating, values.ranking) == (4, 204)
    _assert_in_step(exchange)


def test_a_bpm_edited_in_harmony_then_in_traktor_comes_back(exchange: Exchange) -> None:
    track_id = _track_id(exchange, "a.mp3")
    exchange.library.update_track(track_id, {"bpm": 130.5})
    shown = exchange.library.get_track(track_id).track.values
    assert shown.bpm == 130.5 and shown.bpm_text is None  # the old exact text no longer says 128

    exchange.export()
    assert exchange.entry(exchange.collection(), "a.mp3").bpm == 130.5

    exchange.edit_in_traktor(lambda c: exchange.entry(c, "a.mp3").set(bpm=126.0))
    planned = exchange.import_()
    assert not planned.stats.conflicts, planned.stats.conflicts
    assert exchange.library.get_track(track_id).track.values.bpm == 126.0
    _assert_in_step(exchange)


def test_a_bpm_text_edit_sets_the_number(exchange: Exchange) -> None:
    track_id = _track_id(exchange, "a.mp3")
    exchange.library.update_track(track_id, {"bpm_text": "124.000000"})
    values = exchange.library.get_track(track_id).track.values
    assert (values.bpm, values.bpm_text) == (124.0, "124.000000")
    with pytest.raises(InvalidFieldError):
        exchange.library.update_track(track_id, {"bpm_text": "fast"})
    assert exchange.library.get_track(track_id).track.values.bpm == 124.0


def test_a_key_edited_in_harmony_then_in_traktor_comes_back(exchange: Exchange) -> None:
    track_id = _track_id(exchange, "a.mp3")
    exchange.library.update_track(track_id, {"musical_key": 9})  # A major
    shown = exchange.library.get_track(track_id).track.values
    assert (shown.musical_key, shown.key_text) == (9, "4d")  # the text follows, in Open Key

    exchange.export()
    entry = exchange.entry(exchange.collection(), "a.mp3")
    assert (entry.musical_key, entry.key_text) == (9, "4d")

    exchange.edit_in_traktor(lambda c: exchange.entry(c, "a.mp3").set(musical_key=16, key_text="5m"))
    planned = exchange.import_()
    assert not planned.stats.conflicts, planned.stats.conflicts
    values = exchange.library.get_track(track_id).track.values
    assert (values.musical_key, values.key_text) == (16, "5m")
    _assert_in_step(exchange)


def test_a_key_text_edit_sets_the_key(exchange: Exchange) -> None:
    track_id = _track_id(exchange, "a.mp3")
    exchange.library.update_track(track_id, {"key_text": "8A"})
    values = exchange.library.get_track(track_id).track.values
    assert (values.musical_key, values.key_text) == (21, "8A")
    exchange.export()
    _assert_in_step(exchange)
