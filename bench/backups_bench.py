"""How long the list of restorable copies takes at 100,000 tracks, read cold and with the last listing's readings.

The Traktor page lists the copies at every visit and after every write; each copy is read whole (the safe
write's streamed check) to count its tracks and playlists, about a second per 100,000 tracks. A folder holds
``--copies`` backups (10, the default number kept) of the ``--tracks``-track collection, the oldest of them cut
off half way (a copy left by a crash). The listings:

- ``cold``: nothing known, every copy and the current file read (what a first visit used to cost);
- ``first visit``: the current file's counts given by its health check, which the page asks for at the same time
  (``Recovery.list_copies``): every copy read;
- ``after a restart``: the readings saved in the cache folder by the cold listing, loaded by a new
  ``harmony.service.copy_readings.CopyReadings``, as a restarted ``harmony serve`` or a ``harmony traktor
  backups`` does: nothing read;
- ``warm``: given the cold listing's readings (``harmony.nmlfile.read_restorable``'s ``known``), as the app
  does from the second visit on; nothing has changed, so nothing is read (the damaged copy neither: its reason
  is kept by its stamp; ``damaged copy read`` is what each listing paid to read it again before);
- ``after a write``: one new backup and a new current file (what an export leaves): two files read.

Each is run ``--repeat`` times and the fastest counts. Prints its figures; asserts nothing.

    python bench/backups_bench.py
    python bench/backups_bench.py --tracks 20000 --copies 5 --json
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from common import SOURCE, note

if str(SOURCE) not in sys.path:
    sys.path.insert(0, str(SOURCE))

from harmony.nmlfile import DEFAULT_KEEP, Listing, Reading, Stamp, create_backup, read_restorable, stamp_of
from harmony.service.copy_readings import CopyReadings
from nml_bench import cached_collection

OUT = Path(__file__).resolve().parent / "out"


def _fastest(run: Callable[[], Listing], repeat: int) -> tuple[float, Listing]:
    best, listing = float("inf"), None
    for _ in range(repeat):
        started = time.perf_counter()
        listing = run()
        best = min(best, time.perf_counter() - started)
    assert listing is not None
    return best, listing


def _without(readings: dict[Stamp, Reading], path: Path) -> dict[Stamp, Reading]:
    """``readings`` without the one of ``path``: a listing given them reads that file again."""
    return {stamp: reading for stamp, reading in readings.items() if stamp[0] != str(path)}


def measure(tracks: int, copies: int, repeat: int) -> dict[str, Any]:
    source = cached_collection(OUT, tracks, 1)
    with tempfile.TemporaryDirectory(prefix="harmony-backups-bench-") as folder:
        nml_path = Path(folder) / "Traktor" / "collection.nml"
        nml_path.parent.mkdir()
        shutil.copyfile(source, nml_path)
        note(f"making {copies} backups of {source.name} …")
        made = [create_backup(nml_path, keep=copies + 1) for _ in range(copies)]
        damaged = made[0]
        damaged.write_bytes(damaged.read_bytes()[: damaged.stat().st_size // 2])
        cold, first = _fastest(lambda: read_restorable(nml_path), repeat)
        warm, _ = _fastest(lambda: read_restorable(nml_path, first.readings), repeat)
        current = stamp_of(nml_path)
        assert current is not None
        from_health = {current: first.readings[current]}
        first_visit, _ = _fastest(lambda: read_restorable(nml_path, from_health), repeat)
        cache = Path(folder) / "cache"
        CopyReadings(cache).keep(nml_path, first.readings)
        restart, _ = _fastest(lambda: read_restorable(nml_path, CopyReadings(cache).known(nml_path)), repeat)
        damaged_read, _ = _fastest(lambda: read_restorable(nml_path, _without(first.readings, damaged)), repeat)
        assert any(copy.error for copy in first.copies), "the cut-off copy reads as damaged"
        # What an export leaves: one more backup, and the collection replaced by a new file.
        create_backup(nml_path, keep=copies + 1)
        replaced = nml_path.with_name("new.nml")
        shutil.copyfile(source, replaced)
        replaced.replace(nml_path)
        after, last = _fastest(lambda: read_restorable(nml_path, first.readings), 1)
        return {
            "tracks": tracks,
            "copies_listed": len(last.copies),
            "file_mb": round(source.stat().st_size / 1e6, 1),
            "cold_seconds": round(cold, 3),
            "warm_seconds": round(warm, 3),
            "first_visit_seconds": round(first_visit, 3),
            "after_a_restart_seconds": round(restart, 3),
            "after_a_write_seconds": round(after, 3),
            "damaged_copy_read_seconds": round(damaged_read - warm, 3),
            "warm_over_cold": round(warm / cold, 4),
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tracks", type=int, default=100_000)
    parser.add_argument("--copies", type=int, default=DEFAULT_KEEP)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    figures = measure(args.tracks, args.copies, args.repeat)
    if args.json:
        print(json.dumps(figures))
        return
    print(f"{figures['tracks']:,} tracks ({figures['file_mb']} MB), {figures['copies_listed']} copies listed")
    print(f"  cold listing (every file read)              {figures['cold_seconds']:8.3f} s")
    print(f"  first visit (current file from its health)  {figures['first_visit_seconds']:8.3f} s")
    print(f"  warm listing (the last listing's readings)   {figures['warm_seconds']:8.3f} s")
    print(f"  after a restart (readings from the cache)    {figures['after_a_restart_seconds']:8.3f} s")
    print(f"  after a write (a new backup, a new file)     {figures['after_a_write_seconds']:8.3f} s")
    print(f"  damaged copy read (what a warm listing paid)  {figures['damaged_copy_read_seconds']:8.3f} s")


if __name__ == "__main__":
    main()
