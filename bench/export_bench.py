"""Benchmark the export (library → collection.nml) against a bare lxml parse of the same file.

One run measures:

- ``parse``      a bare ``lxml.etree.parse`` of the big collection, in a fresh process, the fastest of three
                 (``common.YARDSTICK_RUNS``);
- ``export``     an export to that collection (100,000 tracks by default) with 1 % of the tracks edited in the
                 library, through :class:`harmony.service.TraktorService` on its own
                 :class:`harmony.workers.WorkerManager`: wall time of ``await service.export(...)``, the job's
                 ``seconds_per_phase``, and the peak memory (``VmHWM``) of the export worker process;
- ``small``      the same export on a generated collection the size of the original app's fixture (2,646
                 entries, VOLUME C:), and on the real fixture
                 ``GarethShapiro__iTunesToTraktor__collection.nml`` (2,672 entries) when it is present.

Every collection is first imported into its own library (so the library has sync bases), once, and cached
under ``bench/out/`` with a pristine copy of both the NML and the library; each run starts from fresh copies
of those (modification times kept), edits one track in 100 (title and rating) and exports.

Worker memory: the export pool runs one worker (``min_workers=1``), started before the export so its
baseline (interpreter and libraries) is read first; ``VmHWM`` (the kernel's peak resident size) of that pid is
read again once the export is done. ``VmHWM`` only grows, so one read after the export is its peak.

Run ``python bench/export_bench.py --help`` for the options; ``bench/README.md`` has examples.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import os
import shutil
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "src"
if str(SOURCE) not in sys.path:
    sys.path.insert(0, str(SOURCE))  # run from a checkout without installing

from common import bare_parse, generator_fingerprint, note  # noqa: E402

DEFAULT_OUT = ROOT / "bench" / "out"
# The real collections beside the project (as the tests find them; HARMONY_REAL_FIXTURES names another folder).
REAL_FIXTURES = Path(os.environ.get("HARMONY_REAL_FIXTURES", ROOT.parent / "shared" / "fixtures" / "real"))
REAL_FIXTURE = REAL_FIXTURES / "GarethShapiro__iTunesToTraktor__collection.nml"
ORIGINAL_FIXTURE_TRACKS = 2646  # the original app's own test collection (VOLUME C:, 3,397 cues)

# The targets: (description, comparison, limit).
TARGETS: dict[str, tuple[str, str, float]] = {
    "export_vs_parse": ("export with 1 % edited / bare lxml parse", "<=", 2.0),
    "worker_memory_vs_file": ("peak export worker memory / file size", "<=", 2.0),
    "small_export_seconds": ("export of the original's 2,646-track case (s)", "<", 1.0),
    "real_export_seconds": ("export of the real 2,672-entry fixture (s)", "<", 1.0),
}

EDIT_EVERY = 100  # edit one track in a hundred


def _vm_hwm(pid: int | str = "self") -> int | None:
    """The peak resident size of a process (Linux ``VmHWM``), in bytes; None where there is no /proc."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        return None
    return None


# -- the bare parse, in a child process ---------------------------------------------------------------


# -- cached cases: a collection imported into its own library -------------------------------------------


@dataclass
class Case:
    """A collection imported into a library, with pristine copies to start every run from."""

    name: str
    folder: Path
    mappings: tuple[str, ...]

    @property
    def nml(self) -> Path:
        return self.folder / "work" / "collection.nml"

    @property
    def library(self) -> Path:
        return self.folder / "work" / "library.db"

    @property
    def pristine_nml(self) -> Path:
        return self.folder / "pristine.nml"

    @property
    def pristine_library(self) -> Path:
        return self.folder / "pristine.db"

    def reset(self) -> None:
        """Fresh working copies (times kept, so the NML's fingerprint is the one the import recorded)."""
        work = self.nml.parent
        shutil.rmtree(work, ignore_errors=True)
        work.mkdir(parents=True)
        shutil.copy2(self.pristine_nml, self.nml)
        shutil.copy2(self.pristine_library, self.library)


def _manager(export_min_workers: int = 0) -> Any:
    from harmony.workers import PoolConfig, WorkerManager

    return WorkerManager(
        PoolConfig(max_workers=1), PoolConfig(max_workers=1, min_workers=export_min_workers, idle_timeout=600)
    )


async def _import(case: Case) -> None:
    from harmony.service import ImportRequest, TraktorService

    manager = _manager()
    service = TraktorService(case.library, manager, spool_dir=str(case.folder))
    try:
        started = time.perf_counter()
        op = await service.sync(ImportRequest(nml_path=str(case.nml), path_mappings=case.mappings))
        if op.status != "succeeded":
            raise RuntimeError(f"the import of {case.nml} failed: {op.error}")
        note(f"imported {case.name} in {time.perf_counter() - started:.1f} s")
    finally:
        await service.close()
        await manager.shutdown(timeout=30)


def prepare_case(name: str, folder: Path, make: Any) -> Case:
    """The cached case in ``folder``, built on first use: ``make(nml_path) -> mappings`` writes the NML."""
    folder.mkdir(parents=True, exist_ok=True)
    meta = folder / "case.json"
    if meta.exists():
        return Case(name, folder, tuple(json.loads(meta.read_text())["mappings"]))
    work = folder / "work"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    case = Case(name, folder, ())
    case.mappings = tuple(make(case.nml))
    asyncio.run(_import(case))
    shutil.copy2(case.nml, case.pristine_nml)
    shutil.copy2(case.library, case.pristine_library)
    meta.write_text(json.dumps({"mappings": list(case.mappings)}))
    return case


def generated_case(out_dir: Path, tracks: int, seed: int) -> Case:
    from harmony.devtools.collection_gen import generate_collection

    def make(nml_path: Path) -> list[str]:
        started = time.perf_counter()
        generated = generate_collection(nml_path, tracks=tracks, seed=seed, files_dir=nml_path.parents[1] / "files")
        size, seconds = nml_path.stat().st_size / 1e6, time.perf_counter() - started
        note(f"generated {tracks} tracks ({size:.1f} MB) in {seconds:.1f} s")
        return [f"{volume}={folder}" for volume, folder in generated.path_mappings.items()]

    folder = out_dir / f"export-{tracks}-seed{seed}-{generator_fingerprint()}"
    return prepare_case(f"{tracks} generated tracks", folder, make)


def real_case(out_dir: Path) -> Case:
    digest = hashlib.sha256(REAL_FIXTURE.read_bytes()).hexdigest()[:10]

    def make(nml_path: Path) -> list[str]:
        # The import skips tracks whose files are missing: give every location an empty file under files/,
        # one folder per volume, mapped like the generated collections' placeholders.
        from harmony import nml
        from harmony.nml.paths import current_platform
        from harmony.sync.paths import PathMapping, PathResolver

        shutil.copy2(REAL_FIXTURE, nml_path)
        files = nml_path.parents[1] / "files"
        collection = nml.load(REAL_FIXTURE)
        volumes = sorted({t.location.volume for t in collection.tracks if t.location is not None and t.location.volume})
        mappings = [f"{volume}={files / volume}" for volume in volumes]
        resolver = PathResolver(current_platform(), [PathMapping.parse(text) for text in mappings])
        for track in collection.tracks:
            location = track.location
            if location is None or not location.volume or not location.file:
                continue
            target = Path(resolver.to_path(location))
            target.parent.mkdir(parents=True, exist_ok=True)
            target.touch()
        return mappings

    return prepare_case("real fixture", out_dir / f"export-real-{digest}", make)


# -- one export ------------------------------------------------------------------------------------------


def edit_library(case: Case) -> int:
    """Edit one track in ``EDIT_EVERY`` (title and rating); return how many."""
    from harmony.library import Library

    with Library.open(case.library) as library:
        total = library.stats().tracks
        ids = [track.id for track in library.search_tracks(sort="id", limit=total).tracks]
        edited = ids[::EDIT_EVERY]
        for number, track_id in enumerate(edited):
            library.update_track(track_id, {"title": f"Edited In Harmony {number}", "rating": 3})
    return len(edited)


async def _export(case: Case) -> dict[str, Any]:
    from harmony.service import ExportOutcome, ExportRequest, TraktorService

    manager = _manager(export_min_workers=1)
    service = TraktorService(case.library, manager, spool_dir=str(case.nml.parent))
    try:
        await manager.export_pool.start()
        pids = manager.export_pool.worker_pids()
        baseline = {pid: _vm_hwm(pid) for pid in pids}
        started = time.perf_counter()
        op = await service.export(ExportRequest(nml_path=str(case.nml), path_mappings=case.mappings))
        seconds = time.perf_counter() - started
        if op.status != "succeeded":
            raise RuntimeError(f"the export of {case.nml} failed: {op.error}")
        outcome = op.result
        assert isinstance(outcome, ExportOutcome)
        after = manager.export_pool.worker_pids()
        if after != pids:
            raise RuntimeError("the export worker was replaced during the export; its peak memory is unknown")
        peaks = {pid: _vm_hwm(pid) for pid in pids}
    finally:
        await service.close()
        await manager.shutdown(timeout=30)
    data = outcome.to_json()
    pid = pids[0]
    return {
        "seconds": seconds,
        "seconds_per_phase": data["seconds_per_phase"],
        "tracks_exported": data["tracks_exported"],
        "written": outcome.written,
        "worker_peak_rss": peaks[pid],
        "worker_baseline_rss": baseline[pid],
    }


def run_export(case: Case, repeat: int) -> dict[str, Any]:
    """Reset, edit 1 %, export; ``repeat`` times, keep the fastest (noise only adds time)."""
    best: dict[str, Any] | None = None
    for _ in range(repeat):
        case.reset()
        edited = edit_library(case)
        note(f"export of {case.name} ({edited} edited) …")
        figures = asyncio.run(_export(case))
        figures["edited"] = edited
        figures["file_size"] = case.pristine_nml.stat().st_size
        if figures["tracks_exported"] != edited:
            raise RuntimeError(f"{edited} tracks were edited but {figures['tracks_exported']} exported")
        if best is None or figures["seconds"] < best["seconds"]:
            best = figures
    assert best is not None
    return best


# -- the report ------------------------------------------------------------------------------------------


def _ratio(numerator: float | None, denominator: float | None) -> float | None:
    return None if numerator is None or not denominator else numerator / denominator


def target_met(value: float | None, comparison: str, limit: float) -> bool | None:
    if value is None:
        return None
    return {"<=": value <= limit, "<": value < limit}[comparison]


def report_text(figures: dict[str, Any]) -> str:
    lines: list[str] = []
    parse, big = figures["parse"], figures["export"]
    mb = big["file_size"] / 1e6
    lines.append(f"big collection: {figures['tracks']} tracks, {mb:.1f} MB, {big['edited']} edited")
    lines.append(f"  bare lxml parse            {parse['seconds']:8.3f} s")
    lines.append(f"  export (service, wall)     {big['seconds']:8.3f} s")
    for phase, seconds in big["seconds_per_phase"].items():
        lines.append(f"    {phase:<24}{seconds:8.3f} s")
    peak, base = big["worker_peak_rss"], big["worker_baseline_rss"]
    if peak is not None:
        lines.append(
            f"  export worker peak memory  {peak / 1e6:8.1f} MB (baseline before the export {base / 1e6:.1f} MB)"
        )
    for key in ("small", "real"):
        if key in figures:
            small = figures[key]
            lines.append(f"{figures[key + '_name']}: {small['file_size'] / 1e6:.2f} MB, {small['edited']} edited")
            lines.append(f"  export (service, wall)     {small['seconds']:8.3f} s")
            for phase, seconds in small["seconds_per_phase"].items():
                lines.append(f"    {phase:<24}{seconds:8.3f} s")
    lines.append("targets:")
    for name, (description, comparison, limit) in TARGETS.items():
        value = figures["ratios"].get(name)
        met = target_met(value, comparison, limit)
        shown = "n/a" if value is None else f"{value:.2f}"
        verdict = {True: "met", False: "MISSED", None: "not measured"}[met]
        lines.append(f"  {description:<52} {shown:>7} {comparison} {limit:g}  {verdict}")
    extra = figures["ratios"].get("worker_memory_above_baseline_vs_file")
    if extra is not None:
        lines.append(f"  (worker memory above its baseline / file size: {extra:.2f})")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tracks", type=int, default=100_000, help="tracks in the big collection (100000)")
    parser.add_argument("--seed", type=int, default=1, help="generator seed (1)")
    parser.add_argument("--repeat", type=int, default=1, help="runs of each measurement; the fastest counts (1)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="cache folder (bench/out)")
    parser.add_argument("--skip-small", action="store_true", help="skip the 2,646-track and real-fixture exports")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    logging_quiet()

    big = generated_case(args.out, args.tracks, args.seed)
    figures: dict[str, Any] = {"tracks": args.tracks, "seed": args.seed}
    figures["parse"] = bare_parse(big.pristine_nml, args.repeat)
    figures["export"] = run_export(big, args.repeat)
    if not args.skip_small:
        small = generated_case(args.out, ORIGINAL_FIXTURE_TRACKS, args.seed)
        figures["small_name"] = f"generated {ORIGINAL_FIXTURE_TRACKS}-track collection"
        figures["small"] = run_export(small, args.repeat)
        if REAL_FIXTURE.exists():
            figures["real_name"] = f"real fixture {REAL_FIXTURE.name}"
            figures["real"] = run_export(real_case(args.out), args.repeat)
    export = figures["export"]
    peak, base, size = export["worker_peak_rss"], export["worker_baseline_rss"], export["file_size"]
    figures["ratios"] = {
        "export_vs_parse": _ratio(export["seconds"], figures["parse"]["seconds"]),
        "worker_memory_vs_file": _ratio(peak, size),
        "worker_memory_above_baseline_vs_file": _ratio(None if peak is None or base is None else peak - base, size),
        "small_export_seconds": figures["small"]["seconds"] if "small" in figures else None,
        "real_export_seconds": figures["real"]["seconds"] if "real" in figures else None,
    }
    figures["targets_met"] = {
        name: target_met(figures["ratios"].get(name), comparison, limit)
        for name, (_, comparison, limit) in TARGETS.items()
    }
    print(json.dumps(figures, indent=2) if args.json else report_text(figures))
    return 0


def logging_quiet() -> None:
    """Keep the service's info logs out of the figures (warnings still show)."""
    import logging

    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
