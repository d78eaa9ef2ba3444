"""Benchmark of the duplicates page's answer (``GET /api/library/duplicates``): finding the groups of a library
of N tracks (default 100,000) and what the DJ is shown of each member.

The library is made with ``library_bench.make_tracks``; a share of its tracks (``--copies``, default 10 %) are
second copies of another track (same artist, title and duration, another file), so they form "likely" groups.
No file is on disk, so no content is hashed: this measures the library's side. Printed, medians of
``--repeats`` runs: ``find_library_duplicates`` as it stands, and, as the reference of the same run, the
members read one by one through ``Library.get_track`` as the service did before (one query per member: 23 of
25 s for a group of 12,000 placeholder files of a generated 20,000-track collection).

Run: ``PYTHONPATH=src python bench/duplicates_bench.py [--tracks N] [--copies F] [--repeats R] [--json]``
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import random
import statistics
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from harmony.library import Library
from harmony.service.duplicates import find_library_duplicates

sys.path.insert(0, str(Path(__file__).resolve().parent))
from library_bench import make_tracks, timed


def build(path: Path, count: int, copies: float) -> Library:
    rng = random.Random(5)
    items = make_tracks(count)
    for n in range(1, len(items)):
        if rng.random() < copies:  # a second copy of an earlier track, in another file
            original = items[rng.randrange(n)][0]
            copy = dataclasses.replace(
                items[n][0], artist=original.artist, title=original.title, duration=original.duration
            )
            items[n] = (copy, items[n][1])
    library = Library.open(path)
    library.add_tracks(items)
    return library


def members_one_by_one(library: Library, ids: list[int]) -> None:
    for track_id in ids:
        library.get_track(track_id)


def median_seconds(action: Callable[[], object], repeats: int) -> float:
    return statistics.median(timed(action) for _ in range(repeats))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tracks", type=int, default=100_000)
    parser.add_argument("--copies", type=float, default=0.10)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    with (
        tempfile.TemporaryDirectory() as folder,
        build(Path(folder) / "library.db", args.tracks, args.copies) as library,
    ):
        report = find_library_duplicates(library)
        ids = list(report.members)
        figures = {
            "tracks": args.tracks,
            "groups": len(report.groups),
            "members": len(ids),
            "find_library_duplicates_s": round(
                median_seconds(lambda: find_library_duplicates(library).to_json(), args.repeats), 3
            ),
            "members_one_by_one_s": round(median_seconds(lambda: members_one_by_one(library, ids), args.repeats), 3),
        }
    if args.json:
        print(json.dumps(figures))
        return
    print(f"{figures['tracks']:,} tracks: {figures['groups']:,} groups, {figures['members']:,} members")
    print(f"  find_library_duplicates (with to_json): {figures['find_library_duplicates_s']:.3f} s")
    print(f"  reference, members read one by one:     {figures['members_one_by_one_s']:.3f} s")


if __name__ == "__main__":
    main()
