"""Time every hostile shape (``harmony.devtools.hostile``) at full size against a bare parse of the same file.

Usage: python bench/hostile_bench.py [--out-dir bench/out/hostile] [--only SHAPE ...]

For each shape the collection is written once, then each step runs in a fresh process (so no step warms a cache
for the next; the time counts the step alone, after its imports):

- ``bare``: ``lxml.etree.parse`` of the file (huge_tree on), the yardstick: the fastest of three runs;
- ``info``: what ``harmony traktor info`` does (load and count);
- ``import``: the sync worker's job for a preview (read, fingerprint, plan against an empty library);
- ``export``: the export worker's job, dry run (read, plan, no write).

A step passes when it takes at most 10 × the bare parse, or when it refuses the file within 1 s. A step also
has a fixed cost whatever the file (opening the library, setting up the plan: a few hundredths of a second),
which dwarfs a bare parse of a 1 MB file (2 ms for a long text): so each step also runs on the same shape at
size 1, and the ``growth`` column compares what the full size adds to that against the bare parse; a step whose
growth is at most 10 × passes too. Exits 1 if any step fails both bars. Ratios within one run are what count;
absolute times move with the machine's load.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

from common import YARDSTICK_RUNS
from harmony.devtools.hostile import SHAPES, hostile_collection

FULL_SIZE = {
    "many_attributes": 200_000,  # the file: 2.3 MB, one INFO element
    "huge_attribute_value": 50_000_000,
    "many_tiny_elements": 120_000,  # the most that fits in one track of 1 MiB
    "long_text": 1_000_000,
    "deep_nesting": 100_000,
    "deep_folders": 10_000,
    "many_cues": 8_000,
    "many_playlists": 100_000,
    "long_names": 400_000,
}
MAX_RATIO = 10.0
MAX_REFUSAL_SECONDS = 1.0

_STEP = """
import json, sys, time
from pathlib import Path
step, path, library = sys.argv[1], sys.argv[2], sys.argv[3]
from lxml import etree
from harmony import nml
from harmony.errors import HarmonyError
from harmony.jobs import run_export_job, run_import_job
from harmony.nml import summarize
from harmony.sync import ExportOptions, SyncOptions
started = time.perf_counter()
error = None
try:
    if step == "bare":
        etree.parse(path, etree.XMLParser(huge_tree=True, resolve_entities=False))
    elif step == "info":
        summarize(nml.load(path))
    elif step == "import":
        run_import_job(path, library, SyncOptions(), apply=False)
    elif step == "export":
        run_export_job(path, library, ExportOptions(), dry_run=True, backup=False)
except (HarmonyError, etree.XMLSyntaxError) as caught:
    error = str(caught)
print(json.dumps({"seconds": time.perf_counter() - started, "error": error}))
"""


def run_step(step: str, path: Path, library: Path) -> dict[str, object]:
    completed = subprocess.run(
        [sys.executable, "-c", _STEP, step, str(path), str(library)],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    if completed.returncode != 0:
        return {"seconds": float("nan"), "error": f"crashed: {completed.stderr.strip().splitlines()[-1:]}"}
    figures: dict[str, object] = json.loads(completed.stdout.strip().splitlines()[-1])
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out-dir", type=Path, default=Path(__file__).parent / "out" / "hostile")
    parser.add_argument("--only", nargs="*", choices=sorted(SHAPES), help="these shapes only")
    args = parser.parse_args()
    args.out_dir.mkdir(parents=True, exist_ok=True)
    library = args.out_dir / "library.db"
    from harmony.library import Library

    with Library.open(library):
        pass  # an empty library, created once
    failures = 0
    print(f"{'shape':22} {'MB':>7} {'bare s':>8}  {'step':7} {'s':>8} {'ratio':>7} {'growth':>7}  outcome")
    for shape in args.only or list(SHAPES):
        path = args.out_dir / f"{shape}.nml"
        path.write_bytes(hostile_collection(shape, FULL_SIZE[shape]))
        size = path.stat().st_size / 1e6
        # The yardstick is the fastest of a few runs, never one (see common.YARDSTICK_RUNS); the steps run once.
        bares = [run_step("bare", path, library)["seconds"] for _ in range(YARDSTICK_RUNS)]
        bare_seconds = min(float(seconds) for seconds in bares)  # type: ignore[arg-type]
        tiny = args.out_dir / f"{shape}-1.nml"
        tiny.write_bytes(hostile_collection(shape, 1))
        for step in ("info", "import", "export"):
            figures = run_step(step, path, library)
            fixed = float(run_step(step, tiny, library)["seconds"])  # type: ignore[arg-type]
            seconds = float(figures["seconds"])  # type: ignore[arg-type]
            ratio = seconds / bare_seconds if bare_seconds > 0 else float("inf")
            growth = max(0.0, seconds - fixed) / bare_seconds if bare_seconds > 0 else float("inf")
            error = figures["error"]
            if error is None:
                ok = ratio <= MAX_RATIO or growth <= MAX_RATIO
                outcome = "read" if ok else f"read, SLOWER than {MAX_RATIO:g} x bare"
            else:
                ok = seconds <= MAX_REFUSAL_SECONDS and not str(error).startswith("crashed")
                outcome = f"refused: {str(error)[:70]}" if ok else f"refused TOO SLOWLY: {str(error)[:60]}"
            failures += not ok
            print(
                f"{shape:22} {size:7.2f} {bare_seconds:8.3f}  {step:7} {seconds:8.3f} {ratio:7.1f} {growth:7.1f}  "
                f"{outcome}"
            )
    print("all shapes within bounds" if not failures else f"{failures} step(s) out of bounds")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
