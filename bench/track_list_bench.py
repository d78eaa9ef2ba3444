"""Benchmark of the track list the library page reads: pages of 100 from N tracks (default 100,000), sorted by
many columns in both directions with empty values last (the pending and missing marks too), filtered
(``pending``), searched, and one playlist's tracks. 500 tracks hold an edit not exported, 1,000 files are
missing. About a tenth of each field is left empty, as in a real collection (868 of 20,000 without an artist).

Prints, per case, the median milliseconds of a page (its counts included) and SQLite's query plan of the page;
asserts nothing about speed. The reference is the page of the same sort without the empties-last rule (the
plain ``ORDER BY column``) measured in the same run. Target: every page ≤ 50 ms at 100,000 tracks, a page that
also locates the focused track included.

Run: ``PYTHONPATH=src python bench/track_list_bench.py [--tracks N] [--runs R]``
"""

from __future__ import annotations

import argparse
import dataclasses
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import text

from harmony.library import Library, track_list
from harmony.nmlfile import NmlFingerprint

sys.path.insert(0, str(Path(__file__).resolve().parent))
from library_bench import make_tracks

EMPTIED = ("artist", "title", "album", "genre", "label", "comment", "bpm", "musical_key", "key_text", "rating")
EMPTIED += ("play_count", "last_played", "import_date", "bitrate", "duration", "color")

CASES: dict[str, dict[str, object]] = {
    "sort artist (the default)": {"sort": "artist"},
    "sort artist desc": {"sort": "artist", "descending": True},
    "sort bpm": {"sort": "bpm"},
    "sort bpm desc": {"sort": "bpm", "descending": True},
    "sort bpm desc, last page": {"sort": "bpm", "descending": True, "offset": -100},
    "sort key (notation order)": {"sort": "key"},
    "sort added desc": {"sort": "added", "descending": True},
    "sort label": {"sort": "label"},
    "sort comment desc": {"sort": "comment", "descending": True},
    "sort play_count desc": {"sort": "play_count", "descending": True},
    "sort bitrate": {"sort": "bitrate"},
    "sort rating desc, page 500": {"sort": "rating", "descending": True, "offset": 50_000},
    "search 'deep', sort bpm": {"search": "deep", "sort": "bpm"},
    "search '8A' (a key), sort artist": {"search": "8A", "sort": "artist"},
    "search '8A' (a key), sort bpm desc, page 20": {"search": "8A", "sort": "bpm", "descending": True, "offset": 2000},
    "search 'deep house', sort artist desc": {"search": "deep house", "sort": "artist", "descending": True},
    # No word starts so: the words are looked for inside the fields (a scan; Hebrew's joined prefixes need it).
    "search 'ouse' (inside words), sort artist": {"search": "ouse", "sort": "artist"},
    "search 'xqzw' (nowhere), sort artist": {"search": "xqzw", "sort": "artist"},
    # A Hebrew word: the word and its 20 joined forms looked up in the index (none is there: then the scan too).
    "search 'מלך' (joined forms), sort artist": {"search": "מלך", "sort": "artist"},
    "filter pending, sort title": {"filters": ("pending",), "sort": "title"},
    "sort pending desc": {"sort": "pending", "descending": True},
    "sort missing": {"sort": "missing"},
    "sort missing desc, page 500": {"sort": "missing", "descending": True, "offset": 50_000},
    "playlist of 5,000, its order": {"playlist": True},
    "playlist of 5,000, sort bpm desc": {"playlist": True, "sort": "bpm", "descending": True},
    # The page the table asks for after a refresh while a row has the keyboard: it also finds where that track
    # stands now (here one halfway down the list).
    "sort title, locating a track": {"sort": "title", "locate": True},
    "sort bpm desc, locating a track": {"sort": "bpm", "descending": True, "locate": True},
    "sort key, locating a track": {"sort": "key", "locate": True},
    "search 'deep', sort bpm, locating a track": {"search": "deep", "sort": "bpm", "locate": True},
    "playlist of 5,000, sort bpm desc, locating": {"playlist": True, "sort": "bpm", "descending": True, "locate": True},
}


def build(folder: Path, count: int) -> tuple[Library, int]:
    rng = random.Random(3)
    items = []
    for values, cues in make_tracks(count):
        empty = {name: None for name in EMPTIED if rng.random() < 0.1}
        items.append((dataclasses.replace(values, **empty), cues))  # type: ignore[arg-type]
    library = Library.open(folder / "library.db")
    library.add_tracks(items)
    gone = {values.path for values, _ in rng.sample(items, min(1000, count))}  # files not on this machine
    library.check_files(lambda path: path not in gone)
    library.record_export(library.version, NmlFingerprint(path="/c.nml", size=1, mtime_ns=1, sha256="0" * 64))
    for track_id in rng.sample(range(1, count + 1), min(500, count)):
        library.update_track(track_id, {"rating": 5})
    playlist = library.create_playlist("Big set", track_ids=rng.sample(range(1, count + 1), min(5000, count)))
    return library, playlist


def plan(library: Library, sort: str, descending: bool) -> str:
    """SQLite's plan of the filled part of a page (what decides its cost)."""
    with library._read() as conn:  # a bench may look inside
        tier = track_list._tiers(sort, "open_key", text("1"), False)[0]
        column = tier.expressions[0].compile(conn, compile_kwargs={"literal_binds": True})
        direction = "DESC" if descending else "ASC"
        rows = conn.execute(
            text(f"EXPLAIN QUERY PLAN SELECT id FROM tracks ORDER BY {column} {direction}, id {direction} LIMIT 100")
        )
        return "; ".join(row[3] for row in rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tracks", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="harmony-bench-") as folder:
        print(f"Building a library of {args.tracks:,} tracks (a tenth of each field empty)…")
        library, playlist = build(Path(folder), args.tracks)
        print(f"{'case':45} {'matches':>8} {'ms (median)':>12}")
        for name, case in CASES.items():
            kwargs = dict(case)
            if kwargs.pop("playlist", False):
                kwargs["playlist_id"] = playlist
            if kwargs.pop("locate", False):
                total = library.list_tracks(limit=1, **kwargs).total  # type: ignore[arg-type]
                halfway = library.list_tracks(limit=1, offset=total // 2, **kwargs).rows[0]  # type: ignore[arg-type]
                kwargs["locate"], kwargs["locate_entry"] = halfway.track.id, halfway.entry_id
            if kwargs.get("offset") == -100:
                del kwargs["offset"]
                kwargs["offset"] = library.list_tracks(limit=1, **kwargs).total - 100  # type: ignore[arg-type]
            samples = []
            for _ in range(args.runs):
                started = time.perf_counter()
                found = library.list_tracks(limit=100, **kwargs)  # type: ignore[arg-type]
                samples.append((time.perf_counter() - started) * 1000)
            if "locate" in kwargs:
                assert found.located is not None  # the track is found where it is
            print(f"{name:45} {found.total:>8,} {statistics.median(samples):>12.1f}")
        print("\nQuery plans of a plain sorted page (the filled part):")
        for sort in ("artist", "bpm", "key", "added", "label", "play_count"):
            for descending in (False, True):
                print(f"  {sort:10} {'desc' if descending else 'asc ':4}  {plan(library, sort, descending)}")
        library.close()


if __name__ == "__main__":
    main()
