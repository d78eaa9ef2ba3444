"""Tiny stand-ins for the audio files a synthetic collection refers to.

Each placeholder is a few bytes: the signature of its format (so a file-type sniffer sees an MP3, a FLAC…),
no audio. They let an import check that a track's file exists without shipping or synthesising gigabytes of
audio. Files are laid out as ``DIR/<volume folder>/<folders>/<file>``, so mapping each NML volume to its
folder under ``DIR`` makes every location resolve.
"""

from __future__ import annotations

import logging
from pathlib import Path

from harmony.devtools.volumes import Volume
from harmony.errors import HarmonyError

logger = logging.getLogger(__name__)

_SIGNATURES: dict[str, bytes] = {
    "mp3": b"ID3\x04\x00\x00\x00\x00\x00\x00",  # an empty ID3v2.4 tag header
    "flac": b"fLaC",
    "wav": b"RIFF\x04\x00\x00\x00WAVE",
    "aiff": b"FORM\x04\x00\x00\x00AIFF",
    "m4a": b"\x00\x00\x00\x14ftypM4A \x00\x00\x00\x00M4A ",
}


class PlaceholderWriter:
    """Creates the placeholder files under one base folder, remembering which folders already exist."""

    def __init__(self, base: Path) -> None:
        self.base = base.resolve()
        self.created = 0
        self._made_dirs: set[Path] = set()

    def volume_folder(self, volume: Volume) -> Path:
        """The folder standing for ``volume``'s root (the value of its path mapping)."""
        return self.base / volume.folder_name

    def write(self, volume: Volume, dir_parts: tuple[str, ...], file_name: str) -> Path:
        """Create the placeholder for one track; ``dir_parts`` and ``file_name`` are decoded names."""
        folder = self.volume_folder(volume).joinpath(*dir_parts)
        try:
            if folder not in self._made_dirs:
                folder.mkdir(parents=True, exist_ok=True)
                self._made_dirs.add(folder)
            path = folder / file_name
            path.write_bytes(_SIGNATURES.get(path.suffix.lower().lstrip("."), b"\x00"))
        except OSError as error:
            raise HarmonyError(f"Cannot create the placeholder audio files under {self.base}: {error}") from error
        self.created += 1
        return path
