"""How far the first import is from its floor: the same rows written by SQLite with no planning at all.

Issue 16 asks for a first import of 100,000 tracks in at most 5× a bare ``lxml.etree.parse`` of the file. This
bench measures what no planner, however fast, can avoid under Harmony's schema and its all-or-nothing write,
so that the target can be judged against it. In one process, on one generated collection (cached under
``bench/out/`` by ``import_bench.cached_collection``):

1. ``parse``: the fastest of three bare ``lxml.etree.parse`` runs of the file, each in a fresh process
   (``common.bare_parse``), the yardstick;
2. ``read``: Harmony's complete typed read of every entry, ``nml_bench.py``'s ``load_iter_data`` step
   (``harmony.nml.load``, then every field and cue of every track through ``Collection.iter_data()``), the
   least reading an import needs;
3. ``first import``: ``harmony.jobs.import_job.run_import_job`` into an empty library, in this process (no
   pool, no event loop): wall time, CPU time of the process (all its threads) and the time per phase;
4. ``write floor``: every row that import wrote (tracks, cue points, playlists, entries, bases, folders…) read
   back into memory as plain tuples, then written into a second empty library the way a first import writes
   them: one ``BEGIN IMMEDIATE`` transaction on the library's own connection settings (WAL,
   ``synchronous=FULL``, foreign keys on), the plain indexes and the search index built once at the end by
   :func:`harmony.library.bulk.indexes_built_after`, one ``executemany`` per table on the bare ``sqlite3``
   cursor, then the commit. Each table's insert, the index build and the commit are timed apart. The second
   library is then compared with the first, table by table (row counts), so the floor writes what the import
   wrote.

The floor leaves out everything of an import but SQLite's own work: reading the file, matching, checking
files, building values, encoding the bases' JSON. ``read + write floor`` is therefore a lower bound on any
first import that writes these rows, with one core; with two, the read and the write could at best overlap.

    python bench/write_floor.py                  # 100,000 tracks
    python bench/write_floor.py --tracks 25000   # quicker
    python bench/write_floor.py --json

The machine is shared and noisy: compare the ratios of one run, not absolute times from different runs.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import sqlite3
import sys
import tempfile
import time
from graphlib import TopologicalSorter
from pathlib import Path
from typing import Any

from common import bare_parse, note
from import_bench import DEFAULT_OUT, cached_collection
from nml_bench import step_load_iter_data


def measure_first_import(nml_path: Path, mappings: tuple[str, ...], library: Path) -> dict[str, Any]:
    """The first import into the empty library at ``library``, in this process."""
    from harmony.jobs.import_job import run_import_job
    from harmony.library import Library
    from harmony.library.settings import TraktorSettings
    from harmony.service.imports import ImportRequest

    Library.open(library).close()  # the empty library, made before the clock starts
    options = ImportRequest(nml_path=str(nml_path), path_mappings=mappings).options(TraktorSettings())
    before = resource.getrusage(resource.RUSAGE_SELF)
    started = time.perf_counter()
    result = run_import_job(str(nml_path), str(library), options, spool_dir=str(library.parent))
    seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_SELF)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {"seconds": seconds, "cpu_seconds": cpu, "phases": dict(result.seconds_per_phase)}


# -- the floor ---------------------------------------------------------------------------------------------


def _user_tables(conn: sqlite3.Connection) -> list[str]:
    """The library's own tables (not SQLite's, not the search index's shadow tables), parents before children."""
    names = [
        row[0]
        for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
    ]
    search_shadows = {name for name in names if name.startswith("tracks_fts")}
    tables = [name for name in names if name not in search_shadows]
    order: TopologicalSorter[str] = TopologicalSorter()
    for table in tables:
        parents = {row[2] for row in conn.execute(f'PRAGMA foreign_key_list("{table}")')} - {table}
        order.add(table, *parents)
    return [table for table in order.static_order() if table in tables]


def _rows(conn: sqlite3.Connection, table: str) -> tuple[list[str], list[tuple[Any, ...]]]:
    # The stored columns only: PRAGMA table_info leaves out generated ones (the search spellings), which
    # SQLite computes and refuses to be given.
    columns = [row[1] for row in conn.execute(f'PRAGMA table_info("{table}")')]
    names = ", ".join(f'"{column}"' for column in columns)
    return columns, conn.execute(f'SELECT {names} FROM "{table}" ORDER BY rowid').fetchall()


def _counts(path: Path, tables: list[str]) -> dict[str, int]:
    with sqlite3.connect(path) as conn:
        return {table: conn.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0] for table in tables}


def measure_write_floor(imported: Path, floor: Path) -> dict[str, Any]:
    """Write every row the import wrote to ``imported`` into a new empty library at ``floor``, as a first import
    writes them; time each step."""
    from harmony.library import Library, bulk
    from harmony.library.database import make_engine, write_connection

    Library.open(floor).close()
    with sqlite3.connect(floor) as empty:
        already = {table for table in _user_tables(empty) if empty.execute(f'SELECT 1 FROM "{table}"').fetchone()}
    with sqlite3.connect(imported) as source:
        tables = [table for table in _user_tables(source) if table not in already]
        content = {table: _rows(source, table) for table in tables}
    rows_in_memory = sum(len(rows) for _, rows in content.values())

    steps: dict[str, float] = {}
    engine = make_engine(floor)
    try:
        started = time.perf_counter()
        with write_connection(engine) as conn:
            raw = conn.connection.driver_connection
            assert raw is not None
            with bulk.indexes_built_after(conn):
                for table, (columns, rows) in content.items():
                    if not rows:
                        continue
                    names = ", ".join(f'"{column}"' for column in columns)
                    marks = ", ".join("?" * len(columns))
                    step = time.perf_counter()
                    raw.executemany(f'INSERT INTO "{table}" ({names}) VALUES ({marks})', rows)
                    steps[f"insert {table}"] = time.perf_counter() - step
                inserts_done = time.perf_counter()
            steps["indexes and search index, built after"] = time.perf_counter() - inserts_done
            committing = time.perf_counter()
        steps["commit"] = time.perf_counter() - committing
        seconds = time.perf_counter() - started
    finally:
        engine.dispose()
    steps["begin, indexes dropped"] = seconds - sum(steps.values())
    imported_counts = _counts(imported, tables)
    floor_counts = _counts(floor, tables)
    return {
        "seconds": seconds,
        "steps": steps,
        "rows": rows_in_memory,
        "same_rows": imported_counts == floor_counts,
        "size_mb": floor.stat().st_size / 1e6,
    }


# -- the report --------------------------------------------------------------------------------------------


def run(tracks: int, seed: int, out_dir: Path = DEFAULT_OUT) -> dict[str, Any]:
    collection = cached_collection(out_dir, tracks, seed)
    work = Path(tempfile.mkdtemp(prefix="write-floor-", dir=out_dir))
    try:
        note("bare parse …")
        parse = bare_parse(collection.nml)
        note("typed read …")
        read = step_load_iter_data(collection.nml)
        note("first import …")
        first = measure_first_import(collection.nml, collection.path_mappings, work / "imported.db")
        note("write floor …")
        floor = measure_write_floor(work / "imported.db", work / "floor.db")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    bare = parse["seconds"]
    return {
        "collection": str(collection.nml),
        "file_mb": collection.nml.stat().st_size / 1e6,
        "tracks": tracks,
        "parse_seconds": bare,
        "read": read,
        "first_import": first,
        "write_floor": floor,
        "ratios": {
            "read_vs_parse": read["seconds"] / bare,
            "first_import_vs_parse": first["seconds"] / bare,
            "first_import_cpu_vs_parse": first["cpu_seconds"] / bare,
            "write_floor_vs_parse": floor["seconds"] / bare,
            "read_plus_floor_vs_parse": (read["seconds"] + floor["seconds"]) / bare,
        },
    }


def print_report(figures: dict[str, Any]) -> None:
    first, floor, read = figures["first_import"], figures["write_floor"], figures["read"]
    ratios = figures["ratios"]
    print(f"Collection: {figures['collection']} ({figures['file_mb']:.1f} MB, {figures['tracks']:,} tracks)")
    print()
    print(f"{'bare lxml parse (fresh process)':<44}{figures['parse_seconds']:7.2f} s   1.00×")
    print(
        f"{'typed read of every entry':<44}{read['seconds']:7.2f} s  {ratios['read_vs_parse']:5.2f}×"
        f"   {read['tracks']:,} tracks, {read['cues']:,} cues"
    )
    print(
        f"{'first import (in process)':<44}{first['seconds']:7.2f} s  {ratios['first_import_vs_parse']:5.2f}×"
        f"   CPU {first['cpu_seconds']:.2f} s = {ratios['first_import_cpu_vs_parse']:.2f}× the parse"
    )
    print("    seconds per phase: " + ", ".join(f"{name} {value:.2f}" for name, value in first["phases"].items()))
    print(
        f"{'write floor (same rows, no planning)':<44}{floor['seconds']:7.2f} s  {ratios['write_floor_vs_parse']:5.2f}×"
        f"   {floor['rows']:,} rows, library {floor['size_mb']:.0f} MB, same rows as the import: {floor['same_rows']}"
    )
    for name, value in sorted(floor["steps"].items(), key=lambda item: -item[1]):
        print(f"    {name:<40}{value:7.2f} s")
    both = ratios["read_plus_floor_vs_parse"]
    print(f"{'read + write floor':<44}{'':11}{both:5.2f}×   (one core; the target is 5×)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tracks", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out-dir", type=Path, default=DEFAULT_OUT, help="where generated files are cached")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    figures = run(args.tracks, args.seed, args.out_dir)
    if args.json:
        print(json.dumps(figures, indent=2))
    else:
        print_report(figures)
    return 0


if __name__ == "__main__":
    sys.exit(main())
