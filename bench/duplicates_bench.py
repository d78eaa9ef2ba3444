"""Benchmark of the duplicates page's answer (``GET /api/library/duplicates``): finding the groups of a library
of N tracks (default 100,000) and what the DJ is shown of each member.

The library is made with ``library_bench.make_tracks``; a share of its tracks (``--copies``, default 10 %) are
second copies of another track (same artist, title and duration, another file), so they form "likely" groups.
No file is on disk, so no content is hashed: this measures the library's side. Printed, medians of
``--repeats`` runs: ``find_library_duplicates`` as it stands, and, as the reference of the same run, the
members read one by one through ``Library.get_track`` as the service did before (one query per member: 23 of
25 s for a group of 12,000 placeholder files of a generated 20,000-track collection).

With ``--browser``, also the page itself in Debian's Chromium: the time from opening /duplicates until its
status line counts the groups (the answer, then the drawing of the first groups), and how many rows it drew.
The page used to draw every member at once: 18,373 rows took 10.7-12.0 s at 100,000 tracks.

Run: ``PYTHONPATH=src python bench/duplicates_bench.py [--tracks N] [--copies F] [--repeats R] [--browser]
[--json]``
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import random
import statistics
import sys
import tempfile
import time
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


def page_figures(folder: Path, repeats: int) -> dict[str, object]:
    """Open the Duplicates page ``repeats`` times; the median time until its status counts the groups."""
    from playwright.sync_api import sync_playwright

    from scroll_bench import serve_library
    from web_screenshot import CHROMIUM_ARGS

    server, thread, url = serve_library(folder)
    counted = "() => /groups? of duplicates/.test(document.getElementById('duplicates-status').textContent)"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1440, "height": 900})
            times = []
            for _ in range(repeats):
                start = time.perf_counter()
                page.goto(f"{url}/duplicates")
                page.wait_for_function(counted, timeout=600_000)
                times.append(time.perf_counter() - start)
            rows = page.evaluate("document.querySelectorAll('.duplicate-group tbody tr').length")
            status = page.text_content("#duplicates-status")
            browser.close()
    finally:
        server.should_exit = True
        thread.join(timeout=10)
    return {"page_ready_s": round(statistics.median(times), 2), "page_rows": rows, "page_status": status}


def median_seconds(action: Callable[[], object], repeats: int) -> float:
    return statistics.median(timed(action) for _ in range(repeats))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tracks", type=int, default=100_000)
    parser.add_argument("--copies", type=float, default=0.10)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--browser", action="store_true", help="also time the page in Chromium")
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
        if args.browser:
            library.close()
            figures.update(page_figures(Path(folder), args.repeats))
    if args.json:
        print(json.dumps(figures))
        return
    print(f"{figures['tracks']:,} tracks: {figures['groups']:,} groups, {figures['members']:,} members")
    print(f"  find_library_duplicates (with to_json): {figures['find_library_duplicates_s']:.3f} s")
    print(f"  reference, members read one by one:     {figures['members_one_by_one_s']:.3f} s")
    if args.browser:
        print(f"  the page in Chromium, until its groups are counted: {figures['page_ready_s']:.2f} s,")
        print(f"    {figures['page_rows']:,} rows drawn; status: {figures['page_status']}")


if __name__ == "__main__":
    main()
