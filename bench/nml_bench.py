"""Benchmark Harmony's NML codec against a bare lxml parse and against traktor-nml-utils.

One run measures, on one generated collection (100,000 tracks by default, cached under ``bench/out/``):

- ``parse``           a bare ``lxml.etree.parse`` of the file (the fastest of at least three runs);
- ``parse_tostring``  bare parse plus ``etree.tostring`` of the tree;
- ``load_read``       ``harmony.nml.load`` plus a read of every track field and every cue field;
- ``load_iter_data``  the same read through ``Collection.iter_data()`` (plain values): the full typed read;
- ``load_to_bytes``   ``harmony.nml.load`` plus ``Collection.to_bytes()`` with no edits;
- ``load_edit_save``  ``harmony.nml.load``, an edit of 1 % of the tracks (title, rating), ``write_unchecked``;

and, on a smaller generated file (20,000 tracks; traktor-nml-utils is slow), ``parse``, ``load_read`` and
traktor-nml-utils' documented load, ``TraktorCollection(path=...)``.

Every step runs in a fresh Python process, so its peak memory (Linux ``VmHWM``, else ``ru_maxrss``) is its
own and no step warms a cache for the next. Times are wall-clock seconds of the step alone (imports
excluded). The figures are compared with the targets; the ratios matter, not the absolute times,
since the machine is shared and noisy.

Run ``python bench/nml_bench.py --help`` for the options; ``bench/README.md`` has examples.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "src"
if str(SOURCE) not in sys.path:
    sys.path.insert(0, str(SOURCE))  # run from a checkout without installing

from common import YARDSTICK_RUNS, generator_fingerprint, note  # noqa: E402

DEFAULT_OUT = ROOT / "bench" / "out"

# The targets: (description, comparison, limit).
TARGETS: dict[str, tuple[str, str, float]] = {
    "full_read_vs_parse": ("full typed read (iter_data) / bare parse", "<=", 2.0),
    "write_vs_parse_tostring": ("load + to_bytes / (bare parse + tostring)", "<=", 1.5),
    "speedup_vs_tnu": ("traktor-nml-utils load / Harmony load + full read, iter_data (20k)", ">=", 5.0),
    "read_memory_vs_file": ("peak memory of a full read / file size", "<=", 3.0),
    "save_memory_vs_file": ("peak memory of a save with 1 % edits / file size", "<=", 2.0),
}

EDIT_EVERY = 100  # edit one track in a hundred


# -- the steps, each run in its own process ---------------------------------------------------------


def _peak_rss_bytes() -> int:
    """This process's peak resident memory so far.

    On Linux this is ``VmHWM`` from ``/proc/self/status``: ``ru_maxrss`` would do, but Linux carries the
    parent's resident size across fork + exec into it, so a child started by a big parent would report the
    parent's memory as its own.
    """
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024  # kB
    except OSError:
        pass
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak if sys.platform == "darwin" else peak * 1024  # macOS reports bytes, others KiB


def step_parse(path: Path) -> dict[str, Any]:
    from lxml import etree

    started = time.perf_counter()
    tree = etree.parse(str(path))
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "elements": sum(1 for _ in tree.getroot().iter())}


def step_parse_tostring(path: Path) -> dict[str, Any]:
    from lxml import etree

    started = time.perf_counter()
    tree = etree.parse(str(path))
    parsed = time.perf_counter()
    data = etree.tostring(tree)
    done = time.perf_counter()
    return {
        "seconds": done - started,
        "parse_seconds": parsed - started,
        "tostring_seconds": done - parsed,
        "bytes": len(data),
    }


def _full_read(path: Path, through_views: bool) -> dict[str, Any]:
    """``load``, then read every track field and every cue field, through the views or ``iter_data()``."""
    import harmony.nml as nml

    started = time.perf_counter()
    collection = nml.load(path)
    loaded = time.perf_counter()
    tracks = cues = 0
    for track in collection.tracks if through_views else collection.iter_data():
        tracks += 1
        for name in nml.TRACK_FIELDS:
            getattr(track, name)
        for cue in track.cues:
            cues += 1
            for name in nml.CUE_FIELDS:
                getattr(cue, name)
    done = time.perf_counter()
    return {
        "seconds": done - started,
        "load_seconds": loaded - started,
        "read_seconds": done - loaded,
        "tracks": tracks,
        "cues": cues,
        "values": tracks * len(nml.TRACK_FIELDS) + cues * len(nml.CUE_FIELDS),
    }


def step_load_read(path: Path) -> dict[str, Any]:
    """``load`` plus a read of every field through the track and cue views, one ``getattr`` at a time."""
    return _full_read(path, through_views=True)


def step_load_iter_data(path: Path) -> dict[str, Any]:
    """The same complete read through ``Collection.iter_data()`` (plain values) instead of the track views."""
    return _full_read(path, through_views=False)


def step_load_to_bytes(path: Path) -> dict[str, Any]:
    import harmony.nml as nml

    started = time.perf_counter()
    collection = nml.load(path)
    loaded = time.perf_counter()
    data = collection.to_bytes()
    done = time.perf_counter()
    return {
        "seconds": done - started,
        "load_seconds": loaded - started,
        "to_bytes_seconds": done - loaded,
        "bytes": len(data),
        "identical": data == path.read_bytes(),
    }


def step_load_edit_save(path: Path) -> dict[str, Any]:
    import harmony.nml as nml

    target = path.with_name(f"{path.stem}.saved.nml")
    started = time.perf_counter()
    collection = nml.load(path)
    loaded = time.perf_counter()
    tracks = collection.tracks
    edited = 0
    for index in range(0, len(tracks), EDIT_EVERY):
        track = tracks[index]
        track.title = f"{track.title or 'Untitled'} (bench edit)"
        track.rating = 3
        edited += 1
    edited_at = time.perf_counter()
    collection.write_unchecked(target)
    done = time.perf_counter()
    size = target.stat().st_size
    target.unlink()
    return {
        "seconds": done - started,
        "load_seconds": loaded - started,
        "edit_seconds": edited_at - loaded,
        "save_seconds": done - edited_at,
        "edited": edited,
        "bytes": size,
    }


def step_tnu_load(path: Path) -> dict[str, Any]:
    from traktor_nml_utils import TraktorCollection

    started = time.perf_counter()
    collection = TraktorCollection(path=path)
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "tracks": len(collection.nml.collection.entry)}


STEPS: dict[str, Callable[[Path], dict[str, Any]]] = {
    "parse": step_parse,
    "parse_tostring": step_parse_tostring,
    "load_read": step_load_read,
    "load_iter_data": step_load_iter_data,
    "load_to_bytes": step_load_to_bytes,
    "load_edit_save": step_load_edit_save,
    "tnu_load": step_tnu_load,
}


def run_step_here(name: str, path: Path) -> None:
    """Entry point of a child process: run one step and print its figures as one JSON line."""
    # Import what the step needs before the baseline, so the baseline is the interpreter plus libraries.
    from lxml import etree  # noqa: F401

    if name.startswith("load_"):
        import harmony.nml  # noqa: F401
    if name == "tnu_load":
        import traktor_nml_utils  # noqa: F401
    baseline = _peak_rss_bytes()
    figures = STEPS[name](path)
    figures["peak_rss"] = _peak_rss_bytes()
    figures["baseline_rss"] = baseline
    print(json.dumps(figures))


# -- the parent: files, processes, ratios -----------------------------------------------------------


@dataclass
class StepResult:
    name: str
    file: Path
    figures: dict[str, Any] | None
    error: str | None

    def get(self, key: str) -> float | None:
        if self.figures is None or key not in self.figures:
            return None
        return float(self.figures[key])


def cached_collection(out_dir: Path, tracks: int, seed: int) -> Path:
    from harmony.devtools.collection_gen import generate_collection

    path = out_dir / f"collection-{tracks}-seed{seed}-{generator_fingerprint()}.nml"
    if not path.exists():
        started = time.perf_counter()
        generate_collection(path, tracks=tracks, seed=seed)
        seconds = time.perf_counter() - started
        note(f"generated {path.name} ({path.stat().st_size / 1e6:.1f} MB) in {seconds:.1f} s")
    return path


def run_step(name: str, path: Path, repeat: int) -> StepResult:
    """Run a step ``repeat`` times, each in a fresh process; keep the fastest run (noise only adds time)."""
    best: dict[str, Any] | None = None
    for _ in range(repeat):
        note(f"{name} on {path.name} …")
        completed = subprocess.run(
            [sys.executable, str(Path(__file__).resolve()), "--step", name, "--file", str(path)],
            capture_output=True,
            text=True,
            check=False,
        )
        if completed.returncode != 0:
            lines = (completed.stderr or completed.stdout).strip().splitlines()
            return StepResult(name, path, None, lines[-1] if lines else f"exit code {completed.returncode}")
        figures = json.loads(completed.stdout.strip().splitlines()[-1])
        if best is None or figures["seconds"] < best["seconds"]:
            best = figures
    return StepResult(name, path, best, None)


def ratios(results: dict[str, StepResult], big: Path) -> dict[str, float | None]:
    def divide(numerator: float | None, denominator: float | None) -> float | None:
        return None if numerator is None or not denominator else numerator / denominator

    size = big.stat().st_size
    parse, tostring = results["parse"], results["parse_tostring"]
    load_read, to_bytes, save = results["load_read"], results["load_to_bytes"], results["load_edit_save"]
    return {
        # The full typed read is Collection.iter_data(), the API for reading a whole collection; reading the
        # same through the track views, one field at a time, is shown for information.
        "full_read_vs_parse": divide(results["load_iter_data"].get("seconds"), parse.get("seconds")),
        "full_read_views_vs_parse": divide(load_read.get("seconds"), parse.get("seconds")),
        "write_vs_parse_tostring": divide(to_bytes.get("seconds"), tostring.get("seconds")),
        "to_bytes_vs_tostring": divide(to_bytes.get("to_bytes_seconds"), tostring.get("tostring_seconds")),
        "speedup_vs_tnu": divide(results["tnu_load"].get("seconds"), results["small_load_iter_data"].get("seconds")),
        "speedup_vs_tnu_views": divide(results["tnu_load"].get("seconds"), results["small_load_read"].get("seconds")),
        "speedup_vs_tnu_load_only": divide(
            results["tnu_load"].get("seconds"), results["small_load_read"].get("load_seconds")
        ),
        "tnu_vs_parse_small": divide(results["tnu_load"].get("seconds"), results["small_parse"].get("seconds")),
        "read_memory_vs_file": divide(
            max(load_read.get("peak_rss") or 0, results["load_iter_data"].get("peak_rss") or 0) or None, size
        ),
        "save_memory_vs_file": divide(save.get("peak_rss"), size),
        "parse_memory_vs_file": divide(parse.get("peak_rss"), size),
        # The same without the interpreter and its libraries (what the step itself added):
        "read_memory_above_baseline_vs_file": divide(_above_baseline(load_read), size),
        "save_memory_above_baseline_vs_file": divide(_above_baseline(save), size),
        "parse_memory_above_baseline_vs_file": divide(_above_baseline(parse), size),
    }


def _above_baseline(result: StepResult) -> float | None:
    peak, baseline = result.get("peak_rss"), result.get("baseline_rss")
    return None if peak is None or baseline is None else peak - baseline


def target_met(value: float | None, comparison: str, limit: float) -> bool | None:
    if value is None:
        return None
    return value <= limit if comparison == "<=" else value >= limit


def report_text(results: dict[str, StepResult], computed: dict[str, float | None], files: dict[str, Path]) -> str:
    lines = ["Files:"]
    for label, path in files.items():
        lines.append(f"  {label:<6} {path}  ({path.stat().st_size / 1e6:.1f} MB)")
    lines += ["", f"{'step':<22}{'file':<8}{'seconds':>10}{'peak MB':>10}{'step MB':>10}  details"]
    for key, result in results.items():
        label = "small" if key.startswith("small_") or key == "tnu_load" else "big"
        if result.figures is None:
            lines.append(f"{result.name:<22}{label:<8}{'failed':>10}  {result.error}")
            continue
        figures = result.figures
        details = ", ".join(
            f"{name}={_short(value)}"
            for name, value in figures.items()
            if name not in {"seconds", "peak_rss", "baseline_rss"}
        )
        lines.append(
            f"{result.name:<22}{label:<8}{figures['seconds']:>10.2f}{figures['peak_rss'] / 1e6:>10.0f}"
            f"{(figures['peak_rss'] - figures['baseline_rss']) / 1e6:>10.0f}  {details}"
        )
    lines += ["", "Ratios against the targets:"]
    for key, value in computed.items():
        if key in TARGETS:
            description, comparison, limit = TARGETS[key]
            met = target_met(value, comparison, limit)
            verdict = "n/a" if met is None else "met" if met else "MISSED"
            shown = "n/a" if value is None else f"{value:.2f}"
            lines.append(f"  {description:<62}{shown:>7}  (target {comparison} {limit:g})  {verdict}")
        else:
            lines.append(f"  {key:<62}{'n/a' if value is None else f'{value:.2f}':>7}  (for information)")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tracks", type=int, default=100_000, help="tracks in the main file (default 100000)")
    parser.add_argument(
        "--tnu-tracks",
        type=int,
        default=20_000,
        help="tracks in the traktor-nml-utils comparison file (default 20000)",
    )
    parser.add_argument("--seed", type=int, default=1, help="generator seed (default 1)")
    parser.add_argument("--repeat", type=int, default=1, help="runs per step; the fastest counts (default 1)")
    parser.add_argument("--skip-tnu", action="store_true", help="leave out traktor-nml-utils")
    parser.add_argument("--out-dir", type=Path, default=DEFAULT_OUT, help="where generated files are cached")
    parser.add_argument("--json", action="store_true", help="print machine-readable JSON")
    parser.add_argument("--step", choices=sorted(STEPS), help=argparse.SUPPRESS)
    parser.add_argument("--file", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.step:
        run_step_here(args.step, args.file)
        return 0

    args.out_dir.mkdir(parents=True, exist_ok=True)
    big = cached_collection(args.out_dir, args.tracks, args.seed)
    small = cached_collection(args.out_dir, args.tnu_tracks, args.seed)
    results: dict[str, StepResult] = {}
    # The bare parses are the yardsticks every ratio is formed against: never one run (see common.YARDSTICK_RUNS).
    yardstick = max(args.repeat, YARDSTICK_RUNS)
    for name in ("parse", "parse_tostring", "load_read", "load_iter_data", "load_to_bytes", "load_edit_save"):
        results[name] = run_step(name, big, yardstick if name.startswith("parse") else args.repeat)
    results["small_parse"] = run_step("parse", small, yardstick)
    results["small_load_read"] = run_step("load_read", small, args.repeat)
    results["small_load_iter_data"] = run_step("load_iter_data", small, args.repeat)
    if args.skip_tnu:
        results["tnu_load"] = StepResult("tnu_load", small, None, "skipped (--skip-tnu)")
    else:
        results["tnu_load"] = run_step("tnu_load", small, args.repeat)
    computed = ratios(results, big)

    if args.json:
        payload = {
            "files": {
                "big": {"path": str(big), "bytes": big.stat().st_size, "tracks": args.tracks},
                "small": {"path": str(small), "bytes": small.stat().st_size, "tracks": args.tnu_tracks},
            },
            "steps": {
                key: {"file": str(result.file), "figures": result.figures, "error": result.error}
                for key, result in results.items()
            },
            "ratios": computed,
            "targets": {
                key: {
                    "description": description,
                    "comparison": comparison,
                    "limit": limit,
                    "met": target_met(computed.get(key), comparison, limit),
                }
                for key, (description, comparison, limit) in TARGETS.items()
            },
        }
        print(json.dumps(payload, indent=2))
    else:
        print(report_text(results, computed, {"big": big, "small": small}))
    return 0


def _short(value: Any) -> str:
    return f"{value:.2f}" if isinstance(value, float) else str(value)


if __name__ == "__main__":
    sys.exit(main())
