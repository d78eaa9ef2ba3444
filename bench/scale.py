"""How the import, the re-import and the export grow with the collection: one table at 25,000, 50,000, 100,000 and
200,000 tracks.

For every size (a generated collection with its placeholder audio files, cached under ``bench/out/`` by
``import_bench.cached_collection``), in a fresh process of its own:

- ``first import``: the collection imported into an empty library through :class:`harmony.service.TraktorService`
  on its own :class:`harmony.workers.WorkerManager`, as the CLI and the web app drive it;
- ``re-import``: the same, unchanged collection imported again;
- ``export``: one track in 100 edited (``export_bench.edit_library``), then exported to the collection.

Each operation shows its wall time, its ratio to a bare ``lxml.etree.parse`` of the same file (the fastest of
three, each in a fresh process, ``common.bare_parse``), the peak resident memory of the main process and of the
worker that ran it (``VmHWM``, reset before each operation; one worker per pool, started before the clock), and,
once two sizes are measured, the growth of the time per track from the smallest size to the largest (1.00 is
linear).

    python bench/scale.py                          # 25k, 50k, 100k and 200k tracks
    python bench/scale.py --sizes 25000 50000      # the quicker half
    python bench/scale.py --json

The machine is shared and noisy: compare the ratios of one run, not absolute times from different runs.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from common import bare_parse, note
from export_bench import Case, edit_library
from import_bench import DEFAULT_OUT, cached_collection

SIZES = (25_000, 50_000, 100_000, 200_000)
OPERATIONS = ("first import", "re-import", "export")
#: The issue's bound on the growth of the time per track from the smallest size to the largest.
GROWTH_BOUND = 1.15


def _peak(pid: int | str) -> int | None:
    """The process's peak resident size since its last reset (``VmHWM``, bytes); None without /proc."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        return None
    return None


def _reset_peak(pid: int | str) -> None:
    """Start the process's ``VmHWM`` again from its current resident size (Linux ≥ 4.0; ignored elsewhere)."""
    try:
        with open(f"/proc/{pid}/clear_refs", "w", encoding="ascii") as clear:
            clear.write("5")
    except OSError:
        pass


async def _measured(action: Any, worker: int) -> dict[str, Any]:
    """Run ``action()`` (an operation of the service) with the main process's and the worker's peaks reset."""
    _reset_peak("self")
    _reset_peak(worker)
    started = time.perf_counter()
    op = await action()
    seconds = time.perf_counter() - started
    if op.status != "succeeded":
        raise RuntimeError(f"the operation failed: {op.error or op.message}")
    return {"seconds": seconds, "main_peak": _peak("self"), "worker_peak": _peak(worker)}


async def _operations(case: Case) -> dict[str, Any]:
    from harmony.service import ExportRequest, ImportRequest, TraktorService
    from harmony.workers import PoolConfig, WorkerManager

    one = PoolConfig(max_workers=1, min_workers=1, idle_timeout=600)
    manager = WorkerManager(one, one)
    service = TraktorService(case.library, manager, spool_dir=str(case.nml.parent))
    service.settings()  # the empty library is made before the clock starts
    figures: dict[str, Any] = {}
    try:
        await manager.sync_pool.start()
        await manager.export_pool.start()
        importer = manager.sync_pool.worker_pids()[0]
        exporter = manager.export_pool.worker_pids()[0]
        request = ImportRequest(nml_path=str(case.nml), path_mappings=case.mappings)
        for name in ("first import", "re-import"):
            note(f"{name} …")
            figures[name] = await _measured(lambda: service.sync(request), importer)
        figures["edited"] = await asyncio.to_thread(edit_library, case)
        note(f"export ({figures['edited']:,} tracks edited) …")
        export = ExportRequest(nml_path=str(case.nml), path_mappings=case.mappings)
        figures["export"] = await _measured(lambda: service.export(export), exporter)
        if manager.sync_pool.worker_pids() != [importer] or manager.export_pool.worker_pids() != [exporter]:
            raise RuntimeError("a worker was replaced during the run; its peak memory is unknown")
    finally:
        await service.close()
        await manager.shutdown(timeout=30)
    return figures


def measure_one(tracks: int, seed: int, out: Path) -> dict[str, Any]:
    """Every operation on one size, in this process (the parent runs each size in a fresh one)."""
    collection = cached_collection(out, tracks, seed)
    case = Case(f"{tracks} tracks", out / f"scale-{tracks}", collection.path_mappings)
    work = case.nml.parent
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    shutil.copy2(collection.nml, case.nml)  # the export writes this copy; the cached file stays as generated
    try:
        figures = asyncio.run(_operations(case))
    finally:
        shutil.rmtree(case.folder, ignore_errors=True)
    return figures


def measure(sizes: list[int], seed: int, out: Path) -> dict[str, Any]:
    rows: dict[int, Any] = {}
    for tracks in sizes:
        collection = cached_collection(out, tracks, seed)
        note(f"{tracks:,} tracks: bare parse …")
        parse = bare_parse(collection.nml)
        child = subprocess.run(
            [sys.executable, __file__, "--one", str(tracks), "--seed", str(seed), "--out", str(out)],
            check=True,
            stdout=subprocess.PIPE,
            text=True,
        )
        rows[tracks] = {
            "file_size": collection.nml.stat().st_size,
            "parse_seconds": parse["seconds"],
            **json.loads(child.stdout),
        }
    smallest, largest = min(sizes), max(sizes)
    growth = {}
    if largest > smallest:
        for name in OPERATIONS:
            per_track = [rows[size][name]["seconds"] / size for size in (smallest, largest)]
            growth[name] = per_track[1] / per_track[0]
    return {"sizes": rows, "growth": growth, "growth_from": smallest, "growth_to": largest, "load": os.getloadavg()}


def _mb(value: int | None) -> str:
    return "n/a" if value is None else f"{value / 1e6:.0f}"


def report_text(figures: dict[str, Any]) -> str:
    load = ", ".join(f"{value:.2f}" for value in figures["load"])
    lines = [
        f"load average at the end: {load}",
        "",
        f"{'tracks':>8} {'MB':>5}  {'operation':<13}{'seconds':>9}{'/ parse':>9}{'main MB':>9}{'worker MB':>11}",
    ]
    for tracks, row in figures["sizes"].items():
        size = row["file_size"]
        lines.append(f"{tracks:>8,} {size / 1e6:>5.0f}  {'bare parse':<13}{row['parse_seconds']:>9.2f}{1:>9.2f}")
        for name in OPERATIONS:
            op = row[name]
            ratio = op["seconds"] / row["parse_seconds"]
            lines.append(
                f"{'':>15}{name:<13}{op['seconds']:>9.2f}{ratio:>9.2f}{_mb(op['main_peak']):>9}"
                f"{_mb(op['worker_peak']):>11}"
            )
    if figures["growth"]:
        lines += ["", f"time per track, {figures['growth_to']:,} / {figures['growth_from']:,} tracks:"]
        for name, value in figures["growth"].items():
            verdict = "met" if value <= GROWTH_BOUND else "MISSED"
            lines.append(f"  {name:<13}{value:>6.2f}  (target <= {GROWTH_BOUND} from 25k to 200k)  {verdict}")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=list(SIZES), help="Track counts (25k…200k).")
    parser.add_argument("--seed", type=int, default=1, help="Generator seed (1).")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="Cache folder (bench/out).")
    parser.add_argument("--json", action="store_true", help="Print the figures as JSON.")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)  # one size, in the child process
    options = parser.parse_args()
    if options.one is not None:
        print(json.dumps(measure_one(options.one, options.seed, options.out)))
        return
    figures = measure(sorted(set(options.sizes)), options.seed, options.out)
    print(json.dumps(figures, indent=2) if options.json else report_text(figures))


if __name__ == "__main__":
    main()
