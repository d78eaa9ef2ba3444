"""`harmony demo`: Harmony's main job on a machine with no Traktor.

Generates a realistic collection (with a placeholder file for every track) in Harmony's cache folder, reads it
back completely, and reports what it holds and how long each phase took. The import into the library builds on
this (it is the next phase of the same demo).
"""

from __future__ import annotations

import shutil
import time
from dataclasses import dataclass
from pathlib import Path

import platformdirs

from harmony import nml
from harmony.devtools.collection_gen import GeneratedCollection, generate_collection
from harmony.nml.summary import CollectionSummary, summarize


def default_demo_folder() -> Path:
    return Path(platformdirs.user_cache_dir("harmony")) / "demo"


@dataclass(frozen=True, slots=True)
class DemoResult:
    folder: Path
    generated: GeneratedCollection
    summary: CollectionSummary
    seconds_per_phase: dict[str, float]


def run_demo(tracks: int = 10_000, folder: Path | None = None, seed: int = 1) -> DemoResult:
    """Generate a demo collection of ``tracks`` tracks in ``folder`` (replacing an earlier demo) and read it."""
    folder = folder or default_demo_folder()
    files = folder / "Music"
    if files.exists():
        shutil.rmtree(files)  # only ever Harmony's own demo placeholders
    folder.mkdir(parents=True, exist_ok=True)
    phases: dict[str, float] = {}
    started = time.perf_counter()
    generated = generate_collection(folder / "collection.nml", tracks=tracks, seed=seed, files_dir=files)
    phases["generating"] = time.perf_counter() - started
    started = time.perf_counter()
    summary = summarize(nml.load(generated.path))
    phases["reading"] = time.perf_counter() - started
    return DemoResult(folder, generated, summary, phases)
