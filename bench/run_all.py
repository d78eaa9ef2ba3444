"""Run every benchmark one after the other and write what each printed to one page, docs/benchmarks.md.

The page says when and where the figures were taken (date, Python, CPU count, memory, the load average before
and after each bench) and the exact command of each bench, so a figure quoted anywhere else can be traced to a
run. The benches run in the order below, each in a fresh process, with nothing else of Harmony's running;
one that fails is reported with its exit status and the run goes on.

    python bench/run_all.py                       # every bench at its defaults (the 100,000-track figures)
    python bench/run_all.py --only import_bench scale
    python bench/run_all.py --out /tmp/benchmarks.md

It takes long (the 200,000-track scale run, the web and browser benches): start it on a quiet machine and let it
finish. The figures are only as good as the quiet: compare the ratios of one run, not times of different runs.
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "bench"


@dataclass(frozen=True)
class Bench:
    """One benchmark: its script and arguments, and what it answers (the page's heading line)."""

    script: str
    args: tuple[str, ...]
    question: str


#: Every benchmark that measures something (the screenshot scripts make pictures, the fuzzer finds bugs: not here).
BENCHES: tuple[Bench, ...] = (
    Bench("cli_start.py", (), "How long a `harmony` command takes to start"),
    Bench("nml_bench.py", ("--skip-tnu",), "The NML codec against a bare lxml parse"),
    Bench("pool_bench.py", (), "The worker pool: start, dispatch, cancel, memory"),
    Bench("library_bench.py", ("--repeats", "2"), "The library store: bulk insert, search, reads"),
    Bench("track_list_bench.py", (), "The library page's track list: pages, sorts, filters, search"),
    Bench("import_bench.py", (), "The import from Traktor, first and unchanged, end to end"),
    Bench("write_floor.py", (), "The first import against its floor: the same rows written with no planning"),
    Bench("export_bench.py", (), "The export with 1 % of the tracks edited: time and the worker's memory"),
    Bench("scale.py", (), "Import, re-import and export at 25,000 to 200,000 tracks"),
    Bench("missing_bench.py", ("--repeat", "2"), "Relocate of a moved folder; the missing-file check's cost"),
    Bench("backups_bench.py", (), "The list of restorable copies at 100,000 tracks, cold and warm"),
    Bench("traktor_page_bench.py", (), "The Traktor page's first visit at 100,000 tracks, and after a restart"),
    Bench("duplicates_bench.py", (), "The duplicates page's answer at 100,000 tracks"),
    Bench("merge_bench.py", (), "A merge of one group of 12,000 duplicates, and its undo"),
    Bench("edit_bench.py", (), "Edits at 100,000 tracks: latency, bulk edit, undo, loop gaps"),
    Bench("web_bench.py", (), "The web app during a 100,000-track import and export: search latency, loop gaps"),
    Bench("scroll_bench.py", (), "Scrolling the library page at 100,000 tracks in Chromium"),
    Bench("waveform_bench.py", (), "The player's overview waveform against a bare decode"),
    Bench("hostile_bench.py", (), "Hostile NML shapes at full size against a bare parse"),
    Bench("body_limit_bench.py", (), "The web server's memory under a 2 GB request body"),
)


def _load() -> str:
    try:
        return ", ".join(f"{value:.2f}" for value in os.getloadavg())
    except OSError:
        return "unknown"


def _memory() -> str:
    try:
        with open("/proc/meminfo", encoding="ascii") as info:
            for line in info:
                if line.startswith("MemTotal:"):
                    return f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    except OSError:
        pass
    return "unknown"


def _machine() -> list[str]:
    return [
        f"- date: {datetime.now(UTC).strftime('%Y-%m-%d %H:%M UTC')}",
        f"- machine: {platform.system()} {platform.release()}, {platform.machine()}, {os.cpu_count()} CPUs, "
        f"{_memory()} memory",
        f"- Python: {platform.python_version()} ({sys.executable})",
        f"- commit: {_commit()}",
    ]


def _commit() -> str:
    try:
        out = subprocess.run(
            ["git", "-C", str(ROOT), "log", "-1", "--format=%h %s"], capture_output=True, text=True, check=True
        )
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return out.stdout.strip()


def run(bench: Bench) -> list[str]:
    """Run one bench; its section of the page."""
    command = [sys.executable, str(BENCH / bench.script), *bench.args]
    shown = " ".join(["python", f"bench/{bench.script}", *bench.args])
    print(f"--- {shown}", flush=True)
    load_before = _load()
    start = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    status = "ok" if done.returncode == 0 else f"FAILED (exit status {done.returncode})"
    print(f"    {status} in {seconds:.0f} s", flush=True)
    printed = done.stdout.rstrip()
    if done.returncode != 0:
        printed += "\n" + done.stderr.rstrip()[-4000:]
    return [
        f"## `{bench.script}`: {bench.question}",
        "",
        f"`{shown}`: {status}, {seconds:.0f} s; load average before {load_before}, after {_load()}.",
        "",
        "```text",
        printed,
        "```",
        "",
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    names = [bench.script.removesuffix(".py") for bench in BENCHES]
    parser.add_argument("--only", nargs="+", choices=names, help="these benches only")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "benchmarks.md", help="the page to write")
    options = parser.parse_args()
    chosen = [b for b in BENCHES if options.only is None or b.script.removesuffix(".py") in options.only]
    page = [
        "# Every benchmark, one run",
        "",
        "Written by `python bench/run_all.py`: each bench below ran once, in this order, in a fresh process. What "
        "each measures and its targets: [bench/README.md](../bench/README.md).",
        "",
        *_machine(),
        "",
    ]
    failed = 0
    for bench in chosen:
        section = run(bench)
        failed += "FAILED" in section[2]
        page.extend(section)
        # Written after every bench: a run stopped half-way still leaves the figures it took.
        options.out.write_text("\n".join(page), encoding="utf-8")
    print(f"wrote {options.out}: {len(chosen) - failed} of {len(chosen)} benches ran")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
