"""Where one track stands in a sorted list (``locate``): the index the whole list gives it, for every sort key in
both directions, searched, filtered and in a playlist, so the table can keep the keyboard on a track an edit moved."""

from __future__ import annotations

import pytest

from harmony.library import LIST_SORT_KEYS, Library

from .test_track_list import FINGERPRINT, mixed  # noqa: F401  (fixture: 40 tracks with every field sometimes empty)


def _whole(library: Library, **how: object) -> list[tuple[int, int | None]]:
    found = library.list_tracks(limit=10_000, **how)  # type: ignore[arg-type]
    return [(row.track.id, row.entry_id) for row in found.rows]


def _located(library: Library, track_id: int, entry_id: int | None = None, **how: object) -> int | None:
    found = library.list_tracks(limit=1, locate=track_id, locate_entry=entry_id, **how)  # type: ignore[arg-type]
    return found.located


@pytest.mark.parametrize("descending", [False, True])
@pytest.mark.parametrize("sort", [key for key in LIST_SORT_KEYS if key != "position"])
def test_every_track_is_located_where_the_list_puts_it(mixed: Library, sort: str, descending: bool) -> None:  # noqa: F811
    mixed.update_track(_whole(mixed)[3][0], {"title": "edited"})  # one track pending export, for sort=pending
    whole = _whole(mixed, sort=sort, descending=descending)
    assert len(whole) == 40
    for index, (track_id, _) in enumerate(whole):
        assert _located(mixed, track_id, sort=sort, descending=descending) == index, (sort, index)


def test_a_searched_or_filtered_list_locates_its_tracks_and_not_the_others(mixed: Library) -> None:  # noqa: F811
    everyone = {track_id for track_id, _ in _whole(mixed)}
    mixed.record_export(mixed.version, FINGERPRINT)
    for track_id in sorted(everyone)[::3]:
        mixed.update_track(track_id, {"genre": "waiting"})
    for how in ({"search": "alpha"}, {"filters": ("pending",)}, {"search": "beta", "sort": "bpm", "descending": True}):
        whole = _whole(mixed, **how)
        assert 0 < len(whole) < 40, how
        for index, (track_id, _) in enumerate(whole):
            assert _located(mixed, track_id, **how) == index, how
        outside = next(iter(everyone - {track_id for track_id, _ in whole}))
        assert _located(mixed, outside, **how) is None, how


def test_a_playlist_locates_the_entry_asked_for(mixed: Library) -> None:  # noqa: F811
    ids = [track_id for track_id, _ in _whole(mixed)]
    twice = ids[5]
    playlist = mixed.create_playlist("Twice", track_ids=[ids[1], twice, ids[2], twice, ids[9]])
    for how in ({}, {"sort": "title"}, {"sort": "bpm", "descending": True}):
        whole = _whole(mixed, playlist_id=playlist, **how)
        assert len(whole) == 5
        for index, (track_id, entry_id) in enumerate(whole):
            assert _located(mixed, track_id, entry_id, playlist_id=playlist, **how) == index, how
    assert _located(mixed, ids[20], playlist_id=playlist) is None


def test_an_entry_id_written_anew_still_locates_its_track(mixed: Library) -> None:  # noqa: F811
    """A playlist's entries are written anew on every change and their ids reused: an old entry id can name
    another track's entry. It counts only while it is still the track's; else the track is located."""
    ids = [track_id for track_id, _ in _whole(mixed)]
    other = mixed.create_playlist("Other", track_ids=ids[:2])
    playlist = mixed.create_playlist("Set", track_ids=ids[10:15])
    first_entry = _whole(mixed, playlist_id=playlist)[0][1]
    mixed.delete_playlist(other)
    mixed.add_to_playlist(playlist, [ids[20]])
    whole = _whole(mixed, playlist_id=playlist)
    assert whole[0][0] == ids[10]
    assert _located(mixed, ids[10], first_entry, playlist_id=playlist) == 0, (first_entry, whole)
