"""A relocation is one edit and one undo step: undone, each track points at its old file again and is missing as
it was (since the same moment), and nothing is left pending export; redone, the tracks are found again. The
step survives reopening the library."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import select, update

from harmony.errors import LibraryError
from harmony.library import InvalidFieldError, Library, TrackValues
from harmony.library.database import write_connection
from harmony.library.models import TRACKS
from harmony.nmlfile import NmlFingerprint

LOST_SINCE = datetime(2026, 11, 30, 21, 15)
LAST_SEEN = datetime(2026, 11, 29, 23, 59, 30, 250_000)


def _paths_and_marks(library: Library) -> dict[int, tuple[str, datetime | None, datetime | None]]:
    """Each track's path, since when its file has been missing, and when it was last seen."""
    with library._engine.connect() as conn:
        rows = conn.execute(
            select(TRACKS.c.id, TRACKS.c.path, TRACKS.c.missing_since, TRACKS.c.last_seen).order_by(TRACKS.c.id)
        )
        return {row[0]: (row[1], row[2], row[3]) for row in rows}


@pytest.fixture
def lost(tmp_path: Path) -> Path:
    """A library of three tracks whose files went missing, its last export recorded as holding them."""
    path = tmp_path / "lib.db"
    with Library.open(path) as library:
        library.add_tracks(
            [(TrackValues(path=f"/old/{name}.mp3", title=name, artist="Art"), []) for name in ("A", "B", "C")]
        )
        with write_connection(library._engine) as conn:
            conn.execute(update(TRACKS).values(missing_since=LOST_SINCE, last_seen=LAST_SEEN))
        library.record_export(library.version, NmlFingerprint("/c.nml", 1, 1, "x"))
    return path


def test_undo_points_relocated_tracks_at_their_old_files_missing_as_they_were(lost: Path) -> None:
    with Library.open(lost) as library:
        before = _paths_and_marks(library)
        assert library.pending_track_count() == 0
        outcome = library.relocate_tracks([(1, "/new/A.mp3"), (2, "/new/B.mp3")])
        assert outcome.value == 2 and outcome.step is not None
        assert outcome.step.label == "Relocated 2 tracks"
        assert set(outcome.track_ids) == {1, 2}
        moved = _paths_and_marks(library)
        assert [moved[1][0], moved[2][0], moved[3]] == ["/new/A.mp3", "/new/B.mp3", before[3]]
        assert moved[1][1] is None and moved[2][1] is None  # found: the marks clear …
        assert moved[1][2] != LAST_SEEN and moved[2][2] != LAST_SEEN  # … and the new files are seen now
        assert library.pending_track_count() == 2  # the next export moves their entries

    with Library.open(lost) as library:  # the step is kept in the library, not in this process
        undone = library.undo(outcome.step.id)
        assert undone.value.label == "Relocated 2 tracks"
        assert _paths_and_marks(library) == before  # the old files, missing since (and last seen) as they were
        assert library.pending_track_count() == 0  # nothing exported held the relocation
        library.redo(outcome.step.id)
        assert _paths_and_marks(library) == moved


def test_one_track_relocated_is_named_by_its_title(lost: Path) -> None:
    with Library.open(lost) as library:
        outcome = library.relocate_tracks([(3, "/new/C.mp3")])
        assert outcome.step is not None and outcome.step.label == "Relocated “C”"


def test_nothing_to_relocate_is_refused_and_changes_nothing(lost: Path) -> None:
    with Library.open(lost) as library:
        version = library.version
        with pytest.raises(InvalidFieldError, match="at least one track"):
            library.relocate_tracks([])
        assert library.version == version and library.undo_history()["steps"] == 0


def test_tracks_of_one_relocation_may_trade_files_but_not_take_another_s(lost: Path) -> None:
    with Library.open(lost) as library:
        before = _paths_and_marks(library)
        traded = library.relocate_tracks([(1, "/old/B.mp3"), (2, "/old/C.mp3"), (3, "/old/A.mp3")])
        assert traded.step is not None
        assert [path for path, _, _ in _paths_and_marks(library).values()] == ["/old/B.mp3", "/old/C.mp3", "/old/A.mp3"]
        library.undo(traded.step.id)  # the same trade the other way round
        assert _paths_and_marks(library) == before
        with pytest.raises(LibraryError, match="already in the library"):
            library.relocate_tracks([(1, "/old/B.mp3"), (3, "/new/C.mp3")])  # B's file stays track 2's
        assert _paths_and_marks(library) == before
