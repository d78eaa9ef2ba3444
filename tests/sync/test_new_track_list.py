"""The list of tracks an import adds travels to the app as one blob and reads like a tuple of summaries."""

from __future__ import annotations

import pickle

import pytest

from harmony.sync import NewTrackList, NewTrackSummary
from harmony.sync.report import PACKED_ROWS, ImportReport, ImportStats

SUMMARIES = (
    NewTrackSummary("/m/a.mp3", "A", "Artist", 3),
    NewTrackSummary("/m/b.mp3", None, None, 0),
    NewTrackSummary("/m/ç.mp3", "Ç", "Å", 1),
)


def test_it_reads_like_the_summaries_it_was_made_from() -> None:
    tracks = NewTrackList(SUMMARIES)
    assert len(tracks) == 3 and bool(tracks)
    assert tuple(tracks) == SUMMARIES and tracks == SUMMARIES and tracks == list(SUMMARIES)
    assert tracks[1] == SUMMARIES[1] and tracks[-1] == SUMMARIES[-1]
    assert tracks[1:] == list(SUMMARIES[1:])
    assert tracks != SUMMARIES[:2] and not NewTrackList()


def test_it_survives_pickling_inside_a_report_and_unpacks_when_read() -> None:
    report = ImportReport(ImportStats(tracks_imported=3), new_tracks=NewTrackList(SUMMARIES))
    again = pickle.loads(pickle.dumps(report, protocol=pickle.HIGHEST_PROTOCOL))
    assert again == report and hash(again.new_tracks) == hash(report.new_tracks)
    assert [t.path for t in again.new_tracks] == ["/m/a.mp3", "/m/b.mp3", "/m/ç.mp3"]
    assert again.lines()[:2] == ["Tracks to import (3):", "  + Artist - A (3 cue points) /m/a.mp3"]
    # Pickled again after being read, it is still the same list.
    assert pickle.loads(pickle.dumps(again.new_tracks)) == SUMMARIES


def test_a_big_list_unpacks_only_the_pieces_that_are_read() -> None:
    # The app counts a big import's new tracks and shows its first page: neither may unpack all of them (one
    # long unpacking holds the GIL and freezes the app's event loop).
    big = [NewTrackSummary(f"/m/{n}.mp3", f"T{n}", None, n % 4) for n in range(PACKED_ROWS * 3 + 7)]
    again = pickle.loads(pickle.dumps(NewTrackList(big)))
    assert len(again) == len(big) and again._pieces == {}
    assert again[:5] == big[:5] and again[-1] == big[-1] and again[PACKED_ROWS] == big[PACKED_ROWS]
    assert sorted(again._pieces) == [0, 1, 3]
    assert list(again) == big and again == big
    assert pickle.loads(pickle.dumps(again)) == big
    with pytest.raises(IndexError):
        again[len(big)]
