"""Where a Traktor location lives on this computer, and back: path mappings and comparison keys.

Traktor names a file by ``VOLUME`` + ``DIR`` + ``FILE`` (see :mod:`harmony.nml.paths`). On its own platform a
location resolves natively (a Windows drive, a macOS volume). A DJ who moves between Windows and macOS, or whose
drive letter changed, gives *path mappings* like Lexicon's "local path mappings"::

    C:/Users/josev/Music=/home/dj/Music

The left side is the NML's volume followed by its folders, joined with ``/``; the right side is a local folder.
A location under the left side resolves under the right side. Mappings are tried longest first, so a mapping for
a sub-folder beats one for its parent. Export applies them in reverse (:meth:`PathResolver.to_location`).

Prefixes are compared a name at a time, ignoring case and Unicode form: a DJ typing ``c:/users/JoseV/music``
means the same folder, and no two real music folders differ only by case.
"""

from __future__ import annotations

import logging
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from harmony.errors import NMLError, SyncError
from harmony.nml import (
    DEFAULT_STARTUP_VOLUME,
    Location,
    Platform,
    encode_name,
    location_to_path,
    parts_to_dir,
    path_key,
    path_to_location,
)

log = logging.getLogger(__name__)

__all__ = ["PathMapping", "PathResolver", "fold_name", "merged_mappings"]

# A file name no real file has, used to resolve a folder through the rules for files.
_PLACEHOLDER = "harmony-folder-probe"


def fold_name(name: str) -> str:
    """A file or folder name as compared where case and Unicode form may differ (mapping prefixes; a moved
    collection that crossed from a file system ignoring case to one that does not): NFC, case-folded."""
    return unicodedata.normalize("NFC", unicodedata.normalize("NFD", name).casefold())


def merged_mappings(stored: Iterable[PathMapping], given: Iterable[PathMapping]) -> list[PathMapping]:
    """``stored`` with ``given`` over them: a given mapping replaces the stored one for its prefix
    (:attr:`PathMapping.prefix_key`) in its place, the other given ones follow; of two given for one prefix, the
    first (as the resolver would use it)."""
    over: dict[tuple[str, ...], PathMapping] = {}
    for mapping in given:
        over.setdefault(mapping.prefix_key, mapping)
    merged = [over.pop(mapping.prefix_key, mapping) for mapping in stored]
    return merged + list(over.values())


def _nfc(name: str) -> str:
    return unicodedata.normalize("NFC", name)


def _local_name_fold(platform: Platform) -> Callable[[str], str]:
    """How local names compare on ``platform``: folded where its file systems usually ignore case (Windows,
    macOS), only made NFC on Linux."""
    return fold_name if platform != "linux" else _nfc


def _local_names(path: str, platform: Platform) -> tuple[str, list[str]]:
    """Split a local path into its root (``C:`` or ``/``) and its names."""
    if platform == "windows":
        text = path.replace("/", "\\")
        drive, _, rest = text.partition("\\")
        return drive, [name for name in rest.split("\\") if name not in ("", ".")]
    return "/", [name for name in path.split("/") if name not in ("", ".")]


def _join_local(root: str, names: Sequence[str], platform: Platform) -> str:
    if platform == "windows":
        return root + "\\" + "\\".join(names)
    return "/" + "/".join(names)


@dataclass(frozen=True, slots=True)
class PathMapping:
    """Rewrite locations under ``nml_prefix`` (volume + folders, ``/``-joined) to paths under ``local_prefix``."""

    nml_prefix: str
    local_prefix: str

    @classmethod
    def parse(cls, text: str) -> PathMapping:
        """Read ``NML_PREFIX=LOCAL`` (the form of ``--map`` and of the ``path_mappings`` setting)."""
        left, sep, right = text.partition("=")
        left, right = left.strip(), right.strip()
        if not sep or not left or not right:
            raise SyncError(
                f"Path mapping {text!r} is not NML_PREFIX=LOCAL_FOLDER, e.g. 'C:/Users/me/Music=/home/me/Music'."
            )
        if not _nml_names(left):
            raise SyncError(f"Path mapping {text!r} has no volume on its left side.")
        return cls(left, right)

    @classmethod
    def of(cls, nml_prefix: str, local_prefix: str) -> PathMapping:
        """The mapping of a stored pair (either side may hold ``=``); the same checks as :meth:`parse`."""
        left, right = nml_prefix.strip(), local_prefix.strip()
        if not left or not right or not _nml_names(left):
            raise SyncError(
                f"Path mapping {nml_prefix!r} → {local_prefix!r} is not NML_PREFIX=LOCAL_FOLDER: "
                "it needs an NML volume on its left side and a local folder on its right."
            )
        return cls(left, right)

    @property
    def nml_names(self) -> tuple[str, ...]:
        """The volume and the folder names of the left side."""
        return _nml_names(self.nml_prefix)

    @property
    def prefix_key(self) -> tuple[str, ...]:
        """The left side as the resolver matches it (each name folded): two mappings with the same key are one
        mapping given twice, the later replacing the earlier."""
        return tuple(fold_name(name) for name in self.nml_names)

    def __str__(self) -> str:
        return f"{self.nml_prefix}={self.local_prefix}"


def _nml_names(prefix: str) -> tuple[str, ...]:
    # A volume may itself contain spaces ("Macintosh HD"); "/" only separates. A trailing "/" is harmless.
    return tuple(name for name in prefix.replace("\\", "/").split("/") if name)


class PathResolver:
    """Turns Traktor locations into local paths and back, with the DJ's path mappings, for one platform."""

    def __init__(
        self,
        platform: Platform,
        mappings: Iterable[PathMapping] = (),
        *,
        startup_volume: str = DEFAULT_STARTUP_VOLUME,
    ) -> None:
        self.platform: Platform = platform
        self.startup_volume = startup_volume
        # Longest prefix first: a mapping for a sub-folder beats one for its parent.
        ordered = sorted(mappings, key=lambda m: len(m.nml_names), reverse=True)
        self._forward = [(m.prefix_key, m) for m in ordered]
        by_local = sorted(ordered, key=lambda m: len(_local_names(m.local_prefix, platform)[1]), reverse=True)
        self._reverse = [(self._local_fold(m.local_prefix), m) for m in by_local]
        self._folders: dict[tuple[str, str], str | NMLError] = {}

    @property
    def mappings(self) -> tuple[PathMapping, ...]:
        return tuple(m for _, m in self._forward)

    def _local_fold(self, path: str) -> tuple[str, ...]:
        root, names = _local_names(path, self.platform)
        fold = _local_name_fold(self.platform)
        return (fold(root), *(fold(name) for name in names))

    def to_path(self, location: Location) -> str:
        """The local path of ``location``: through the longest matching mapping, else natively.

        Raises :class:`NMLError` when the location names no file on this platform (a malformed ``DIR``, a
        macOS volume on Windows with no mapping…).
        """
        folder = self._folders.get((location.volume, location.dir))
        if folder is None:
            folder = self._folder(location)
            self._folders[(location.volume, location.dir)] = folder
        if isinstance(folder, NMLError):
            raise NMLError(str(folder))
        name = location.name
        if name in ("", ".", "..") or "/" in name or (self.platform == "windows" and "\\" in name):
            raise NMLError(f"file name {name!r} is not a valid file name")
        return folder + name

    def _folder(self, location: Location) -> str | NMLError:
        """The local folder (with its final separator) of a location's volume and ``DIR``.

        Collections hold many tracks per folder, so this is worked out once per folder: a placeholder file
        name goes through the full rules, and is cut off again."""
        try:
            path = self._full_path(Location(location.volume, location.dir, _PLACEHOLDER))
        except NMLError as error:
            return error
        return path[: -len(_PLACEHOLDER)]

    def _full_path(self, location: Location) -> str:
        if not self._forward:
            return location_to_path(location, self.platform, startup_volume=self.startup_volume)
        names = (location.volume, *location.parts, location.name)
        folded = tuple(fold_name(name) for name in names)
        for prefix, mapping in self._forward:
            if len(prefix) < len(folded) and folded[: len(prefix)] == prefix:
                root, local = _local_names(mapping.local_prefix, self.platform)
                return _join_local(root, [*local, *names[len(prefix) :]], self.platform)
        return location_to_path(location, self.platform, startup_volume=self.startup_volume)

    def to_location(self, path: str, volume_id: str = "") -> Location:
        """The Traktor location of a local ``path``: the reverse of :meth:`to_path` (mappings in reverse)."""
        root, names = _local_names(path, self.platform)
        fold = _local_name_fold(self.platform)
        folded = (fold(root), *(fold(name) for name in names))
        for prefix, mapping in self._reverse:
            if len(prefix) < len(folded) and folded[: len(prefix)] == prefix:
                volume, *folders = mapping.nml_names
                rest = names[len(prefix) - 1 :]
                *more, file = rest
                return Location(
                    volume=volume, dir=parts_to_dir([*folders, *more]), file=encode_name(file), volume_id=volume_id
                )
        return path_to_location(path, self.platform, startup_volume=self.startup_volume, volume_id=volume_id)

    def key_of_path(self, path: str) -> str:
        """The comparison key of a local path on this resolver's platform."""
        return path_key(path, self.platform)

    def moved_since_base(self, harmony_path: str, base_path: str) -> bool:
        """Whether the track's path in Harmony names another file here than its path at the last sync: Harmony
        moved it since (a relocation), a change of Harmony's like an edit (:mod:`harmony.sync.since_base`)."""
        return harmony_path != base_path and self.key_of_path(harmony_path) != self.key_of_path(base_path)

    def moved_in_harmony(self, harmony_path: str, base_path: str, entry_path: str) -> bool:
        """Whether Harmony moved the track's file since the last sync (a relocation) while Traktor's entry still
        names the file it had then: the export carries the move to Traktor, and an import before it leaves the
        track where Harmony put it. One rule for both directions."""
        return self.moved_since_base(harmony_path, base_path) and self.key_of_path(entry_path) == self.key_of_path(
            base_path
        )

    def key_of_location(self, location: Location) -> str | None:
        """The comparison key of the local file a location names, or None when it names none here."""
        try:
            return self.key_of_path(self.to_path(location))
        except NMLError:
            return None
