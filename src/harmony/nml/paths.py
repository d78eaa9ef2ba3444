"""Traktor file locations ↔ operating-system paths.

Traktor does not store a path. Each collection entry has a ``LOCATION`` element with four strings:

* ``VOLUME``: the drive on Windows (``C:``) or the volume name on macOS (``Macintosh HD``, ``MyUSB``);
* ``DIR``: the folders, written ``/:`` + each folder followed by ``/:`` (``/:Users/:me/:Music/:``);
  ``/:`` alone is the top of the volume;
* ``FILE``: the file name;
* ``VOLUMEID``: a volume serial on Windows, the volume name on macOS, sometimes empty.

A ``:`` inside a folder or file name is stored as ``//`` (macOS keeps the ``/`` a user types in Finder as
``:`` in the POSIX name, so ``Voicemail w/Miss Kittin.mp3`` arrives as
``FILE="Voicemail w//Miss Kittin.mp3"``).

:class:`Location` keeps the strings exactly as stored, so that writing back never changes a byte: the Unicode
form (NFC or NFD), the case and the volume name all matter when Traktor compares playlist keys. Matching a
location against a file on disk goes through :func:`comparison_key`, which normalises a copy the way the
platform's file system compares names.

Everything here is pure string work: nothing touches the file system.
"""

from __future__ import annotations

import os
import re
import sys
import unicodedata
from dataclasses import dataclass
from typing import Final, Literal

from harmony.errors import NMLError

__all__ = [
    "Location",
    "Platform",
    "comparison_key",
    "current_platform",
    "decode_name",
    "dir_to_parts",
    "encode_name",
    "location_to_path",
    "parts_to_dir",
    "path_key",
    "path_to_location",
    "playlist_key",
    "split_playlist_key",
]

Platform = Literal["windows", "macos", "linux"]

#: The separator Traktor writes before, between and after folder names in ``DIR``.
DIR_SEPARATOR: Final = "/:"
#: How Traktor stores a ``:`` that is part of a folder or file name.
ENCODED_COLON: Final = "//"
#: The macOS folder under which every volume other than the start-up disk is mounted.
MACOS_VOLUMES_ROOT: Final = "/Volumes"
DEFAULT_STARTUP_VOLUME: Final = "Macintosh HD"

_WINDOWS_DRIVE = re.compile(r"[A-Za-z]:")
_WINDOWS_ABSOLUTE = re.compile(r"([A-Za-z]):\\(.*)", re.DOTALL)
_WINDOWS_DRIVE_RELATIVE = re.compile(r"[A-Za-z]:(?!\\)")
_WINDOWS_LONG_PREFIX = "\\\\?\\"
_NEEDS_DRIVE = "Traktor needs the file on a drive letter such as 'C:'"
_GIVE_FULL_PATH = "give the full path, starting with a drive such as 'C:\\'"


@dataclass(frozen=True, slots=True)
class Location:
    """Where Traktor says a track's file is: the ``LOCATION`` strings exactly as stored in the NML.

    ``dir`` and ``file`` are in their stored (encoded) form: ``dir="/:Users/:me/:Music/:"``, a ``:`` in a name
    written as ``//``. Use :attr:`parts` and :attr:`name` for the decoded names.
    """

    volume: str
    dir: str
    file: str
    volume_id: str = ""

    @property
    def parts(self) -> tuple[str, ...]:
        """The folder names, decoded (``//`` → ``:``); raises :class:`NMLError` for a malformed ``DIR``."""
        return dir_to_parts(self.dir)

    @property
    def name(self) -> str:
        """The file name, decoded (``//`` → ``:``)."""
        return decode_name(self.file)


def current_platform() -> Platform:
    """The platform Harmony runs on, in the vocabulary of this module."""
    if sys.platform.startswith(("win32", "cygwin")):
        return "windows"
    if sys.platform == "darwin":
        return "macos"
    return "linux"


def _resolve_platform(platform: Platform | None) -> Platform:
    return current_platform() if platform is None else platform


# --- names and DIR strings ------------------------------------------------------------------------


def encode_name(name: str) -> str:
    """A folder or file name as Traktor stores it: each ``:`` becomes ``//``."""
    return name.replace(":", ENCODED_COLON)


def decode_name(stored: str) -> str:
    """A stored folder or file name as the file system knows it: each ``//`` becomes ``:``."""
    return stored.replace(ENCODED_COLON, ":")


def _check_name(name: str, what: str) -> None:
    """Refuse names no file system allows in a path component (they would make the encoding ambiguous)."""
    if name in ("", ".", ".."):
        raise NMLError(f"{what} {name!r} is not a valid file or folder name")
    if "/" in name:
        raise NMLError(f"{what} {name!r} contains '/', which no file or folder name can hold")


def dir_to_parts(dir: str) -> tuple[str, ...]:
    """Decode a stored ``DIR`` into its folder names.

    ``"/:Users/:me/:Music/:"`` → ``("Users", "me", "Music")``; ``"/:"`` (and ``""``) → ``()``; ``//`` in a
    name → ``:``. A missing final ``/:`` is tolerated. Anything else that is not Traktor's form (no leading
    ``/:``, a bare ``:``, an empty folder name) raises :class:`NMLError`: such a location has no usable path.
    """
    if dir in ("", DIR_SEPARATOR):
        return ()
    if not dir.startswith(DIR_SEPARATOR):
        raise NMLError(f"folder {dir!r} is not in Traktor's '/:name/:name/:' form")
    # A ':' that belongs to a name is stored as '//', so every ':' left in DIR ends a '/:' separator.
    # Splitting on ':' therefore gives pieces that each end with the separator's '/' (except the text after
    # the last one).
    pieces = dir.split(":")
    last = pieces.pop()
    parts: list[str] = []
    for piece in pieces[1:]:
        if not piece.endswith("/"):
            raise NMLError(f"folder {dir!r} is not in Traktor's '/:name/:name/:' form (stray ':')")
        parts.append(piece[:-1])
    if last:
        parts.append(last)  # tolerated: a DIR without its final '/:'
    names = tuple(decode_name(part) for part in parts)
    for name in names:
        _check_name(name, f"folder {dir!r} holds the name")
    return names


def parts_to_dir(parts: tuple[str, ...] | list[str]) -> str:
    """Encode folder names in Traktor's ``DIR`` form: ``("Users", "me")`` → ``"/:Users/:me/:"``.

    No names give ``"/:"``, the top of the volume.

    Names must be real folder names (not empty, not ``.`` or ``..``, no ``/``); otherwise :class:`NMLError`.
    """
    for part in parts:
        _check_name(part, "folder name")
    return DIR_SEPARATOR + "".join(encode_name(part) + DIR_SEPARATOR for part in parts)


# --- locations ↔ paths ----------------------------------------------------------------------------


def location_to_path(
    loc: Location, platform: Platform | None = None, *, startup_volume: str = DEFAULT_STARTUP_VOLUME
) -> str:
    """The operating-system path of a Traktor location.

    * Windows: ``C:`` + ``\\``-joined names (``C:\\Users\\me\\a.mp3``); the volume must be a drive.
    * macOS: the start-up volume (``startup_volume``) is ``/``; any other volume is ``/Volumes/NAME``.
    * Linux: the volume is ignored; every location lives on the root file system, like macOS's start-up disk.

    Raises :class:`NMLError` when the location cannot name a file on that platform.
    """
    platform = _resolve_platform(platform)
    names = [*dir_to_parts(loc.dir), decode_name(loc.file)]
    _check_name(names[-1], "file name")
    if platform == "windows":
        if not _WINDOWS_DRIVE.fullmatch(loc.volume):
            raise NMLError(
                f"volume {loc.volume!r} is not a Windows drive such as 'C:'; this track was added on another computer"
            )
        for name in names:
            if "\\" in name:
                raise NMLError(f"name {name!r} contains '\\', which Windows does not allow")
        return loc.volume + "\\" + "\\".join(names)
    if platform == "macos" and loc.volume != startup_volume:
        if not loc.volume or "/" in loc.volume:
            raise NMLError(f"volume {loc.volume!r} is not a macOS volume name")
        return f"{MACOS_VOLUMES_ROOT}/{loc.volume}/" + "/".join(names)
    return "/" + "/".join(names)


def path_to_location(
    path: str | os.PathLike[str],
    platform: Platform | None = None,
    *,
    startup_volume: str = DEFAULT_STARTUP_VOLUME,
    volume_id: str = "",
) -> Location:
    """The Traktor location of an absolute file path: the inverse of :func:`location_to_path`.

    * Windows: ``C:\\a\\b.mp3`` (``/`` also accepted, ``\\\\?\\C:\\…`` too) → volume ``C:`` (drive letter in
      upper case, as Traktor writes it).
    * macOS: ``/Volumes/NAME/…`` → volume ``NAME``; any other absolute path → ``startup_volume``.
    * Linux: every path → ``startup_volume``.

    Names are kept exactly as given (no Unicode normalisation); repeated separators and ``.`` are dropped.
    Relative paths, network (UNC) paths, ``..`` and paths that end in a separator raise :class:`NMLError`.
    ``volume_id`` is stored as given: Harmony never invents one.
    """
    platform = _resolve_platform(platform)
    text = os.fspath(path)
    if platform == "windows":
        volume, names = _split_windows_path(text)
    else:
        volume, names = _split_posix_path(text, platform, startup_volume)
    *folders, file = names
    return Location(volume=volume, dir=parts_to_dir(folders), file=encode_name(file), volume_id=volume_id)


def _split_windows_path(text: str) -> tuple[str, list[str]]:
    if text.startswith(_WINDOWS_LONG_PREFIX + "UNC\\"):
        raise NMLError(f"{text!r} is a network (UNC) path; {_NEEDS_DRIVE}")
    if text.startswith(_WINDOWS_LONG_PREFIX):
        text = text[len(_WINDOWS_LONG_PREFIX) :]
    text = text.replace("/", "\\")
    if text.startswith("\\\\"):
        raise NMLError(f"{text!r} is a network (UNC) path; {_NEEDS_DRIVE}")
    match = _WINDOWS_ABSOLUTE.fullmatch(text)
    if match is None:
        if _WINDOWS_DRIVE_RELATIVE.match(text):
            raise NMLError(f"{text!r} is relative to the drive's current folder; {_GIVE_FULL_PATH}")
        raise NMLError(f"{text!r} is a relative path; {_GIVE_FULL_PATH}")
    drive, rest = match.groups()
    return drive.upper() + ":", _path_names(text, rest, "\\")


def _split_posix_path(text: str, platform: Platform, startup_volume: str) -> tuple[str, list[str]]:
    if not text.startswith("/"):
        raise NMLError(f"{text!r} is a relative path; give the full path starting with '/'")
    names = _path_names(text, text, "/")
    if platform == "macos" and names[0] == MACOS_VOLUMES_ROOT[1:]:
        if len(names) < 3:
            raise NMLError(f"{text!r} names a volume, not a file")
        return names[1], names[2:]
    return startup_volume, names


def _path_names(path: str, rest: str, separator: str) -> list[str]:
    """The names of ``rest`` (a path without its root), dropping empty and ``.`` parts as the OS does."""
    if not rest or rest.endswith(separator):
        raise NMLError(f"{path!r} names a folder, not a file")
    names = [name for name in rest.split(separator) if name not in ("", ".")]
    if ".." in names:
        raise NMLError(f"{path!r} contains '..'; give the resolved path of the file")
    if not names:
        raise NMLError(f"{path!r} names a folder, not a file")
    return names


# --- playlist keys and matching -------------------------------------------------------------------


def playlist_key(loc: Location) -> str:
    """The playlist ``PRIMARYKEY KEY`` of a location: VOLUME + DIR + FILE, the stored strings untouched."""
    return loc.volume + loc.dir + loc.file


def split_playlist_key(key: str) -> tuple[str, str, str]:
    """Split a playlist track key into (volume, dir, file), the inverse of :func:`playlist_key`.

    The volume is what precedes the first ``/:``; the file is what follows the last one (a stored name holds
    no ``:``). A key with no ``/:`` (a streaming ``LOCATION@WEBADDRESS`` key, or garbage) raises
    :class:`NMLError`.
    """
    first = key.find(DIR_SEPARATOR)
    if first < 0:
        raise NMLError(f"playlist key {key!r} is not a VOLUME/:FOLDER/:FILE track key")
    last = key.rfind(DIR_SEPARATOR)
    end = last + len(DIR_SEPARATOR)
    return key[:first], key[first:end], key[end:]


def comparison_key(text: str, platform: Platform | None = None) -> str:
    """A copy of ``text`` normalised the way the platform's file system compares names, for matching only.

    Always Unicode NFC (macOS stores NFD, Windows and Linux usually NFC, and Traktor keeps whatever it was
    given); case-folded on Windows and macOS, whose usual file systems ignore case, but not on Linux. Never
    write this back: the stored strings are the truth.
    """
    platform = _resolve_platform(platform)
    if platform == "linux":
        return unicodedata.normalize("NFC", text)
    # Canonical caseless matching (Unicode 3.13, D145): fold the decomposed form, then recompose.
    return unicodedata.normalize("NFC", unicodedata.normalize("NFD", text).casefold())


def path_key(path: str, platform: Platform | None = None) -> str:
    """The key two spellings of one local file share on ``platform`` (default: this machine's), for matching only.

    :func:`comparison_key` of the path (Unicode NFC; case-folded on Windows and macOS) and, on Windows, where
    ``\\`` and ``/`` are one separator, with every ``\\`` made ``/``. The forward slash is the one the library
    has always stored in its ``path_key`` column, so a key computed here and a stored one compare equal. Never
    write a key back: the original spelling is the truth.
    """
    platform = _resolve_platform(platform)
    if platform == "windows":
        path = path.replace("\\", "/")
    return comparison_key(path, platform)
