"""Benchmarks of the library store (issue 3 targets). Prints its figures; asserts nothing about speed.

1. Bulk insert of N tracks (default 100,000) with 3 cues each, in one transaction, through
   ``Library.add_tracks`` and through ``Library.apply_import`` (with a sync base per track), against the same
   rows inserted with bare ``sqlite3.executemany`` into an identical fresh database (same schema, triggers,
   indexes and pragmas). Target: ``add_tracks`` ≤ 2 × bare.
2. A streaming read of every track with its cues and base, as a worker does (for information).
3. A page of 100 tracks, filtered by a text search and sorted, from that library. Target: ≤ 50 ms.

Run: ``PYTHONPATH=src python bench/library_bench.py [--tracks N] [--repeats R] [--keep DIR]``
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

from harmony.library import CueValues, ImportPlan, Library, NewTrack, TrackBase, TrackValues, open_reader
from harmony.library.database import _connect
from harmony.library.writes import cue_row, track_row

WORDS = [
    "love", "night", "deep", "house", "dub", "techno", "acid", "dream", "fire", "soul", "light", "dark",
    "city", "groove", "space", "bass", "rhythm", "funk", "disco", "vocal", "edit", "remix", "original", "mix",
    "sunset", "ocean", "dance", "floor", "energy", "machine", "electric", "velvet", "gold",
]  # fmt: skip
ARTISTS = [
    f"{random.Random(i).choice(WORDS).title()} {random.Random(i + 7).choice(WORDS).title()}"
    for i in range(3000)
]


def make_tracks(count: int, seed: int = 7) -> list[tuple[TrackValues, tuple[CueValues, ...]]]:
    """``count`` realistic tracks with 3 cues each (a grid marker, a hot cue and a loop)."""
    rng = random.Random(seed)
    items = []
    start = date(2015, 1, 1)
    for i in range(count):
        artist = rng.choice(ARTISTS)
        title = " ".join(rng.choice(WORDS) for _ in range(rng.randint(1, 4))).title()
        bpm = round(rng.uniform(90, 140), 6)
        values = TrackValues(
            path=f"/Users/dj/Music/{artist}/{title} {i}.mp3",
            title=title,
            artist=artist,
            album=" ".join(rng.choice(WORDS) for _ in range(2)).title(),
            track_number=rng.randint(1, 12),
            genre=rng.choice(("House", "Techno", "Disco", "Drum & Bass", "Ambient")),
            label=f"{rng.choice(WORDS).title()} Records",
            comment=rng.choice(("", "warm-up", "peak time", "closer", "")) or None,
            year=rng.randint(1970, 2026),
            release_date=start + timedelta(days=rng.randint(0, 3000)),
            duration=rng.uniform(120, 600),
            bitrate=320000,
            file_size=rng.randint(3_000_000, 20_000_000),
            bpm=bpm,
            bpm_text=f"{bpm:.6f}",
            bpm_quality=100.0,
            musical_key=rng.randint(0, 23),
            key_text=f"{rng.randint(1, 12)}{rng.choice('dm')}",
            rating=rng.randint(0, 5),
            ranking=rng.choice((0, 51, 102, 153, 204, 255)),
            color=rng.randint(1, 7),
            play_count=rng.randint(0, 50),
            last_played=start + timedelta(days=rng.randint(0, 4000)),
            import_date=start + timedelta(days=rng.randint(0, 4000)),
            date_added=start + timedelta(days=rng.randint(0, 4000)),
            date_modified=start + timedelta(days=rng.randint(0, 4000)),
            lock=False,
        )
        first_beat = rng.uniform(0, 500)
        cues = (
            CueValues(type=4, start=first_beat, length=0.0, hotcue=-1, name="AutoGrid", grid_bpm=bpm),
            CueValues(type=0, start=first_beat + 30000.5, hotcue=0, name="Drop", display_order=0, repeats=-1),
            CueValues(
                type=5, start=first_beat + 60000.25, length=3750.0, hotcue=1, name="Loop", color="#FF0000"
            ),
        )
        items.append((values, cues))
    return items


def timed(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def bare_insert(path: Path, items: list[tuple[TrackValues, tuple[CueValues, ...]]]) -> float:
    """Insert the same rows with bare sqlite3.executemany (rows prepared before the clock starts)."""
    track_rows = []
    cue_rows = []
    for track_id, (values, cues) in enumerate(items, start=1):
        row = track_row(values, 1)
        row["id"] = track_id
        for key in ("release_date", "last_played", "import_date", "date_added", "date_modified"):
            if row[key] is not None:
                row[key] = row[key].isoformat()  # type: ignore[union-attr]
        track_rows.append(row)
        cue_rows.extend(cue_row(cue, track_id) for cue in cues)
    track_columns = list(track_rows[0])
    cue_columns = list(cue_rows[0])
    track_tuples = [tuple(r[c] for c in track_columns) for r in track_rows]
    cue_tuples = [tuple(r[c] for c in cue_columns) for r in cue_rows]
    track_sql = (
        f"INSERT INTO tracks ({', '.join(track_columns)}) VALUES ({', '.join('?' * len(track_columns))})"
    )
    cue_sql = (
        f"INSERT INTO cue_points ({', '.join(cue_columns)}) VALUES ({', '.join('?' * len(cue_columns))})"
    )
    raw = _connect(path, read_only=False)  # the same pragmas as the library's own connections

    def run() -> None:
        raw.execute("BEGIN IMMEDIATE")
        raw.executemany(track_sql, track_tuples)
        raw.executemany(cue_sql, cue_tuples)
        raw.execute("UPDATE library_state SET version = version + 1 WHERE id = 1")
        raw.execute("COMMIT")

    elapsed = timed(run)
    raw.close()
    return elapsed


def page_times(library: Library, runs: int = 15) -> dict[str, float]:
    """Median milliseconds of several page queries (each a count plus a page of 100)."""
    cases: dict[str, dict[str, object]] = {
        "search 'deep' (common word), sort artist": {"search": "deep", "sort": "artist"},
        "search 'deep house', sort bpm desc": {"search": "deep house", "sort": "bpm", "descending": True},
        "search 'velv gol' (prefixes), sort title": {"search": "velv gol", "sort": "title"},
        "search 'techno' page 50, sort artist": {"search": "techno", "sort": "artist", "offset": 5000},
        "search rare artist, sort title": {"search": ARTISTS[17], "sort": "title"},
        "no search, sort artist": {"sort": "artist"},
        "no search, sort date_added desc, page 200": {
            "sort": "date_added",
            "descending": True,
            "offset": 20000,
        },
    }
    results = {}
    for name, kwargs in cases.items():
        library.search_tracks(limit=100, **kwargs)  # type: ignore[arg-type]
        samples = []
        for _ in range(runs):
            started = time.perf_counter()
            page = library.search_tracks(limit=100, **kwargs)  # type: ignore[arg-type]
            samples.append((time.perf_counter() - started) * 1000)
        results[f"{name} [{page.total} matches]"] = statistics.median(samples)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--tracks", type=int, default=100_000)
    parser.add_argument("--keep", type=Path, help="Write the databases here instead of a temporary folder.")
    parser.add_argument("--repeats", type=int, default=3, help="Insert runs of each kind (best one counts).")
    args = parser.parse_args()
    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
        run(args.tracks, args.keep, args.repeats)
    else:
        with tempfile.TemporaryDirectory(prefix="harmony-bench-") as folder:
            run(args.tracks, Path(folder), args.repeats)


def run(tracks: int, folder: Path, repeats: int) -> None:
    """Build the libraries in ``folder`` and print the figures.

    The machine is shared and noisy, so the bare and the library inserts run in turns, ``repeats`` times each
    into fresh files, and the fastest run of each is compared (the least disturbed one); every run is printed.
    """
    print(f"Generating {tracks:,} tracks with {3 * tracks:,} cues…")
    items = make_tracks(tracks)

    bare_runs: list[float] = []
    library_runs: list[float] = []
    for turn in range(repeats):
        bare_path = folder / f"bare-{turn}.db"
        Library.open(bare_path).close()
        bare_runs.append(bare_insert(bare_path, items))
        bare_path.unlink()
        if turn < repeats - 1:
            with Library.open(folder / f"library-{turn}.db") as scratch:
                library_runs.append(timed(lambda lib=scratch: lib.add_tracks(items)))  # type: ignore[misc]
            (folder / f"library-{turn}.db").unlink()
    library = Library.open(folder / "library.db")  # the last run's library is kept for the page queries
    library_runs.append(timed(lambda: library.add_tracks(items)))

    plan = ImportPlan(
        new_tracks=tuple(
            NewTrack(ref=f"key{i}", values=v, cues=c, base=TrackBase(nml_key=f"key{i}", values=v, cues=c))
            for i, (v, c) in enumerate(items)
        )
    )
    plan_library = Library.open(folder / "import.db")
    imported = timed(lambda: plan_library.apply_import(plan))
    plan_library.close()

    def stream() -> None:
        with open_reader(folder / "import.db") as reader:
            for _ in reader.iter_tracks():
                pass

    streamed = timed(stream)

    bare, orm = min(bare_runs), min(library_runs)
    print(f"\nBulk insert of {tracks:,} tracks + {3 * tracks:,} cues, one transaction (best of {repeats}):")
    print(f"  bare sqlite3.executemany        {bare:7.2f} s   runs: {_runs(bare_runs)}")
    print(f"  Library.add_tracks              {orm:7.2f} s   runs: {_runs(library_runs)}")
    print(f"  ratio add_tracks / bare         {orm / bare:7.2f}     (target <= 2)")
    print(
        f"  Library.apply_import (+ bases)  {imported:7.2f} s   ratio {imported / bare:.2f} x bare (one run)"
    )
    print(f"\nStreaming read (worker, read-only) of every track + cues + base: {streamed:.2f} s")

    print(f"\nPage of 100 tracks from {library.stats().tracks:,} (median of 15 runs; target <= 50 ms):")
    for name, ms in page_times(library).items():
        print(f"  {ms:7.2f} ms  {name}")
    library.close()


def _runs(seconds: list[float]) -> str:
    return ", ".join(f"{value:.2f}" for value in seconds)


if __name__ == "__main__":
    main()
