"""What the Traktor page's first visit reads, at 100,000 tracks with 10 backups: the first visit and the first
visit after a restart of ``harmony serve``.

The page asks at once for the collection's badges (``collection_summary``: a count of what it holds), its
health (``recovery.check``) and its backups (``recovery.list_copies``), each read on the sync pool (two
workers). A visit is timed from the three asks until the last answer:

- ``first visit``: nothing read before (a new cache folder);
- ``after a restart``: a new service on the same cache folder, as ``harmony serve`` started again with the
  collection and its copies unchanged. The health is read again (it guards every import and export); the
  badges and the copies' counts come from the cache folder.

Each visit also lists the jobs it sent to the pool. Prints its figures; asserts nothing.

    python bench/traktor_page_bench.py
    python bench/traktor_page_bench.py --tracks 20000 --copies 5 --json
"""

from __future__ import annotations

import argparse
import asyncio
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from common import SOURCE, note

if str(SOURCE) not in sys.path:
    sys.path.insert(0, str(SOURCE))

from harmony.nmlfile import DEFAULT_KEEP, create_backup
from harmony.service import TraktorService
from harmony.workers import Job, PoolConfig, WorkerManager
from nml_bench import cached_collection

OUT = Path(__file__).resolve().parent / "out"


async def _visit(folder: Path, nml_path: Path, manager: WorkerManager) -> dict[str, Any]:
    """One visit of a newly started service: seconds until all three answers, and the jobs it sent."""
    sent: list[str] = []
    real = manager.execute_sync

    async def recording(job: Job, *args: Any, **kwargs: Any) -> Any:
        sent.append(job.fn.__name__)
        return await real(job, *args, **kwargs)

    manager.execute_sync = recording  # type: ignore[method-assign]
    service = TraktorService(folder / "library.db", manager, cache_dir=folder / "cache")
    try:
        started = time.perf_counter()
        summary, health, copies = await asyncio.gather(
            service.collection_summary(nml_path),
            service.recovery.check(str(nml_path)),
            service.recovery.list_copies(str(nml_path)),
        )
        seconds = time.perf_counter() - started
    finally:
        manager.execute_sync = real  # type: ignore[method-assign]
        await service.close()
    assert health.ok and summary["tracks"] == health.tracks and all(copy.readable for copy in copies)
    return {"seconds": round(seconds, 3), "jobs": sent, "copies": len(copies)}


async def measure(tracks: int, copies: int) -> dict[str, Any]:
    source = cached_collection(OUT, tracks, 1)
    with tempfile.TemporaryDirectory(prefix="harmony-traktor-page-bench-") as name:
        folder = Path(name)
        nml_path = folder / "Traktor" / "collection.nml"
        nml_path.parent.mkdir()
        shutil.copyfile(source, nml_path)
        note(f"making {copies} backups of {source.name} …")
        for _ in range(copies):
            create_backup(nml_path, keep=copies + 1)
        manager = WorkerManager(PoolConfig(max_workers=2), PoolConfig(max_workers=1))
        try:
            await manager.execute_sync(Job(len, ("warm the pool",)))
            first = await _visit(folder, nml_path, manager)
            restarted = await _visit(folder, nml_path, manager)
        finally:
            await manager.shutdown(timeout=30)
    return {
        "tracks": tracks,
        "file_mb": round(source.stat().st_size / 1e6, 1),
        "copies": first["copies"],
        "first_visit_seconds": first["seconds"],
        "first_visit_jobs": first["jobs"],
        "after_a_restart_seconds": restarted["seconds"],
        "after_a_restart_jobs": restarted["jobs"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tracks", type=int, default=100_000)
    parser.add_argument("--copies", type=int, default=DEFAULT_KEEP)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    figures = asyncio.run(measure(args.tracks, args.copies))
    if args.json:
        print(json.dumps(figures))
        return
    print(f"{figures['tracks']:,} tracks ({figures['file_mb']} MB), {figures['copies']} copies")
    for label, key in (("first visit", "first_visit"), ("after a restart", "after_a_restart")):
        jobs = ", ".join(figures[f"{key}_jobs"]) or "none"
        print(f"  {label:<16} {figures[f'{key}_seconds']:8.3f} s   jobs: {jobs}")


if __name__ == "__main__":
    main()
