"""The disks a synthetic collection's tracks live on, and how their names become Traktor LOCATION strings.

A real collection mixes volumes: Windows drive letters (``C:``, ``D:`` with 8-hex VOLUMEIDs), the macOS
start-up disk (``Macintosh HD``, whose VOLUMEID is its name) and external macOS drives. Each volume also
decides which characters a file name may hold (Windows forbids ``:`` and ``"``; macOS allows ``:``, which
Traktor stores as ``//``) and whether names are stored decomposed (HFS+ drives hand back NFD names).
"""

from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass

from harmony.devtools.word_lists import HOME_NAMES

# Characters Windows does not allow in a file or folder name. The generator replaces them the way a tagger or
# a download client does, with "_".
_WINDOWS_FORBIDDEN = str.maketrans({c: "_" for c in '<>:"/\\|?*'})
# macOS only forbids "/" at the POSIX level (":" is allowed and shows as "/" in the Finder).
_MACOS_FORBIDDEN = str.maketrans({"/": "-"})

# Longest name component in UTF-8 bytes; real file systems allow 255, and the placeholders must be creatable.
MAX_COMPONENT_BYTES = 160


@dataclass(frozen=True, slots=True)
class Volume:
    """One disk as Traktor records it."""

    name: str
    """``VOLUME``: a drive letter with its colon (``C:``) or a macOS volume name (``Macintosh HD``)."""
    volume_id: str
    """``VOLUMEID``: 8 hex digits on Windows, the volume name on macOS."""
    windows: bool
    root: tuple[str, ...]
    """The folders under the volume's root that hold the music, e.g. ``("Users", "djuser", "Music")``."""
    decomposed: bool
    """True for an HFS+ drive: every name is stored in Unicode NFD."""
    weight: float
    """Share of the collection's tracks on this volume."""

    @property
    def folder_name(self) -> str:
        """The folder that stands for this volume under ``--files DIR`` (``C:`` → ``C``)."""
        return self.name.rstrip(":") if self.windows else self.name

    def clean_component(self, name: str) -> str:
        """Make ``name`` a legal file or folder name on this volume (as the file system would have it)."""
        name = name.translate(_WINDOWS_FORBIDDEN if self.windows else _MACOS_FORBIDDEN)
        name = _truncate_utf8(name.strip(), MAX_COMPONENT_BYTES).rstrip(". ") or "_"
        if self.decomposed:
            name = unicodedata.normalize("NFD", name)
        return name


def make_volumes(rng: random.Random) -> tuple[Volume, ...]:
    """The four volumes of a synthetic collection, with random (seeded) Windows volume serial numbers."""
    home = rng.choice(HOME_NAMES)
    return (
        Volume("C:", f"{rng.getrandbits(32):08x}", True, ("Users", home, "Music"), False, 0.30),
        Volume("D:", f"{rng.getrandbits(32):08x}", True, ("DJ Library",), False, 0.25),
        Volume("Macintosh HD", "Macintosh HD", False, ("Users", home, "Music", "Tracks"), False, 0.30),
        Volume("Crate Drive", "Crate Drive", False, ("Music",), True, 0.15),
    )


def encode_component(name: str) -> str:
    """One path component as Traktor stores it: a ``:`` in the name becomes ``//``."""
    return name.replace(":", "//")


def encode_dir(parts: tuple[str, ...]) -> str:
    """A LOCATION ``DIR``: ``/:`` before each component and after the last (``/:Music/:House/:``)."""
    return "/:" + "".join(encode_component(part) + "/:" for part in parts)


def _truncate_utf8(text: str, limit: int) -> str:
    """Cut ``text`` to at most ``limit`` UTF-8 bytes without splitting a character."""
    encoded = text.encode("utf-8")
    if len(encoded) <= limit:
        return text
    return encoded[:limit].decode("utf-8", errors="ignore")
