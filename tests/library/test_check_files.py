"""Checking every file holds no write transaction while it asks the disk (a slow drive would hold up every
import and edit meanwhile), and leaves alone a track moved while it looked."""

from __future__ import annotations

from pathlib import Path

from harmony.library import Library, TrackValues


def test_the_disk_is_asked_with_no_transaction_held_and_a_track_moved_meanwhile_waits(tmp_path: Path) -> None:
    with Library.open(tmp_path / "lib.db") as library:
        library.add_tracks([(TrackValues(path=f"/music/{n}.mp3", title=str(n)), []) for n in range(1, 4)])
        asked: list[str] = []

        def exists(path: str) -> bool:
            # An edit and a relocation while the check looks: they would wait for the check's transaction (and
            # fail after the busy timeout) if it held one.
            if not asked:
                library.edit_tracks([1], {"rating": 5})
                library.relocate_tracks([(2, "/elsewhere/2.mp3")])
            asked.append(path)
            return False

        assert library.check_files(exists) == (2, 0)  # three looked for and not found, two marked …
        tracks = {t.id: t for t in library.search_tracks(limit=10).tracks}
        assert tracks[1].missing and tracks[3].missing and tracks[1].values.rating == 5
        assert not tracks[2].missing  # … but track 2 points at another file now: the next check looks for it
        assert sorted(asked) == ["/music/1.mp3", "/music/2.mp3", "/music/3.mp3"]
