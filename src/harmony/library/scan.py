"""The folder scan behind ``harmony library add``: find audio files, read their tags, report progress.

:func:`scan_paths` is a job function: top-level, picklable arguments and result, no database, so a worker pool
can run it in another process and stream its progress; the main process then adds the result to the library
(:meth:`harmony.library.Library.add_scanned`). An unreadable file is reported in ``failures`` and skipped;
nothing else stops the scan."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from harmony.library.tags import AUDIO_EXTENSIONS, TagReadError, read_track
from harmony.library.values import TrackValues
from harmony.progress import ProgressReporter

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class ScanFailure:
    """A file that could not be read, and why."""

    path: str
    reason: str


@dataclass(frozen=True, slots=True)
class ScanResult:
    """What a scan found: readable tracks, unreadable files, and paths that were not there at all."""

    tracks: tuple[TrackValues, ...]
    failures: tuple[ScanFailure, ...]
    missing: tuple[str, ...] = ()


def _no_progress(phase: str, percent: float, message: str, current_item: str | None = None) -> None:
    return None


def is_audio_file(path: Path) -> bool:
    """Whether ``path`` names a file the scan reads (by extension; macOS ``._`` shadow files excluded)."""
    return path.suffix.lower() in AUDIO_EXTENSIONS and not path.name.startswith("._")


def find_audio_files(paths: Iterable[Path]) -> tuple[list[Path], list[str]]:
    """Audio files in ``paths`` (files taken as given, folders walked in name order); and missing paths."""
    found: list[Path] = []
    missing: list[str] = []
    for path in paths:
        if path.is_file():
            found.append(path)
        elif path.is_dir():
            found.extend(_walk(path))
        else:
            missing.append(str(path))
    # A file named twice (a folder and a file inside it) is read once.
    unique = list(dict.fromkeys(found))
    return unique, missing


def _walk(folder: Path) -> Iterator[Path]:
    for root, dirs, files in os.walk(folder, onerror=lambda error: log.warning("cannot list %s", error)):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            candidate = Path(root) / name
            if is_audio_file(candidate):
                yield candidate


def scan_paths(
    paths: Sequence[str | Path],
    progress: ProgressReporter | None = None,
    *,
    today: date | None = None,
) -> ScanResult:
    """Find the audio files under ``paths`` and read their tags.

    Progress: phase "scanning" (0 %) while listing folders, "reading" from 0 to 100 % while reading files
    (about once per percent, so a pipe to the UI is not flooded), then "complete".
    """
    report = progress or _no_progress
    report("scanning", 0.0, "Looking for audio files…")
    # Absolute, not symlink-resolved: the path the DJ sees is the one stored and matched against Traktor.
    files, missing = find_audio_files(Path(os.path.abspath(Path(p).expanduser())) for p in paths)
    total = len(files)
    report("reading", 0.0, f"Reading {total} audio files…")
    tracks: list[TrackValues] = []
    failures: list[ScanFailure] = []
    step = max(1, total // 100)
    for index, file in enumerate(files, start=1):
        try:
            tracks.append(read_track(file, today))
        except (TagReadError, OSError) as error:
            log.info("skipping unreadable file %s: %s", file, error)
            failures.append(ScanFailure(str(file), str(error)))
        if index % step == 0 or index == total:
            report("reading", 100.0 * index / total, f"Read {index} of {total} files", str(file))
    report(
        "complete",
        100.0,
        f"Found {len(tracks)} tracks" + (f", {len(failures)} unreadable" if failures else ""),
    )
    return ScanResult(tracks=tuple(tracks), failures=tuple(failures), missing=tuple(missing))
