"""Deterministic, realistic synthetic Traktor collections for tests and benchmarks.

``generate_collection(out, tracks=100_000, seed=1)`` writes a ``collection.nml`` in exact Traktor 3 style
(or Traktor 4 with ``version=20``): several volumes (Windows drives and macOS disks), non-ASCII, NFD and
``//`` names, XML-hostile characters in tags, about three cues per track of every type, nested playlist
folders, smart lists, Traktor's own lists and an INDEXING block. The same seed always gives the same bytes.

The file is streamed: entries are formatted and written in chunks, and only what the playlists need (each
track's key and genre) is kept, so 100,000 tracks take seconds and little memory. With ``files_dir`` the
referenced audio files are created too, as tiny placeholders, and the returned ``path_mappings`` say where
each volume landed.
"""

from __future__ import annotations

import logging
import os
import random
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from harmony.devtools.placeholder_files import PlaceholderWriter
from harmony.devtools.playlist_gen import (
    FolderNode,
    PlaylistNode,
    PlaylistTree,
    SmartListNode,
    build_tree,
    render_indexing,
    render_node,
)
from harmony.devtools.track_gen import CUE_TYPE_NAMES, TrackMaker
from harmony.devtools.traktor_style import PROLOG, element, start_tag
from harmony.devtools.volumes import make_volumes
from harmony.errors import HarmonyError

logger = logging.getLogger(__name__)

SUPPORTED_VERSIONS = (19, 20)
_PROGRAM = {19: "Traktor", 20: "Traktor Pro 4"}
_CHUNK_ENTRIES = 1000  # entries formatted per write; keeps memory flat and writes large


@dataclass(frozen=True, slots=True)
class GeneratedCollection:
    """What :func:`generate_collection` wrote: counts taken while writing, and where the audio files are."""

    path: Path
    version: int
    seed: int
    tracks: int
    cues_by_type: dict[str, int]
    """Cue points per type name (``cue``, ``fade_in``, ``fade_out``, ``load``, ``grid``, ``loop``)."""
    playlists: int
    """Every PLAYLIST node, Traktor's own ``Preparation``, ``_LOOPS`` and ``_RECORDINGS`` included."""
    folders: int
    """FOLDER nodes, Traktor's ``$ROOT`` included (as ``harmony traktor info`` counts them)."""
    smart_lists: int
    playlist_entries: int
    size_bytes: int
    path_mappings: dict[str, str] = field(default_factory=dict)
    """NML volume name (``C:``, ``Macintosh HD``) → the local folder standing for its root (with files)."""
    files_dir: Path | None = None
    files_created: int = 0

    @property
    def cues(self) -> int:
        """All cue points of all tracks."""
        return sum(self.cues_by_type.values())

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready summary; the count keys match ``harmony traktor info --json``."""
        return {
            "path": str(self.path),
            "version": self.version,
            "seed": self.seed,
            "tracks": self.tracks,
            "playlists": self.playlists,
            "folders": self.folders,
            "smart_lists": self.smart_lists,
            "playlist_entries": self.playlist_entries,
            "cue_points": {"total": self.cues, **self.cues_by_type},
            "size_bytes": self.size_bytes,
            "files_dir": str(self.files_dir) if self.files_dir is not None else None,
            "files_created": self.files_created,
            "path_mappings": dict(self.path_mappings),
        }


def generate_collection(
    out: Path, *, tracks: int, seed: int = 1, files_dir: Path | None = None, version: int = 19
) -> GeneratedCollection:
    """Write a synthetic ``collection.nml`` with ``tracks`` entries to ``out`` (atomically) and describe it.

    With ``files_dir``, also create a placeholder audio file for every entry under it (see
    :mod:`harmony.devtools.placeholder_files`); ``path_mappings`` then maps each volume to its folder there.
    Raises :class:`~harmony.errors.HarmonyError` for a negative track count, an unsupported NML version, or a
    file or folder that cannot be written.
    """
    if tracks < 0:
        raise HarmonyError(f"The number of tracks must be 0 or more, not {tracks}.")
    if version not in SUPPORTED_VERSIONS:
        raise HarmonyError(f"NML version {version} is not supported; use 19 (Traktor 3) or 20 (Traktor 4).")
    started = time.perf_counter()
    out = Path(out)
    placeholders = PlaceholderWriter(files_dir) if files_dir is not None else None
    writer = _CollectionWriter(tracks=tracks, seed=seed, version=version, placeholders=placeholders)
    with _atomic_output(out) as handle:
        writer.write(handle)

    nodes = list(writer.tree.walk()) if writer.tree is not None else []
    result = GeneratedCollection(
        path=out,
        version=version,
        seed=seed,
        tracks=tracks,
        cues_by_type={name: writer.cue_counts[number] for number, name in CUE_TYPE_NAMES.items()},
        playlists=sum(isinstance(node, PlaylistNode) for node in nodes),
        folders=1 + sum(isinstance(node, FolderNode) for node in nodes),  # 1: $ROOT
        smart_lists=sum(isinstance(node, SmartListNode) for node in nodes),
        playlist_entries=sum(len(node.track_indices) for node in nodes if isinstance(node, PlaylistNode)),
        size_bytes=out.stat().st_size,
        path_mappings={name: str(folder) for name, folder in writer.volume_folders.items()},
        files_dir=placeholders.base if placeholders is not None else None,
        files_created=placeholders.created if placeholders is not None else 0,
    )
    logger.info(
        "generated %s: %d tracks, %d cues, %d playlists in %.1f s",
        out,
        tracks,
        result.cues,
        result.playlists,
        time.perf_counter() - started,
    )
    return result


class _CollectionWriter:
    """Streams one collection to an open binary file and keeps the counts and keys the later parts need."""

    def __init__(self, *, tracks: int, seed: int, version: int, placeholders: PlaceholderWriter | None) -> None:
        self.tracks = tracks
        self.version = version
        self.rng = random.Random(seed)
        # Version-20 extras draw from their own stream so that VERSION 19 and 20 files share their tracks.
        self.maker = TrackMaker(
            self.rng,
            random.Random(f"{seed}-traktor4"),
            make_volumes(self.rng),
            tracks=tracks,
            version=version,
        )
        self.placeholders = placeholders
        # Traktor's own files (loop samples, recordings) are the last entries of a big enough collection.
        recordings = min(10, tracks // 1000)
        self.first_recording = tracks - recordings
        self.first_loop = self.first_recording - min(20, tracks // 400)
        self.keys: list[str] = []
        self.genres: list[str | None] = []
        self.cue_counts: Counter[int] = Counter()
        self.volume_folders: dict[str, Path] = {}
        self.tree: PlaylistTree | None = None

    def write(self, handle: BinaryIO) -> None:
        head = element("HEAD", {"COMPANY": "www.native-instruments.com", "PROGRAM": _PROGRAM[self.version]})
        handle.write(f"{PROLOG}{start_tag('NML', {'VERSION': str(self.version)})}{head}".encode())
        handle.write(element("MUSICFOLDERS").encode())
        handle.write(start_tag("COLLECTION", {"ENTRIES": str(self.tracks)}).encode())
        self._write_entries(handle)
        handle.write(b"</COLLECTION>\n")
        handle.write(element("SETS", {"ENTRIES": "0"}).encode())
        self.tree = build_tree(
            self.rng,
            tracks=self.tracks,
            genres=self.genres,
            loop_indices=range(self.first_loop, self.first_recording),
            recording_indices=range(self.first_recording, self.tracks),
        )
        handle.write(b"<PLAYLISTS>")
        for piece in render_node(self.tree.root, self.keys):
            handle.write(piece.encode())
        handle.write(b"</PLAYLISTS>\n")
        handle.write(render_indexing(self.tree, self.rng).encode())
        handle.write(b"</NML>\n")

    def _write_entries(self, handle: BinaryIO) -> None:
        chunk: list[str] = []
        for index in range(self.tracks):
            if index < self.first_loop:
                kind = "music"
            else:
                kind = "loop" if index < self.first_recording else "recording"
            track = self.maker.make(index, kind)
            chunk.append(track.xml)
            self.keys.append(track.key)
            self.genres.append(track.genre)
            self.cue_counts.update(track.cue_types)
            if self.placeholders is not None:
                self.placeholders.write(track.volume, track.dir_parts, track.file_name)
                self.volume_folders.setdefault(track.volume.name, self.placeholders.volume_folder(track.volume))
            if len(chunk) >= _CHUNK_ENTRIES:
                handle.write("".join(chunk).encode())
                chunk.clear()
        handle.write("".join(chunk).encode())


@contextmanager
def _atomic_output(out: Path) -> Iterator[BinaryIO]:
    """A temporary file beside ``out`` that replaces it only once everything was written."""
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        descriptor, name = tempfile.mkstemp(dir=out.parent, prefix=f".{out.name}.", suffix=".tmp")
    except OSError as error:
        raise HarmonyError(f"Cannot write {out}: {error.strerror or error}") from error
    temporary = Path(name)
    try:
        with os.fdopen(descriptor, "wb", buffering=1 << 20) as handle:
            yield handle
        os.replace(temporary, out)
    except OSError as error:
        temporary.unlink(missing_ok=True)
        raise HarmonyError(f"Cannot write {out}: {error.strerror or error}") from error
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
