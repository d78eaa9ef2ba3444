"""Benchmark the missing-files work. Prints its figures; asserts nothing.

a. ``relocate``: a folder of ``--files`` audio files (50,000 by default; small placeholder files of distinct
   sizes) known to the library is moved elsewhere; the library's check marks every track missing, then the
   relocate job (the worker's function, run here in this process) scans the new place, matches every track and
   plans the moves: its wall time is the figure (target: at most 60 s for 50,000 files), with the counts it
   found (every track should be ``exact``).
b. ``missing_check``: an unchanged re-import of a ``--tracks``-track collection (100,000 by default, with a
   placeholder file for every track) planned from the files as the import worker plans it, once with the real
   file check (the import job's: every missing, new or moved track and this import's share of the present
   ones, see ``harmony.sync.file_rounds``; a ``stat`` each or one listing per folder of several, see
   ``harmony.jobs.file_check``) and once with a check that asks nothing of the disk. The ratio of the two is
   the cost of the missing-file check (target: at most 1.10). Each is run ``--repeat`` times, the two in turn
   and in alternating order, and the fastest counts (the machine is shared and noisy).

Run: ``python bench/missing_bench.py [--files N] [--tracks N] [--repeat R] [--skip-relocate] [--json]``.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import shutil
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "src"
if str(SOURCE) not in sys.path:
    sys.path.insert(0, str(SOURCE))

from harmony.devtools.collection_gen import generate_collection  # noqa: E402
from harmony.jobs import FolderListings  # noqa: E402
from harmony.jobs.import_job import plan_from_files  # noqa: E402
from harmony.jobs.relocate_job import run_relocate_job  # noqa: E402
from harmony.library import Library, TrackValues  # noqa: E402
from harmony.sync import PathMapping, SyncOptions  # noqa: E402

OUT = ROOT / "bench" / "out"


def bench_relocate(files: int, work: Path) -> dict[str, Any]:
    old = work / "old" / "Music"
    tracks: list[tuple[TrackValues, tuple[()]]] = []
    for number in range(files):
        folder = old / f"Artist {number % 500:03d}" / f"Album {number % 37:02d}"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{number:06d} Track {number}.mp3"
        size = 2048 + number  # distinct sizes: the name and size settle every match
        path.write_bytes(b"\0" * size)
        tracks.append((TrackValues(str(path), file_size=size), ()))
    library_path = work / "relocate.db"
    with Library.open(library_path) as library:
        library.add_tracks(tracks)
    moved = work / "new drive" / "Music"
    moved.parent.mkdir(parents=True)
    os.rename(old, moved)
    with Library.open(library_path) as library:
        began = time.perf_counter()
        lost, _ = library.check_files(FolderListings())  # as the relocate service checks
        check_seconds = time.perf_counter() - began
    began = time.perf_counter()
    result = run_relocate_job(str(library_path), [str(moved.parent)])
    seconds = time.perf_counter() - began
    counts = Counter(r.confidence for r in result.relocations)
    return {
        "files": files,
        "marked_missing": lost,
        "check_seconds": round(check_seconds, 3),
        "relocate_seconds": round(seconds, 3),
        "scanned_files": result.scanned_files,
        "confidence": dict(counts),
        "target_seconds": 60,
        "meets_target": seconds <= 60 and counts["exact"] == files,
    }


def bench_missing_check(tracks: int, repeat: int, work: Path) -> dict[str, Any]:
    cache = OUT / f"missing-{tracks}"
    nml = cache / "collection.nml"
    saved = cache / "mappings.json"
    if not saved.exists():
        shutil.rmtree(cache, ignore_errors=True)
        cache.mkdir(parents=True)
        generated = generate_collection(nml, tracks=tracks, seed=1, files_dir=cache / "files")
        saved.write_text(json.dumps(generated.path_mappings))
    mappings = tuple(PathMapping.of(volume, folder) for volume, folder in json.loads(saved.read_text()).items())
    library_path = work / "reimport.db"
    Library.open(library_path).close()
    real = SyncOptions(platform="linux", path_mappings=mappings)  # the import job's own file check
    planned, _ = plan_from_files(nml, library_path, real)
    assert not planned.stats.missing_files, "every placeholder file should be there"
    with Library.open(library_path) as library:
        library.apply_import(planned.plan)
    del planned  # a first import's plan is big: held, it would slow every timed run by its garbage collection
    no_disk = SyncOptions(platform="linux", path_mappings=mappings, file_exists=lambda path: True)
    timings: dict[str, list[float]] = {"with_check": [], "without_check": []}
    variants = [("without_check", no_disk), ("with_check", real)]
    for round_number in range(repeat):
        # Each pair in turn in the other order, each run after a collection: neither is always the one that
        # runs second, on a warmer cache or after the other's garbage.
        for name, options in variants if round_number % 2 == 0 else variants[::-1]:
            gc.collect()
            began = time.perf_counter()
            again, _ = plan_from_files(nml, library_path, options)
            timings[name].append(time.perf_counter() - began)
            assert not again.plan.changes_library() and not again.plan.files_lost
            del again
    best = {name: min(values) for name, values in timings.items()}
    ratio = best["with_check"] / best["without_check"]
    return {
        "tracks": tracks,
        "reimport_seconds_with_check": round(best["with_check"], 3),
        "reimport_seconds_without_check": round(best["without_check"], 3),
        "ratio": round(ratio, 3),
        "target_ratio": 1.10,
        "meets_target": ratio <= 1.10,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--files", type=int, default=50_000)
    parser.add_argument("--tracks", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--skip-relocate", action="store_true", help="measure the re-import's check only")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="harmony-missing-bench-") as folder:
        work = Path(folder)
        figures: dict[str, dict[str, Any]] = {}
        if not args.skip_relocate:
            figures["relocate"] = bench_relocate(args.files, work)
        figures["missing_check"] = bench_missing_check(args.tracks, args.repeat, work)
    if args.json:
        print(json.dumps(figures, indent=2))
        return
    for part, values in figures.items():
        print(part)
        for key, value in values.items():
            print(f"  {key}: {value}")


if __name__ == "__main__":
    main()
