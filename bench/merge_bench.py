"""Benchmark of a merge of one big group of duplicates, and of its undo.

A generated collection's placeholder files made one "song" of 12,034 copies, and the Duplicates page sends a
whole group to ``POST /api/library/merge``. This makes a library of ``--copies`` copies of one track (same
artist, title and duration, another file each), each with ``--cues`` cue points at random positions on random
hot cue slots and all in one playlist, then times ``Library.merge_tracks`` (keep the first, merge the others)
and ``Library.undo`` of it, each once, in this process. No file is on disk.

Run: ``PYTHONPATH=src python bench/merge_bench.py [--copies N] [--cues C] [--json]``
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from pathlib import Path

from common import note
from harmony.library import CueValues, Library, TrackValues


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--copies", type=int, default=12_000, help="tracks in the group (default 12,000)")
    parser.add_argument("--cues", type=int, default=3, help="cue points per copy (default 3)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    rng = random.Random(1)
    with (
        tempfile.TemporaryDirectory(prefix="harmony-merge-bench-") as folder,
        Library.open(Path(folder) / "lib.db") as library,
    ):
        note(f"making a group of {args.copies:,} copies with {args.cues} cues each …")
        ids = library.add_tracks(
            [
                (
                    TrackValues(path=f"/m/copy{i}.mp3", title="Song", artist="Art", duration=200.0, play_count=1),
                    [
                        CueValues(type=0, start=rng.uniform(0, 200_000), hotcue=rng.randrange(-1, 8))
                        for _ in range(args.cues)
                    ],
                )
                for i in range(args.copies)
            ]
        )
        library.create_playlist("Gig", None, track_ids=ids)
        started = time.perf_counter()
        outcome = library.merge_tracks(ids[0], ids[1:])
        merged = time.perf_counter() - started
        started = time.perf_counter()
        library.undo()
        undone = time.perf_counter() - started
        back = library.list_tracks(limit=1).total
    figures = {
        "copies": args.copies,
        "cues_per_copy": args.cues,
        "merge_seconds": round(merged, 2),
        "cues_added": outcome.value.cues_added,
        "undo_seconds": round(undone, 2),
        "tracks_after_undo": back,
    }
    if args.json:
        print(json.dumps(figures))
    else:
        print(f"merge of {args.copies:,} copies: {merged:.2f} s ({outcome.value.cues_added:,} cues added)")
        print(f"its undo: {undone:.2f} s ({back:,} tracks back)")
    return 0 if back == args.copies else 1


if __name__ == "__main__":
    sys.exit(main())
