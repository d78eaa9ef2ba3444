"""The relocate worker's task: scan the search roots, then match the missing tracks to the files found.

Runs in a worker process (the scan of a big drive takes seconds to minutes); it reads the library read-only
and reports progress at least every 2,000 files, which is also where a cancel stops it."""

from __future__ import annotations

import hashlib
import logging
import time
from dataclasses import dataclass
from pathlib import Path

from harmony.jobs.folder_walk import walk_files
from harmony.library import Library, TagReadError, is_audio_file, path_key, read_track
from harmony.progress import ProgressReporter
from harmony.sync import FileIndex, FileProbe, LostTrack, Relocation, match_lost_tracks

log = logging.getLogger(__name__)

__all__ = ["RelocateJobResult", "content_hash", "run_relocate_job", "scan_roots"]

#: Bytes of a file hashed to tell copies from different files: enough to differ for any two recordings.
_HASH_BYTES = 4 * 1024 * 1024
_REPORT_EVERY = 2000


@dataclass(frozen=True, slots=True)
class RelocateJobResult:
    """What the scan found: each missing track's relocation, the audio files looked at, the time taken."""

    relocations: tuple[Relocation, ...]
    scanned_files: int
    seconds: float


def scan_roots(roots: list[str], progress: ProgressReporter | None = None) -> FileIndex:
    """Every audio file under ``roots`` with its size (hidden folders skipped, links to folders not followed)."""
    index = FileIndex()
    for entry in walk_files(roots):
        if not is_audio_file(Path(entry.name)):
            continue
        try:
            size = entry.stat().st_size
        except OSError:
            continue
        index.add(entry.path, size)
        if progress is not None and index.count % _REPORT_EVERY == 0:
            # The total is unknown: the bar creeps towards half-way as files are found.
            percent = 50.0 * index.count / (index.count + 50_000)
            progress("scanning", percent, f"Scanned {index.count:,} audio files", entry.path)
    return index


def _probe(path: str) -> FileProbe | None:
    try:
        values = read_track(Path(path))
    except (TagReadError, OSError):
        return None
    return FileProbe(values.duration, values.artist, values.title)


def content_hash(path: str) -> str | None:
    """A hash of the start of the file (its first 4 MiB), or None when it cannot be read."""
    try:
        with open(path, "rb") as file:
            return hashlib.blake2b(file.read(_HASH_BYTES), digest_size=16).hexdigest()
    except OSError:
        return None


def run_relocate_job(
    library_path: str, roots: list[str], *, progress: ProgressReporter | None = None
) -> RelocateJobResult:
    """Scan ``roots`` and match every missing track of the library to the files found."""
    began = time.perf_counter()
    with Library.open(library_path, read_only=True) as library:
        lost = [
            LostTrack(t.id, t.values.path, t.values.file_size, t.values.duration, t.values.artist, t.values.title)
            for t in library.missing_tracks()
        ]
    if progress is not None:
        progress("scanning", 0.0, f"Looking for {len(lost):,} missing files", None)
    index = scan_roots(roots, progress)
    scanned = index.count
    index = _unclaimed(library_path, index)
    total = max(1, len(lost))

    def matched(done: int) -> None:
        if progress is not None:
            progress("matching", 50.0 + 50.0 * done / total, f"Matched {done:,} of {len(lost):,} tracks", None)

    relocations = match_lost_tracks(lost, index, _probe, content_hash, matched)
    if progress is not None:
        progress("matching", 100.0, f"Matched {len(lost):,} tracks", None)
    return RelocateJobResult(tuple(relocations), scanned, round(time.perf_counter() - began, 3))


def _unclaimed(library_path: str, index: FileIndex) -> FileIndex:
    """The files found that no track of the library points at. A file a track already has is not another
    track's lost one: offered, it came ticked as an exact match, and relocating to it was refused."""
    files = [(path, size) for found in index.by_name.values() for path, size in found]
    keys = {path_key(path): path for path, _ in files}
    with Library.open(library_path, read_only=True) as library:
        claimed = {keys[key] for key in library.find_tracks_by_path_key(list(keys))}
    return FileIndex.of((path, size) for path, size in files if path not in claimed) if claimed else index
