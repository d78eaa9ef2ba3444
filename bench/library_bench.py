"""Benchmarks of the library store. Prints its figures; asserts nothing about speed.

1. Bulk insert of N tracks (default 100,000) with 3 cues each, in one transaction, through
   ``Library.add_tracks``, against the same rows inserted with bare ``sqlite3.executemany`` into an identical
   fresh database (same schema, triggers, indexes and pragmas). Target: ``add_tracks`` ≤ 2 × bare.
2. ``Library.apply_import`` of a first-import plan: N new tracks with their cues and a sync base each, 20
   folders and 500 playlists of 200 entries with their bases, against bare ``sqlite3.executemany`` of the same
   rows (base JSON encoded before the clock starts), twice: as the schema stands (the search index fed row by
   row by its trigger) and with the search index filled in one statement, as ``apply_import`` does for a big
   insert (the fair floor). The import needs the apply step well under its end-to-end budget.
3. A streaming read of every track with its cues and base, as a worker does (for information).
4. A page of 100 tracks, filtered by a text search and sorted, from that library. Target: ≤ 50 ms.

Run: ``PYTHONPATH=src python bench/library_bench.py [--tracks N] [--repeats R] [--keep DIR]``
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

from harmony.library import (
    BaseUpdates,
    CueValues,
    EntryRef,
    FolderBase,
    FolderBaseSet,
    FolderCreate,
    ImportPlan,
    Library,
    NewTrack,
    PlaylistBase,
    PlaylistBaseSet,
    PlaylistCreate,
    TrackBase,
    TrackValues,
    open_reader,
)
from harmony.library.database import _connect
from harmony.library.values import cues_to_json, track_values_to_json
from harmony.library.writes import checked_cue, checked_track, cue_row, track_row

SEARCH_COLUMNS = "title, artist, album, genre, label, comment, remixer, mix, key_text"

WORDS = [
    "love", "night", "deep", "house", "dub", "techno", "acid", "dream", "fire", "soul", "light", "dark",
    "city", "groove", "space", "bass", "rhythm", "funk", "disco", "vocal", "edit", "remix", "original", "mix",
    "sunset", "ocean", "dance", "floor", "energy", "machine", "electric", "velvet", "gold",
]  # fmt: skip
ARTISTS = [
    f"{random.Random(i).choice(WORDS).title()} {random.Random(i + 7).choice(WORDS).title()}" for i in range(3000)
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
            CueValues(type=5, start=first_beat + 60000.25, length=3750.0, hotcue=1, name="Loop", color="#FF0000"),
        )
        items.append((values, cues))
    return items


def timed(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


Statement = tuple[str, list[tuple[object, ...]]]


def _insert_sql(table: str, columns: list[str]) -> str:
    return f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"


def track_statements(items: list[tuple[TrackValues, tuple[CueValues, ...]]]) -> list[Statement]:
    """The INSERTs of ``items`` as tracks 1..N with their cues, rows prepared as the library stores them."""
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
    return [
        (_insert_sql("tracks", track_columns), [tuple(r[c] for c in track_columns) for r in track_rows]),
        (_insert_sql("cue_points", cue_columns), [tuple(r[c] for c in cue_columns) for r in cue_rows]),
    ]


def bare_insert(path: Path, statements: list[Statement], *, bulk_search_index: bool = False) -> float:
    """Run ``statements`` with bare sqlite3.executemany in one transaction (rows prepared before the clock
    starts). With ``bulk_search_index`` the search-index trigger is dropped first and the index filled in one
    statement at the end (the trigger is not put back: the file is thrown away)."""
    raw = _connect(path, read_only=False)  # the same pragmas as the library's own connections

    def run() -> None:
        raw.execute("BEGIN IMMEDIATE")
        if bulk_search_index:
            raw.execute("DROP TRIGGER tracks_fts_insert")
        for sql, rows in statements:
            raw.executemany(sql, rows)
        if bulk_search_index:
            raw.execute(f"INSERT INTO tracks_fts (rowid, {SEARCH_COLUMNS}) SELECT id, {SEARCH_COLUMNS} FROM tracks")
        raw.execute("UPDATE library_state SET version = version + 1 WHERE id = 1")
        raw.execute("COMMIT")

    elapsed = timed(run)
    raw.close()
    return elapsed


def make_plan(
    items: list[tuple[TrackValues, tuple[CueValues, ...]]], playlists: int = 500, folders: int = 20, size: int = 200
) -> ImportPlan:
    """A first import: every track new with its base, ``playlists`` playlists of ``size`` entries (one of them
    dangling) spread over ``folders`` top-level folders, with the bases of both."""
    rng = random.Random(11)
    count = len(items)
    entries = [[rng.randrange(count) for _ in range(size - 1)] for _ in range(playlists)]
    return ImportPlan(
        new_tracks=tuple(
            NewTrack(ref=f"key{i}", values=v, cues=c, base=TrackBase(nml_key=f"key{i}", values=v, cues=c))
            for i, (v, c) in enumerate(items)
        ),
        folder_creates=tuple(FolderCreate(ref=f"f{i}", name=f"Folder {i}") for i in range(folders)),
        playlist_creates=tuple(
            PlaylistCreate(
                ref=f"p{i}",
                name=f"Playlist {i}",
                folder=f"f{i % folders}",
                uuid=f"uuid-{i}",
                entries=(*(EntryRef(track=f"key{n}") for n in entries[i]), EntryRef(nml_key="gone")),
            )
            for i in range(playlists)
        ),
        bases=BaseUpdates(
            playlists=tuple(
                PlaylistBaseSet(
                    PlaylistBase(
                        uuid=f"uuid-{i}",
                        name=f"Playlist {i}",
                        folder_path=(f"Folder {i % folders}",),
                        position=i // folders,
                        entries=(*(f"key{n}" for n in entries[i]), "gone"),
                    ),
                    playlist=f"p{i}",
                )
                for i in range(playlists)
            ),
            folders=tuple(FolderBaseSet(FolderBase((f"Folder {i}",), i), folder=f"f{i}") for i in range(folders)),
        ),
    )


def plan_statements(plan: ImportPlan, items: list[tuple[TrackValues, tuple[CueValues, ...]]]) -> list[Statement]:
    """The rows ``plan`` writes into an empty library, as bare INSERTs (track ids 1..N, in plan order)."""
    track_ids = {t.ref: i for i, t in enumerate(plan.new_tracks, start=1)}
    folder_ids = {f.ref: i for i, f in enumerate(plan.folder_creates, start=1)}
    children: dict[str, int] = {}
    playlist_rows: list[tuple[object, ...]] = []
    entry_rows: list[tuple[object, ...]] = []
    for playlist_id, p in enumerate(plan.playlist_creates, start=1):
        folder = str(p.folder)
        position = children.get(folder, 0)
        children[folder] = position + 1
        playlist_rows.append((playlist_id, folder_ids[folder], p.name, position, p.uuid, p.smart_query, 1))
        entry_rows.extend(
            (playlist_id, n, None if e.track is None else track_ids[str(e.track)], e.nml_key)
            for n, e in enumerate(p.entries)
        )
    base_rows: list[tuple[object, ...]] = [
        (
            t.base.nml_key,
            track_ids[t.ref],
            track_values_to_json(checked_track(t.base.values)),
            cues_to_json([checked_cue(c) for c in t.base.cues]),
        )
        for t in plan.new_tracks
        if t.base is not None
    ]
    playlist_base_rows: list[tuple[object, ...]] = [
        (
            b.base.uuid,
            i,
            b.base.name,
            json.dumps(list(b.base.folder_path), ensure_ascii=False),
            b.base.position,
            json.dumps(list(b.base.entries), ensure_ascii=False),
            b.base.smart_query,
        )
        for i, b in enumerate(plan.bases.playlists, start=1)
    ]
    folder_base_rows: list[tuple[object, ...]] = [
        (json.dumps(list(b.base.path), ensure_ascii=False), i, b.base.position)
        for i, b in enumerate(plan.bases.folders, start=1)
    ]
    folder_columns = ["id", "parent_id", "name", "position", "changed_version"]
    folder_rows: list[tuple[object, ...]] = [(i, None, f.name, i - 1, 1) for i, f in enumerate(plan.folder_creates, 1)]
    return [
        (_insert_sql("folders", folder_columns), folder_rows),
        *track_statements(items),
        (
            _insert_sql("playlists", ["id", "folder_id", "name", "position", "uuid", "smart_query", "changed_version"]),
            playlist_rows,
        ),
        (_insert_sql("playlist_entries", ["playlist_id", "position", "track_id", "nml_key"]), entry_rows),
        (_insert_sql("track_sync_bases", ["nml_key", "track_id", "values_json", "cues_json"]), base_rows),
        (
            _insert_sql(
                "playlist_sync_bases",
                ["uuid", "playlist_id", "name", "folder_path_json", "position", "entries_json", "smart_query"],
            ),
            playlist_base_rows,
        ),
        (_insert_sql("folder_sync_bases", ["path_json", "folder_id", "position"]), folder_base_rows),
    ]


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
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
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

    insert_statements = track_statements(items)
    bare_runs: list[float] = []
    library_runs: list[float] = []
    for turn in range(repeats):
        bare_path = folder / f"bare-{turn}.db"
        Library.open(bare_path).close()
        bare_runs.append(bare_insert(bare_path, insert_statements))
        bare_path.unlink()
        if turn < repeats - 1:
            with Library.open(folder / f"library-{turn}.db") as scratch:
                library_runs.append(timed(lambda lib=scratch: lib.add_tracks(items)))  # type: ignore[misc]
            (folder / f"library-{turn}.db").unlink()
    library = Library.open(folder / "library.db")  # the last run's library is kept for the page queries
    library_runs.append(timed(lambda: library.add_tracks(items)))
    bare, orm = min(bare_runs), min(library_runs)
    print(f"\nBulk insert of {tracks:,} tracks + {3 * tracks:,} cues, one transaction (best of {repeats}):")
    print(f"  bare sqlite3.executemany        {bare:7.2f} s   runs: {_runs(bare_runs)}")
    print(f"  Library.add_tracks              {orm:7.2f} s   runs: {_runs(library_runs)}")
    print(f"  ratio add_tracks / bare         {orm / bare:7.2f}     (target <= 2)")

    plan = make_plan(items)
    statements = plan_statements(plan, items)
    entries = sum(len(p.entries) for p in plan.playlist_creates)
    bare_trigger_runs: list[float] = []
    bare_bulk_runs: list[float] = []
    apply_runs: list[float] = []
    for turn in range(repeats):
        for runs, bulk in ((bare_trigger_runs, False), (bare_bulk_runs, True)):
            bare_path = folder / f"bare-plan-{turn}.db"
            Library.open(bare_path).close()
            runs.append(bare_insert(bare_path, statements, bulk_search_index=bulk))
            bare_path.unlink()
        import_path = folder / ("import.db" if turn == repeats - 1 else f"import-{turn}.db")
        with Library.open(import_path) as plan_library:
            apply_runs.append(timed(lambda lib=plan_library: lib.apply_import(plan)))  # type: ignore[misc]
        if turn < repeats - 1:
            import_path.unlink()
    applied, bare_trigger, bare_bulk = min(apply_runs), min(bare_trigger_runs), min(bare_bulk_runs)
    print(
        f"\nFirst-import plan: {tracks:,} tracks + {3 * tracks:,} cues + {tracks:,} bases, "
        f"{len(plan.playlist_creates)} playlists ({entries:,} entries) in {len(plan.folder_creates)} folders "
        f"(best of {repeats}):"
    )
    print(f"  bare executemany, FTS by trigger     {bare_trigger:7.2f} s   runs: {_runs(bare_trigger_runs)}")
    print(f"  bare executemany, FTS in one go      {bare_bulk:7.2f} s   runs: {_runs(bare_bulk_runs)}")
    print(f"  Library.apply_import                 {applied:7.2f} s   runs: {_runs(apply_runs)}")
    print(f"  ratio apply_import / bare (trigger)  {applied / bare_trigger:7.2f}")
    print(f"  ratio apply_import / bare (one go)   {applied / bare_bulk:7.2f}")

    def stream() -> None:
        with open_reader(folder / "import.db") as reader:
            for _ in reader.iter_tracks():
                pass

    streamed = timed(stream)
    print(f"\nStreaming read (worker, read-only) of every track + cues + base: {streamed:.2f} s")

    print(f"\nPage of 100 tracks from {library.stats().tracks:,} (median of 15 runs; target <= 50 ms):")
    for name, ms in page_times(library).items():
        print(f"  {ms:7.2f} ms  {name}")
    library.close()


def _runs(seconds: list[float]) -> str:
    return ", ".join(f"{value:.2f}" for value in seconds)


if __name__ == "__main__":
    main()
