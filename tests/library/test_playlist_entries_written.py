"""A playlist's new entries are written as the stretch that changed: the rest keeps its rows (and ids)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from harmony.library import Library

from .helpers import track

TRACKS_IN_PLAY = 4


def _entries(library: Library, playlist_id: int) -> list[tuple[int, int, int | None]]:
    return [(e.id, e.position, e.track_id) for e in library.playlist_entries(playlist_id)]


def _common_ends(old: list[int], new: list[int]) -> tuple[int, int]:
    start = 0
    while start < min(len(old), len(new)) and old[start] == new[start]:
        start += 1
    end = 0
    while end < min(len(old), len(new)) - start and old[-1 - end] == new[-1 - end]:
        end += 1
    return start, end


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck), database=None)
@given(
    old=st.lists(st.integers(0, TRACKS_IN_PLAY - 1), max_size=12),
    new=st.lists(st.integers(0, TRACKS_IN_PLAY - 1), max_size=12),
)
def test_any_new_order_is_written_whole_and_the_unchanged_ends_keep_their_rows(
    library: Library, old: list[int], new: list[int]
) -> None:
    ids = sorted(t for t, _ in library.list_track_ids()) or library.add_tracks(
        [(track(n), []) for n in range(TRACKS_IN_PLAY)]
    )
    playlist_id = library.create_playlist(f"P{library.status().version}", track_ids=[ids[i] for i in old])
    before = _entries(library, playlist_id)

    library.set_playlist_tracks(playlist_id, [ids[i] for i in new])

    after = _entries(library, playlist_id)
    assert [t for _, _, t in after] == [ids[i] for i in new]
    assert [p for _, p, _ in after] == list(range(len(new)))
    assert len({entry_id for entry_id, _, _ in after}) == len(after)
    start, end = _common_ends(old, new)
    assert [e[0] for e in after[:start]] == [e[0] for e in before[:start]]
    assert [e[0] for e in after[len(after) - end :]] == [e[0] for e in before[len(before) - end :]]


def test_removing_one_entry_keeps_the_others_and_undo_puts_it_back(library: Library) -> None:
    ids = library.add_tracks([(track(n), []) for n in range(10)])
    playlist_id = library.create_playlist("Set", track_ids=ids)
    before = _entries(library, playlist_id)

    library.remove_playlist_entries(playlist_id, [4])

    after = _entries(library, playlist_id)
    assert [e[0] for e in after] == [e[0] for e in before if e[1] != 4]
    assert [e[2] for e in after] == ids[:4] + ids[5:]
    assert [e[1] for e in after] == list(range(9))
    library.undo()
    assert [e[2] for e in _entries(library, playlist_id)] == ids
    assert [e[1] for e in _entries(library, playlist_id)] == list(range(10))


def test_moving_entries_keeps_the_rows_outside_the_moved_stretch(library: Library) -> None:
    ids = library.add_tracks([(track(n), []) for n in range(10)])
    playlist_id = library.create_playlist("Set", track_ids=ids)
    library.create_playlist("Later", track_ids=ids[:1])  # an entry id above the set's: a new row would show
    before = _entries(library, playlist_id)

    library.move_playlist_entries(playlist_id, [2, 3], 5)

    after = _entries(library, playlist_id)
    assert [e[2] for e in after] == [ids[i] for i in (0, 1, 4, 5, 6, 2, 3, 7, 8, 9)]
    assert [e[0] for e in after[:2] + after[7:]] == [e[0] for e in before[:2] + before[7:]]


def test_a_deleted_track_leaves_its_playlists_numbered_from_zero(library: Library) -> None:
    """The page sends back the positions its rows show: after a track held in the middle of a playlist was
    deleted, they read 0, 1, 3, 4, 5, and Delete on the row at position 3 removed the one at position 4."""
    ids = library.add_tracks([(track(n), []) for n in range(6)])
    playlist_id = library.create_playlist("Set", track_ids=ids)
    other = library.create_playlist("Other", track_ids=[ids[2], ids[4]])
    untouched = library.create_playlist("Untouched", track_ids=[ids[0], ids[1]])
    kept_ids = [e[0] for e in _entries(library, playlist_id)]

    library.delete_tracks([ids[2]])

    assert [e[1:] for e in _entries(library, playlist_id)] == [(p, t) for p, t in enumerate(ids[:2] + ids[3:])]
    assert [e[0] for e in _entries(library, playlist_id)] == kept_ids[:2] + kept_ids[3:]
    assert [e[1:] for e in _entries(library, other)] == [(0, ids[4])]
    assert [e[1:] for e in _entries(library, untouched)] == [(0, ids[0]), (1, ids[1])]
    library.remove_playlist_entries(playlist_id, [2])  # the row showing position 2: the fourth track
    assert [e[2] for e in _entries(library, playlist_id)] == [ids[0], ids[1], ids[4], ids[5]]


def test_entries_whose_positions_have_gaps_are_written_anew(library: Library, library_path: Path) -> None:
    ids = library.add_tracks([(track(n), []) for n in range(6)])
    playlist_id = library.create_playlist("Set", track_ids=ids)
    with sqlite3.connect(library_path) as raw:  # gaps as no code of this version leaves them: a safety net
        raw.execute("UPDATE playlist_entries SET position = position + 1 WHERE position >= 3")
    assert [e[1] for e in _entries(library, playlist_id)] == [0, 1, 2, 4, 5, 6]

    library.remove_playlist_entries(playlist_id, [3])

    assert [e[2] for e in _entries(library, playlist_id)] == [ids[0], ids[1], ids[2], ids[4], ids[5]]
    assert [e[1] for e in _entries(library, playlist_id)] == [0, 1, 2, 3, 4]
