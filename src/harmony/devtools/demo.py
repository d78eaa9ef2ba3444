"""`harmony demo`: Harmony's main job on a machine with no Traktor.

Generates a realistic collection (with a placeholder file for every track) in Harmony's cache folder, a
folder that is Harmony's own and may be emptied at any time; the CLI then imports it into the library like any
Traktor collection. Generating the same size and seed again gives the same collection, so a second demo shows
an import with nothing to change.
"""

from __future__ import annotations

import shutil
import time
from dataclasses import dataclass
from pathlib import Path

import platformdirs

from harmony import nml
from harmony.devtools.collection_gen import GeneratedCollection, generate_collection
from harmony.nml import CollectionSummary, summarize


def default_demo_folder() -> Path:
    return Path(platformdirs.user_cache_dir("harmony")) / "demo"


@dataclass(frozen=True, slots=True)
class DemoCollection:
    """A generated demo collection, and how long generating it took."""

    folder: Path
    generated: GeneratedCollection
    summary: CollectionSummary
    seconds: float

    @property
    def path_mappings(self) -> tuple[str, ...]:
        """``--map`` texts that point each of the collection's volumes at its placeholder files."""
        return tuple(f"{volume}={folder}" for volume, folder in self.generated.path_mappings.items())

    def replaces_only_demo_tracks(self, library_path: Path) -> bool:
        """Whether every track of the library at ``library_path`` is a placeholder of a demo in this folder.
        A new demo replaces the old one, so its import may then remove the old demo's tracks however many they
        are; a library that holds anything else keeps the import's guard against removing much of it."""
        from harmony.library import Library

        if not library_path.exists():
            return True
        files = (self.folder / "Music").resolve()
        with Library.open(library_path) as library, library.reader() as reader:
            return all(Path(ref.path).resolve().is_relative_to(files) for ref in reader.track_refs())


def prepare_demo(tracks: int = 10_000, folder: Path | None = None, seed: int = 1) -> DemoCollection:
    """Generate a demo collection of ``tracks`` tracks with a placeholder file per track in ``folder``
    (replacing an earlier demo there), ready to import with its :attr:`DemoCollection.path_mappings`."""
    folder = folder or default_demo_folder()
    files = folder / "Music"
    if files.exists():
        shutil.rmtree(files)  # only ever Harmony's own demo placeholders
    folder.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    generated = generate_collection(folder / "collection.nml", tracks=tracks, seed=seed, files_dir=files)
    seconds = time.perf_counter() - started
    return DemoCollection(folder, generated, summarize(nml.load(generated.path)), seconds)
